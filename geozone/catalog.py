"""The layer catalog: every version of every layer of a layer set, loaded and indexed.

:func:`load_catalog` reads the manifest, reads each layer file with pyogrio, checks and
records its CRS, reprojects once to the analysis CRS (EPSG:4548, metres) and keeps a
WGS84 copy for output. :meth:`Catalog.in_force` picks the version of a layer in force
on a date and the caller reports which one it used (``LayerVersion.key``).

Each loaded frame has normalised columns ``feature_id`` (str), ``zone_class`` (the
vocabulary code where the file's value is known, else the raw value), ``name``
(str or None) and ``synthetic`` (bool), followed by the file's other attributes.
"""

from __future__ import annotations

import hashlib
import logging
import time
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import shapely
from pyproj import CRS

from geozone import ANALYSIS_CRS, OUTPUT_CRS
from geozone.crs import diagnose_shift, geometries_to, parse_crs
from geozone.errors import (
    LayerInDatabaseOnly,
    LayerLoadError,
    LayerNotFound,
    UnknownClass,
    without_paths,
)
from geozone.manifest import LayerEntry, LayersetInfo, Manifest, load_manifest
from geozone.vocab import LayerKind, normalize_class

log = logging.getLogger(__name__)

NORMALISED_COLUMNS = ("feature_id", "zone_class", "name", "synthetic")


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


