"""Containment checks between zone layers (areas in m², EPSG:4548, within a tolerance).

- drinking-water zones nest: every 一级 (grade1) inside the 二级 (grade2) zones, every
  二级 inside the 准保护区 (quasi) zones;
- the ecological red line lies inside the 生态控制区 (eco_control) of the control-zone
  version(s) in force while the red-line version is;
- Miyun Reservoir 一级 zones that reach into the reservoir management range lie inside it.

Each feature is compared with the union of the outer features its envelope meets; the
part outside is reported with its area and a point on it.
"""

from __future__ import annotations

from collections.abc import Iterator

import shapely
from shapely.geometry.base import BaseGeometry

from geozone.catalog import LayerVersion
from geozone.validation.context import CheckContext, GeomArray, features
from geozone.validation.report import ERROR, WARNING, Issue
from geozone.vocab import LayerKind


def _union_near(geom: BaseGeometry, tree: shapely.STRtree, geoms: GeomArray) -> BaseGeometry:
    near = tree.query(geom, predicate="intersects")
    return shapely.union_all(geoms[near]) if len(near) else shapely.Polygon()


def _outside(geom: BaseGeometry, tree: shapely.STRtree, geoms: GeomArray) -> BaseGeometry:
    """The part of ``geom`` outside the union of ``geoms``."""
    return shapely.difference(geom, _union_near(geom, tree, geoms))


def _keys(geoms_keys: list[str]) -> tuple[str, ...]:
    return tuple(sorted(set(geoms_keys)))


def _nest(
    ctx: CheckContext, versions: list[LayerVersion], inner: str, outer: str
) -> Iterator[Issue]:
    igeoms, iids, ikeys = features(versions, [inner])
    ogeoms, _, okeys = features(versions, [outer])
    if len(igeoms) == 0:
        return
    tree = shapely.STRtree(ogeoms)
    for geom, fid, key in zip(igeoms, iids, ikeys, strict=True):
        out = _outside(geom, tree, ogeoms)
        area = float(out.area)
        if area > ctx.tolerance_m2:
            where = "no" if area >= geom.area - ctx.tolerance_m2 else "a part outside any"
            yield Issue(
                "water_nesting",
                ERROR,
                key,
                fid,
                ctx.location_of(out),
                f"{inner} zone has {where} {outer} zone around it: {area:.1f} m² of its "
                f"{geom.area:.1f} m² lie outside the {outer} zones",
                area,
                tuple(k for k in _keys(okeys) if k != key),
            )


def check_water_nesting(ctx: CheckContext) -> Iterator[Issue]:
    """Every grade1 zone lies in grade2 zones and every grade2 zone in quasi zones."""
    for _, versions in ctx.epochs([LayerKind.WATER_PROTECTION]):
        yield from _nest(ctx, versions, "grade1", "grade2")
        yield from _nest(ctx, versions, "grade2", "quasi")


def _redline(
    ctx: CheckContext, redlines: list[LayerVersion], zones: list[LayerVersion]
) -> Iterator[Issue]:
    rgeoms, rids, rkeys = features(redlines)
    egeoms, _, ekeys = features(zones, ["eco_control"])
    zgeoms, _, _ = features(zones)
    eco_tree, all_tree = shapely.STRtree(egeoms), shapely.STRtree(zgeoms)
    related = _keys(ekeys) or _keys([z.key for z in zones])
    for geom, fid, key in zip(rgeoms, rids, rkeys, strict=True):
        out = _outside(geom, eco_tree, egeoms)
        if out.area <= ctx.tolerance_m2:
            continue
        zoned = _union_near(out, all_tree, zgeoms)
        inside = shapely.intersection(out, zoned)
        beyond = shapely.difference(out, zoned)
        if inside.area > ctx.tolerance_m2:
            yield Issue(
                "redline_in_eco_control",
                ERROR,
                key,
                fid,
                ctx.location_of(inside),
                f"{inside.area:.1f} m² of the red line lie in a control zone other than "
                f"eco_control (生态控制区) of {', '.join(related)}",
                float(inside.area),
                related,
            )
        if beyond.area > ctx.tolerance_m2:
            yield Issue(
                "redline_in_eco_control",
                WARNING,
                key,
                fid,
                ctx.location_of(beyond),
                f"{beyond.area:.1f} m² of the red line lie outside every control zone of "
                f"{', '.join(related)}, so containment in eco_control cannot be checked there",
                float(beyond.area),
                related,
            )


def check_redline_in_eco_control(ctx: CheckContext) -> Iterator[Issue]:
    """Red-line features lie in eco_control zones of the control zones in force alongside."""
    for day, versions in ctx.epochs([LayerKind.REDLINE, LayerKind.CONTROL_ZONE]):
        redlines = [v for v in versions if v.kind == LayerKind.REDLINE]
        zones = [v for v in versions if v.kind == LayerKind.CONTROL_ZONE]
        if not redlines:
            continue
        if not zones:
            for r in redlines:
                yield Issue(
                    "redline_in_eco_control",
                    WARNING,
                    r.key,
                    None,
                    None,
                    f"no control-zone version is in force from {day.isoformat()}, "
                    "so containment in eco_control cannot be checked then",
                )
            continue
        yield from _redline(ctx, redlines, zones)


def _reservoir(
    ctx: CheckContext, water: list[LayerVersion], rings: list[LayerVersion]
) -> Iterator[Issue]:
    ggeoms, gids, gkeys = features(water, ["grade1"])
    mgeoms, _, mkeys = features(rings, ["management"])
    if len(ggeoms) == 0 or len(mgeoms) == 0:
        return
    tree = shapely.STRtree(mgeoms)
    for geom, fid, key in zip(ggeoms, gids, gkeys, strict=True):
        management = _union_near(geom, tree, mgeoms)
        if shapely.area(shapely.intersection(geom, management)) <= ctx.tolerance_m2:
            continue
        out = shapely.difference(geom, management)
        if out.area > ctx.tolerance_m2:
            yield Issue(
                "reservoir_grade1",
                ERROR,
                key,
                fid,
                ctx.location_of(out),
                f"grade1 zone reaches into the reservoir management range but {out.area:.1f} m² "
                "of it lie outside the range",
                float(out.area),
                _keys(mkeys),
            )


def check_reservoir_grade1(ctx: CheckContext) -> Iterator[Issue]:
    """Grade1 zones that meet the Miyun Reservoir management range lie inside it."""
    for _, versions in ctx.epochs([LayerKind.WATER_PROTECTION, LayerKind.RESERVOIR_RING]):
        water = [v for v in versions if v.kind == LayerKind.WATER_PROTECTION]
        rings = [v for v in versions if v.kind == LayerKind.RESERVOIR_RING]
        if water and rings:
            yield from _reservoir(ctx, water, rings)
