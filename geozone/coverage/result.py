"""The coverage result: the ratio, areas, per-unit rows, blind spots, parks and targets."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from shapely.geometry.base import BaseGeometry

from geozone import ANALYSIS_CRS
from geozone.coverage.engine import FULL, NONE, PARTIAL, uncovered_parts
from geozone.coverage.io import to_geojson_wgs84
from geozone.coverage.presets import Preset
from geozone.coverage.targets import Target, compare

STATUS_NAMES = {FULL: "full", PARTIAL: "partial", NONE: "none"}


def _ratio(covered: float, total: float) -> float | None:
    return covered / total if total > 0 else None


@dataclass
class CoverageResult:
    """Park service-radius coverage (公园绿地服务半径覆盖率) of residential land.

    Coverage = residential land area inside the union of the parks' service areas ÷ total
    residential land area, in the extent. Areas are m² in EPSG:4548 (``*_ha`` in hectares).

    Attributes
    ----------
    ratio
        Covered ÷ total (0..1), ``None`` when the extent holds no residential land.
    covered_m2, total_m2
        Covered and total residential land area in m².
    preset
        The service-radius preset used.
    residential_classes
        Residential land classes counted (``0701``, optionally ``0703``...).
    parks
        The parks that counted: ``feature_id``, ``name``, ``park_class``, ``area_m2``,
        ``historic``, ``radius_m`` and geometry (EPSG:4548).
    parks_considered
        How many parks were given (counted or not).
    parcels
        Residential land inside the extent: ``feature_id``, ``zone_class``, the input's own
        columns (``name``, ``my_id``...; one named like a result column as
        ``input_<name>``), ``area_m2``, ``covered_m2``, ``status`` (``full``/``partial``/
        ``none``) and geometry.
    service_area
        Union of the service areas (EPSG:4548).
    units
        Per-unit rows (``code``, ``name``, ``covered_m2``, ``total_m2``, ``covered_ha``,
        ``total_ha``, ``ratio``, ``target``, ``met``, geometry) or ``None``.
    targets
        Targets the overall ratio is compared with (:meth:`comparison`).
    extent, extent_label
        The extent polygon (EPSG:4548) and its description, ``None`` = no extent.
    synthetic
        True when any input is synthetic demo data.
    warnings
        Notes on the inputs (no class column, nothing counted...).
    meta
        Extra provenance (district, layer keys, as_of) for catalog runs.
    """

    ratio: float | None
    covered_m2: float
    total_m2: float
    preset: Preset
    residential_classes: tuple[str, ...]
    parks: gpd.GeoDataFrame
    parks_considered: int
    parcels: gpd.GeoDataFrame
    service_area: BaseGeometry
    units: gpd.GeoDataFrame | None = None
    targets: list[Target] = field(default_factory=list)
    extent: BaseGeometry | None = None
    extent_label: str | None = None
    synthetic: bool = False
    warnings: list[str] = field(default_factory=list)
    meta: dict[str, Any] = field(default_factory=dict)

    @property
    def covered_ha(self) -> float:
        """Covered residential land in hectares."""
        return self.covered_m2 / 10_000.0

    @property
    def total_ha(self) -> float:
        """Total residential land in hectares."""
        return self.total_m2 / 10_000.0

    @property
    def uncovered_m2(self) -> float:
        """Residential land outside every service area, m²."""
        return self.total_m2 - self.covered_m2

    @cached_property
    def blind_spots(self) -> gpd.GeoDataFrame:
        """Uncovered residential land (one row per parcel with an uncovered part), EPSG:4548.

        Columns: ``feature_id``, ``zone_class``, the residential input's own columns (as on
        :attr:`parcels`), ``parcel_area_m2``, ``uncovered_m2`` (m²).
        """
        codes = {name: code for code, name in STATUS_NAMES.items()}
        st = np.asarray([codes[v] for v in self.parcels["status"]], dtype=np.int8)
        geoms = np.asarray(self.parcels.geometry.values, dtype=object)
        uncovered = uncovered_parts(self.service_area, geoms, st)
        area = np.zeros(len(st), dtype=np.float64)
        open_ = st != FULL
        area[open_] = shapely.area(uncovered[open_])
        keep = open_ & (area > 0)
        fixed = {"area_m2", "covered_m2", "status", self.parcels.geometry.name}
        cols = [c for c in self.parcels.columns if c not in fixed]  # feature_id, zone_class, own
        frame = pd.DataFrame(self.parcels[cols]).iloc[np.flatnonzero(keep)].reset_index(drop=True)
        frame["parcel_area_m2"] = self.parcels["area_m2"].to_numpy()[keep]
        frame["uncovered_m2"] = area[keep]
        return gpd.GeoDataFrame(frame, geometry=gpd.GeoSeries(uncovered[keep], crs=ANALYSIS_CRS))

    @cached_property
    def covered_land(self) -> gpd.GeoDataFrame:
        """Covered residential land (whole parcels and the covered parts of others), EPSG:4548."""
        st = self.parcels["status"].to_numpy()
        geoms = np.asarray(self.parcels.geometry.values, dtype=object).copy()
        part = st == "partial"
        if part.any():
            geoms[part] = shapely.intersection(geoms[part], self.service_area)
        keep = st != "none"
        frame = pd.DataFrame(
            {
                "feature_id": self.parcels["feature_id"].to_numpy()[keep],
                "covered_m2": self.parcels["covered_m2"].to_numpy()[keep],
            }
        )
        return gpd.GeoDataFrame(frame, geometry=gpd.GeoSeries(geoms[keep], crs=ANALYSIS_CRS))

    def comparison(self) -> list[dict[str, Any]]:
        """Each target with the actual ratio, ``met`` and the ``gap`` (fraction).

        Targets defined with another preset than this result's are listed with
        ``comparable: false`` and no ``met``/``gap`` (:func:`~geozone.coverage.targets.compare`).
        """
        return compare(self.targets, self.ratio, self.preset.name)

    def headline(self) -> dict[str, Any] | None:
        """The most specific target comparable with this result's preset, compared."""
        rows = [r for r in self.comparison() if r["comparable"]]
        return rows[-1] if rows else None

    def radius_counts(self) -> dict[str, int]:
        """How many counted parks use each radius (``{"300": 4, "500": 12}``)."""
        counts = self.parks["radius_m"].value_counts().sort_index()
        return {f"{r:g}": int(n) for r, n in counts.items()}

    def units_records(self) -> list[dict[str, Any]] | None:
        """Per-unit rows as plain dicts (no geometry), or ``None``."""
        if self.units is None:
            return None
        cols = ["code", "name", "covered_m2", "total_m2", "covered_ha", "total_ha", "ratio",
                "target", "met"]  # fmt: skip
        return [_clean(row) for row in self.units[cols].to_dict(orient="records")]

    def to_dict(self, include_geometry: bool = False) -> dict[str, Any]:
        """JSON-ready summary; geometries (WGS84 GeoJSON) only with ``include_geometry``.

        With ``include_geometry`` the blind spots, service area and per-unit outlines are
        added as GeoJSON FeatureCollections in WGS84 (EPSG:4326).
        """
        blind: dict[str, Any] = {"area_m2": round(self.uncovered_m2, 2)}
        if include_geometry:
            blind["count"] = len(self.blind_spots)
            blind["geojson"] = to_geojson_wgs84(self.blind_spots)
        out: dict[str, Any] = {
            "metric": "park_service_radius_coverage",
            "ratio": self.ratio,
            "percent": None if self.ratio is None else round(self.ratio * 100.0, 4),
            "covered_m2": round(self.covered_m2, 2),
            "total_m2": round(self.total_m2, 2),
            "covered_ha": round(self.covered_ha, 4),
            "total_ha": round(self.total_ha, 4),
            "area_crs": ANALYSIS_CRS,
            "preset": self.preset.to_dict(),
            "residential_classes": list(self.residential_classes),
            "extent": None
            if self.extent is None
            else {"label": self.extent_label, "area_m2": round(self.extent.area, 2)},
            "parks": {
                "considered": self.parks_considered,
                "counted": len(self.parks),
                "by_radius_m": self.radius_counts(),
                "items": [
                    _clean(r) for r in self.parks.drop(columns="geometry").to_dict(orient="records")
                ],
            },
            "parcels": {
                "count": len(self.parcels),
                "full": int((self.parcels["status"] == "full").sum()),
                "partial": int((self.parcels["status"] == "partial").sum()),
                "none": int((self.parcels["status"] == "none").sum()),
            },
            "units": self.units_records(),
            "targets": self.comparison(),
            "headline_target": self.headline(),
            "blind_spots": blind,
            "synthetic": self.synthetic,
            "warnings": list(self.warnings),
            **self.meta,
        }
        if include_geometry:
            out["service_area"] = to_geojson_wgs84(
                gpd.GeoDataFrame(geometry=[self.service_area], crs=ANALYSIS_CRS)
            )
            if self.units is not None:
                out["units_geojson"] = to_geojson_wgs84(self.units)
        return out


def _clean(row: dict[str, Any]) -> dict[str, Any]:
    """Plain Python scalars (numpy/pandas values converted, NaN to None, floats rounded)."""
    out: dict[str, Any] = {}
    for key, value in row.items():
        if isinstance(value, (np.bool_, bool)):
            out[key] = bool(value)
        elif isinstance(value, (np.integer, int)):
            out[key] = int(value)
        elif isinstance(value, (np.floating, float)):
            v = float(value)
            out[key] = None if np.isnan(v) else (v if key in {"ratio", "target"} else round(v, 2))
        elif value is None or (not isinstance(value, str) and pd.isna(value)):
            out[key] = None
        else:
            out[key] = value
    return out