@dataclass
class LayerVersion:
    """One loaded version of a layer.

    Attributes
    ----------
    entry
        The manifest entry it was loaded from.
    loaded_frame
        Features in the analysis CRS (EPSG:4548, metres), normalised columns first;
        ``None`` when they are kept in the database only (read :attr:`frame`).
    loaded_frame_wgs84
        The same features in WGS84 (EPSG:4326) for output; ``None`` likewise.
    file_crs
        The CRS the file itself declared (may be ``None``), recorded for reports.
    sha256
        Hash of the file's bytes.
    warnings
        Load-time warnings (e.g. outlines that look like GCJ-02).
    stored_count
        For a version kept in the database only: its number of features there.
    stored_schema
        For a version kept in the database only: an empty WGS84 frame with its columns
        and dtypes (for queryables).
    stored_bounds
        For a version kept in the database only: its WGS84 bounds (minLon, minLat,
        maxLon, maxLat; ``None`` when it has no geometry).
    """

    entry: LayerEntry
    loaded_frame: gpd.GeoDataFrame | None
    loaded_frame_wgs84: gpd.GeoDataFrame | None
    file_crs: str | None
    sha256: str
    warnings: list[str] = field(default_factory=list)
    stored_count: int | None = None
    stored_schema: gpd.GeoDataFrame | None = None
    stored_bounds: tuple[float, float, float, float] | None = None

    @property
    def in_memory(self) -> bool:
        """Whether the features are loaded; ``False``: kept in the database only.

        With ``GEOZONE_LOOKUP=sql`` the database store loads only admin layers and layers
        of at most ``GEOZONE_SQL_MEMORY_MAX_FEATURES`` features (:mod:`geozone.db.layer_store`).
        """
        return self.loaded_frame is not None

    @property
    def frame(self) -> gpd.GeoDataFrame:
        """Features in the analysis CRS (EPSG:4548, metres), normalised columns first.

        Raises
        ------
        LayerInDatabaseOnly
            The version is kept in the database only (:attr:`in_memory` is false).
        """
        if self.loaded_frame is None:
            raise self.not_in_memory()
        return self.loaded_frame

    @property
    def frame_wgs84(self) -> gpd.GeoDataFrame:
        """The same features in WGS84 (EPSG:4326) for output (raises as :attr:`frame`)."""
        if self.loaded_frame_wgs84 is None:
            raise self.not_in_memory()
        return self.loaded_frame_wgs84

    @property
    def schema_wgs84(self) -> gpd.GeoDataFrame:
        """An empty WGS84 frame with the version's columns and dtypes (in memory or not)."""
        if self.loaded_frame_wgs84 is not None:
            return self.loaded_frame_wgs84.iloc[:0]
        if self.stored_schema is None:
            raise self.not_in_memory("its columns")
        return self.stored_schema

    def bounds_wgs84(self) -> tuple[float, float, float, float] | None:
        """WGS84 bounds (minLon, minLat, maxLon, maxLat); ``None`` without features."""
        if self.loaded_frame_wgs84 is None:
            return self.stored_bounds
        if not len(self.loaded_frame_wgs84):
            return None
        b = self.loaded_frame_wgs84.total_bounds
        return float(b[0]), float(b[1]), float(b[2]), float(b[3])

    def not_in_memory(self, what: str = "this request") -> LayerInDatabaseOnly:
        """The error naming this version and the setting that kept it out of memory."""
        return LayerInDatabaseOnly(
            f"layer version {self.key} ({self.feature_count} features) is kept in the "
            f"database only (GEOZONE_LOOKUP=sql, over GEOZONE_SQL_MEMORY_MAX_FEATURES); "
            f"{what} needs it in memory: raise the setting or use GEOZONE_LOOKUP=memory",
            {"layer_id": self.id, "version": self.version, "feature_count": self.feature_count},
        )

    @property
    def id(self) -> str:
        """The layer id."""
        return self.entry.id

    @property
    def version(self) -> str:
        """The version label."""
        return self.entry.version

    @property
    def key(self) -> str:
        """``"<id>@<version>"``."""
        return self.entry.key

    @property
    def kind(self) -> LayerKind:
        """The layer kind."""
        return self.entry.kind

    @property
    def feature_count(self) -> int:
        """Number of features (in memory, or in the database for a database-only version)."""
        if self.loaded_frame is not None:
            return len(self.loaded_frame)
        return int(self.stored_count or 0)

    @property
    def geometries(self) -> np.ndarray:
        """A fresh copy of the analysis-CRS geometries, prepared for repeated predicates.

        New GEOS objects on every call, for the caller's thread alone: prepared geometries
        build state lazily and must not be shared between threads (:mod:`geozone.lanes`),
        and the frame's own geometries stay unprepared for everyone who reads them.
        """
        geoms = shapely.from_wkb(shapely.to_wkb(np.asarray(self.frame.geometry.values)))
        shapely.prepare(geoms)
        return geoms

    def tree(self) -> shapely.STRtree:
        """A new STRtree over a fresh copy of :attr:`geometries` (per call, per thread)."""
        return shapely.STRtree(self.geometries)

    def summary(self) -> dict[str, object]:
        """A JSON-ready description: id, kind, titles, version, dates, counts, provenance."""
        e = self.entry
        return {
            "id": e.id,
            "key": e.key,
            "kind": e.kind.value,
            "title_zh": e.title_zh,
            "title_en": e.title_en,
            "version": e.version,
            "valid_from": e.valid_from.isoformat(),
            "valid_to": e.valid_to.isoformat() if e.valid_to else None,
            "feature_count": self.feature_count,
            "source_crs": e.source_crs,
            "file_crs": self.file_crs,
            "source": e.source,
            "licence": e.licence,
            "synthetic": e.synthetic,
            "access": e.access,
            "sha256": self.sha256,
            "warnings": list(self.warnings),
        }


