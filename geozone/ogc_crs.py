"""CRSs served by OGC API Features Part 2 (``crs``, ``bbox-crs``, ``filter-crs``).

Every CRS is used in **its own axis order**, as Part 2 requires: CRS84 is
longitude/latitude, EPSG:4326 and EPSG:4490 (CGCS2000) latitude first, EPSG:4548
(CGCS2000 / 3-degree Gauss-Kruger CM 117E, metres) northing first. Layers are held twice
(:class:`geozone.catalog.LayerVersion`): in CRS84 order (``frame_wgs84``) and in the
analysis frame EPSG:4548 as (easting, northing) (``frame``). Output in EPSG:4548 is taken
from the analysis frame directly (exact, only the axes swap); the geographic CRSs are
derived from the CRS84 frame with pyproj in the authority's axis order.

This module is framework-free.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import numpy as np
import numpy.typing as npt
import shapely
from pyproj import CRS, Transformer

from geozone import ANALYSIS_CRS
from geozone.errors import InvalidQueryParameter

CRS84_URI = "http://www.opengis.net/def/crs/OGC/1.3/CRS84"
_EPSG_URI = "http://www.opengis.net/def/crs/EPSG/0/{}"


@dataclass(frozen=True)
class OgcCrs:
    """One served CRS: its OGC URI and how coordinates map to the held frames."""

    uri: str
    pyproj_id: str
    """``"OGC:CRS84"`` or ``"EPSG:<code>"``."""

    @property
    def is_crs84(self) -> bool:
        """True for CRS84 (the default; the held WGS84 frame as is)."""
        return self.uri == CRS84_URI

    @property
    def is_analysis(self) -> bool:
        """True for the analysis CRS (EPSG:4548): served from the analysis frame."""
        return self.pyproj_id == ANALYSIS_CRS

    @property
    def first_axis_north(self) -> bool:
        """True when the CRS's first axis points north (lat or northing first)."""
        return _first_axis_north(self.pyproj_id)


@cache
def _first_axis_north(pyproj_id: str) -> bool:
    return CRS(pyproj_id).axis_info[0].direction.lower() == "north"


SUPPORTED: tuple[OgcCrs, ...] = (
    OgcCrs(CRS84_URI, "OGC:CRS84"),
    OgcCrs(_EPSG_URI.format(4326), "EPSG:4326"),
    OgcCrs(_EPSG_URI.format(4490), "EPSG:4490"),
    OgcCrs(_EPSG_URI.format(4548), "EPSG:4548"),
)
CRS84 = SUPPORTED[0]
SUPPORTED_URIS: list[str] = [c.uri for c in SUPPORTED]


def _aliases(c: OgcCrs) -> set[str]:
    auth, code = c.pyproj_id.split(":")
    names = {c.uri, c.uri.replace("http://", "https://"), c.pyproj_id, f"[{c.pyproj_id}]"}
    if auth == "OGC":
        names |= {"CRS84", "urn:ogc:def:crs:OGC:1.3:CRS84", "urn:ogc:def:crs:OGC::CRS84"}
    else:
        names |= {f"urn:ogc:def:crs:EPSG::{code}", f"urn:ogc:def:crs:EPSG:0:{code}"}
    return {n.lower() for n in names}


_BY_NAME = {alias: c for c in SUPPORTED for alias in _aliases(c)}


def parse_crs(value: str | None, parameter: str = "crs") -> OgcCrs:
    """The served CRS named by a ``crs``/``bbox-crs``/``filter-crs`` value (CRS84 if absent).

    Accepts the OGC URIs (``http://www.opengis.net/def/crs/EPSG/0/4548``), ``EPSG:4548``,
    the safe CURIE ``[EPSG:4548]`` and the OGC URNs.

    Raises
    ------
    InvalidQueryParameter
        Naming the value and the supported URIs (the HTTP layer answers 400).
    """
    if value is None or value.strip() == "":
        return CRS84
    found = _BY_NAME.get(value.strip().lower())
    if found is None:
        raise InvalidQueryParameter(
            f"{parameter} {value!r} is not served; supported: {', '.join(SUPPORTED_URIS)}",
            {"parameter": parameter, "value": value, "supported": SUPPORTED_URIS},
        )
    return found


