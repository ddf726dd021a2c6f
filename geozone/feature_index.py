"""The in-memory hit finder: an STRtree over the features in force, candidates per grid cell.

All layer versions in force are combined in one :class:`SelectionIndex` (an STRtree over
every feature, prepared polygons and prepared boundaries, built once per set of versions
and cached per lane, :mod:`geozone.lanes`; nothing is rebuilt per query). Candidates come
from the tree with the query's bounding box grown by ``tolerance_m``; a point takes them
from the candidates per grid cell (:mod:`geozone.cell_candidates`), whose covering
features need no test, and measures long boundaries by their segments near its cell
(:mod:`geozone.boundary_distances`): the same distances, faster.

:class:`MemoryFinder` is this index behind the :class:`~geozone.hits.HitFinder` protocol.
Coordinates are EPSG:4548 metres.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt
import shapely
from shapely.geometry.base import BaseGeometry

from geozone.boundary_distances import BoundarySegments, NearBoundaries
from geozone.budget import check_parcel_budget
from geozone.catalog import LayerVersion
from geozone.cell_candidates import PointGrid, build_point_grid
from geozone.hits import (
    Candidates,
    Feature,
    FeatureColumns,
    LayerMeta,
    analysis_geometries,
    feature_columns,
    gcj02_guess,
    layer_features,
)
from geozone.lanes import Lane, current_lane
from geozone.long_lived import settle_soon
from geozone.query import Query
from geozone.vocab import KINDS, LayerKind

if TYPE_CHECKING:
    from geozone.selection import Selection

ObjArray = npt.NDArray[np.object_]
IntArray = npt.NDArray[np.intp]
BoolArray = npt.NDArray[np.bool_]

NO_RANK = 99
"""Rank used for classes without one (non-zone kinds), sorting after every zone class."""


@dataclass(frozen=True)
class LayerIndex(LayerMeta):
    """Everything a lookup needs from one layer version, precomputed.

    Geometries are in EPSG:4548 (metres), prepared; empty or missing geometries are
    dropped (``rows`` maps back to frame rows); invalid ones are repaired with make_valid
    (:func:`geozone.hits.analysis_geometries`). They are this index's own copies, never the
    layer frame's objects: an index belongs to one lane (:mod:`geozone.lanes`) and no
    other thread touches its GEOS objects. It holds no reference to the
    :class:`LayerVersion` itself so the cache can be weak.
    """

    rows: IntArray
    geoms: ObjArray
    boundaries: ObjArray
    feature_ids: tuple[str, ...]
    classes: tuple[str, ...]
    class_zh: tuple[str, ...]
    class_en: tuple[str, ...]
    ranks: tuple[int | None, ...]
    names: tuple[str | None, ...]
    codes: tuple[str, ...]
    synthetic: tuple[bool, ...]

    @property
    def is_zone(self) -> bool:
        """True when features of this layer carry rules."""
        return KINDS[self.kind].is_zone


def build_layer_index(lv: LayerVersion) -> LayerIndex:
    """Precompute a :class:`LayerIndex` from a loaded layer version."""
    rows, geoms = analysis_geometries(lv.frame.geometry.values)
    shapely.prepare(geoms)
    bounds = shapely.boundary(geoms)
    shapely.prepare(bounds)
    meta = LayerMeta.of(lv)
    cols = feature_columns(lv, rows)
    return LayerIndex(**vars(meta), rows=rows, geoms=geoms, boundaries=bounds, **vars(cols))


LAYER_CACHE_SIZE = 256
"""Layer indexes kept per lane."""


def layer_index(lv: LayerVersion, lane: Lane | None = None) -> LayerIndex:
    """Return the :class:`LayerIndex` of a layer version in ``lane`` (default: this thread's)."""
    cache = (lane or current_lane()).cache("layer_index", LAYER_CACHE_SIZE)
    found: LayerIndex | None = cache.get1(lv)
    if found is None:
        found = cache.put((lv,), None, build_layer_index(lv))
    return found


@dataclass(frozen=True)
class SelectionIndex:
    """One STRtree over every feature of a set of layer versions (those in force on a date).

    Attributes
    ----------
    layers : tuple of LayerIndex
        In catalog (manifest) order.
    geoms, boundaries : ndarray of geometry
        Concatenated prepared zone polygons and their boundaries (EPSG:4548).
    layer_of, feature_of : ndarray of int
        For each tree position: which layer and which position inside that layer.
    features : tuple of Feature
        For each tree position: the feature as the later stages see it (``slot`` = position).
    tree : shapely.STRtree
        Over ``geoms``.
    grid : PointGrid
        Candidates per 500 m cell, for point lookups (:mod:`geozone.cell_candidates`).
    near : NearBoundaries
        Point-to-boundary distances, long boundaries by their part near the point's
        cell (:mod:`geozone.boundary_distances`).
    is_admin : ndarray of bool
        Per tree position: the feature is an admin polygon.
    """

    layers: tuple[LayerIndex, ...]
    geoms: ObjArray
    boundaries: ObjArray
    layer_of: IntArray
    feature_of: IntArray
    tree: shapely.STRtree
    ranks: npt.NDArray[np.int64] = field(repr=False)
    grid: PointGrid = field(repr=False)
    near: NearBoundaries = field(repr=False)
    features: tuple[Feature, ...] = field(repr=False)
    is_admin: BoolArray = field(repr=False)
    has_admin: bool = field(init=False, repr=False)
    """Any admin feature at all (asked by every point off the territory)."""

    def __post_init__(self) -> None:
        object.__setattr__(self, "has_admin", bool(self.is_admin.any()))

    @property
    def admin_geoms(self) -> ObjArray:
        """The admin layers' prepared polygons (EPSG:4548)."""
        found: ObjArray = self.geoms[self.is_admin]
        return found

    def point_candidates(self, x: float, y: float, t: float) -> Candidates:
        """Candidates of a point (x, y) for tolerance ``t`` (metres, EPSG:4548)."""
        feats = self.features
        if t > self.grid.margin:  # the grid serves tolerances up to its margin
            cand = self.tree.query(shapely.box(x - t, y - t, x + t, y + t))
            found = [feats[p] for p in cand.tolist()]
            return Candidates(found, 0, self.distances, self.geoms[cand], self.boundaries[cand])
        # features covering the point's cell need no test: their boundaries are farther
        # than the margin; only the cell's near features take exact predicates
        covering, near = self.grid.split(x, y)
        found = [feats[p] for p in covering]
        if not near.size:
            return Candidates(found, len(found), self.distances)
        found += [feats[p] for p in near.tolist()]
        geoms, bounds = self.geoms[near], self.boundaries[near]
        return Candidates(found, len(covering), self.distances, geoms, bounds)

    def distances(
        self, features: Sequence[Feature], point: BaseGeometry, x: float, y: float
    ) -> list[float]:
        """Exact distances (m) from ``point`` at (x, y) to the features' boundaries."""
        return self.near.distances([f.slot for f in features], point, x, y)

    def point_hits(self, x: float, y: float, tolerance_m: float) -> tuple[list[int], list[bool]]:
        """Tree positions of features covering or within ``tolerance_m`` of point (x, y).

        Returns ``(positions, inside)``; ``inside``: the feature covers the point.
        """
        from geozone.measure import point_hits

        t = float(tolerance_m)
        feats, inside = point_hits(self.point_candidates(float(x), float(y), t), x, y, t)
        return [f.slot for f in feats], inside

    def parcel_candidates(self, parcel: BaseGeometry, t: float) -> Candidates:
        """Features whose envelope meets the parcel's envelope grown by ``t`` (metres)."""
        minx, miny, maxx, maxy = parcel.bounds
        cand = self.tree.query(shapely.box(minx - t, miny - t, maxx + t, maxy + t))
        feats = self.features
        found = [feats[p] for p in cand.tolist()]
        return Candidates(found, 0, None, self.geoms[cand], self.boundaries[cand])


SELECTION_INDEX_CACHE_SIZE = 16
"""Selection indexes (sets of layer versions) kept per lane."""


def selection_index(versions: list[LayerVersion], lane: Lane | None = None) -> SelectionIndex:
    """Return the :class:`SelectionIndex` over ``versions`` in ``lane`` (default: this thread's)."""
    lane = lane or current_lane()
    cache = lane.cache("selection_index", SELECTION_INDEX_CACHE_SIZE)
    found: SelectionIndex | None = cache.get(tuple(versions))
    if found is None:
        layers = tuple(layer_index(v, lane) for v in versions)
        found = cache.put(tuple(versions), None, build_selection_index(layers, tuple(versions)))
    return found


def build_selection_index(
    layers: tuple[LayerIndex, ...], versions: tuple[LayerVersion, ...]
) -> SelectionIndex:
    """Build a :class:`SelectionIndex` over layer indexes (in catalog order)."""
    sizes = [len(li.geoms) for li in layers]
    empty = np.empty(0, dtype=object)
    geoms = np.concatenate([li.geoms for li in layers]) if layers else empty
    bounds = np.concatenate([li.boundaries for li in layers]) if layers else empty
    layer_of = np.repeat(np.arange(len(layers), dtype=np.intp), sizes)
    feature_of = (
        np.concatenate([np.arange(n, dtype=np.intp) for n in sizes])
        if layers
        else np.empty(0, dtype=np.intp)
    )
    ranks = np.array(
        [r if r is not None else NO_RANK for li in layers for r in li.ranks], dtype=np.int64
    )
    features: list[Feature] = []
    for k, (li, lv) in enumerate(zip(layers, versions, strict=True)):
        cols = FeatureColumns(
            li.feature_ids,
            li.classes,
            li.class_zh,
            li.class_en,
            li.ranks,
            li.names,
            li.codes,
            li.synthetic,
        )
        features += layer_features(lv, k, cols, li.geoms, li.boundaries, len(features))
    # the point grid flags from the segments which features have an edge near each cell,
    # so a point skips exact tests of features whose edges stay far from it
    segments = BoundarySegments.of(bounds)
    grid = build_point_grid(geoms, segments.bounds.reshape(-1, 4), segments.owner)
    admin_layer = np.array([li.kind == LayerKind.ADMIN for li in layers], dtype=bool)
    settle_soon()  # long-lived from now on: out of the GC's full passes (geozone.long_lived)
    return SelectionIndex(
        layers,
        geoms,
        bounds,
        layer_of,
        feature_of,
        shapely.STRtree(geoms),
        ranks,
        grid,
        NearBoundaries(bounds, grid, segments),
        tuple(features),
        admin_layer[layer_of],
    )


GCJ_REACH_M = 1500.0
"""Farther than this from every admin polygon, a point cannot fall inside one when its
coordinates are read as GCJ-02 (the offset is under 1 km in China, ~550 m in Beijing)."""


def gcj_reach(selected: Selection) -> BoolArray:
    """Per grid cell: an admin polygon lies within :data:`GCJ_REACH_M` (cached).

    Most points off the territory are far from it; they skip the GCJ-02 arithmetic.
    """
    found: BoolArray | None = selected.memo.get("gcj_reach")
    if found is None:
        index = selected.index
        found = index.grid.cells_near(index.admin_geoms, GCJ_REACH_M)
        selected.memo["gcj_reach"] = found
    return found


class MemoryFinder:
    """The :class:`~geozone.hits.HitFinder` over the selection's in-memory index."""

    def candidates(self, selected: Selection, query: Query) -> Candidates:
        """Candidates from the grid (points) or the STRtree (parcels, within the budget)."""
        index = selected.index
        if query.kind == "point":
            x, y, _, _ = query.point_coords
            return index.point_candidates(float(x), float(y), float(query.tolerance_m))
        check_parcel_budget(index.tree, query)  # 413 before any exact geometry work
        return index.parcel_candidates(query.geometry, float(query.tolerance_m))

    def inside_if_gcj02(self, selected: Selection, query: Query) -> bool:
        """Whether an admin polygon covers the query read as GCJ-02 (one inverse step)."""
        index = selected.index
        if not index.has_admin:
            return False
        if query.kind == "point":
            x, y, _, _ = query.point_coords
            cell = index.grid.cell_of(x, y)
            if cell >= 0 and not gcj_reach(selected)[cell]:  # no admin polygon within reach
                return False
            guess = gcj02_guess(query)
            gx, gy = guess.x, guess.y
            # the grid holds every feature that may cover the point: usually no admin
            # polygon at all for a point off the territory
            covering, near = index.grid.split(gx, gy)
            is_admin = index.is_admin
            if any(is_admin[p] for p in covering):
                return True
            near = near[is_admin[near]]
            return bool(near.size) and bool(shapely.intersects_xy(index.geoms[near], gx, gy).any())
        return bool(shapely.intersects(index.admin_geoms, gcj02_guess(query)).any())


MEMORY_FINDER = MemoryFinder()
"""The default finder (it keeps nothing itself: its index is the selection's)."""
