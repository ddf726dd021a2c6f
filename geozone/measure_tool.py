"""Measure a drawn line or polygon in the analysis CRS (EPSG:4548, metres).

The web map's measure tool sends what the user drew (WGS84 by default, or any CRS
:func:`geozone.crs.parse_crs` accepts, GCJ-02 included) and shows what this returns, so
distances and areas on the map are the project's own figures, measured like every parcel
area (``Query.area_m2``): reprojected to CGCS2000 3° Gauss-Krüger CM 117°E and measured
on the plane. A LineString gives its length in metres; a Polygon or MultiPolygon its area
in m² and hectares and its perimeter in metres.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import shapely
from shapely.geometry import LineString, MultiPolygon, Polygon
from shapely.geometry.base import BaseGeometry

from geozone import ANALYSIS_CRS
from geozone.crs import coordinate_converter, parse_crs
from geozone.errors import InvalidGeoJSON, InvalidGeometry, InvalidInput, QueryTooLarge
from geozone.query import check_measurable_extent

MEASURABLE_TYPES = ("LineString", "Polygon", "MultiPolygon")

M2_PER_HECTARE = 10_000.0


@dataclass(frozen=True)
class Measurement:
    """What was measured, in EPSG:4548: metres and square metres."""

    kind: str
    """``"LineString"``, ``"Polygon"`` or ``"MultiPolygon"``."""
    length_m: float
    """A line's length; a polygon's perimeter (all rings), in metres."""
    area_m2: float | None
    """A polygon's area in m²; ``None`` for a line."""
    vertices: int

    def to_dict(self) -> dict[str, Any]:
        """The JSON answer of ``POST /api/v1/measure``."""
        area = self.area_m2
        return {
            "type": self.kind,
            "crs": ANALYSIS_CRS,
            "length_m": round(self.length_m, 3),
            "area_m2": None if area is None else round(area, 3),
            "area_ha": None if area is None else round(area / M2_PER_HECTARE, 6),
            "vertices": self.vertices,
        }


def _position(value: Any, where: str) -> tuple[float, float]:
    if not isinstance(value, (list, tuple)) or len(value) < 2:
        raise InvalidGeoJSON(f"{where}: a position must be [x, y]", {"where": where})
    out = []
    for axis, v in zip(("x", "y"), value[:2], strict=True):
        if isinstance(v, bool) or not isinstance(v, (int, float)) or not math.isfinite(v):
            raise InvalidGeoJSON(
                f"{where}: {axis} must be a finite number", {"where": where, "axis": axis}
            )
        out.append(float(v))
    return out[0], out[1]


def _positions(value: Any, where: str, least: int) -> list[tuple[float, float]]:
    if not isinstance(value, (list, tuple)) or len(value) < least:
        raise InvalidGeoJSON(
            f"{where}: needs a list of at least {least} positions", {"where": where}
        )
    return [_position(p, f"{where}[{i}]") for i, p in enumerate(value)]


def _ring(value: Any, where: str) -> list[tuple[float, float]]:
    pts = _positions(value, where, 4)
    if pts[0] != pts[-1]:
        raise InvalidGeoJSON(f"{where}: the ring is not closed (first != last)", {"where": where})
    return pts


def _polygon(value: Any, where: str) -> Polygon:
    if not isinstance(value, (list, tuple)) or not value:
        raise InvalidGeoJSON(f"{where}: a polygon needs at least one ring", {"where": where})
    rings = [_ring(r, f"{where}[{i}]") for i, r in enumerate(value)]
    return Polygon(rings[0], rings[1:])


def build(geometry: Any, max_vertices: int) -> BaseGeometry:
    """A shapely LineString / Polygon / MultiPolygon from a GeoJSON geometry dict.

    Raises
    ------
    InvalidGeoJSON
        Not a measurable geometry, or bad positions / rings.
    QueryTooLarge
        More than ``max_vertices`` positions.
    """
    if not isinstance(geometry, dict):
        raise InvalidGeoJSON("'geometry' must be a GeoJSON geometry object", None)
    kind = geometry.get("type")
    if kind not in MEASURABLE_TYPES:
        raise InvalidGeoJSON(
            f"geometry type {str(kind)[:40]!r} cannot be measured; send a LineString, "
            "Polygon or MultiPolygon",
            {"accepted": list(MEASURABLE_TYPES)},
        )
    coords = geometry.get("coordinates")
    count = _count(coords)
    if count > max_vertices:
        raise QueryTooLarge(
            f"the geometry has {count} vertices; the limit is {max_vertices}",
            {"vertices": count, "max_vertices": max_vertices},
        )
    if kind == "LineString":
        return LineString(_positions(coords, "coordinates", 2))
    if kind == "Polygon":
        return _polygon(coords, "coordinates")
    if not isinstance(coords, (list, tuple)) or not coords:
        raise InvalidGeoJSON("the MultiPolygon has no polygons", {"type": kind})
    return MultiPolygon([_polygon(p, f"coordinates[{i}]") for i, p in enumerate(coords)])


def _count(value: Any, depth: int = 0) -> int:
    """Positions in a nested coordinate list (a position is a list of numbers)."""
    if not isinstance(value, (list, tuple)) or depth > 4:
        return 0
    if value and all(isinstance(v, (int, float)) for v in value):
        return 1
    return sum(_count(v, depth + 1) for v in value)


def measure(geometry: Any, crs: str | None = None, max_vertices: int = 10_000) -> Measurement:
    """Length (m) and area (m², polygons) of a GeoJSON geometry, in EPSG:4548.

    ``crs`` declares the coordinates' CRS (default WGS84). The geometry must lie where
    EPSG:4548 measures soundly (:func:`geozone.query.check_measurable_extent`).

    Raises
    ------
    InvalidGeoJSON, InvalidGeometry, QueryTooLarge, OutsideAnalysisCRS, UnknownCRS
        Naming the problem.
    """
    declared = parse_crs(crs)
    geom = build(geometry, max_vertices)
    to_wgs84 = coordinate_converter(declared, "EPSG:4326")
    wgs84 = geom if to_wgs84 is None else _apply(geom, to_wgs84)
    _check_finite(wgs84, declared.name)
    west, south, east, north = (float(v) for v in wgs84.bounds)
    check_measurable_extent(west, south, east, north, what="the geometry")
    to_metres = coordinate_converter(declared, ANALYSIS_CRS)
    metres = geom if to_metres is None else _apply(geom, to_metres)
    _check_finite(metres, declared.name)
    vertices = len(shapely.get_coordinates(geom))
    if isinstance(metres, LineString):
        return Measurement("LineString", float(metres.length), None, vertices)
    if not metres.is_valid:
        raise InvalidGeometry(
            f"the polygon is not valid: {shapely.is_valid_reason(metres).split('[')[0].strip()}",
            None,
        )
    return Measurement(geom.geom_type, float(metres.length), float(metres.area), vertices)


def _check_finite(geom: BaseGeometry, crs: str) -> None:
    """Refuse coordinates a transformation turned into inf/NaN (far outside the CRS)."""
    if not np.all(np.isfinite(shapely.get_coordinates(geom))):
        raise InvalidInput(
            f"coordinates cannot be transformed from {crs}: outside its area of use", {"crs": crs}
        )


def _apply(geom: BaseGeometry, func: Any) -> BaseGeometry:
    def xy(coords: np.ndarray) -> np.ndarray:
        x, y = func(coords[:, 0], coords[:, 1])
        return np.column_stack([x, y])

    return shapely.transform(geom, xy)
