"""Settings, split by concern, read from ``GEOZONE_*`` environment variables.

``QuerySettings`` (limits on queries, incl. the parcel work budget), ``CoverageSettings``
(coverage defaults and the what-if candidate cap), ``JobSettings`` (batch-job quotas,
sizes and retention) and the HTTP service's top-level values. Nested values use ``__``,
e.g. ``GEOZONE_QUERY__MAX_VERTICES=5000``, ``GEOZONE_JOBS__RETENTION_HOURS=48``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, BeforeValidator, Field, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from geozone import resources
from geozone.budget import DEFAULT_MAX_PARCEL_WORK

REPO_ROOT = resources.CHECKOUT
"""The repository root in a source checkout (site-packages for an installed package)."""


def _comma_list(value: object) -> object:
    if isinstance(value, str):
        return [v.strip() for v in value.split(",") if v.strip()]
    return value


class QuerySettings(BaseModel):
    """Limits applied to every lookup, from any interface."""

    max_vertices: int = Field(10_000, description="Most vertices accepted in one query geometry.")
    max_batch_features: int = Field(1_000, description="Most features in one synchronous batch.")
    default_tolerance_m: float = Field(5.0, ge=0, description="Boundary tolerance in metres.")
    max_tolerance_m: float = Field(
        500.0, ge=0, allow_inf_nan=False, description="Largest tolerance a caller may ask."
    )
    max_parcel_work: int = Field(
        DEFAULT_MAX_PARCEL_WORK,
        ge=1,
        description="Most work one parcel lookup may take: parcel vertices × zone features "
        "within its extent grown by the tolerance (geozone/budget.py; 2e7 is about 2 s of "
        "CPU). Over it: 413 query_too_large.",
    )
    max_parcel_area_m2: float = Field(
        1e8,
        gt=0,
        allow_inf_nan=False,
        description="Largest parcel accepted, in m² (EPSG:4548); default 100 km². Over it: "
        "422 parcel_too_large (split the area, or send the pieces as a batch).",
    )
    max_batch_work: int = Field(
        100_000_000,
        ge=1,
        description="Most summed parcel work of one synchronous batch "
        "(POST /api/v1/lookup/batch; about 10 s of CPU). Over it: 413; use a job.",
    )

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
    residential_classes: Annotated[list[str], NoDecode, BeforeValidator(_comma_list)] = ["0701"]
    max_candidates: int = Field(
        500,
        ge=1,
        description="Most candidate parks in one what-if (POST /api/v1/coverage with a "
        "district and parks); over it: 422 naming 'parks'.",
    )


class JobSettings(BaseModel):
    """Limits on background batch jobs (``POST /api/v1/jobs``; ``GEOZONE_JOBS__*``).

    Anonymous clients are told apart by IP address, token holders by token name; quotas
    are counted per worker process.
    """

    max_active_anonymous: int = Field(
        2, ge=0, description="Queued or running jobs one anonymous client (by IP) may have."
    )
    max_per_hour_anonymous: int = Field(
        10, ge=0, description="Jobs one anonymous client (by IP) may start per hour."
    )
    max_active_token: int = Field(
        10, ge=0, description="Queued or running jobs one token holder may have."
    )
    max_per_hour_token: int = Field(
        200, ge=0, description="Jobs one token holder may start per hour."
    )
    max_rows: int = Field(
        20_000, ge=1, description="Most input rows (features) in one job; over it: 413."
    )
    max_result_bytes: int = Field(
        100_000_000, ge=1_000, description="Largest result (GeoJSON + CSV) of one job."
    )
    max_total_bytes: int = Field(
        2_000_000_000,
        ge=10_000,
        description="Most bytes the jobs folder may hold; expired results are pruned first, "
        "then a new job is refused with 507 jobs_storage_full.",
    )
    retention_hours: float = Field(
        24.0,
        gt=0,
        allow_inf_nan=False,
        description="Hours a finished job's files are kept; then 410 job_expired.",
    )
    sweep_interval_s: float = Field(
        300.0, gt=0, allow_inf_nan=False, description="Seconds between expiry sweeps."
    )


class Settings(BaseSettings):
    """All geozone settings; ``GEOZONE_`` prefix, ``__`` for nested values."""

    model_config = SettingsConfigDict(
        env_prefix="GEOZONE_", env_nested_delimiter="__", extra="ignore"
    )

    layers_dir: Path = Field(
        default_factory=resources.default_layers_dir,
        description="Layer folder; default the checkout's layers/, or for an installed "
        "package a working copy of its synthetic demo layers in $XDG_STATE_HOME/geozone.",
    )
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
    cors_origins: Annotated[list[str], NoDecode, BeforeValidator(_comma_list)] = []
    report_store: Path | None = Field(
        None,
        description="SQLite file of answered lookups; default var/reports.sqlite in a "
        "checkout, $XDG_STATE_HOME/geozone/reports.sqlite (~/.local/state) when installed.",
    )
    signing_key_file: Path | None = Field(
        None,
        description="Ed25519 private key (PEM PKCS#8 or 32 raw bytes) that signs every stored "
        "report (geozone/signing.py); default signing-key.pem beside the report store, "
        "generated once with mode 0600 and shared by every worker and restart.",
    )
    jobs_dir: Path | None = Field(
        None, description="Folder of batch-job uploads and results; default var/jobs"
    )
    max_body_bytes: int = Field(5_000_000, ge=1_000)
    geometry_threads: int = Field(
        2,
        ge=1,
        le=64,
        description="Threads per worker process for geometry work off the event loop "
        "(parcel and batch lookups, coverage, OGC items); each holds its own lookup index "
        "(~30 MB for the shipped layers).",
    )
    tile_cache_mb: float = Field(
        64.0,
        ge=0,
        le=65_536,
        description="Bytes (MiB) of encoded vector tiles each worker process keeps in its "
        "LRU cache (``GEOZONE_TILE_CACHE_MB``; 0 turns the cache off).",
    )
    basemap_url: str | None = Field(
        None,
        description="Optional XYZ tile URL for the web map, offered as its 'custom' basemap "
        "(geozone/basemaps.py); the map works without it.",
    )
    basemap_crs: Literal["wgs84", "gcj02"] = Field(
        "wgs84", description="The CRS basemap_url's tiles are drawn in: wgs84 or gcj02."
    )
    basemaps: Annotated[list[str], NoDecode, BeforeValidator(_comma_list)] = Field(
        ["osm", "amap"],
        description="Public basemaps the map offers (osm, amap); empty for an offline "
        "deployment. None is drawn until a user picks one.",
    )
    tianditu_key: str | None = Field(
        None,
        description="天地图 browser key; when set the map offers 天地图 vector and imagery.",
    )
    public_url: str | None = Field(
        None,
        description="The service's public base URL (e.g. https://geozone.example.org); when "
        "set, every absolute link (OGC, jobs, report permalinks, paging) starts with it "
        "instead of being built from the request's Host header.",
    )
    database_url: str | None = Field(
        None,
        description="PostgreSQL/PostGIS URL (postgresql://user:password@host:port/db) of the "
        "layer and report store shared by every machine (``geozone db init|import``); unset: "
        "the layer folder and the SQLite report store.",
    )
    database_check_s: float = Field(
        1.0,
        gt=0,
        le=60,
        description="With a database: longest wait for a NOTIFY of a new layer-set "
        "generation before a worker reads the generation anyway (a lost notification is "
        "made up for within this many seconds).",
    )
    lookup: Literal["memory", "sql"] = Field(
        "memory",
        description="Where lookups find their hits (geozone/lookup_mode.py): 'memory', an "
        "in-memory index of the layers in force (fastest; the layers must fit in memory), or "
        "'sql', spatial SQL against GEOZONE_DATABASE_URL's subdivided feature parts (layer "
        "sets too large for memory; same answers).",
    )
    sql_memory_max_features: int = Field(
        50_000,
        ge=0,
        description="With GEOZONE_LOOKUP=sql: layer versions of more features than this are "
        "kept in the database only (not loaded into each worker's memory); OGC items of them "
        "are read by SQL, tiles and coverage of them answer 501 layer_in_database_only. Admin "
        "layers are always loaded. Ignored with GEOZONE_LOOKUP=memory (everything is loaded).",
    )
    query: QuerySettings = QuerySettings()
    coverage: CoverageSettings = CoverageSettings()
    jobs: JobSettings = JobSettings()

    @model_validator(mode="after")
    def _check_basemaps(self) -> Settings:
        unknown = [b for b in self.basemaps if b not in ("osm", "amap")]
        if unknown:
            raise ValueError(f"basemaps: unknown {unknown}; choose from osm, amap")
        return self

    @model_validator(mode="after")
    def _check_public_url(self) -> Settings:
        url = self.public_url
        if url is not None and not url.startswith(("http://", "https://")):
            raise ValueError(f"public_url must start with http:// or https:// (got {url!r})")
        return self

    @property
    def report_store_path(self) -> Path:
        """Where the SQLite report store lives."""
        return self.report_store or (resources.state_dir() / "reports.sqlite")

    @property
    def signing_key_path(self) -> Path:
        """Where the generated signing key lives when ``signing_key_file`` is unset."""
        return self.report_store_path.parent / "signing-key.pem"

    @property
    def challenges_path(self) -> Path:
        """Where the SQLite store of report challenges lives (beside the report store)."""
        return self.report_store_path.parent / "challenges.sqlite"

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