@dataclass
class Catalog:
    """All loaded layer versions of a layer set, grouped by layer id, oldest first."""

    root: Path
    manifest: Manifest
    versions: dict[str, list[LayerVersion]]
    hash: str
    load_seconds: float = 0.0

    @property
    def info(self) -> LayersetInfo:
        """The layer set's identity (id, version, titles, synthetic flag)."""
        return self.manifest.layerset

    @property
    def rules_dir(self) -> Path:
        """Folder of the rule tables for this layer set."""
        return self.root / self.info.rules

    @property
    def synthetic(self) -> bool:
        """True when the layer set or any layer in it is synthetic."""
        return self.info.synthetic or any(
            v.entry.synthetic for vs in self.versions.values() for v in vs
        )

    def layer_ids(self) -> list[str]:
        """Layer ids in manifest order."""
        return list(self.versions)

    def all_versions(self) -> list[LayerVersion]:
        """Every loaded version of every layer."""
        return [v for vs in self.versions.values() for v in vs]

    def restricted(self, layer_id: str) -> bool:
        """True when any version of the layer is ``access = "restricted"``.

        Access is decided per layer, not per version: one restricted version withholds
        the geometry of every version of that layer from callers without a reader token.
        """
        return any(v.entry.restricted for v in self.versions_of(layer_id))

    def restricted_ids(self) -> frozenset[str]:
        """Ids of the restricted layers."""
        return frozenset(i for i in self.versions if self.restricted(i))

    def versions_of(self, layer_id: str) -> list[LayerVersion]:
        """All versions of a layer, oldest ``valid_from`` first.

        Raises
        ------
        LayerNotFound
            If the catalog has no layer with that id.
        """
        try:
            return self.versions[layer_id]
        except KeyError:
            raise LayerNotFound(f"no layer {layer_id!r}", {"layer_id": layer_id}) from None

    def get(self, layer_id: str, version: str | None = None) -> LayerVersion:
        """A layer version by id and version label (or ``"id@version"``); newest if omitted."""
        if version is None and "@" in layer_id:
            layer_id, version = layer_id.split("@", 1)
        versions = self.versions_of(layer_id)
        if version is None:
            return versions[-1]
        for v in versions:
            if v.version == version:
                return v
        raise LayerNotFound(
            f"layer {layer_id!r} has no version {version!r}",
            {"layer_id": layer_id, "version": version, "known": [v.version for v in versions]},
        )

    def in_force(self, layer_id: str, as_of: date | None = None) -> LayerVersion | None:
        """The version of ``layer_id`` in force on ``as_of`` (default today), or ``None``.

        If (invalidly) several overlap, the one that started last wins.
        """
        on = as_of or date.today()
        candidates = [v for v in self.versions_of(layer_id) if v.entry.in_force(on)]
        return max(candidates, key=lambda v: v.entry.valid_from) if candidates else None

    def select(
        self, as_of: date | None = None, kinds: Iterable[LayerKind | str] | None = None
    ) -> list[LayerVersion]:
        """One version per layer (the one in force on ``as_of``), optionally of some kinds."""
        wanted = {LayerKind(k) for k in kinds} if kinds is not None else None
        out = []
        for layer_id, versions in self.versions.items():
            if wanted is not None and versions[0].kind not in wanted:
                continue
            chosen = self.in_force(layer_id, as_of)
            if chosen is not None:
                out.append(chosen)
        return out

    def answerable_dates(self) -> dict[str, Any] | None:
        """The dates a lookup can be answered for: those with an admin layer version in force.

        Returns ``{"valid_from": ..., "valid_to": ..., "ranges": [[from, to], ...]}`` (ISO
        dates; ``valid_to`` and a range's end are ``None`` when open-ended), the ranges
        merged and oldest first, or ``None`` when the layer set has no admin layer at all.

        Examples
        --------
        A layer set whose admin layer starts on 2020-01-01 and never ends answers
        ``{"valid_from": "2020-01-01", "valid_to": None, "ranges": [["2020-01-01", None]]}``.
        """
        spans = sorted(
            (v.entry.valid_from, v.entry.valid_to)
            for vs in self.versions.values()
            for v in vs
            if v.kind == LayerKind.ADMIN
        )
        if not spans:
            return None
        merged: list[list[date | None]] = []
        for start, end in spans:
            last = merged[-1] if merged else None
            if last is not None and (last[1] is None or start <= last[1] + timedelta(days=1)):
                if last[1] is not None and (end is None or end > last[1]):
                    last[1] = end
                continue
            merged.append([start, end])

        def iso(d: date | None) -> str | None:
            return d.isoformat() if d is not None else None

        return {
            "valid_from": iso(merged[0][0]),
            "valid_to": iso(merged[-1][1]),
            "ranges": [[iso(a), iso(b)] for a, b in merged],
        }

    def summary(self) -> dict[str, object]:
        """JSON-ready description of the layer set and every layer version."""
        return {
            "id": self.info.id,
            "version": self.info.version,
            "title_zh": self.info.title_zh,
            "title_en": self.info.title_en,
            "synthetic": self.synthetic,
            "hash": self.hash,
            "layers": [v.summary() for v in self.all_versions()],
        }


