"""Coordinate reference systems: declared input CRS, GCJ-02/BD-09 conversion, shift detection.

geozone measures in metres in :data:`geozone.ANALYSIS_CRS` (EPSG:4548) and exchanges
geometries in WGS84 (EPSG:4326). Inputs declare their CRS; :func:`parse_crs` accepts
EPSG codes (4326, 4490, 4548, any code pyproj knows), a few common names and the two
Chinese obfuscated systems GCJ-02 ("Mars coordinates", used by Amap/Tencent) and BD-09
(Baidu). GCJ-02 is not a datum but a published non-linear offset; we convert it to WGS84
with the iterative inverse of the public forward formula, accurate well below 1 m in Beijing.

Why not a library: pyproj/PROJ deliberately has no GCJ-02 transform, and the PyPI packages
that do (``coord-convert``, ``eviltransform``) are scalar loops. The forward formula is
public and short; a vectorised numpy version plus a fixed-point inverse is 60 lines we
test against the two district files in ``shared/data`` (same outlines, both systems).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property, lru_cache
from typing import Any

import numpy as np
import numpy.typing as npt
import shapely
from pyproj import CRS, Transformer
from pyproj.exceptions import CRSError

from geozone.errors import UnknownCRS, UnsupportedCRS

FloatArray = npt.NDArray[np.float64]

GCJ02 = "GCJ02"
BD09 = "BD09"
_OFFSET_SYSTEMS = {GCJ02, BD09}

_ALIASES: dict[str, str] = {
    "WGS84": "EPSG:4326",
    "WGS 84": "EPSG:4326",
    "CRS84": "EPSG:4326",
    "OGC:CRS84": "EPSG:4326",
    "HTTP://WWW.OPENGIS.NET/DEF/CRS/OGC/1.3/CRS84": "EPSG:4326",
    "CGCS2000": "EPSG:4490",
    "GCJ02": GCJ02,
    "GCJ-02": GCJ02,
    "GCJ_02": GCJ02,
    "MARS": GCJ02,
    "BD09": BD09,
    "BD-09": BD09,
    "BD_09": BD09,
    "BAIDU": BD09,
}


@dataclass(frozen=True)
class DeclaredCRS:
    """A CRS as declared by a user: a real CRS, or an offset system on top of WGS84.

    ``offset`` is ``"GCJ02"`` or ``"BD09"`` for the obfuscated systems (whose
    coordinates are degrees shifted from WGS84), else ``None``.
    """

    name: str
    crs: CRS
    offset: str | None = None

    @cached_property
    def is_geographic(self) -> bool:
        """True when coordinates are longitude/latitude degrees (pyproj asked once)."""
        return self.offset is not None or bool(self.crs.is_geographic)


@lru_cache(maxsize=64)
def parse_crs(value: str | int | None) -> DeclaredCRS:
    """Parse a declared CRS.

    Parameters
    ----------
    value
        ``None`` (WGS84), an EPSG integer, ``"EPSG:4548"``, ``"4490"``, an OGC URN/URI,
        ``"WGS84"``, ``"CGCS2000"``, ``"GCJ02"``/``"GCJ-02"`` or ``"BD09"``.

    Raises
    ------
    UnknownCRS
        If the value names no CRS pyproj knows and no offset system.
    UnsupportedCRS
        If it names a CRS that is not 2-D horizontal on Earth (geocentric, 3-D,
        vertical, engineering, another celestial body).

    Examples
    --------
    >>> parse_crs("gcj-02").offset
    'GCJ02'
    >>> parse_crs(4548).crs.to_epsg()
    4548
    """
    if value is None or value == "":
        return DeclaredCRS("EPSG:4326", CRS.from_epsg(4326))
    text = str(value).strip()
    key = text.upper()
    key = _ALIASES.get(key, key)
    if key in _OFFSET_SYSTEMS:
        return DeclaredCRS(key, CRS.from_epsg(4326), key)
    if key.isdigit():
        key = f"EPSG:{key}"
    if "/EPSG/" in key:  # http://www.opengis.net/def/crs/EPSG/0/4548
        key = "EPSG:" + key.rstrip("/").rsplit("/", 1)[-1]
    shown = text if len(text) <= 80 else text[:77] + "..."  # echoed in messages
    try:
        crs = CRS.from_user_input(key)
    except (CRSError, ValueError, TypeError) as exc:
        raise UnknownCRS(f"unknown CRS {shown!r}", {"crs": shown}) from exc
    _check_horizontal_on_earth(crs, shown)
    epsg = crs.to_epsg()
    return DeclaredCRS(f"EPSG:{epsg}" if epsg else crs.to_string(), crs)


EARTH_SEMI_MAJOR_M = (6_350_000.0, 6_400_000.0)
"""Semi-major axes of every Earth ellipsoid (Everest 1830 6,377,276 m … Helmert 6,378,200 m)."""


def _check_horizontal_on_earth(crs: CRS, text: str) -> None:
    """Refuse CRSs geozone cannot take (lon, lat) / (easting, northing) pairs in.

    Accepted: a 2-D geographic or projected CRS whose ellipsoid is Earth's. Refused:
    geocentric (EPSG:4978), 3-D (EPSG:4979), vertical (EPSG:5773), compound and
    engineering CRSs, and CRSs of other bodies (``IAU_2015:30100``, the Moon).

    Raises
    ------
    UnsupportedCRS
        Naming what the CRS is and what is accepted instead.
    """
    kind = crs.type_name
    detail = {"crs": text, "type": kind, "accepted": "2-D geographic or projected CRS on Earth"}
    if not (crs.is_geographic or crs.is_projected) or crs.is_compound or crs.is_geocentric:
        raise UnsupportedCRS(
            f"CRS {text!r} ({kind}) is not a 2-D geographic or projected CRS; give one "
            "such as EPSG:4326, EPSG:4490 or EPSG:4548",
            detail,
        )
    if len(crs.axis_info) != 2:
        raise UnsupportedCRS(
            f"CRS {text!r} has {len(crs.axis_info)} axes; give a 2-D CRS "
            "(e.g. EPSG:4326 rather than EPSG:4979)",
            detail,
        )
    ellipsoid = crs.ellipsoid
    semi_major = ellipsoid.semi_major_metre if ellipsoid is not None else math.nan
    low, high = EARTH_SEMI_MAJOR_M
    if not low <= semi_major <= high:
        body = crs.datum.name if crs.datum is not None else "unknown body"
        raise UnsupportedCRS(
            f"CRS {text!r} is not on Earth ({body}); give a CRS of Earth coordinates",
            {**detail, "datum": body},
        )


@lru_cache(maxsize=64)
def transformer(src: str, dst: str) -> Transformer:
    """Return a cached always-xy transformer between two CRS strings."""
    return Transformer.from_crs(src, dst, always_xy=True)


# --- GCJ-02 / BD-09 -----------------------------------------------------------------

_A = 6378245.0
_EE = 0.00669342162296594323


# The offset formulas are written once for both numpy arrays and plain floats: ``m`` is
# the numpy or the math module (``sin``, ``cos``, ``sqrt`` and ``pi`` exist in both, and the
# builtin ``abs`` takes both). numpy on one coordinate pair costs ~40 ufunc calls on 0-d
# arrays, ten times the math module's time.


def _transform_lat(x: Any, y: Any, m: Any = np) -> Any:
    ret = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * m.sqrt(abs(x))
    ret += (20.0 * m.sin(6.0 * x * m.pi) + 20.0 * m.sin(2.0 * x * m.pi)) * 2.0 / 3.0
    ret += (20.0 * m.sin(y * m.pi) + 40.0 * m.sin(y / 3.0 * m.pi)) * 2.0 / 3.0
    ret += (160.0 * m.sin(y / 12.0 * m.pi) + 320 * m.sin(y * m.pi / 30.0)) * 2.0 / 3.0
    return ret


def _transform_lon(x: Any, y: Any, m: Any = np) -> Any:
    ret = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * m.sqrt(abs(x))
    ret += (20.0 * m.sin(6.0 * x * m.pi) + 20.0 * m.sin(2.0 * x * m.pi)) * 2.0 / 3.0
    ret += (20.0 * m.sin(x * m.pi) + 40.0 * m.sin(x / 3.0 * m.pi)) * 2.0 / 3.0
    ret += (150.0 * m.sin(x / 12.0 * m.pi) + 300.0 * m.sin(x / 30.0 * m.pi)) * 2.0 / 3.0
    return ret


def _gcj02_delta(lon: Any, lat: Any, m: Any = np) -> tuple[Any, Any]:
    """The GCJ-02 offset (dlon, dlat) in degrees at WGS84 (lon, lat), China or not."""
    dlat = _transform_lat(lon - 105.0, lat - 35.0, m)
    dlon = _transform_lon(lon - 105.0, lat - 35.0, m)
    radlat = lat / 180.0 * m.pi
    magic = 1 - _EE * m.sin(radlat) ** 2
    sqrtmagic = m.sqrt(magic)
    dlat = (dlat * 180.0) / ((_A * (1 - _EE)) / (magic * sqrtmagic) * m.pi)
    dlon = (dlon * 180.0) / (_A / sqrtmagic * m.cos(radlat) * m.pi)
    return dlon, dlat


_CHINA_BOX = (72.004, 137.8347, 0.8293, 55.8271)
"""Rough mainland-China box (min lon, max lon, min lat, max lat) of the GCJ-02 offset."""


def in_china(lon: FloatArray, lat: FloatArray) -> npt.NDArray[np.bool_]:
    """Rough mainland-China box inside which the GCJ-02 offset applies."""
    west, east, south, north = _CHINA_BOX
    return (lon > west) & (lon < east) & (lat > south) & (lat < north)


def in_china_xy(lon: float, lat: float) -> bool:
    """:func:`in_china` for one coordinate pair (plain floats, no numpy)."""
    west, east, south, north = _CHINA_BOX
    return west < lon < east and south < lat < north


def wgs84_to_gcj02(lon: npt.ArrayLike, lat: npt.ArrayLike) -> tuple[FloatArray, FloatArray]:
    """Forward GCJ-02 offset (vectorised). Outside China coordinates are returned unchanged.

    Examples
    --------
    >>> x, y = wgs84_to_gcj02([116.4], [39.9])
    >>> round(float(x[0] - 116.4), 4), round(float(y[0] - 39.9), 4)
    (0.0062, 0.0014)
    """
    lon_a = np.asarray(lon, dtype=np.float64)
    lat_a = np.asarray(lat, dtype=np.float64)
    dlon, dlat = _gcj02_delta(lon_a, lat_a)
    inside = in_china(lon_a, lat_a)
    return np.where(inside, lon_a + dlon, lon_a), np.where(inside, lat_a + dlat, lat_a)


def wgs84_to_gcj02_xy(lon: float, lat: float) -> tuple[float, float]:
    """:func:`wgs84_to_gcj02` for one coordinate pair (plain floats and :mod:`math`).

    Agrees with the vectorised form to within a few ulp (numpy's and C's ``sin`` may
    round differently), so use it for hints, not where results must be bit-identical.

    Examples
    --------
    >>> x, y = wgs84_to_gcj02_xy(116.4, 39.9)
    >>> round(x - 116.4, 4), round(y - 39.9, 4)
    (0.0062, 0.0014)
    """
    if not in_china_xy(lon, lat):
        return lon, lat
    dlon, dlat = _gcj02_delta(lon, lat, math)
    return lon + dlon, lat + dlat


def gcj02_to_wgs84(
    lon: npt.ArrayLike, lat: npt.ArrayLike, *, tol_deg: float = 1e-9, max_iter: int = 20
) -> tuple[FloatArray, FloatArray]:
    """Inverse GCJ-02 by fixed-point iteration of the forward formula (vectorised).

    Converges to ~1e-9° (0.1 mm) in a handful of iterations; accuracy is far below 1 m.
    """
    glon = np.asarray(lon, dtype=np.float64)
    glat = np.asarray(lat, dtype=np.float64)
    wlon, wlat = glon.copy(), glat.copy()
    for _ in range(max_iter):
        flon, flat = wgs84_to_gcj02(wlon, wlat)
        dlon, dlat = flon - glon, flat - glat
        wlon -= dlon
        wlat -= dlat
        if np.all(np.abs(dlon) < tol_deg) and np.all(np.abs(dlat) < tol_deg):
            break
    return wlon, wlat


_X_PI = np.pi * 3000.0 / 180.0


def bd09_to_gcj02(lon: npt.ArrayLike, lat: npt.ArrayLike) -> tuple[FloatArray, FloatArray]:
    """BD-09 (Baidu) to GCJ-02, the published closed form."""
    x = np.asarray(lon, dtype=np.float64) - 0.0065
    y = np.asarray(lat, dtype=np.float64) - 0.006
    z = np.sqrt(x * x + y * y) - 0.00002 * np.sin(y * _X_PI)
    theta = np.arctan2(y, x) - 0.000003 * np.cos(x * _X_PI)
    return z * np.cos(theta), z * np.sin(theta)


def gcj02_to_bd09(lon: npt.ArrayLike, lat: npt.ArrayLike) -> tuple[FloatArray, FloatArray]:
    """GCJ-02 to BD-09 (Baidu), the published closed form."""
    x = np.asarray(lon, dtype=np.float64)
    y = np.asarray(lat, dtype=np.float64)
    z = np.sqrt(x * x + y * y) + 0.00002 * np.sin(y * _X_PI)
    theta = np.arctan2(y, x) + 0.000003 * np.cos(x * _X_PI)
    return z * np.cos(theta) + 0.0065, z * np.sin(theta) + 0.006


def offset_to_wgs84(
    system: str, lon: npt.ArrayLike, lat: npt.ArrayLike
) -> tuple[FloatArray, FloatArray]:
    """Convert GCJ-02 or BD-09 degrees to WGS84 degrees."""
    if system == GCJ02:
        return gcj02_to_wgs84(lon, lat)
    if system == BD09:
        return gcj02_to_wgs84(*bd09_to_gcj02(lon, lat))
    raise UnknownCRS(f"not an offset system: {system!r}")


def _apply_xy(geoms: npt.ArrayLike, func: object) -> npt.NDArray[np.object_]:
    """Apply a vectorised ``(x, y) -> (x, y)`` function to every vertex of shapely geometries."""

    def wrapped(coords: FloatArray) -> FloatArray:
        x, y = func(coords[:, 0], coords[:, 1])  # type: ignore[operator]
        return np.column_stack([x, y])

    return np.asarray(shapely.transform(geoms, wrapped), dtype=object)


@lru_cache(maxsize=64)
def _converter(name: str, offset: str | None, dst: str) -> Callable[[Any, Any], Any] | None:
    """A vectorised ``(x, y) -> (x, y)`` from a CRS (or offset system) to ``dst``."""
    if offset is not None:
        to_dst = None if dst == "EPSG:4326" else transformer("EPSG:4326", dst).transform

        def from_offset(x: Any, y: Any) -> Any:
            lon, lat = offset_to_wgs84(offset, x, y)
            return (lon, lat) if to_dst is None else to_dst(lon, lat)

        return from_offset
    if name == dst:
        return None
    return transformer(name, dst).transform  # type: ignore[no-any-return]


def coordinate_converter(
    declared: DeclaredCRS | str | int | None, dst: str
) -> Callable[[Any, Any], Any] | None:
    """A vectorised ``(x, y) -> (x, y)`` from a declared CRS to ``dst``; ``None`` = identity.

    GCJ-02 / BD-09 coordinates are converted to WGS84 degrees first. Cached per pair.
    """
    src = declared if isinstance(declared, DeclaredCRS) else parse_crs(declared)
    # DeclaredCRS.name is "EPSG:n" when pyproj knows a code (CRS.to_epsg is slow per call)
    return _converter(src.name, src.offset, parse_crs(dst).name)


def geometries_to(
    geoms: npt.ArrayLike, declared: DeclaredCRS | str | int | None, dst: str
) -> npt.NDArray[np.object_]:
    """Reproject shapely geometries from a declared CRS to ``dst`` (e.g. ``"EPSG:4548"``).

    GCJ-02 / BD-09 inputs are first converted to WGS84 degrees.
    """
    arr = np.asarray(geoms, dtype=object)
    func = coordinate_converter(declared, dst)
    return arr if func is None else _apply_xy(arr, func)


# --- shift detection -----------------------------------------------------------------


@dataclass(frozen=True)
class ShiftDiagnosis:
    """How far a layer's outlines sit from reference outlines, as given and as if GCJ-02.

    Distances are medians, in metres (EPSG:4548), over sampled boundary vertices of the
    layer measured to the reference boundary.
    """

    median_m_as_given: float
    median_m_if_gcj02: float

    @property
    def looks_like_gcj02(self) -> bool:
        """True when treating the data as GCJ-02 brings it onto the reference outlines."""
        return self.median_m_as_given >= 250.0 and (
            self.median_m_if_gcj02 <= 0.5 * self.median_m_as_given
        )


def _sample_boundary_xy(geoms: npt.NDArray[np.object_], limit: int) -> FloatArray:
    coords = shapely.get_coordinates(shapely.boundary(geoms))
    if len(coords) > limit:
        idx = np.linspace(0, len(coords) - 1, limit).astype(np.int64)
        coords = coords[idx]
    return coords


def diagnose_shift(
    geoms_wgs84: npt.ArrayLike,
    reference_wgs84: npt.ArrayLike,
    *,
    analysis_crs: str = "EPSG:4548",
    sample: int = 4000,
) -> ShiftDiagnosis | None:
    """Compare a layer's outlines with reference outlines (e.g. districts), both in WGS84.

    Returns ``None`` when either side is empty. A layer drawn on GCJ-02 coordinates but
    labelled WGS84 sits about 500 m east and 130 m north of true outlines in Beijing:
    its boundary vertices are then far from the reference boundary as given, and close
    to it once converted from GCJ-02.
    """
    layer = np.asarray(geoms_wgs84, dtype=object)
    ref = np.asarray(reference_wgs84, dtype=object)
    layer = layer[~shapely.is_empty(layer) & ~shapely.is_missing(layer)]
    ref = ref[~shapely.is_empty(ref) & ~shapely.is_missing(ref)]
    if len(layer) == 0 or len(ref) == 0:
        return None
    xy = _sample_boundary_xy(layer, sample)
    if len(xy) == 0:
        return None
    tr = transformer("EPSG:4326", analysis_crs)
    ref_line = shapely.union_all(shapely.boundary(geometries_to(ref, "EPSG:4326", analysis_crs)))
    shapely.prepare(ref_line)
    gx, gy = tr.transform(xy[:, 0], xy[:, 1])
    wx, wy = gcj02_to_wgs84(xy[:, 0], xy[:, 1])
    cx, cy = tr.transform(wx, wy)
    d_given = shapely.distance(shapely.points(gx, gy), ref_line)
    d_conv = shapely.distance(shapely.points(cx, cy), ref_line)
    return ShiftDiagnosis(float(np.median(d_given)), float(np.median(d_conv)))
