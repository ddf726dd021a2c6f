"""The three control zones tile each district: no gap, no overlap (areas in m², EPSG:4548).

Gaps are measured per district (admin features of class ``district``) that the
control-zone layer covers at all: ``district − union(zones)``. Overlaps are pairwise
intersections of control-zone features found with an STRtree. Either is an error
when its area exceeds the tolerance.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import shapely

from geozone.catalog import LayerVersion
from geozone.validation.context import CheckContext, GeomArray, features, polygonal_parts
from geozone.validation.report import ERROR, Issue
from geozone.vocab import LayerKind

MAX_PARTS_PER_DISTRICT = 20
"""Gap parts reported one by one per district; the rest are summed in one issue."""


def _district_name(version: LayerVersion, fid: str) -> str:
    rows = version.frame[version.frame["feature_id"].astype(str) == fid]
    name = rows["name"].iloc[0] if len(rows) else None
    return f"{name} ({fid})" if isinstance(name, str) and name else fid


def _gaps(
    ctx: CheckContext, admins: list[LayerVersion], zones: list[LayerVersion]
) -> Iterator[Issue]:
    zgeoms, _, zkeys = features(zones)
    if len(zgeoms) == 0:
        return
    tree = shapely.STRtree(zgeoms)
    layer = zkeys[0]
    for admin in admins:
        dgeoms, dids, _ = features([admin], ["district"])
        related = (*sorted(set(zkeys) - {layer}), admin.key)
        for district, did in zip(dgeoms, dids, strict=True):
            near = tree.query(district, predicate="intersects")
            if len(near) == 0:
                continue
            zones_here = shapely.union_all(zgeoms[near])
            covered = shapely.area(shapely.intersection(district, zones_here))
            if covered <= ctx.tolerance_m2:
                continue
            gap = shapely.difference(district, zones_here)
            parts = sorted(
                (p for p in polygonal_parts(gap) if p.area > ctx.tolerance_m2),
                key=lambda p: -p.area,
            )
            label = _district_name(admin, did)
            share = covered / district.area if district.area else 0.0
            for part in parts[:MAX_PARTS_PER_DISTRICT]:
                yield Issue(
                    "control_zone_tiling",
                    ERROR,
                    layer,
                    None,
                    ctx.location_of(part),
                    f"gap of {part.area:.1f} m² in district {label} covered by no control zone "
                    f"(zones cover {share:.2%} of the district)",
                    float(part.area),
                    related,
                )
            rest = parts[MAX_PARTS_PER_DISTRICT:]
            if rest:
                total = float(sum(p.area for p in rest))
                yield Issue(
                    "control_zone_tiling",
                    ERROR,
                    layer,
                    None,
                    ctx.location_of(rest[0]),
                    f"{len(rest)} more gaps totalling {total:.1f} m² in district {label}",
                    total,
                    related,
                )


def _overlap_pairs(geoms: GeomArray) -> tuple[np.ndarray, np.ndarray]:
    tree = shapely.STRtree(geoms)
    left, right = tree.query(geoms, predicate="intersects")
    keep = left < right
    return left[keep], right[keep]


def _overlaps(ctx: CheckContext, zones: list[LayerVersion]) -> Iterator[Issue]:
    zgeoms, zids, zkeys = features(zones)
    if len(zgeoms) < 2:
        return
    left, right = _overlap_pairs(zgeoms)
    if len(left) == 0:
        return
    inter = shapely.intersection(zgeoms[left], zgeoms[right])
    areas = shapely.area(inter)
    for i in np.flatnonzero(areas > ctx.tolerance_m2):
        a, b = int(left[i]), int(right[i])
        other = zids[b] if zkeys[b] == zkeys[a] else f"{zids[b]} of {zkeys[b]}"
        related = () if zkeys[b] == zkeys[a] else (zkeys[b],)
        yield Issue(
            "control_zone_tiling",
            ERROR,
            zkeys[a],
            zids[a],
            ctx.location_of(inter[i]),
            f"control zone overlaps control zone {other} by {areas[i]:.1f} m²",
            float(areas[i]),
            related,
        )


def check_control_zone_tiling(ctx: CheckContext) -> Iterator[Issue]:
    """Control zones leave no gap in any district they cover and do not overlap."""
    for _, versions in ctx.epochs([LayerKind.CONTROL_ZONE]):
        yield from _overlaps(ctx, versions)
    for _, versions in ctx.epochs([LayerKind.ADMIN, LayerKind.CONTROL_ZONE]):
        admins = [v for v in versions if v.kind == LayerKind.ADMIN]
        zones = [v for v in versions if v.kind == LayerKind.CONTROL_ZONE]
        if admins and zones:
            yield from _gaps(ctx, admins, zones)
