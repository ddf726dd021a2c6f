"""Lookup queries: parse and normalise a point or a parcel into a :class:`Query`.

A query is a point (lon/lat, or x/y in a declared projected CRS) or a GeoJSON Polygon /
MultiPolygon (bare geometry, Feature, or a FeatureCollection holding exactly one
Feature). Every input declares its CRS (WGS84 by default; CGCS2000 EPSG:4490, EPSG:4548,
GCJ-02 and BD-09 are accepted through :func:`geozone.crs.parse_crs`). The query keeps the
geometry in the analysis CRS (EPSG:4548, metres) and in WGS84 for output.

Bad input raises a typed :class:`~geozone.errors.GeozoneError` that names the problem:
:class:`~geozone.errors.InvalidGeoJSON` (structure, coordinates, unclosed or short rings),
:class:`~geozone.errors.InvalidGeometry` (self-intersection, with its lon/lat),
:class:`~geozone.errors.OutsideAnalysisCRS` (a parcel beyond EPSG:4548's area of use, or
across the antimeridian; a point anywhere on Earth is a valid query answered ``outside``),
:class:`~geozone.errors.ParcelTooLarge` (a parcel over ``max_parcel_area_m2``),
:class:`~geozone.errors.UnsupportedCRS` (not a 2-D horizontal CRS on Earth),
:class:`~geozone.errors.SwappedCoordinates`, :class:`~geozone.errors.UnknownCRS`,
:class:`~geozone.errors.QueryTooLarge` (too many vertices), :class:`~geozone.errors.InvalidDate`
and :class:`~geozone.errors.InvalidInput` (tolerance out of range, non-numeric values).
Activity codes are checked against the rule table by the lookup itself.

A WGS84 query cannot tell by itself whether it was really taken from a GCJ-02 map (the
offset is ~500 m and any coordinate is plausible), so no guess is made here; callers that
know their source declare ``crs="GCJ02"``.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cached_property, lru_cache
from typing import Any, NoReturn

import numpy as np
import shapely
from pyproj import CRS
from shapely.geometry import MultiPolygon, Point, Polygon, mapping
from shapely.geometry.base import BaseGeometry

from geozone import ANALYSIS_CRS, OUTPUT_CRS
from geozone.crs import DeclaredCRS, coordinate_converter, in_china_xy, parse_crs
from geozone.errors import (
    InvalidDate,
    InvalidGeoJSON,
    InvalidGeometry,
    InvalidInput,
    OutsideAnalysisCRS,
    ParcelTooLarge,
    ProjectedCoordinates,
    QueryTooLarge,
    SwappedCoordinates,
)
from geozone.settings import QuerySettings

COORD_DECIMALS = 7
"""Output coordinates are rounded to 1e-7 degrees (about 1 cm)."""

ACCEPTED_TYPES = ("Point", "Polygon", "MultiPolygon")


@dataclass(frozen=True)
class Query:
    """A normalised lookup query.

    Attributes
    ----------
    kind : str
        ``"point"`` or ``"parcel"``.
    crs : str
        The declared input CRS name, e.g. ``"EPSG:4326"`` or ``"GCJ02"``.
    activities : tuple of str
        Requested activity codes, in order, without duplicates; empty means all.
    as_of : date
        The date whose layer versions answer the query.
    tolerance_m : float
        Boundary tolerance in metres.
    warnings : tuple of str
        Notes for the caller (e.g. the geometry was repaired).
    coords : tuple of float or None
        A point's ``(x, y, lon, lat)``: EPSG:4548 metres and WGS84 degrees.
    shapes : (BaseGeometry, BaseGeometry) or None
        A parcel's geometry in EPSG:4548 and in WGS84 (a point's are built from
        ``coords`` when asked for: most point lookups never need them).
    max_parcel_work : int or None
        The work budget of a parcel (``QuerySettings.max_parcel_work``; ``None`` = the
        default), checked by :func:`geozone.budget.check_parcel_budget`.
    detail : str
        ``"full"`` (every hit) or ``"summary"`` (control-layer hits, context layers
        summarised per layer and class); see :mod:`geozone.lookup`.
    """

    kind: str
    crs: str
    activities: tuple[str, ...]
    as_of: date
    tolerance_m: float
    warnings: tuple[str, ...] = ()
    coords: tuple[float, float, float, float] | None = None
    shapes: tuple[BaseGeometry, BaseGeometry] | None = field(default=None, repr=False)
    max_parcel_work: int | None = field(default=None, repr=False, compare=False)
    detail: str = "full"

    @cached_property
    def geometry(self) -> BaseGeometry:
        """The geometry in the analysis CRS (EPSG:4548, metres)."""
        if self.shapes is not None:
            return self.shapes[0]
        x, y, _, _ = self.point_coords
        return shapely.points((x, y))  # a third of Point(x, y)'s cost

    @cached_property
    def geometry_wgs84(self) -> BaseGeometry:
        """The same geometry in WGS84 degrees (after any GCJ-02/BD-09 conversion)."""
        if self.shapes is not None:
            return self.shapes[1]
        _, _, lon, lat = self.point_coords
        return shapely.points((lon, lat))

    @property
    def point_coords(self) -> tuple[float, float, float, float]:
        """A point query's ``(x, y)`` in EPSG:4548 metres and ``(lon, lat)`` in WGS84 degrees.

        Plain floats, kept from parsing: each shapely coordinate access costs
        microseconds, and a point lookup needs them several times.

        Raises
        ------
        ValueError
            For a parcel query.
        """
        if self.kind != "point" or self.coords is None:
            raise ValueError("point_coords of a parcel query")
        return self.coords

    @property
    def area_m2(self) -> float | None:
        """Parcel area in m² (EPSG:4548); ``None`` for a point."""
        return None if self.kind == "point" else float(self.geometry.area)

    def to_dict(self, activities: Sequence[str] | None = None) -> dict[str, Any]:
        """Return the normalised query as JSON-ready data (the ``query`` member of a result).

        Parameters
        ----------
        activities : sequence of str, optional
            The resolved activity list to report (defaults to :attr:`activities`).
        """
        area = self.area_m2
        if self.kind == "point":  # always 2-D: the projection drops any z
            _, _, lon, lat = self.point_coords
            geometry = {"type": "Point", "coordinates": [_rounded(lon), _rounded(lat)]}
        else:
            geometry = geojson_rounded(canonical(self.geometry_wgs84))
        out = {
            "type": self.kind,
            "geometry": geometry,
            "crs": self.crs,
            "as_of": self.as_of.isoformat(),
            "tolerance_m": float(self.tolerance_m),
            "activities": list(self.activities if activities is None else activities),
            "area_m2": None if area is None else round(area, 2) + 0.0,
        }
        if self.detail != "full":  # a summary is another answer: its own report id
            out["detail"] = self.detail
        return out


def _point_coords(analysis: BaseGeometry, wgs84: BaseGeometry) -> tuple[float, float, float, float]:
    """``(x, y, lon, lat)`` of a point given in EPSG:4548 and in WGS84."""
    xy = shapely.get_coordinates(np.array([analysis, wgs84], dtype=object))
    return float(xy[0, 0]), float(xy[0, 1]), float(xy[1, 0]), float(xy[1, 1])


def _rounded(value: float, decimals: int = COORD_DECIMALS) -> float:
    """``value`` rounded for output; ``+ 0.0`` turns ``-0.0`` into ``0.0``."""
    return round(value, decimals) + 0.0


def canonical(geom: BaseGeometry) -> BaseGeometry:
    """The same geometry in canonical vertex order, exterior rings counter-clockwise (RFC 7946).

    Two drawings of one parcel (another start vertex or ring direction) normalise alike,
    so they get the same report id.
    """
    if geom.geom_type == "Point":
        return geom
    return shapely.orient_polygons(shapely.normalize(geom), exterior_cw=False)


def geojson_rounded(geom: BaseGeometry, decimals: int = COORD_DECIMALS) -> dict[str, Any]:
    """Return the GeoJSON mapping of ``geom`` with coordinates rounded to ``decimals``."""

    def rnd(value: Any) -> Any:
        if isinstance(value, (tuple, list)):
            return [rnd(v) for v in value]
        if isinstance(value, float):
            return _rounded(value, decimals)
        return value

    if isinstance(geom, Point) and not geom.is_empty and not geom.has_z:  # the common case
        return {"type": "Point", "coordinates": [rnd(geom.x), rnd(geom.y)]}
    data = mapping(geom)
    return {"type": data["type"], "coordinates": rnd(data["coordinates"])}


# ---------------------------------------------------------------------------------------------
# Scalar parameters


def parse_as_of(value: date | str | None) -> date:
    """Parse ``as_of``: a date, an ISO ``YYYY-MM-DD`` string, or ``None`` (today).

    Raises
    ------
    InvalidDate
        If the value is not a date.
    """
    if value is None or value == "":
        return date.today()
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise InvalidDate(f"as_of {value!r} is not a date (YYYY-MM-DD)", {"as_of": str(value)})


DETAILS = ("full", "summary")
"""Accepted values of ``detail``."""


def parse_detail(value: str | None) -> str:
    """Parse ``detail``: ``"full"`` (default) or ``"summary"``.

    Raises
    ------
    InvalidInput
        Naming the value and the accepted ones.
    """
    if value is None or value == "":
        return "full"
    if isinstance(value, str) and value.strip().lower() in DETAILS:
        return value.strip().lower()
    shown = _shown(value)
    raise InvalidInput(
        f"detail {shown} is not one of {', '.join(DETAILS)}",
        {"detail": shown, "accepted": list(DETAILS)},
    )


def check_parcel_area(area_m2: float, settings: QuerySettings) -> None:
    """Refuse a parcel larger than ``settings.max_parcel_area_m2`` (m², EPSG:4548).

    Raises
    ------
    ParcelTooLarge
        Saying how large it is, the limit, and what to send instead.
    """
    limit = settings.max_parcel_area_m2
    if area_m2 <= limit:
        return
    raise ParcelTooLarge(
        f"the parcel covers {area_m2 / 1e6:,.1f} km², more than the {limit / 1e6:,.6g} km² "
        "a parcel lookup accepts (query.max_parcel_area_m2): an area that size is a region, "
        "whose answer would list thousands of features; split it into parcels (e.g. by "
        "township) and send them to POST /api/v1/lookup/batch, or upload them as a batch "
        "job (POST /api/v1/jobs)",
        {
            "area_m2": round(area_m2, 2),
            "max_parcel_area_m2": limit,
            "message_zh": f"地块面积 {area_m2 / 1e6:,.1f} 平方公里，超过单个地块查询上限 "
            f"{limit / 1e6:,.6g} 平方公里：请按乡镇等拆分为多个地块后批量查询",
        },
    )


def parse_tolerance(value: float | str | None, settings: QuerySettings) -> float:
    """Parse the boundary tolerance in metres, default and limit from ``settings``.

    Raises
    ------
    InvalidInput
        If it is not a finite number in ``[0, settings.max_tolerance_m]``.
    """
    if value is None or value == "":
        return float(settings.default_tolerance_m)
    shown = _shown(value)
    try:
        tol = float(value)
    except OverflowError:  # an integer beyond float range
        tol = math.inf
    except (TypeError, ValueError):
        raise InvalidInput(f"tolerance_m {shown} is not a number", {"tolerance_m": shown}) from None
    if not math.isfinite(tol) or tol < 0 or tol > settings.max_tolerance_m:
        raise InvalidInput(
            f"tolerance_m must be a finite number between 0 and "
            f"{settings.max_tolerance_m:g} m (got {shown})",
            {"tolerance_m": shown, "max_tolerance_m": settings.max_tolerance_m},
        )
    return tol


def _shown(value: Any, limit: int = 40) -> str:
    """``repr(value)`` cut to ``limit`` characters, for messages (a 400-digit number is cut)."""
    text = repr(value)
    return text if len(text) <= limit else f"{text[: limit - 3]}..."


def parse_activities(value: str | Iterable[str] | None) -> tuple[str, ...]:
    """Normalise activity codes: a comma list, or an iterable of codes or comma lists.

    Stripped and de-duplicated, in order, so ``"a,b"``, ``["a", "b"]`` and ``["a,b"]`` (a
    repeated command-line option) agree. Codes are checked against the rule table by
    :func:`geozone.lookup.lookup`.
    """
    if value is None:
        return ()
    items = [value] if isinstance(value, str) else list(value)
    out: dict[str, None] = {}
    for item in items:
        if not isinstance(item, str):
            raise InvalidInput(f"activity {item!r} is not a string", {"activity": repr(item)})
        for part in item.split(","):
            code = part.strip()
            if code:
                out[code] = None
    return tuple(out)


def _number(value: Any, what: str) -> float:
    """Return ``value`` as a finite float or raise InvalidGeoJSON naming ``what``."""
    if isinstance(value, bool) or not isinstance(value, (int, float, np.number)):
        raise InvalidGeoJSON(f"{what}: {_shown(value)} is not a number", {"where": what})
    try:
        out = float(value)
    except OverflowError:  # an integer beyond float range (JSON allows 400 digits)
        out = math.inf
    if not math.isfinite(out):
        raise InvalidGeoJSON(f"{what}: {_shown(value)} is not a finite number", {"where": what})
    return out


# ---------------------------------------------------------------------------------------------
# Coordinates and CRS


def _check_axis_order(xs: np.ndarray, ys: np.ndarray, declared: DeclaredCRS) -> None:
    """Raise SwappedCoordinates / InvalidGeoJSON when coordinates look like (lat, lon).

    Degrees beyond ±180/±90 raise :class:`~geozone.errors.ProjectedCoordinates`,
    suggesting the ``crs`` to pass.
    """
    if declared.is_geographic:
        if np.any(np.abs(ys) > 90):
            if np.all(np.abs(xs) <= 90):
                raise SwappedCoordinates(
                    f"latitude {float(ys[np.argmax(np.abs(ys))])} is beyond ±90: "
                    "coordinates look like (lat, lon); GeoJSON and this API use (lon, lat)",
                    {"lon": float(xs[0]), "lat": float(ys[0])},
                )
            _refuse_out_of_range(float(np.mean(xs)), float(np.mean(ys)), declared)
        if np.any(np.abs(xs) > 180):
            _refuse_out_of_range(float(np.mean(xs)), float(np.mean(ys)), declared)
    _check_centre(float(np.mean(xs)), float(np.mean(ys)), declared)


def _check_point_axis_order(x: float, y: float, declared: DeclaredCRS) -> None:
    """:func:`_check_axis_order` for one coordinate pair, without numpy."""
    if declared.is_geographic:
        if abs(y) > 90:
            if abs(x) <= 90:
                raise SwappedCoordinates(
                    f"latitude {y} is beyond ±90: "
                    "coordinates look like (lat, lon); GeoJSON and this API use (lon, lat)",
                    {"lon": x, "lat": y},
                )
            _refuse_out_of_range(x, y, declared)
        if abs(x) > 180:
            _refuse_out_of_range(x, y, declared)
    _check_centre(x, y, declared)


PROJECTED_GUESSES = (
    ("EPSG:4548", "CGCS2000 / 3-degree Gauss-Kruger CM 117E"),
    ("EPSG:4527", "CGCS2000 / 3-degree Gauss-Kruger zone 39, eastings with the zone prefix"),
    ("EPSG:32650", "WGS 84 / UTM zone 50N"),
    ("EPSG:3857", "Web Mercator, as web maps use"),
)
"""Projected CRSs whose metres Beijing data usually come in, in the order suggested."""


def projected_guesses(x: float, y: float) -> list[tuple[str, str]]:
    """The :data:`PROJECTED_GUESSES` in which ``(x, y)`` metres fall inside China.

    Examples
    --------
    >>> [code for code, _ in projected_guesses(470069.0, 4416720.0)]
    ['EPSG:4548', 'EPSG:32650']
    >>> [code for code, _ in projected_guesses(12_986_000.0, 4_852_000.0)]
    ['EPSG:3857']
    """
    out = []
    for code, name in PROJECTED_GUESSES:
        lon, lat = _to_wgs84_xy(x, y, parse_crs(code))
        if _in_china(lon, lat):
            out.append((code, name))
    return out


def _refuse_out_of_range(x: float, y: float, declared: DeclaredCRS) -> NoReturn:
    """Refuse degrees beyond ±180/±90, naming the ``crs`` to pass.

    :class:`~geozone.errors.ProjectedCoordinates` when they look like projected metres
    (a suggested CRS puts them in China, or both are out of range), else InvalidGeoJSON.
    """
    which = "longitude beyond ±180" if abs(x) > 180 else "latitude beyond ±90"
    where = f"({x:.12g}, {y:.12g}) are not degrees in {declared.name} ({which})"
    guesses = projected_guesses(x, y)
    if guesses:
        code, name = guesses[0]
        hint = f"pass crs={code} ({name})"
        if len(guesses) > 1:
            hint += " or " + ", ".join(f"crs={c} ({n})" for c, n in guesses[1:])
        hint += ", whichever they are in"
    else:
        hint = (
            "pass crs with their CRS, e.g. crs=EPSG:4548 for CGCS2000 / 3-degree "
            "Gauss-Kruger CM 117E metres"
        )
    detail = {"lon": x, "lat": y, "crs": declared.name, "suggested_crs": [c for c, _ in guesses]}
    if guesses or (abs(x) > 180 and abs(y) > 90):
        raise ProjectedCoordinates(f"{where}: they look like projected metres; {hint}", detail)
    raise InvalidGeoJSON(
        f"{where}: give (lon, lat) in degrees, or if they are projected metres, {hint}", detail
    )


def _check_centre(cx: float, cy: float, declared: DeclaredCRS) -> None:
    """Raise SwappedCoordinates when the centre lies outside China but inside once swapped."""
    if declared.is_geographic:  # degrees (an offset system is within 1 km of WGS84)
        lon, lat, slon, slat = cx, cy, cy, cx
    else:
        lon, lat = _to_wgs84_xy(cx, cy, declared)
        slon, slat = math.inf, math.inf
    if _in_china(lon, lat):
        return
    if not declared.is_geographic:
        slon, slat = _to_wgs84_xy(cy, cx, declared)
    if _in_china(slon, slat):
        raise SwappedCoordinates(
            f"({cx:g}, {cy:g}) in {declared.name} lies far outside China but swapped it lies "
            "inside: coordinates look like (lat, lon) / (northing, easting); send (lon, lat) "
            "/ (easting, northing)",
            {"x": cx, "y": cy, "crs": declared.name},
        )


def _in_china(lon: float, lat: float) -> bool:
    """True when a finite lon/lat falls in the rough China box."""
    return math.isfinite(lon) and math.isfinite(lat) and in_china_xy(lon, lat)


def _to_wgs84_xy(x: float, y: float, declared: DeclaredCRS) -> tuple[float, float]:
    """Convert one coordinate pair to WGS84 lon/lat (``inf`` when the transform fails)."""
    try:
        return _convert_xy(x, y, declared, OUTPUT_CRS)
    except Exception:  # pyproj may raise on coordinates outside the CRS's domain
        return math.inf, math.inf


def _convert_xy(x: float, y: float, declared: DeclaredCRS, dst: str) -> tuple[float, float]:
    """Convert one coordinate pair from a declared CRS to ``dst``.

    The same arithmetic as :func:`_convert` (pyproj gives bit-identical results for a
    scalar pair and a one-element array) without building and transforming a geometry.
    """
    func = coordinate_converter(declared, dst)
    if func is None:
        return x, y
    if declared.offset is not None:  # the numpy offset formulas, on one-element arrays
        ox, oy = func(np.array([x]), np.array([y]))
        return float(ox[0]), float(oy[0])
    ox, oy = func(x, y)
    return float(ox), float(oy)


def _convert(geom: BaseGeometry, declared: DeclaredCRS, dst: str) -> BaseGeometry:
    """Reproject one geometry from a declared CRS (incl. GCJ-02/BD-09) to ``dst``."""
    func = coordinate_converter(declared, dst)
    if func is None:
        return geom

    def apply(coords: np.ndarray) -> np.ndarray:
        x, y = func(coords[:, 0], coords[:, 1])
        return np.column_stack([x, y])

    return shapely.transform(geom, apply)


def _project(geom: BaseGeometry, declared: DeclaredCRS) -> tuple[BaseGeometry, BaseGeometry]:
    """Return ``(analysis, wgs84)`` versions of a geometry given in ``declared``."""
    analysis = _convert(geom, declared, ANALYSIS_CRS)
    wgs84 = _convert(geom, declared, OUTPUT_CRS)
    coords = shapely.get_coordinates(np.array([analysis, wgs84], dtype=object))
    if not np.all(np.isfinite(coords)):
        raise InvalidInput(
            f"coordinates cannot be transformed from {declared.name}: outside its area of use",
            {"crs": declared.name},
        )
    return analysis, wgs84


ANALYSIS_MARGIN_DEG = 1.0
"""How far beyond the analysis CRS's area of use a parcel may reach, in degrees.