@cache
def _from_crs84(pyproj_id: str) -> Transformer:
    return Transformer.from_crs("OGC:CRS84", pyproj_id, always_xy=False)


@cache
def _to_crs84(pyproj_id: str) -> Transformer:
    return Transformer.from_crs(pyproj_id, "OGC:CRS84", always_xy=False)


def _swap(coords: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    return coords[:, ::-1].copy()


def _apply(geoms: npt.ArrayLike, t: Transformer) -> npt.NDArray[np.object_]:
    def func(c: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
        a, b = t.transform(c[:, 0], c[:, 1])
        return np.column_stack([a, b])

    return np.asarray(shapely.transform(np.asarray(geoms, dtype=object), func), dtype=object)


def output_geometries(
    crs: OgcCrs, wgs84: npt.ArrayLike, analysis: npt.ArrayLike
) -> npt.NDArray[np.object_]:
    """Geometries in ``crs``'s own axis order.

    ``wgs84`` are the held CRS84 (lon, lat) geometries, ``analysis`` the same features in
    EPSG:4548 (easting, northing, metres); EPSG:4548 output swaps the analysis
    coordinates to (northing, easting), the geographic CRSs transform the CRS84 ones.
    """
    if crs.is_crs84:
        return np.asarray(wgs84, dtype=object)
    if crs.is_analysis:
        geoms = np.asarray(analysis, dtype=object)
        return (
            np.asarray(shapely.transform(geoms, _swap), dtype=object)
            if crs.first_axis_north
            else geoms
        )
    return _apply(wgs84, _from_crs84(crs.pyproj_id))


def to_frame(geom: shapely.Geometry, crs: OgcCrs) -> tuple[shapely.Geometry, bool]:
    """A geometry given in ``crs``'s axis order, in the held frame it is compared with.

    Returns ``(geometry, analysis)``: for EPSG:4548 the geometry as (easting, northing)
    metres and ``analysis=True`` (compared with the analysis frame, exactly); otherwise
    the geometry in CRS84 (lon, lat), densified to 0.01 degree so straight edges of a
    box stay close to the edges in the source CRS, and ``analysis=False``.
    """
    if crs.is_crs84:
        return geom, False
    if crs.is_analysis:
        return (shapely.transform(geom, _swap) if crs.first_axis_north else geom), True
    dense = shapely.segmentize(geom, 0.01)
    return _apply([dense], _to_crs84(crs.pyproj_id))[0], False


def parse_bbox_in(value: str | None, crs: OgcCrs) -> shapely.Geometry | None:
    """Parse ``bbox`` given in ``crs``'s axis order into a box polygon in that CRS.

    Four numbers (or six with heights ignored) are the lower corner then the upper
    corner in the CRS's own axis order (``minLat,minLon,maxLat,maxLon`` for EPSG:4326,
    ``minN,minE,maxN,maxE`` in metres for EPSG:4548).

    Raises
    ------
    InvalidQueryParameter
        When it is not 4 or 6 finite numbers with lower <= upper on both axes.
    """
    if value is None or value.strip() == "":
        return None
    try:
        nums = [float(p) for p in value.split(",")]
    except ValueError:
        raise InvalidQueryParameter(
            f"bbox {value!r} is not a comma-separated list of numbers", {"parameter": "bbox"}
        ) from None
    if len(nums) == 6:
        nums = [nums[0], nums[1], nums[3], nums[4]]
    if len(nums) != 4 or not all(np.isfinite(nums)):
        raise InvalidQueryParameter(
            f"bbox {value!r} needs 4 numbers (lower corner, upper corner) in {crs.uri}",
            {"parameter": "bbox", "bbox-crs": crs.uri},
        )
    a0, b0, a1, b1 = nums
    if a0 > a1 or b0 > b1:
        raise InvalidQueryParameter(
            f"bbox {value!r}: the lower corner must not exceed the upper corner in {crs.uri} "
            "(boxes across the antimeridian are not served)",
            {"parameter": "bbox", "bbox-crs": crs.uri},
        )
    return shapely.box(a0, b0, a1, b1)
