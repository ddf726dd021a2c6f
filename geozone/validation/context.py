"""What every check receives: the catalog, the area tolerance and shared geometry helpers."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
import numpy.typing as npt
import shapely
from shapely.geometry.base import BaseGeometry

from geozone import ANALYSIS_CRS, OUTPUT_CRS
from geozone.catalog import Catalog, LayerVersion
from geozone.crs import transformer
from geozone.validation.report import Issue
from geozone.vocab import LayerKind

GeomArray = npt.NDArray[np.object_]


@dataclass(frozen=True)
class CheckContext:
    """Input of a check: the catalog to inspect and the area tolerance in m² (EPSG:4548)."""

    catalog: Catalog
    tolerance_m2: float = 1.0

    @property
    def analysis_crs(self) -> str:
        """CRS of the catalog's analysis frames (EPSG:4548 unless loaded otherwise)."""
        for v in self.catalog.all_versions():
            if v.frame.crs is not None:
                epsg = v.frame.crs.to_epsg()
                return f"EPSG:{epsg}" if epsg else v.frame.crs.to_string()
        return ANALYSIS_CRS

    def lonlat(self, x: float, y: float) -> tuple[float, float]:
        """Convert an analysis-CRS point (metres) to ``(lon, lat)`` WGS84 degrees."""
        lon, lat = transformer(self.analysis_crs, OUTPUT_CRS).transform(x, y)
        return (round(float(lon), 7), round(float(lat), 7))

    def location_of(self, geom: BaseGeometry | None) -> tuple[float, float] | None:
        """WGS84 ``(lon, lat)`` of a point on the surface of ``geom``, or ``None`` if empty."""
        if geom is None or geom.is_empty:
            return None
        with np.errstate(invalid="ignore"):
            point = shapely.point_on_surface(geom)
        if point.is_empty or not np.isfinite([point.x, point.y]).all():
            return None
        lon, lat = self.lonlat(point.x, point.y)
        return (lon, lat) if np.isfinite([lon, lat]).all() else None

    def versions_of_kind(self, kind: LayerKind) -> list[LayerVersion]:
        """Every loaded version of every layer of ``kind``."""
        return [v for v in self.catalog.all_versions() if v.kind == kind]

    def epochs(self, kinds: Iterable[LayerKind]) -> Iterator[tuple[date, list[LayerVersion]]]:
        """Each distinct combination of versions of ``kinds`` in force together.

        Yields ``(first_day, versions)`` once per combination, where ``versions`` holds
        every layer version of those kinds in force from ``first_day`` until the next
        change of any of them. Layer versions are compared over all the dates where
        they are jointly in force, so a red-line version is checked against every
        control-zone version that overlaps its validity.
        """
        wanted = set(kinds)
        layers = [vs for vs in self.catalog.versions.values() if vs and vs[0].kind in wanted]
        days: set[date] = set()
        for vs in layers:
            for v in vs:
                days.add(v.entry.valid_from)
                if v.entry.valid_to is not None and v.entry.valid_to < date.max:
                    days.add(v.entry.valid_to + timedelta(days=1))
        seen: set[tuple[str, ...]] = set()
        for day in sorted(days):
            chosen = [v for vs in layers for v in vs if v.entry.in_force(day)]
            combo = tuple(sorted(v.key for v in chosen))
            if chosen and combo not in seen:
                seen.add(combo)
                yield day, chosen


def features(
    versions: Iterable[LayerVersion], classes: Iterable[str] | None = None
) -> tuple[GeomArray, list[str], list[str]]:
    """Topology-ready geometries of the given versions, with feature ids and layer keys.

    Keeps features whose class is in ``classes`` (all when ``None``), drops missing or
    empty geometries, and works on a valid copy of invalid ones (``make_valid``) so that
    overlay operations do not fail; invalid features are reported by their own check,
    never repaired in the catalog.
    """
    wanted = set(classes) if classes is not None else None
    geoms: list[BaseGeometry] = []
    ids: list[str] = []
    keys: list[str] = []
    for v in versions:
        frame = v.frame
        for fid, cls, geom in zip(
            frame["feature_id"], frame["zone_class"], frame.geometry.values, strict=True
        ):
            if wanted is not None and cls not in wanted:
                continue
            if geom is None or geom.is_empty:
                continue
            geoms.append(geom if geom.is_valid else shapely.make_valid(geom))
            ids.append(str(fid))
            keys.append(v.key)
    return np.asarray(geoms, dtype=object), ids, keys


def polygonal_parts(geom: BaseGeometry) -> list[BaseGeometry]:
    """The polygon parts of a geometry (lines and points left by overlays are dropped)."""
    parts = shapely.get_parts(geom)
    return [p for p in parts if p.geom_type == "Polygon" and not p.is_empty]


@dataclass(frozen=True)
class Check:
    """A named validation check: a function from a :class:`CheckContext` to issues."""

    name: str
    run: Callable[[CheckContext], Iterable[Issue]]
    description: str