EPSG:4548's area of use is 115.5°E-118.5°E (its 3° Gauss-Krüger zone); Beijing reaches
115.42°E. At 1° beyond the zone edge (2.5° from the central meridian, latitude 40°) the
scale error is 0.06 %, so areas and distances are still sound to a few parts in 10,000.
"""

MAX_PARCEL_SPAN_DEG = 3.0
"""Widest parcel accepted, in degrees of longitude or latitude (Beijing spans 2.1° × 1.6°)."""


@lru_cache(maxsize=1)
def analysis_window() -> tuple[float, float, float, float]:
    """``(west, south, east, north)`` in WGS84 degrees where parcels can be measured.

    The area of use of :data:`geozone.ANALYSIS_CRS` (per pyproj), grown by
    :data:`ANALYSIS_MARGIN_DEG`.
    """
    area = CRS.from_user_input(ANALYSIS_CRS).area_of_use
    west, south, east, north = area.bounds if area is not None else (-180.0, -90.0, 180.0, 90.0)
    m = ANALYSIS_MARGIN_DEG
    return west - m, south - m, east + m, north + m


def check_measurable(wgs84: BaseGeometry) -> None:
    """Refuse a parcel that cannot be measured in the analysis CRS (EPSG:4548).

    A parcel must lie inside :func:`analysis_window` and span at most
    :data:`MAX_PARCEL_SPAN_DEG`. A parcel crossing the antimeridian (drawn from -170° to
    170°) spans 340° and is refused here rather than answered with a wrong area. Points
    are never refused: a point anywhere on Earth is a valid query answered ``outside``.

    Raises
    ------
    OutsideAnalysisCRS
        Naming the parcel's extent, the usable window and what to do.
    """
    west, south, east, north = (float(v) for v in wgs84.bounds)
    check_measurable_extent(west, south, east, north)


def check_measurable_extent(
    west: float, south: float, east: float, north: float, what: str = "the parcel"
) -> None:
    """:func:`check_measurable` for a WGS84 extent; ``what`` names the input in the message."""
    w, s, e, n = analysis_window()
    span = max(east - west, north - south)
    if west >= w and east <= e and south >= s and north <= n and span <= MAX_PARCEL_SPAN_DEG:
        return
    extent = [round(v, 4) for v in (west, south, east, north)]
    raise OutsideAnalysisCRS(
        f"{what} (lon {extent[0]:g}..{extent[2]:g}, lat {extent[1]:g}..{extent[3]:g}) "
        f"cannot be measured in {ANALYSIS_CRS}: polygons must lie within lon {w:g}..{e:g}, "
        f"lat {s:g}..{n:g} and span at most {MAX_PARCEL_SPAN_DEG:g}°; split it, "
        "or check its coordinates and CRS (a polygon crossing the antimeridian is not accepted)",
        # (a polygon drawn from -170° to 170° spans 340° and would be measured wrongly)
        {
            "input": what,
            "bbox": extent,
            "window": [w, s, e, n],
            "max_span_deg": MAX_PARCEL_SPAN_DEG,
            "analysis_crs": ANALYSIS_CRS,
        },
    )


# ---------------------------------------------------------------------------------------------
# Public constructors


def point_query(
    lon: float | str,
    lat: float | str,
    *,
    crs: str | int | None = None,
    activities: str | Iterable[str] | None = (),
    as_of: date | str | None = None,
    tolerance_m: float | str | None = None,
    settings: QuerySettings | None = None,
    detail: str | None = None,
) -> Query:
    """Build a point query.

    Parameters
    ----------
    lon, lat
        Longitude and latitude in degrees (or easting/northing in metres when ``crs`` is
        projected, e.g. EPSG:4548).
    crs
        Declared CRS of the coordinates: ``None`` (WGS84), an EPSG code, ``"GCJ02"``, ``"BD09"``.
    activities
        Activity codes (comma string or iterable); empty means every activity.
    as_of
        Date (or ISO string) whose layer versions answer; default today.
    tolerance_m
        Boundary tolerance in metres; default ``settings.default_tolerance_m``.
    settings
        Query limits (defaults from :class:`~geozone.settings.QuerySettings`).
    detail
        ``"full"`` (default) or ``"summary"`` (:func:`parse_detail`).

    Returns
    -------
    Query
        With ``kind == "point"``.

    Raises
    ------
    InvalidInput, SwappedCoordinates, UnknownCRS, InvalidDate
        Naming the problem.

    Examples
    --------
    >>> q = point_query(116.65, 39.90, tolerance_m=5)
    >>> q.kind, q.crs, round(q.geometry.x)
    ('point', 'EPSG:4326', 470069)
    """
    cfg = settings or QuerySettings()
    declared = parse_crs(crs)
    x = _coordinate(lon, "lon")
    y = _coordinate(lat, "lat")
    _check_point_axis_order(x, y, declared)
    ax, ay = _convert_xy(x, y, declared, ANALYSIS_CRS)
    wx, wy = _convert_xy(x, y, declared, OUTPUT_CRS)
    if not all(map(math.isfinite, (ax, ay, wx, wy))):
        raise InvalidInput(
            f"coordinates cannot be transformed from {declared.name}: outside its area of use",
            {"crs": declared.name},
        )
    return Query(
        kind="point",
        crs=declared.name,
        activities=parse_activities(activities),
        as_of=parse_as_of(as_of),
        tolerance_m=parse_tolerance(tolerance_m, cfg),
        coords=(ax, ay, wx, wy),
        detail=parse_detail(detail),
    )


def _coordinate(value: float | str, name: str) -> float:
    """A point coordinate as a finite float, or InvalidInput naming ``name`` (lon or lat)."""
    try:
        out = float(value)
    except OverflowError:  # an integer beyond float range
        out = math.inf
    except (TypeError, ValueError):
        raise InvalidInput(
            f"{name} must be a number (got {_shown(value)})", {name: _shown(value)}
        ) from None
    if not math.isfinite(out):
        raise InvalidInput(
            f"{name} must be a finite number (got {_shown(value)})", {name: _shown(value)}
        )
    return out


def _unwrap(obj: Any) -> tuple[dict[str, Any], Any]:
    """Return ``(geometry dict, GeoJSON crs member or None)`` from a geometry/Feature/FC."""
    if not isinstance(obj, dict):
        raise InvalidGeoJSON(
            f"GeoJSON must be an object, got {type(obj).__name__}", {"type": type(obj).__name__}
        )
    crs_member = obj.get("crs")
    kind = obj.get("type")
    if kind == "FeatureCollection":
        features = obj.get("features")
        if not isinstance(features, list) or len(features) != 1:
            n = len(features) if isinstance(features, list) else 0
            raise InvalidGeoJSON(
                f"a FeatureCollection query must hold exactly one feature (got {n}); "
                "use a batch lookup for several",
                {"features": n},
            )
        inner, inner_crs = _unwrap(features[0])
        return inner, inner_crs or crs_member
    if kind == "Feature":
        feature_geom = obj.get("geometry")
        if not isinstance(feature_geom, dict):
            raise InvalidGeoJSON("the Feature has no geometry object", {"type": "Feature"})
        props = obj.get("properties")
        if props is not None and not isinstance(props, dict):  # RFC 7946 section 3.2
            raise InvalidGeoJSON(
                "the Feature's properties must be an object or null",
                {"type": "Feature", "properties": type(props).__name__},
            )
        return feature_geom, crs_member
    if kind in ACCEPTED_TYPES:
        return obj, crs_member
    raise InvalidGeoJSON(
        f"GeoJSON type {kind!r} is not accepted; send a Point, Polygon, MultiPolygon, "
        "Feature or a FeatureCollection of one Feature",
        {"type": str(kind), "accepted": [*ACCEPTED_TYPES, "Feature", "FeatureCollection"]},
    )


def _crs_from_member(member: Any) -> str | None:
    """Read the legacy GeoJSON ``crs`` member (``{"type": "name", "properties": {"name"}}``)."""
    if isinstance(member, dict):
        props = member.get("properties")
        if isinstance(props, dict) and isinstance(props.get("name"), str):
            return str(props["name"])
    return None


def _position(value: Any, where: str) -> tuple[float, float]:
    """Validate one GeoJSON position ``[x, y(, z)]``."""
    if not isinstance(value, (list, tuple)) or len(value) < 2:
        raise InvalidGeoJSON(f"{where}: a position must be [x, y], got {value!r}", {"where": where})
    return _number(value[0], f"{where}[0]"), _number(value[1], f"{where}[1]")


def _ring(value: Any, where: str) -> list[tuple[float, float]]:
    """Validate a linear ring: ≥ 4 positions, closed."""
    if not isinstance(value, (list, tuple)):
        raise InvalidGeoJSON(f"{where}: a ring must be a list of positions", {"where": where})
    pts = [_position(p, f"{where}[{i}]") for i, p in enumerate(value)]
    if len(pts) < 4:
        raise InvalidGeoJSON(
            f"{where}: a ring needs at least 4 positions (first = last), got {len(pts)}",
            {"where": where, "positions": len(pts)},
        )
    if pts[0] != pts[-1]:
        raise InvalidGeoJSON(
            f"{where}: the ring is not closed (first position {list(pts[0])} differs from "
            f"last {list(pts[-1])})",
            {"where": where},
        )
    return pts


def _polygon_rings(value: Any, where: str) -> list[list[tuple[float, float]]]:
    """Validate the rings of one polygon."""
    if not isinstance(value, (list, tuple)) or not value:
        raise InvalidGeoJSON(f"{where}: a polygon needs at least one ring", {"where": where})
    return [_ring(r, f"{where}[{i}]") for i, r in enumerate(value)]


def _build(geom: dict[str, Any], max_vertices: int) -> BaseGeometry:
    """Validate GeoJSON geometry structure and build the shapely geometry."""
    kind = geom.get("type")
    coords = geom.get("coordinates")
    if kind not in ACCEPTED_TYPES:
        raise InvalidGeoJSON(
            f"geometry type {kind!r} is not accepted; send a Point, Polygon or MultiPolygon",
            {"type": str(kind), "accepted": list(ACCEPTED_TYPES)},
        )
    if coords is None:
        raise InvalidGeoJSON(f"the {kind} has no coordinates", {"type": kind})
    if kind == "Point":
        return Point(_position(coords, "coordinates"))
    polys = [coords] if kind == "Polygon" else coords
    if not isinstance(polys, (list, tuple)) or not polys:
        raise InvalidGeoJSON(f"the {kind} has no polygons", {"type": kind})
    count = sum(len(r) for p in polys if isinstance(p, list) for r in p if isinstance(r, list))
    if count > max_vertices:
        raise QueryTooLarge(
            f"the geometry has {count} vertices; the limit is {max_vertices}",
            {"vertices": count, "max_vertices": max_vertices},
        )
    if kind == "Polygon":
        rings = _polygon_rings(coords, "coordinates")
        return Polygon(rings[0], rings[1:])
    parts = [_polygon_rings(p, f"coordinates[{i}]") for i, p in enumerate(polys)]
    return MultiPolygon([Polygon(r[0], r[1:]) for r in parts])


_REASON_XY = re.compile(r"\[\s*([-+0-9.eE]+)\s+([-+0-9.eE]+)\s*\]")


def _invalid_detail(geom: BaseGeometry, declared: DeclaredCRS) -> tuple[str, dict[str, Any]]:
    """Describe why ``geom`` is invalid, with the location in lon/lat when GEOS gives one."""
    reason = str(shapely.is_valid_reason(geom))
    detail: dict[str, Any] = {"reason": reason}
    text = reason.split("[")[0].strip()
    match = _REASON_XY.search(reason)
    if match:
        lon, lat = _to_wgs84_xy(float(match.group(1)), float(match.group(2)), declared)
        detail.update(lon=round(lon, COORD_DECIMALS), lat=round(lat, COORD_DECIMALS))
        text = f"{text} at lon {lon:.7f}, lat {lat:.7f}"
    return text, detail


def _polygonal(geom: BaseGeometry) -> BaseGeometry:
    """Keep only the polygonal parts of a (repaired) geometry."""
    if isinstance(geom, (Polygon, MultiPolygon)):
        return geom
    parts = [
        g for g in shapely.get_parts(geom) if isinstance(g, (Polygon, MultiPolygon)) and g.area > 0
    ]
    polys = [p for g in parts for p in shapely.get_parts(g)]
    return MultiPolygon(polys) if len(polys) > 1 else (polys[0] if polys else Polygon())


def geojson_query(
    obj: Any,
    *,
    crs: str | int | None = None,
    activities: str | Iterable[str] | None = (),
    as_of: date | str | None = None,
    tolerance_m: float | str | None = None,
    repair: bool = False,
    settings: QuerySettings | None = None,
    detail: str | None = None,
) -> Query:
    """Build a point or parcel query from GeoJSON.

    Parameters
    ----------
    obj
        A GeoJSON Point / Polygon / MultiPolygon geometry, a Feature with one, or a
        FeatureCollection of exactly one Feature.
    crs
        Declared CRS of the coordinates (default WGS84, or the legacy GeoJSON ``crs`` member).
    activities, as_of, tolerance_m, settings, detail
        As for :func:`point_query`.
    repair
        Repair an invalid polygon with :func:`shapely.make_valid` (keeping its polygonal
        parts) and say so in :attr:`Query.warnings`, instead of raising.

    Returns
    -------
    Query
        ``kind == "point"`` for a Point, else ``"parcel"``.

    Raises
    ------
    InvalidGeoJSON
        Not an object, wrong type, bad coordinates, unclosed ring or ring < 4 positions.
    InvalidGeometry
        A self-intersecting (bow-tie) polygon, with the location in lon/lat.
    QueryTooLarge
        More vertices than ``settings.max_vertices``.
    OutsideAnalysisCRS, ParcelTooLarge
        A parcel beyond EPSG:4548's area of use, or larger than
        ``settings.max_parcel_area_m2``.
    SwappedCoordinates, UnknownCRS, InvalidDate, InvalidInput
        Naming the problem.
    """
    cfg = settings or QuerySettings()
    geom_obj, crs_member = _unwrap(obj)
    declared = parse_crs(crs if crs is not None else _crs_from_member(crs_member))
    geom = _build(geom_obj, cfg.max_vertices)
    xy = shapely.get_coordinates(geom)
    if len(xy) == 0:
        raise InvalidGeoJSON("the geometry is empty", {"type": geom_obj.get("type")})
    _check_axis_order(xy[:, 0], xy[:, 1], declared)
    warnings: list[str] = []
    if not geom.is_valid:
        text, why = _invalid_detail(geom, declared)
        if not repair:
            raise InvalidGeometry(
                f"the polygon is not valid: {text}; fix it or ask for repair", why
            )
        geom = _polygonal(shapely.make_valid(geom))
        if geom.is_empty:
            raise InvalidGeometry(f"the polygon is not valid ({text}) and has no area", why)
        warnings.append(f"the polygon was not valid ({text}); repaired with shapely.make_valid")
    if geom.geom_type != "Point" and geom.area <= 0:
        raise InvalidGeometry("the polygon has no area", {"type": geom.geom_type})
    analysis, wgs84 = _project(geom, declared)
    if geom.geom_type != "Point":
        check_measurable(wgs84)
    if not analysis.is_valid:  # reprojection can fold a nearly degenerate polygon
        analysis = _polygonal(shapely.make_valid(analysis))
        warnings.append("the polygon became invalid when reprojected; repaired with make_valid")
    if geom.geom_type != "Point":
        check_parcel_area(float(analysis.area), cfg)
    is_point = geom.geom_type == "Point"
    return Query(
        kind="point" if is_point else "parcel",
        coords=_point_coords(analysis, wgs84) if is_point else None,
        shapes=(analysis, wgs84),
        crs=declared.name,
        activities=parse_activities(activities),
        as_of=parse_as_of(as_of),
        tolerance_m=parse_tolerance(tolerance_m, cfg),
        warnings=tuple(warnings),
        max_parcel_work=cfg.max_parcel_work,
        detail=parse_detail(detail),
    )
