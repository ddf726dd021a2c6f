"""Stage 2 of a lookup: measuring the candidates (which are hits, and how).

Given a finder's :class:`~geozone.hits.Candidates`, the exact predicates and measures run
here, the same for every finder: the answers depend only on the candidates' geometries.

Point semantics (metres, EPSG:4548)
    ``inside``: the zone covers the point (a point on the boundary is inside).
    ``distance``: distance from the point to the zone's boundary.
    ``edge``: that distance is ≤ ``tolerance_m``. A zone the point is not inside but
    within ``tolerance_m`` of is an *edge-only* hit: shown, never deciding.

Parcel semantics (metres, m², EPSG:4548)
    ``overlap``: area of parcel ∩ zone; ``share``: that over the parcel area.
    ``inside``: the zone covers the parcel or ``overlap`` exceeds :data:`AREA_EPS_M2`
    (touching along an edge, or an overlap of rounding size, is not inside).
    ``distance``: distance from the parcel to the zone's boundary (0 when the parcel
    crosses it). ``edge``: that distance is ≤ ``tolerance_m``. A parcel within tolerance
    of a zone but not overlapping it is an edge-only hit. An overlap thinner than
    ``2 × tolerance_m`` (it vanishes under an inward buffer of ``tolerance_m``) is a
    *sliver*: it still counts, but a warning says so when it decides a verdict.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry

from geozone.hits import Candidates, Feature, ObjArray
from geozone.query import Query

AREA_EPS_M2 = 0.01
"""Areas below this (the output rounding) count as zero (m²)."""


@dataclass(slots=True)
class Measured:
    """A hit before rules: the feature and its measurements (metres, m², EPSG:4548)."""

    feature: Feature
    inside: bool
    edge: bool
    distance: float
    overlap: float | None
    share: float | None
    sliver: bool
    part: BaseGeometry | None  # parcel ∩ zone (parcels only)


def _objects(geoms: list[BaseGeometry]) -> ObjArray:
    """An object array of geometries (one by one: numpy probes a list's items as sequences)."""
    out = np.empty(len(geoms), dtype=object)
    for i, g in enumerate(geoms):
        out[i] = g
    return out


def point_hits(
    cands: Candidates, x: float, y: float, t: float, point: BaseGeometry | None = None
) -> tuple[list[Feature], list[bool]]:
    """Of the candidates, those covering (x, y) or with a boundary within ``t`` of it.

    ``point`` is the point at (x, y) when the caller has it (else one is made if needed).
    Returns ``(features, inside)``; the finder's ``proven`` ones come first, as they are.
    """
    feats = cands.features
    proven = cands.proven
    found = list(feats[:proven])
    inside = [True] * proven
    rest = feats[proven:]
    if not rest:
        return found, inside
    geoms = cands.geometries
    ins = shapely.intersects_xy(
        geoms if geoms is not None else _objects([f.geometry for f in rest]), x, y
    )
    covered = ins.tolist()  # a list: all() on a few items costs less than numpy's reduce
    if t == 0 or all(covered):
        kept = covered
    else:
        # a point outside a polygon is as far from it as from its boundary: the exact
        # ``dwithin`` on the (prepared, when the finder prepared them) boundaries
        keep = ins.copy()
        outside = ~ins
        if point is None:
            point = shapely.points(np.array((x, y)))
        if cands.boundaries is not None:
            bounds = cands.boundaries[outside]
        else:
            bounds = _objects([f.boundary for f, c in zip(rest, covered, strict=True) if not c])
        keep[outside] = shapely.dwithin(bounds, point, t)
        kept = keep.tolist()
    found += itertools.compress(rest, kept)
    inside += itertools.compress(covered, kept)
    return found, inside
    geoms = cands.geometries
    ins = shapely.intersects_xy(
        geoms if geoms is not None else _objects([f.geometry for f in rest]), x, y
    )
    if t == 0 or ins.all():
        keep = ins
    else:
        # a point outside a polygon is as far from it as from its boundary: the exact
        # ``dwithin`` on the (prepared, when the finder prepared them) boundaries
        keep = ins.copy()
        outside = ~ins
        point = shapely.points(np.array((x, y)))
        if cands.boundaries is not None:
            bounds = cands.boundaries[outside]
        else:
            bounds = _objects(
                [f.boundary for f, o in zip(rest, outside.tolist(), strict=True) if o]
            )
        keep[outside] = shapely.dwithin(bounds, point, t)
    kept = keep.tolist()
    found += itertools.compress(rest, kept)
    inside += itertools.compress(ins.tolist(), kept)
    return found, inside


def measure_point(query: Query, cands: Candidates) -> list[Measured]:
    """Find and measure the hits of a point query among the candidates."""
    x, y, _, _ = query.point_coords
    t = float(query.tolerance_m)
    feats, inside = point_hits(cands, float(x), float(y), t, query.geometry)
    if not feats:
        return []
    if cands.distances is not None:
        dist = cands.distances(feats, query.geometry, x, y)
    else:
        dist = shapely.distance(_objects([f.boundary for f in feats]), query.geometry).tolist()
    return [
        Measured(f, i, d <= t, d, None, None, False, None)
        for f, i, d in zip(feats, inside, dist, strict=True)
    ]


def measure_parcel(query: Query, cands: Candidates) -> list[Measured]:
    """Find and measure the hits of a parcel query among the candidates (areas in m²)."""
    feats = cands.features
    if not feats:
        return []
    parcel = query.geometry
    t = query.tolerance_m
    area = float(parcel.area)
    geoms = cands.geometries
    if geoms is None:
        geoms = _objects([f.geometry for f in feats])
    touch = shapely.intersects(geoms, parcel)
    near = touch | shapely.dwithin(geoms, parcel, t) if t > 0 else touch
    idx = np.flatnonzero(near)
    if idx.size == 0:
        return []
    geoms, touch = geoms[idx], touch[idx]
    if cands.boundaries is not None:
        bounds = cands.boundaries[idx]
    else:
        bounds = _objects([feats[i].boundary for i in idx.tolist()])
    dist = shapely.distance(parcel, bounds)
    covers = shapely.covers(geoms, parcel)
    out = []
    for k, i in enumerate(idx.tolist()):
        part: BaseGeometry | None = None
        overlap = 0.0
        if covers[k]:
            part, overlap = parcel, area
        elif touch[k]:
            part = shapely.intersection(geoms[k], parcel)
            overlap = float(part.area)
        inside = bool(covers[k]) or overlap > AREA_EPS_M2
        sliver = bool(inside and t > 0 and part is not None and shapely.buffer(part, -t).is_empty)
        out.append(
            Measured(
                feats[i],
                inside,
                bool(dist[k] <= t),
                float(dist[k]),
                overlap,
                overlap / area if area > 0 else 0.0,
                sliver,
                part if inside else None,
            )
        )
    return out


def measure(query: Query, cands: Candidates) -> list[Measured]:
    """Measure the candidates of a point or parcel query."""
    if query.kind == "point":
        return measure_point(query, cands)
    return measure_parcel(query, cands)


def union_area(parts: list[BaseGeometry]) -> float:
    """Area (m²) of the union of parcel pieces."""
    if not parts:
        return 0.0
    return float(shapely.union_all(np.asarray(parts, dtype=object)).area)
