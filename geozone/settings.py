"""Settings, split by concern, read from ``GEOZONE_*`` environment variables.

``LayerSettings`` (where the layer set lives), ``QuerySettings`` (limits on queries),
``ApiSettings`` (HTTP service) and ``CoverageSettings`` (coverage defaults). Nested
values use ``__``, e.g. ``GEOZONE_QUERY__MAX_VERTICES=5000``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

from pydantic import BaseModel, BeforeValidator, Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_LAYERS_DIR = REPO_ROOT / "layers"


def _comma_list(value: object) -> object:
    if isinstance(value, str):
        return [v.strip() for v in value.split(",") if v.strip()]
    return value


class QuerySettings(BaseModel):
    """Limits applied to every lookup, from any interface."""

    max_vertices: int = Field(10_000, description="Most vertices accepted in one query geometry.")
    max_batch_features: int = Field(1_000, description="Most features in one synchronous batch.")
    default_tolerance_m: float = Field(5.0, ge=0, description="Boundary tolerance in metres.")
    max_tolerance_m: float = Field(500.0, ge=0, description="Largest tolerance a caller may ask.")

    @model_validator(mode="after")
    def _check(self) -> QuerySettings:
        if self.max_vertices < 4:
            raise ValueError("max_vertices must be at least 4 (a triangle ring)")
        if self.default_tolerance_m > self.max_tolerance_m:
            raise ValueError("default_tolerance_m exceeds max_tolerance_m")
        return self


class CoverageSettings(BaseModel):
    """Defaults for coverage metrics."""

    default_preset: str = "gbt50563"
    residential_classes: Annotated[list[str], BeforeValidator(_comma_list)] = ["0701"]


class Settings(BaseSettings):
    """All geozone settings; ``GEOZONE_`` prefix, ``__`` for nested values."""

    model_config = SettingsConfigDict(
        env_prefix="GEOZONE_", env_nested_delimiter="__", extra="ignore"
    )

    layers_dir: Path = DEFAULT_LAYERS_DIR
    host: str = "127.0.0.1"
    port: int = Field(8000, ge=1, le=65535)
    admin_token: str | None = Field(
        None, description="Legacy single admin bearer token (named 'admin'); unset = none."
    )
    tokens_file: Path | None = Field(
        None,
        description="TOML file of named, hashed admin/reader tokens (geozone/tokens.py); "
        "default var/tokens.toml beside the report store.",
    )
    layer_poll_s: float = Field(
        0.5,
        gt=0,
        le=3600,
        description="Seconds between a worker's looks at the layer folder for a new generation.",
    )
    audit_log: Path | None = Field(
        None,
        description="Append-only JSON-lines log of admin layer changes; "
        "default var/audit.jsonl beside the report store.",
    )
    cors_origins: Annotated[list[str], BeforeValidator(_comma_list)] = []
    report_store: Path | None = Field(
        None, description="SQLite file of answered lookups; default var/reports.sqlite"
    )
    jobs_dir: Path | None = Field(
        None, description="Folder of batch-job uploads and results; default var/jobs"
    )
    max_body_bytes: int = Field(5_000_000, ge=1_000)
    basemap_url: str | None = Field(
        None, description="Optional XYZ tile URL for the web map; the map works without it."
    )
    query: QuerySettings = QuerySettings()
    coverage: CoverageSettings = CoverageSettings()

    @property
    def report_store_path(self) -> Path:
        """Where the SQLite report store lives."""
        return self.report_store or (REPO_ROOT / "var" / "reports.sqlite")

    @property
    def tokens_path(self) -> Path:
        """Where the named tokens live (``geozone token new`` writes it)."""
        return self.tokens_file or (self.report_store_path.parent / "tokens.toml")

    @property
    def audit_path(self) -> Path:
        """Where the audit log of admin layer changes lives."""
        return self.audit_log or (self.report_store_path.parent / "audit.jsonl")

    @property
    def jobs_path(self) -> Path:
        """Where batch jobs keep their uploads and results."""
        return self.jobs_dir or (self.report_store_path.parent / "jobs")