def read_layer_file(
    path: Path, layer: str | None = None, name: str | None = None
) -> gpd.GeoDataFrame:
    """Read a vector file with pyogrio, naming the file in any error.

    Errors name the file as ``name`` (its path relative to the layer folder, as the
    manifest writes it) or else its file name: never an absolute server path.
    """
    shown = name or path.name
    if not path.is_file():
        raise LayerLoadError(f"{shown}: file not found", {"file": shown})
    try:
        return pyogrio.read_dataframe(path, layer=layer, use_arrow=False)
    except Exception as exc:  # pyogrio raises several DataSourceError/DataLayerError types
        reason = without_paths(str(exc).replace(str(path), shown))
        raise LayerLoadError(f"{shown}: cannot read: {reason}", {"file": shown}) from None


def _normalise(frame: gpd.GeoDataFrame, entry: LayerEntry, where: str) -> pd.DataFrame:
    """Build the normalised attribute table of a layer frame."""
    for fld in (entry.id_field, entry.class_field):
        if fld not in frame.columns:
            raise LayerLoadError(
                f"{where}: field {fld!r} (declared in the manifest) is missing",
                {"file": where, "field": fld, "columns": [str(c) for c in frame.columns]},
            )
    raw_class = frame[entry.class_field].astype("string")

    def norm(value: object) -> object:
        if value is None or pd.isna(value):
            return None
        try:
            return normalize_class(entry.kind, str(value))
        except UnknownClass:
            return str(value)

    attrs = pd.DataFrame(
        {
            "feature_id": frame[entry.id_field].astype("string").astype(object),
            "zone_class": [norm(v) for v in raw_class],
            "name": (
                frame[entry.name_field].astype(object).where(frame[entry.name_field].notna(), None)
                if entry.name_field and entry.name_field in frame.columns
                else None
            ),
            "synthetic": (
                frame["synthetic"].fillna(entry.synthetic).astype(bool)
                if "synthetic" in frame.columns
                else entry.synthetic
            ),
        },
        index=frame.index,
    )
    skip = {entry.id_field, entry.class_field, entry.name_field, "synthetic", "geometry"}
    extra = frame[[c for c in frame.columns if c not in skip and c not in attrs.columns]]
    return pd.concat([attrs, pd.DataFrame(extra)], axis=1).reset_index(drop=True)


def load_layer(entry: LayerEntry, root: Path, analysis_crs: str = ANALYSIS_CRS) -> LayerVersion:
    """Load one layer version: read, check the CRS, reproject, normalise columns.

    Raises
    ------
    LayerLoadError
        If the file is missing or unreadable, a declared field is missing, or the file's
        own CRS contradicts the declared one (offset systems excepted: GCJ-02 files are
        routinely labelled EPSG:4326).
    """
    path = (root / entry.file).resolve()
    where = f"{entry.file}" + (f" (layer {entry.layer})" if entry.layer else "")
    raw = read_layer_file(path, entry.layer, entry.file)
    declared = parse_crs(entry.source_crs)
    file_crs: CRS | None = raw.crs
    file_crs_name = None
    if file_crs is not None:
        epsg = file_crs.to_epsg()
        file_crs_name = f"EPSG:{epsg}" if epsg else file_crs.to_string()
        if declared.offset is None and not file_crs.equals(declared.crs, ignore_axis_order=True):
            raise LayerLoadError(
                f"{where}: file CRS {file_crs_name} contradicts declared {entry.source_crs}",
                {"file": where, "file_crs": file_crs_name, "declared": entry.source_crs},
            )
    geoms = np.asarray(raw.geometry.values, dtype=object)
    attrs = _normalise(raw, entry, where)
    analysis = geometries_to(geoms, declared, analysis_crs)
    wgs84 = geometries_to(geoms, declared, OUTPUT_CRS)
    frame = gpd.GeoDataFrame(attrs, geometry=gpd.GeoSeries(analysis, crs=analysis_crs))
    frame_wgs84 = gpd.GeoDataFrame(attrs.copy(), geometry=gpd.GeoSeries(wgs84, crs=OUTPUT_CRS))
    return LayerVersion(entry, frame, frame_wgs84, file_crs_name, _sha256(path))


