"""Other plan indicators on the same machinery, per district, against the seed targets.

* ``redline_share``: 生态保护红线 area ÷ district area (union of red-line features, so
  overlaps count once).
* ``eco_control_share``: 生态控制区 (control_zone ``eco_control``) area ÷ district area.
* ``park_area_per_person``: park area in the district ÷ people in it (population raster).
* ``park_coverage``: the headline 500 m coverage (preset ``radius500``) of the district.

Areas are m² in EPSG:4548; shares are fractions (0.062 = 6.2 %).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry

from geozone.catalog import Catalog
from geozone.coverage.catalog import catalog_meta, coverage_for_catalog, frame_of, layers_of
from geozone.coverage.population import people_in
from geozone.coverage.targets import compare, targets_for
from geozone.vocab import LayerKind


@dataclass
class Indicator:
    """One indicator of one district, with its targets."""

    district_code: str
    district_name: str
    indicator: str
    value: float | None
    unit: str
    numerator: float | None
    denominator: float | None
    targets: list[dict[str, Any]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready row."""
        return {
            "district_code": self.district_code,
            "district_name": self.district_name,
            "indicator": self.indicator,
            "value": self.value,
            "unit": self.unit,
            "numerator": self.numerator,
            "denominator": self.denominator,
            "targets": self.targets,
        }


@dataclass
class PlanIndicators:
    """All indicators of all districts, with provenance."""

    rows: list[Indicator]
    meta: dict[str, Any]
    synthetic: bool

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready summary."""
        return {
            "indicators": [r.to_dict() for r in self.rows],
            "synthetic": self.synthetic,
            **self.meta,
        }


def _area_within(geoms: np.ndarray, area: BaseGeometry) -> float:
    if len(geoms) == 0:
        return 0.0
    return float(shapely.intersection(shapely.union_all(geoms), area).area)


def _share(code: str, name: str, indicator: str, part: float, whole: float) -> Indicator:
    value = part / whole if whole > 0 else None
    return Indicator(code, name, indicator, value, "fraction", round(part, 2), round(whole, 2),
                     compare(targets_for(indicator, code), value))  # fmt: skip


def plan_indicators(
    catalog: Catalog,
    as_of: date | None = None,
    population: Path | str | None = None,
    *,
    coverage: bool = True,
) -> PlanIndicators:
    """Red-line share, ecological control share, park area per person and 500 m coverage.

    Parameters
    ----------
    catalog
        The loaded layer set (layers chosen by kind, versions in force on ``as_of``).
    as_of
        Date of the layer versions (default today).
    population
        Population GeoTIFF (any CRS); without it ``park_area_per_person`` is omitted.
    coverage
        Also compute the 500 m coverage (preset ``radius500``, whole district).

    Returns
    -------
    PlanIndicators
        One row per district and indicator, each with its targets (national, Beijing, own).
    """
    admin = frame_of(layers_of(catalog, LayerKind.ADMIN, as_of))
    districts = admin[admin["zone_class"] == "district"]
    red_v = catalog.select(as_of, kinds=[LayerKind.REDLINE])
    zone_v = catalog.select(as_of, kinds=[LayerKind.CONTROL_ZONE])
    park_v = catalog.select(as_of, kinds=[LayerKind.PARK])
    red = np.asarray(frame_of(red_v).geometry.values, dtype=object) if red_v else np.zeros(0)
    zones = frame_of(zone_v) if zone_v else None
    eco = (
        np.asarray(zones[zones["zone_class"] == "eco_control"].geometry.values, dtype=object)
        if zones is not None
        else np.zeros(0)
    )
    parks = np.asarray(frame_of(park_v).geometry.values, dtype=object) if park_v else np.zeros(0)
    rows: list[Indicator] = []
    for code, name, geom in zip(
        districts["feature_id"].astype(str), districts["name"].astype(str),
        districts.geometry.values, strict=True,
    ):  # fmt: skip
        area = float(geom.area)
        if red_v:
            rows.append(_share(code, name, "redline_share", _area_within(red, geom), area))
        if zone_v:
            rows.append(_share(code, name, "eco_control_share", _area_within(eco, geom), area))
        if population is not None and park_v:
            people = people_in(population, geom)
            park_area = _area_within(parks, geom)
            value = park_area / people if people > 0 else None
            rows.append(
                Indicator(code, name, "park_area_per_person", value, "m2/person",
                          round(park_area, 2), round(people, 1),
                          compare(targets_for("park_area_per_person", code), value))
            )  # fmt: skip
        if coverage and park_v:
            res = coverage_for_catalog(
                catalog, code, preset="radius500", by=None, as_of=as_of, extent="district"
            )
            rows.append(
                Indicator(code, name, "park_coverage", res.ratio, "fraction",
                          round(res.covered_m2, 2), round(res.total_m2, 2), res.comparison())
            )  # fmt: skip
    used = layers_of(catalog, LayerKind.ADMIN, as_of) + red_v + zone_v + park_v
    return PlanIndicators(rows, catalog_meta(catalog, used, as_of), catalog.synthetic)
