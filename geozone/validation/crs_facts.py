"""CRS check: load-time CRS warnings, offset-system contradictions, implausible coordinates.

The loader already refuses a file whose own CRS contradicts the declared one; this
check adds what the loader only records: GCJ-02 look-alike warnings, files that carry
no CRS at all, a GCJ-02/BD-09 declaration on a projected file, and coordinates that
do not land on the Earth once read in the declared CRS (a wrong declaration).
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import shapely
from pyproj import CRS

from geozone.catalog import LayerVersion
from geozone.crs import parse_crs
from geozone.validation.context import CheckContext
from geozone.validation.report import ERROR, WARNING, Issue


def _world_bounds(v: LayerVersion) -> tuple[float, float, float, float] | None:
    geoms = np.asarray(v.frame_wgs84.geometry.values, dtype=object)
    geoms = geoms[~(shapely.is_missing(geoms) | shapely.is_empty(geoms))]
    if len(geoms) == 0:
        return None
    b = shapely.bounds(geoms)
    return (
        float(np.min(b[:, 0])),
        float(np.min(b[:, 1])),
        float(np.max(b[:, 2])),
        float(np.max(b[:, 3])),
    )


def _area_of_use(crs_name: str) -> tuple[float, float, float, float] | None:
    area = CRS.from_user_input(crs_name).area_of_use
    return None if area is None else (area.west, area.south, area.east, area.north)


def _crs_issues(ctx: CheckContext, v: LayerVersion) -> Iterator[Issue]:
    declared = parse_crs(v.entry.source_crs)
    for warning in v.warnings:
        yield Issue("crs", WARNING, v.key, None, None, warning)
    if v.file_crs is None:
        yield Issue(
            "crs",
            WARNING,
            v.key,
            None,
            None,
            f"the file carries no CRS; read as declared {v.entry.source_crs}",
        )
    elif declared.offset is not None and not CRS.from_user_input(v.file_crs).is_geographic:
        yield Issue(
            "crs",
            ERROR,
            v.key,
            None,
            None,
            f"declared {declared.offset} (degrees) but the file CRS {v.file_crs} is projected",
        )
    bounds = _world_bounds(v)
    if bounds is None:
        return
    west, south, east, north = bounds
    finite = bool(np.all(np.isfinite(bounds)))
    if not finite or west < -180 or east > 180 or south < -90 or north > 90:
        yield Issue(
            "crs",
            ERROR,
            v.key,
            None,
            None,
            f"coordinates read as {v.entry.source_crs} do not fall on the Earth "
            f"(WGS84 bounds {west:.6g}, {south:.6g}, {east:.6g}, {north:.6g}); "
            "the declared CRS is probably wrong",
        )
        return
    use = _area_of_use(ctx.analysis_crs)
    if use is not None and (
        east < use[0] - 1 or west > use[2] + 1 or north < use[1] - 1 or south > use[3] + 1
    ):
        yield Issue(
            "crs",
            WARNING,
            v.key,
            None,
            ((west + east) / 2, (south + north) / 2),
            f"layer lies outside the area of use of the analysis CRS {ctx.analysis_crs}",
        )


def check_crs(ctx: CheckContext) -> Iterator[Issue]:
    """Report CRS warnings and contradictions of every layer version."""
    for v in ctx.catalog.all_versions():
        yield from _crs_issues(ctx, v)
