"""Per-feature checks of one layer version: ids, presence, type, validity, class vocabulary."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator

import numpy as np
import pandas as pd
import shapely

from geozone.catalog import LayerVersion
from geozone.validation.context import CheckContext
from geozone.validation.report import ERROR, Issue
from geozone.vocab import KINDS, LayerKind, classes_of

_POLYGONAL = {"Polygon", "MultiPolygon"}
_REASON_XY = re.compile(r"\[\s*([-+0-9.eE]+)[ ,]+([-+0-9.eE]+)\s*\]")


def _needs_polygons(kind: LayerKind) -> bool:
    """Zone kinds and admin units must be areas (admin outlines are tiled by zones)."""
    return KINDS[kind].is_zone or kind == LayerKind.ADMIN


def _fid(value: object) -> str | None:
    return None if value is None or pd.isna(value) else str(value)  # type: ignore[call-overload]


def check_feature_ids(ctx: CheckContext) -> Iterator[Issue]:
    """Every feature has an id and ids are unique within a layer version."""
    for v in ctx.catalog.all_versions():
        ids = [_fid(x) for x in v.frame["feature_id"]]
        missing = sum(1 for x in ids if x is None or x == "")
        if missing:
            yield Issue(
                "feature_ids",
                ERROR,
                v.key,
                None,
                None,
                f"{missing} feature(s) have no id in field {v.entry.id_field!r}",
                float(missing),
            )
        counts = Counter(x for x in ids if x)
        for fid, n in sorted(counts.items()):
            if n > 1:
                first = v.frame.geometry.values[ids.index(fid)]
                yield Issue(
                    "feature_ids",
                    ERROR,
                    v.key,
                    fid,
                    ctx.location_of(first),
                    f"feature id {fid!r} is used by {n} features",
                    float(n),
                )


def check_geometry_present(ctx: CheckContext) -> Iterator[Issue]:
    """No feature has a missing or empty geometry."""
    for v in ctx.catalog.all_versions():
        geoms = np.asarray(v.frame.geometry.values, dtype=object)
        empty = shapely.is_missing(geoms) | shapely.is_empty(geoms)
        for i in np.flatnonzero(empty):
            yield Issue(
                "geometry_present",
                ERROR,
                v.key,
                _fid(v.frame["feature_id"].iloc[i]),
                None,
                "feature has no geometry (missing or empty)",
            )


def check_geometry_type(ctx: CheckContext) -> Iterator[Issue]:
    """Features of zone kinds (and admin units) are Polygon or MultiPolygon."""
    for v in ctx.catalog.all_versions():
        if not _needs_polygons(v.kind):
            continue
        for fid, geom in zip(v.frame["feature_id"], v.frame.geometry.values, strict=True):
            if geom is None or geom.is_empty or geom.geom_type in _POLYGONAL:
                continue
            yield Issue(
                "geometry_type",
                ERROR,
                v.key,
                _fid(fid),
                ctx.location_of(geom),
                f"{geom.geom_type} in a {v.kind.value} layer; "
                "zones must be Polygon or MultiPolygon",
            )


def _reason_location(ctx: CheckContext, reason: str) -> tuple[float, float] | None:
    match = _REASON_XY.search(reason)
    if match is None:
        return None
    return ctx.lonlat(float(match.group(1)), float(match.group(2)))


def _invalid(ctx: CheckContext, v: LayerVersion) -> Iterator[Issue]:
    geoms = np.asarray(v.frame.geometry.values, dtype=object)
    present = ~(shapely.is_missing(geoms) | shapely.is_empty(geoms))
    valid = np.ones(len(geoms), dtype=bool)
    valid[present] = shapely.is_valid(geoms[present])
    for i in np.flatnonzero(~valid):
        reason = str(shapely.is_valid_reason(geoms[i]))
        loc = _reason_location(ctx, reason) or ctx.location_of(shapely.envelope(geoms[i]))
        yield Issue(
            "valid_geometry",
            ERROR,
            v.key,
            _fid(v.frame["feature_id"].iloc[i]),
            loc,
            f"invalid geometry: {reason.split('[')[0]} (not repaired; fix the source file)",
        )


def check_valid_geometry(ctx: CheckContext) -> Iterator[Issue]:
    """Every geometry is OGC-valid; the GEOS reason and its location are reported, never fixed."""
    for v in ctx.catalog.all_versions():
        yield from _invalid(ctx, v)


def check_zone_class(ctx: CheckContext) -> Iterator[Issue]:
    """Every feature's class is a known spelling of a class of its layer kind."""
    for v in ctx.catalog.all_versions():
        allowed = [c.code for c in classes_of(v.kind)]
        raw = v.frame["zone_class"]
        for fid, value, geom in zip(
            v.frame["feature_id"], raw, v.frame.geometry.values, strict=True
        ):
            if value is not None and not pd.isna(value) and value in allowed:
                continue
            shown = None if value is None or pd.isna(value) else str(value)
            what = "has no class" if shown is None else f"has class {shown!r}"
            yield Issue(
                "zone_class",
                ERROR,
                v.key,
                _fid(fid),
                ctx.location_of(geom),
                f"{what} in field {v.entry.class_field!r}, not in the {v.kind.value} "
                f"vocabulary (allowed: {', '.join(allowed)})",
            )