def _reference_outlines(versions: dict[str, list[LayerVersion]]) -> np.ndarray | None:
    for vs in versions.values():
        for v in vs:
            if v.kind == LayerKind.ADMIN:
                districts = v.frame_wgs84[v.frame_wgs84["zone_class"] == "district"]
                if len(districts):
                    return np.asarray(districts.geometry.values, dtype=object)
    return None


def check_gcj02_shift(versions: dict[str, list[LayerVersion]]) -> None:
    """Add a warning to each non-admin layer whose outlines look like unconverted GCJ-02."""
    reference = _reference_outlines(versions)
    if reference is None:
        return
    for vs in versions.values():
        for v in vs:
            if v.kind == LayerKind.ADMIN or not v.in_memory or parse_crs(v.entry.source_crs).offset:
                continue
            diag = diagnose_shift(v.frame_wgs84.geometry.values, reference)
            if diag is not None and diag.looks_like_gcj02:
                msg = (
                    f"{v.key}: outlines sit a median {diag.median_m_as_given:.0f} m from the "
                    f"admin outlines but {diag.median_m_if_gcj02:.0f} m once treated as GCJ-02; "
                    "the file looks like GCJ-02 labelled as WGS84 (declare source_crs = 'GCJ02')"
                )
                v.warnings.append(msg)
                log.warning(msg)


def _reusable(previous: Catalog | None, entry: LayerEntry, root: Path) -> LayerVersion | None:
    """The version of ``previous`` loaded from the same file bytes, with ``entry`` swapped in.

    Only the file, layer, CRS and field declarations must match: dates, titles and
    provenance do not change the loaded frames. Warnings are recomputed by the caller.
    """
    if previous is None or previous.root != root:
        return None
    same = ("file", "layer", "source_crs", "id_field", "class_field", "name_field", "synthetic")
    for old in previous.versions.get(entry.id, []):
        if old.entry.kind == entry.kind and all(
            getattr(old.entry, f) == getattr(entry, f) for f in same
        ):
            path = (root / entry.file).resolve()
            if path.is_file() and _sha256(path) == old.sha256:
                new = replace(old, entry=entry, warnings=[])
                for cached in ("geometries", "tree"):  # same frames: same prepared arrays
                    if cached in old.__dict__:
                        new.__dict__[cached] = old.__dict__[cached]
                return new
    return None


def load_catalog(
    layers_dir: Path | str,
    *,
    analysis_crs: str = ANALYSIS_CRS,
    check_shift: bool = True,
    previous: Catalog | None = None,
) -> Catalog:
    """Load every layer version declared in ``layers_dir/manifest.toml``.

    Parameters
    ----------
    layers_dir
        Folder holding ``manifest.toml`` (paths in it are relative to this folder).
    analysis_crs
        Projected CRS in metres for analysis, EPSG:4548 by default.
    check_shift
        Warn about layers that look like GCJ-02 against the admin outlines.
    previous
        A catalog loaded earlier from the same folder: versions whose file bytes and
        declarations are unchanged are taken from it instead of being read and
        reprojected again (a layer change reloads in a fraction of the time).

    Raises
    ------
    ManifestError, LayerLoadError
        With the file, key or field and the problem.
    """
    started = time.perf_counter()
    root = Path(layers_dir).resolve()
    manifest = load_manifest(root)
    versions: dict[str, list[LayerVersion]] = {}
    digest = hashlib.sha256((root / "manifest.toml").read_bytes())
    reuse = previous if analysis_crs == ANALYSIS_CRS else None
    for entry in manifest.layer:
        lv = _reusable(reuse, entry, root) or load_layer(entry, root, analysis_crs)
        versions.setdefault(entry.id, []).append(lv)
        digest.update(lv.sha256.encode())
    for vs in versions.values():
        vs.sort(key=lambda v: v.entry.valid_from)
    if check_shift:
        check_gcj02_shift(versions)
    return Catalog(
        root=root,
        manifest=manifest,
        versions=versions,
        hash=digest.hexdigest()[:16],
        load_seconds=time.perf_counter() - started,
    )
