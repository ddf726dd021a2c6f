"""The layer-set manifest (``layers/manifest.toml``): a typed, validated description of layers.

A manifest has one ``[layerset]`` table and one ``[[layer]]`` table per *layer version*.
Several entries may share a layer ``id``: they are versions of that layer, each in force
from ``valid_from`` to ``valid_to`` (both inclusive; ``valid_to`` absent means open-ended).

Errors name the file, the key and the problem, e.g.
``layers/manifest.toml: layer[3].valid_from: invalid date``.
"""

from __future__ import annotations

import tomllib
from datetime import date
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from geozone.crs import parse_crs
from geozone.errors import GeozoneError, ManifestError
from geozone.vocab import LayerKind

MANIFEST_NAME = "manifest.toml"


class LayerEntry(BaseModel):
    """One version of one layer, as declared in the manifest."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$", description="Stable layer id, e.g. 'redline'.")
    kind: LayerKind
    title_zh: str = Field(min_length=1)
    title_en: str = Field(min_length=1)
    file: str = Field(min_length=1, description="Path relative to the manifest's folder.")
    layer: str | None = Field(None, description="Layer name inside a multi-layer file.")
    source_crs: str = Field(description="Declared CRS of the file: EPSG code, GCJ02 or BD09.")
    id_field: str = "feature_id"
    class_field: str = "zone_class"
    name_field: str | None = "name"
    version: str = Field(min_length=1)
    valid_from: date
    valid_to: date | None = None
    source: str = Field(min_length=1)
    licence: str = Field(min_length=1)
    synthetic: bool = False
    access: Literal["public", "restricted"] = Field(
        "public",
        description="'restricted': the geometry (coordinates, bboxes) is served only to "
        "reader and admin tokens; lookups still answer with verdicts and citations.",
    )
    description: str | None = None

    @field_validator("source_crs")
    @classmethod
    def _known_crs(cls, value: str) -> str:
        try:
            parse_crs(value)
        except GeozoneError as exc:
            raise ValueError(exc.message) from None
        return value

    @model_validator(mode="after")
    def _dates_ordered(self) -> LayerEntry:
        if self.valid_to is not None and self.valid_to < self.valid_from:
            raise ValueError(f"valid_to {self.valid_to} is before valid_from {self.valid_from}")
        return self

    def in_force(self, on: date) -> bool:
        """True when this version is in force on ``on`` (both ends inclusive)."""
        return self.valid_from <= on and (self.valid_to is None or on <= self.valid_to)

    @property
    def key(self) -> str:
        """``"<id>@<version>"``, the versioned id used in URLs and reports."""
        return f"{self.id}@{self.version}"

    @property
    def restricted(self) -> bool:
        """True for ``access = "restricted"``: geometry only for reader/admin tokens."""
        return self.access == "restricted"


class LayersetInfo(BaseModel):
    """Identity of a layer set."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(min_length=1)
    version: str = Field(min_length=1)
    title_zh: str
    title_en: str
    synthetic: bool = False
    rules: str = Field("rules", description="Folder of rule tables, relative to the manifest.")
    description: str | None = None


class Manifest(BaseModel):
    """A whole manifest: the layer set and its layer versions."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    layerset: LayersetInfo
    layer: list[LayerEntry] = Field(min_length=1)

    @model_validator(mode="after")
    def _consistent(self) -> Manifest:
        seen: dict[str, LayerEntry] = {}
        keys: set[str] = set()
        for entry in self.layer:
            if entry.key in keys:
                raise ValueError(f"layer {entry.id!r} declares version {entry.version!r} twice")
            keys.add(entry.key)
            first = seen.setdefault(entry.id, entry)
            if first.kind != entry.kind:
                raise ValueError(
                    f"layer {entry.id!r} has versions of different kinds "
                    f"({first.kind.value} and {entry.kind.value})"
                )
        return self

    def layer_ids(self) -> list[str]:
        """Layer ids in manifest order, each once."""
        return list(dict.fromkeys(e.id for e in self.layer))


def _format_loc(loc: tuple[int | str, ...]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def parse_manifest(data: dict[str, Any], source: str = "<manifest>") -> Manifest:
    """Validate a manifest given as a dict; errors name ``source``, the key and the problem."""
    try:
        return Manifest.model_validate(data)
    except ValidationError as exc:
        problems = [
            f"{source}: {_format_loc(e['loc']) or '<root>'}: {e['msg']}" for e in exc.errors()
        ]
        raise ManifestError(problems[0], {"file": source, "problems": problems}) from None


def load_manifest(path: Path | str) -> Manifest:
    """Read and validate ``manifest.toml`` (a file, or a folder that holds one).

    Raises
    ------
    ManifestError
        If the file is missing, is not TOML, or does not match the model.
    """
    path = Path(path)
    if path.is_dir():
        path = path / MANIFEST_NAME
    # the path as given (the CLI's user wants it); the HTTP service loads manifests at
    # start-up only, and its error handler cuts any absolute path to the file name
    if not path.is_file():
        raise ManifestError(f"{path}: manifest not found", {"file": str(path)})
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ManifestError(f"{path}: not valid TOML: {exc}", {"file": str(path)}) from None
    return parse_manifest(data, str(path))
