"""The compliance lookup engine: hits, rules, verdicts and citations for one query.

:func:`lookup` answers a :class:`~geozone.query.Query` against the layer versions in force
on ``query.as_of`` (:meth:`Catalog.select`) and a :class:`~geozone.rules.RuleTable`.

Hit finding
    All layer versions in force are combined in one :class:`SelectionIndex` (an STRtree
    over every feature, prepared polygons and prepared boundaries, built once per set of
    versions and cached; nothing is rebuilt per query). Candidates come from the tree
    with the query's bounding box grown by ``tolerance_m`` (for a point, from a grid of
    candidates per cell, :mod:`geozone.point_grid`); exact predicates then run on the
    prepared zone geometries. A point measures long boundaries by their segments near
    its grid cell (:mod:`geozone.near_boundary`): the same distances, faster.

Point semantics (metres, EPSG:4548)
    ``inside``: the zone covers the point (a point on the boundary is inside).
    ``distance_to_boundary_m``: distance from the point to the zone's boundary.
    ``edge``: that distance is ≤ ``tolerance_m``. A zone the point is not inside but
    within ``tolerance_m`` of is an *edge-only* hit: shown, never deciding.

Parcel semantics (metres, m², EPSG:4548)
    ``overlap_m2``: area of parcel ∩ zone; ``overlap_share``: that over the parcel area.
    ``inside``: the zone covers the parcel or ``overlap_m2`` exceeds :data:`AREA_EPS_M2`
    (touching along an edge, or an overlap of rounding size, is not inside).
    ``distance_to_boundary_m``: distance from the parcel to the zone's boundary (0 when
    the parcel crosses it). ``edge``: that distance is ≤ ``tolerance_m``, i.e. the parcel
    crosses the zone boundary or comes within tolerance of it. A parcel within tolerance
    of a zone but not overlapping it is an edge-only hit. An overlap thinner than
    ``2 × tolerance_m`` (it vanishes under an inward buffer of ``tolerance_m``) is a
    *sliver*: it still counts (compliance errs on the strict side) but a warning says
    so when it decides a verdict, since it is usually a digitising offset.

Verdicts
    Per activity, the most severe rule among inside zone hits decides (prohibited >
    conditional > permitted), ties broken by the zone class rank (lower = stricter).
    A reservoir-ring rule is superseded (``superseded_by`` set, ignored) when a
    drinking-water protection zone is hit as well (for a parcel: when the part of the
    parcel in the ring lies inside the water zones hit). Outside the territory (the
    admin features in force, grown by the tolerance) every verdict is ``outside``.
    Inside it, ``permitted`` needs a control zone (两线三区) covering the query; without
    one the answer is ``outside`` with a warning, never ``permitted``. A date on which no
    admin layer is in force has no territory: the lookup is refused
    (:class:`~geozone.errors.NoLayersInForce`, naming the dates that can be answered).

Jurisdictions
    A hit's rule for an activity is the most specific rule whose jurisdiction contains
    the place (:meth:`RuleTable.rule_for`: district > city > national), the place's
    district being the admin layer's district hit (its ``code``, an adcode). Every rule
    in the answer names its jurisdiction (``citation.jurisdiction``). A query in more
    than one district (a parcel across a district boundary, a point on one) is decided
    per district part: a zone hit gets each district's rule on its part in that district
    (zone part ∩ district part > 0.01 m²), so ``hits[].rules`` may hold one rule per
    district for an activity; the overall verdict is the strictest of the parts (the
    strict side), and the verdict's ``parts`` lists, per district, that part's verdict,
    rule, citation and deciding hit (``parts`` is null for a query in one district).

The answer (:meth:`LookupResult.to_dict`)
    ``hits`` lists the control-layer hits (kinds whose features carry rules: red line,
    control zones, water protection, reservoir rings, control units) before the context
    hits (admin, parks, residential). ``admin`` names the district and township the
    query lies in (``district``, ``township``: largest overlap, else nearest) and lists
    every one it lies in or overlaps (``districts``, ``townships``: ``code``, ``name``,
    ``area_m2`` and ``share`` of the parcel, both ``None`` for a point), largest first.
    With ``detail="summary"`` (:attr:`Query.detail`) ``hits`` keeps the control-layer
    hits only and ``context`` summarises the rest per layer and class (count of
    features, overlap area and share); the query then carries ``"detail": "summary"``,
    so the report id differs from the full answer's.
"""

from __future__ import annotations

import functools
import hashlib
import json
import weakref
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

import numpy as np
import numpy.typing as npt
import orjson
import shapely
from shapely.geometry.base import BaseGeometry

from geozone import ANALYSIS_CRS, OUTPUT_CRS, __version__
from geozone.budget import check_parcel_budget
from geozone.catalog import Catalog, LayerVersion
from geozone.crs import geometries_to, parse_crs, transformer, wgs84_to_gcj02, wgs84_to_gcj02_xy
from geozone.errors import GeozoneError, NoLayersInForce
from geozone.lanes import Lane, current_lane, registered_lanes
from geozone.near_boundary import BoundarySegments, NearBoundaries
from geozone.point_grid import PointGrid, build_point_grid
from geozone.query import Query
from geozone.rules import SEVERITY, Activity, Rule, RuleTable, Verdict
from geozone.vocab import KINDS, LayerKind, get_class

NO_RANK = 99
"""Rank used for classes without one (non-zone kinds), sorting after every zone class."""

AREA_EPS_M2 = 0.01
"""Areas below this (the output rounding) count as zero."""

ObjArray = npt.NDArray[np.object_]
FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.intp]
BoolArray = npt.NDArray[np.bool_]


# ---------------------------------------------------------------------------------------------
# Per-layer and per-selection indexes (built once, cached)


@dataclass(frozen=True)
class LayerIndex:
    """Everything a lookup needs from one layer version, precomputed.

    Geometries are in EPSG:4548 (metres), prepared; empty or missing geometries are
    dropped (``rows`` maps back to frame rows); invalid ones are repaired with make_valid.
    They are this index's own copies, never the layer frame's objects: an index belongs to
    one lane (:mod:`geozone.lanes`) and no other thread touches its GEOS objects. It holds
    no reference to the :class:`LayerVersion` itself so the cache can be weak.
    """

    key: str
    layer_id: str
    version: str
    kind: LayerKind
    title_zh: str
    title_en: str
    sha256: str
    entry_synthetic: bool
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


def _class_names(kind: LayerKind, code: str) -> tuple[str, str, int | None]:
    """Return (zh, en, rank) of a class code; an unknown code keeps its raw spelling."""
    try:
        zc = get_class(kind, code)
    except GeozoneError:
        return code, code, None
    return zc.zh, zc.en, zc.rank


def _build_layer_index(lv: LayerVersion) -> LayerIndex:
    """Precompute a :class:`LayerIndex` from a loaded layer version."""
    frame = lv.frame
    raw = np.asarray(frame.geometry.values, dtype=object)
    keep = ~(shapely.is_missing(raw) | shapely.is_empty(raw))
    rows = np.flatnonzero(keep).astype(np.intp)
    # own copies (the same coordinates, new GEOS objects): preparing the frame's shared
    # geometries would hand GEOS's lazily built state to every thread that reads the frame
    geoms = shapely.from_wkb(shapely.to_wkb(raw[rows]))
    invalid = ~shapely.is_valid(geoms)
    if invalid.any():
        geoms[invalid] = shapely.make_valid(geoms[invalid])
    shapely.prepare(geoms)
    bounds = shapely.boundary(geoms)
    shapely.prepare(bounds)

    def col(name: str) -> list[Any]:
        return list(frame[name].iloc[rows]) if name in frame.columns else [None] * len(rows)

    classes = [str(c) if c is not None else "" for c in col("zone_class")]
    names_info = [_class_names(lv.kind, c) for c in classes]
    fids = [str(f) for f in col("feature_id")]
    codes = [str(c) if c is not None else f for c, f in zip(col("code"), fids, strict=True)]
    return LayerIndex(
        key=lv.key,
        layer_id=lv.id,
        version=lv.version,
        kind=lv.kind,
        title_zh=lv.entry.title_zh,
        title_en=lv.entry.title_en,
        sha256=lv.sha256,
        entry_synthetic=bool(lv.entry.synthetic),
        rows=rows,
        geoms=geoms,
        boundaries=bounds,
        feature_ids=tuple(fids),
        classes=tuple(classes),
        class_zh=tuple(n[0] for n in names_info),
        class_en=tuple(n[1] for n in names_info),
        ranks=tuple(n[2] for n in names_info),
        names=tuple(None if n is None or n != n else str(n) for n in col("name")),
        codes=tuple(codes),
        synthetic=tuple(bool(s) for s in col("synthetic")),
    )


LAYER_CACHE_SIZE = 256
"""Layer indexes kept per lane."""


def layer_index(lv: LayerVersion, lane: Lane | None = None) -> LayerIndex:
    """Return the :class:`LayerIndex` of a layer version in ``lane`` (default: this thread's).

    Built on first use and cached in the lane: each thread has its own.
    """
    cache = (lane or current_lane()).cache("layer_index", LAYER_CACHE_SIZE)
    found: LayerIndex | None = cache.get1(lv)
    if found is None:
        found = cache.put((lv,), None, _build_layer_index(lv))
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
    tree : shapely.STRtree
        Over ``geoms``.
    grid : PointGrid
        Candidates per 500 m cell, for point lookups (:mod:`geozone.point_grid`).
    near : NearBoundaries
        Point-to-boundary distances, long boundaries by their part near the point's
        cell (:mod:`geozone.near_boundary`).
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

    def point_hits(self, x: float, y: float, tolerance_m: float) -> tuple[list[int], list[bool]]:
        """Tree positions of features covering or within ``tolerance_m`` of point (x, y).

        Coordinates in EPSG:4548 metres. Returns ``(positions, inside)`` where ``inside``
        says the feature covers the point (boundary counts as inside). Plain lists: a
        point has a handful of hits, and numpy's per-call overhead on arrays that small
        cost more than the lists.
        """
        t = float(tolerance_m)
        x, y = float(x), float(y)
        if t > self.grid.margin:  # the grid serves tolerances up to its margin
            cand = self.tree.query(shapely.box(x - t, y - t, x + t, y + t))
            return self._exact_hits(cand, x, y, t)
        # features covering the point's cell need no test: their boundaries are farther
        # than the margin; only the cell's near features take exact predicates
        covering, near = self.grid.split(x, y)
        if near.size == 0:
            return list(covering), [True] * len(covering)
        pos, inside = self._exact_hits(near, x, y, t)
        if not covering:
            return pos, inside
        hits = sorted([(p, True) for p in covering] + list(zip(pos, inside, strict=True)))
        return [p for p, _ in hits], [i for _, i in hits]

    def _exact_hits(
        self, cand: IntArray, x: float, y: float, t: float
    ) -> tuple[list[int], list[bool]]:
        """Of the candidates, those covering (x, y) or with a boundary within ``t`` of it."""
        if cand.size == 0:
            return [], []
        inside = shapely.intersects_xy(self.geoms[cand], x, y)
        if t == 0 or inside.all():
            pos = cand[inside].tolist()
            return pos, [True] * len(pos)
        # a point outside a polygon is as far from it as from its boundary: the exact
        # ``dwithin`` on the prepared boundaries (indexed: ~3 us even for a 6,000-vertex
        # district outline)
        keep = inside.copy()
        outside = ~inside
        point = shapely.points(np.array((x, y)))
        keep[outside] = shapely.dwithin(self.boundaries[cand[outside]], point, t)
        return cand[keep].tolist(), inside[keep].tolist()

    def parcel_hits(self, parcel: BaseGeometry, tolerance_m: float) -> tuple[IntArray, BoolArray]:
        """Tree positions of features intersecting or within ``tolerance_m`` of a polygon.

        Returns ``(positions, intersects)``; ``intersects`` includes mere touching.
        """
        t = tolerance_m
        minx, miny, maxx, maxy = parcel.bounds
        cand = self.tree.query(shapely.box(minx - t, miny - t, maxx + t, maxy + t))
        if cand.size == 0:
            return cand, np.zeros(0, dtype=bool)
        geoms = self.geoms[cand]
        touch = shapely.intersects(geoms, parcel)
        near = touch | shapely.dwithin(geoms, parcel, t) if t > 0 else touch
        return cand[near], touch[near]


SELECTION_INDEX_CACHE_SIZE = 16
"""Selection indexes (sets of layer versions) kept per lane."""


def selection_index(versions: list[LayerVersion], lane: Lane | None = None) -> SelectionIndex:
    """Return the :class:`SelectionIndex` over ``versions`` in ``lane`` (default: this thread's).

    Built on first use and cached in the lane: each thread has its own.
    """
    lane = lane or current_lane()
    cache = lane.cache("selection_index", SELECTION_INDEX_CACHE_SIZE)
    found: SelectionIndex | None = cache.get(tuple(versions))
    if found is None:
        layers = tuple(layer_index(v, lane) for v in versions)
        found = cache.put(tuple(versions), None, _build_selection_index(layers))
    return found


def _build_selection_index(layers: tuple[LayerIndex, ...]) -> SelectionIndex:
    """Build a :class:`SelectionIndex` over layer indexes (in catalog order)."""
    sizes = [len(li.geoms) for li in layers]
    geoms = np.concatenate([li.geoms for li in layers]) if layers else np.empty(0, dtype=object)
    bounds = (
        np.concatenate([li.boundaries for li in layers]) if layers else np.empty(0, dtype=object)
    )
    layer_of = np.repeat(np.arange(len(layers), dtype=np.intp), sizes)
    feature_of = (
        np.concatenate([np.arange(n, dtype=np.intp) for n in sizes])
        if layers
        else np.empty(0, dtype=np.intp)
    )
    ranks = np.array(
        [r if r is not None else NO_RANK for li in layers for r in li.ranks], dtype=np.int64
    )
    # the point grid flags from the segments which features have an edge near each cell,
    # so a point skips exact tests of features whose edges stay far from it
    segments = BoundarySegments.of(bounds)
    grid = build_point_grid(geoms, segments.bounds.reshape(-1, 4), segments.owner)
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
    )


@dataclass(frozen=True)
class Selection:
    """What a lookup needs from a catalog on one date (cached per catalog and date)."""

    versions: tuple[LayerVersion, ...]
    index: SelectionIndex
    admin_geoms: ObjArray  # the admin layers' prepared polygons (EPSG:4548)
    is_admin: BoolArray  # per tree position: the feature is an admin polygon
    has_admin_layer: bool
    entry_synthetic: bool  # a layer version in force is synthetic as a whole
    layerset: dict[str, str]  # the catalog's id, version and hash
    memo: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)
    """Per-selection caches of other modules (:mod:`geozone.point_answer`)."""


SELECTION_CACHE_SIZE = 256
"""Selections (catalog, date) kept per lane."""


def selection(catalog: Catalog, as_of: date, lane: Lane | None = None) -> Selection:
    """The layer versions in force on ``as_of`` and their index, cached per catalog and date.

    Cached in ``lane`` (default: the calling thread's, :func:`geozone.lanes.current_lane`),
    so no two threads share its prepared geometries, tree or memos. A loaded
    :class:`Catalog` is not changed in place (admin changes build a new one), so the
    versions in force on a date are fixed for the catalog's lifetime.
    """
    cache = (lane or current_lane()).cache("selection", SELECTION_CACHE_SIZE)
    found: Selection | None = cache.get1(catalog, as_of)
    if found is None:
        found = cache.put((catalog,), as_of, _build_selection(catalog, as_of, lane))
    return found


def cached_selection(catalog: Catalog, as_of: date, lane: Lane) -> Selection | None:
    """The selection ``lane`` holds for ``catalog`` on ``as_of``, without building one."""
    found: Selection | None = lane.cache("selection", SELECTION_CACHE_SIZE).get1(catalog, as_of)
    return found


def _build_selection(catalog: Catalog, as_of: date, lane: Lane | None) -> Selection:
    """Build the :class:`Selection` of ``catalog`` on ``as_of`` for ``lane``."""
    versions = tuple(catalog.select(as_of))
    if lane is None or lane is current_lane():
        index = selection_index(list(versions))
    else:
        # built for another thread's lane (a warm-up): from fresh layer indexes, reading
        # nothing that lane holds, and handed over only once finished (selection())
        index = _build_selection_index(tuple(_build_layer_index(v) for v in versions))
    admin_layer = np.array([li.kind == LayerKind.ADMIN for li in index.layers], dtype=bool)
    is_admin = admin_layer[index.layer_of]
    selected = Selection(
        versions,
        index,
        index.geoms[is_admin],
        is_admin,
        has_admin_layer=bool(admin_layer.any()),
        entry_synthetic=any(li.entry_synthetic for li in index.layers),
        layerset={"id": catalog.info.id, "version": catalog.info.version, "hash": catalog.hash},
    )
    return selected


_ClassRules = tuple[tuple["HitRule", ...], tuple[str, ...]]
_RULE_MEMO: weakref.WeakKeyDictionary[
    RuleTable, dict[tuple[LayerKind, str, tuple[str, ...], str | None], _ClassRules]
] = weakref.WeakKeyDictionary()
_RULE_MEMO_SIZE = 4096


def _class_rules(
    rules: RuleTable,
    kind: LayerKind,
    zone_class: str,
    codes: tuple[str, ...],
    district: str | None = None,
) -> _ClassRules:
    """The rules of one zone class for activities ``codes`` in ``district``, memoised per table.

    Returns ``(rules, problems)``: a :class:`HitRule` (not superseded) per activity that
    has a rule, in order, and the error message of each activity that has none.
    """
    memo = _RULE_MEMO.get(rules)
    if memo is None:
        memo = _RULE_MEMO.setdefault(rules, {})
    key = (kind, zone_class, codes, district)
    found = memo.get(key)
    if found is None:
        out: list[HitRule] = []
        problems: list[str] = []
        for code in codes:
            try:
                out.append(HitRule(rules.rule_for(kind, zone_class, code, district)))
            except GeozoneError as exc:
                problems.append(exc.message)
        if len(memo) >= _RULE_MEMO_SIZE:  # keys include the asked activity subsets
            memo.clear()
        found = memo[key] = (tuple(out), tuple(problems))
    return found


# ---------------------------------------------------------------------------------------------
# Result types


def round_m(value: float | None) -> float | None:
    """Round metres / m² to 0.01 (and turn -0.0 into 0.0)."""
    return None if value is None else round(float(value), 2) + 0.0


def _r6(value: float | None) -> float | None:
    """Round a share to 1e-6."""
    return None if value is None else round(float(value), 6) + 0.0


@dataclass(frozen=True, slots=True)
class HitRule:
    """The rule a zone hit brings for one activity, possibly superseded by another hit."""

    rule: Rule
    superseded_by: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON form (a member of ``hits[].rules``)."""
        r = self.rule
        return {
            "activity": r.activity,
            "verdict": r.verdict_text,
            "condition_zh": r.condition_zh,
            "condition_en": r.condition_en,
            "citation": r.citation.to_dict(),
            "rule_id": r.rule_id,
            "dimensions": dict(r.dimensions) if r.dimensions is not None else None,
            "superseded_by": self.superseded_by,
        }


@dataclass(slots=True)
class Hit:
    """A feature the query falls in, overlaps, or comes within tolerance of.

    Distances in metres and areas in m², measured in EPSG:4548. Not frozen: the engine
    attaches ``rules`` once the hit is known (a frozen copy per hit cost more than the
    point-in-polygon test); treat a returned hit as read-only.
    """

    layer_id: str
    layer_version: str
    layer_kind: LayerKind
    layer_title_zh: str
    layer_title_en: str
    feature_id: str
    zone_class: str
    class_zh: str
    class_en: str
    name: str | None
    inside: bool
    edge: bool
    distance_to_boundary_m: float
    overlap_m2: float | None
    overlap_share: float | None
    synthetic: bool
    rank: int | None
    code: str
    sliver: bool = False
    rules: tuple[HitRule, ...] = ()

    @property
    def ref(self) -> str:
        """``"<layer_id>:<feature_id>"``."""
        return f"{self.layer_id}:{self.feature_id}"

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON form (a member of ``hits``), floats rounded."""
        return {
            "layer_id": self.layer_id,
            "layer_version": self.layer_version,
            "layer_kind": self.layer_kind.value,
            "layer_title_zh": self.layer_title_zh,
            "layer_title_en": self.layer_title_en,
            "feature_id": self.feature_id,
            "zone_class": self.zone_class,
            "class_zh": self.class_zh,
            "class_en": self.class_en,
            "name": self.name,
            "inside": self.inside,
            "edge": self.edge,
            "distance_to_boundary_m": round_m(self.distance_to_boundary_m),
            "overlap_m2": round_m(self.overlap_m2),
            "overlap_share": _r6(self.overlap_share),
            "synthetic": self.synthetic,
            "rules": [r.to_dict() for r in self.rules],
        }


@dataclass(frozen=True, slots=True)
class VerdictPart:
    """The verdict on the part of a query in one district (a query across districts)."""

    district: dict[str, str] | None  # {"code", "name"} of the admin district
    verdict: ActivityVerdict

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON form (a member of ``verdicts[].parts``)."""
        data = self.verdict.to_dict()
        for key in ("activity", "activity_zh", "activity_en", "parts"):
            del data[key]
        return {"district": dict(self.district) if self.district else None, **data}


@dataclass(frozen=True, slots=True)
class ActivityVerdict:
    """The overall verdict for one activity and the hit and rule that decided it.

    ``parts`` holds the verdict of each district's part when the query lies in more
    than one district (the overall verdict is the strictest of them), else is empty.
    """

    activity: Activity
    verdict: Verdict
    rule: Rule | None = None
    decided_by: Hit | None = None
    parts: tuple[VerdictPart, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON form (a member of ``verdicts``)."""
        r, h = self.rule, self.decided_by
        return {
            "activity": self.activity.code,
            "activity_zh": self.activity.zh,
            "activity_en": self.activity.en,
            "verdict": self.verdict.value,
            "rule_id": r.rule_id if r else None,
            "citation": r.citation.to_dict() if r else None,
            "condition_zh": r.condition_zh if r else None,
            "condition_en": r.condition_en if r else None,
            "decided_by": (
                {
                    "layer_id": h.layer_id,
                    "feature_id": h.feature_id,
                    "zone_class": h.zone_class,
                    "class_zh": h.class_zh,
                    "class_en": h.class_en,
                }
                if h is not None
                else None
            ),
            "parts": [p.to_dict() for p in self.parts] if self.parts else None,
        }


@dataclass(frozen=True)
class LookupResult:
    """The answer to one lookup; :meth:`to_json` is byte-identical for the same question and data.

    ``report_id`` is the first 32 hex digits of the SHA-256 of the canonical JSON of the
    normalised query, the layer keys and file hashes used, and the rules version and hash.
    """

    report_id: str
    query: Query
    query_dict: dict[str, Any]
    layerset: dict[str, str]
    rules_version: str
    layers: tuple[LayerIndex, ...]
    synthetic: bool
    inside_territory: bool
    admin: dict[str, Any]
    hits: tuple[Hit, ...]
    verdicts: tuple[ActivityVerdict, ...]
    warnings: tuple[str, ...]

    def verdict_for(self, activity: str) -> ActivityVerdict:
        """Return the overall verdict of one activity code.

        Raises
        ------
        KeyError
            If the activity was not part of the query.
        """
        for v in self.verdicts:
            if v.activity.code == activity:
                return v
        raise KeyError(activity)

    def to_dict(self) -> dict[str, Any]:
        """Return the shared lookup JSON (see the module docstring); deterministic."""
        hits = self.hits
        extra: dict[str, Any] = {}
        if self.query.detail == "summary":
            extra["context"] = context_summary(hits)
            hits = tuple(h for h in hits if KINDS[h.layer_kind].is_zone)
        return {
            "report_id": self.report_id,
            "geozone_version": __version__,
            "query": self.query_dict,
            "as_of": self.query.as_of.isoformat(),
            "layerset": dict(self.layerset),
            "rules_version": self.rules_version,
            "layers": layers_json(self.layers),
            "synthetic": self.synthetic,
            "inside_territory": self.inside_territory,
            "admin": _copy_admin(self.admin),
            "hits": [h.to_dict() for h in hits],
            "verdicts": [v.to_dict() for v in self.verdicts],
            "warnings": list(self.warnings),
            **extra,
        }

    def to_json(self) -> str:
        """Return :meth:`to_dict` as compact JSON, keys sorted, UTF-8 text kept readable."""
        return answer_json(self.to_dict())


def _copy_admin(admin: dict[str, Any]) -> dict[str, Any]:
    """A copy of an ``admin`` member (its units and lists of units)."""
    return {
        k: [dict(u) for u in v] if isinstance(v, list) else (dict(v) if v else None)
        for k, v in admin.items()
    }


def layers_json(layers: tuple[LayerIndex, ...]) -> list[dict[str, Any]]:
    """The answer's ``layers`` member: id, version, key, kind and synthetic flag of each."""
    return [
        {
            "id": li.layer_id,
            "version": li.version,
            "key": li.key,
            "kind": li.kind.value,
            "synthetic": li.entry_synthetic,
        }
        for li in layers
    ]


def answer_json(data: dict[str, Any]) -> str:
    """:func:`answer_bytes` as text."""
    return answer_bytes(data).decode()


def answer_bytes(data: dict[str, Any]) -> bytes:
    """Encode :meth:`LookupResult.to_dict` data as :meth:`LookupResult.to_json` does (UTF-8).

    Compact, keys sorted, non-ASCII kept as UTF-8 text; deterministic. Encoded with
    orjson (about ten times the standard library's speed on an answer with 20 verdicts);
    floats are written in their shortest round-trip form, e.g. ``1e-6`` where
    :func:`json.dumps` writes ``1e-06`` (the same number).
    """
    return orjson.dumps(data, option=orjson.OPT_SORT_KEYS)


# ---------------------------------------------------------------------------------------------
# The engine


def resolve_activities(rules: RuleTable, requested: tuple[str, ...]) -> list[Activity]:
    """Return the activities of a query (all of the table when none were asked).

    Raises
    ------
    UnknownActivity
        If a code is not in the rule table's vocabulary.
    """
    if not requested:
        return list(rules.activities.values())
    return [rules.activity(code) for code in requested]


def report_id(
    query_dict: dict[str, Any],
    layers: tuple[LayerIndex, ...],
    rules: RuleTable,
    *,
    frame: ReportFrame | None = None,
) -> str:
    """Return the first 32 hex digits of SHA-256 over the canonical question and data.

    The canonical text is ``json.dumps`` of ``{"layers": [[key, sha256], ...], "query": ...,
    "rules_hash": ..., "rules_version": ...}`` with sorted keys, no spaces and UTF-8 kept.
    Everything but the query is the same for every lookup on one selection, so that
    text is cached around the query's part. The query's part is written by orjson,
    which writes what ``json.dumps`` does except for floats below 1e-4 (``5e-05`` there,
    ``0.00005`` here): a query holding one falls back to ``json.dumps``.

    ``frame`` is :func:`report_frame` of the same layers and rules, when the caller
    keeps it.
    """
    before, after = frame or report_frame(layers, rules)
    query = orjson.dumps(query_dict, option=orjson.OPT_SORT_KEYS)
    if b"e-" in query or b"0.0000" in query:
        query = json.dumps(
            query_dict, sort_keys=True, ensure_ascii=False, separators=(",", ":")
        ).encode()
    digest = before.copy()
    digest.update(query)
    digest.update(after)
    return digest.hexdigest()[:32]


ReportFrame = tuple["hashlib._Hash", bytes]
"""SHA-256 of the canonical text before the query's part, and the text after it."""


def report_frame(layers: tuple[LayerIndex, ...], rules: RuleTable) -> ReportFrame:
    """The canonical text of :func:`report_id` around the query's part (the first part hashed).

    The part before the query (the layers' keys and file hashes, ~1.7 KB) is hashed once:
    a report id then hashes only the query and the short rest.
    """
    before, after = _report_frame(tuple((li.key, li.sha256) for li in layers), rules)
    return hashlib.sha256(before), after


@functools.lru_cache(maxsize=64)
def _report_frame(layers: tuple[tuple[str, str], ...], rules: RuleTable) -> tuple[bytes, bytes]:
    """The canonical text of :func:`report_id` before and after the query's part."""
    canonical = {
        "query": None,
        "layers": [list(pair) for pair in layers],
        "rules_version": rules.version,
        "rules_hash": getattr(rules, "hash", ""),
    }
    text = json.dumps(canonical, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    before, after = text.split('"query":null', 1)
    return f'{before}"query":'.encode(), after.encode()


@dataclass(slots=True)
class Measured:
    """A hit before rules: its tree position and measurements."""

    pos: int
    inside: bool
    edge: bool
    distance: float
    overlap: float | None
    share: float | None
    sliver: bool
    part: BaseGeometry | None  # parcel ∩ zone (parcels only)


def point_districts(sel: SelectionIndex, measured: list[Measured]) -> tuple[str, ...]:
    """Adcodes of the admin districts a point is inside (what its rules depend on), sorted."""
    out = []
    for m in measured:
        if m.inside:
            li = sel.layers[int(sel.layer_of[m.pos])]
            if li.kind == LayerKind.ADMIN:
                f = int(sel.feature_of[m.pos])
                if li.classes[f] == "district":
                    out.append(li.codes[f])
    return tuple(sorted(out))


def measure_point(sel: SelectionIndex, q: Query) -> list[Measured]:
    """Find and measure hits of a point query."""
    x, y, _, _ = q.point_coords
    pos, inside = sel.point_hits(x, y, q.tolerance_m)
    if not pos:
        return []
    dist = sel.near.distances(pos, q.geometry, x, y)
    t = q.tolerance_m
    return [
        Measured(p, i, d <= t, d, None, None, False, None)
        for p, i, d in zip(pos, inside, dist, strict=True)
    ]


def _measure_parcel(sel: SelectionIndex, q: Query) -> list[Measured]:
    """Find and measure hits of a parcel query (areas in m²)."""
    check_parcel_budget(sel.tree, q)  # 413 before any exact geometry work
    parcel = q.geometry
    area = float(parcel.area)
    pos, touch = sel.parcel_hits(parcel, q.tolerance_m)
    if pos.size == 0:
        return []
    geoms = sel.geoms[pos]
    dist = shapely.distance(parcel, sel.boundaries[pos])
    covers = shapely.covers(geoms, parcel)
    out = []
    for k, p in enumerate(pos):
        part: BaseGeometry | None = None
        overlap = 0.0
        if covers[k]:
            part, overlap = parcel, area
        elif touch[k]:
            part = shapely.intersection(geoms[k], parcel)
            overlap = float(part.area)
        inside = bool(covers[k]) or overlap > AREA_EPS_M2
        sliver = bool(
            inside
            and q.tolerance_m > 0
            and part is not None
            and shapely.buffer(part, -q.tolerance_m).is_empty
        )
        out.append(
            Measured(
                int(p),
                inside,
                bool(dist[k] <= q.tolerance_m),
                float(dist[k]),
                overlap,
                overlap / area if area > 0 else 0.0,
                sliver,
                part if inside else None,
            )
        )
    return out


def _make_hit(sel: SelectionIndex, m: Measured) -> Hit:
    """Turn a measured hit into a :class:`Hit` (without rules yet)."""
    li = sel.layers[int(sel.layer_of[m.pos])]
    f = int(sel.feature_of[m.pos])
    return Hit(
        layer_id=li.layer_id,
        layer_version=li.version,
        layer_kind=li.kind,
        layer_title_zh=li.title_zh,
        layer_title_en=li.title_en,
        feature_id=li.feature_ids[f],
        zone_class=li.classes[f],
        class_zh=li.class_zh[f],
        class_en=li.class_en[f],
        name=li.names[f],
        inside=m.inside,
        edge=m.edge,
        distance_to_boundary_m=m.distance,
        overlap_m2=m.overlap,
        overlap_share=m.share,
        synthetic=li.synthetic[f],
        rank=li.ranks[f],
        code=li.codes[f],
        sliver=m.sliver,
    )


def _union_area(parts: list[BaseGeometry]) -> float:
    """Area (m²) of the union of parcel pieces."""
    if not parts:
        return 0.0
    return float(shapely.union_all(np.asarray(parts, dtype=object)).area)


def admin_unit(hits: list[tuple[Hit, Measured]], cls: str) -> dict[str, str] | None:
    """The admin unit of class ``cls`` the query lies in (largest overlap / nearest)."""
    cands = [(h, m) for h, m in hits if h.layer_kind == LayerKind.ADMIN and h.zone_class == cls]
    if not cands:
        return None
    best = min(
        cands,
        key=lambda hm: (
            not hm[0].inside,
            -(hm[1].overlap or 0.0),
            -hm[1].distance if hm[0].inside else hm[1].distance,
            hm[0].feature_id,
        ),
    )[0]
    return {"code": best.code, "name": best.name or best.feature_id}


def admin_list(hits: list[tuple[Hit, Measured]], cls: str) -> list[dict[str, Any]]:
    """Every admin unit of class ``cls`` the query lies in, largest overlap first.

    ``area_m2`` (m², EPSG:4548) and ``share`` (of the parcel) are ``None`` for a point.
    """
    units = [h for h, _m in hits if h.layer_kind == LayerKind.ADMIN and h.zone_class == cls]
    units = [h for h in units if h.inside]
    units.sort(key=lambda h: (-(h.overlap_m2 or 0.0), h.code, h.feature_id))
    return [
        {
            "code": h.code,
            "name": h.name or h.feature_id,
            "area_m2": round_m(h.overlap_m2),
            "share": _r6(h.overlap_share),
        }
        for h in units
    ]


def admin_units(hits: list[tuple[Hit, Measured]]) -> dict[str, Any]:
    """The answer's ``admin`` member (see the module docstring).

    ``district`` and ``township``: the unit the query lies in (largest overlap, else the
    nearest within tolerance); ``districts`` and ``townships``: every unit it lies in.
    """
    return {
        "district": admin_unit(hits, "district"),
        "township": admin_unit(hits, "township"),
        "districts": admin_list(hits, "district"),
        "townships": admin_list(hits, "township"),
    }


def control_first(measured: list[tuple[Hit, Measured]]) -> list[tuple[Hit, Measured]]:
    """Hits on control layers (kinds carrying rules) first, context layers after; stable."""
    return sorted(measured, key=lambda hm: not KINDS[hm[0].layer_kind].is_zone)


def context_summary(hits: Iterable[Hit]) -> list[dict[str, Any]]:
    """The answer's ``context`` member: context-layer hits per layer and class.

    ``count`` features the query lies in (``near``: within tolerance only), their summed
    ``overlap_m2`` (m²) and ``overlap_share`` of the parcel (``None`` for a point).
    """
    groups: dict[tuple[str, str], dict[str, Any]] = {}
    for h in hits:
        if KINDS[h.layer_kind].is_zone:
            continue
        g = groups.get((h.layer_id, h.zone_class))
        if g is None:
            g = groups[(h.layer_id, h.zone_class)] = {
                "layer_id": h.layer_id,
                "layer_version": h.layer_version,
                "layer_kind": h.layer_kind.value,
                "layer_title_zh": h.layer_title_zh,
                "layer_title_en": h.layer_title_en,
                "zone_class": h.zone_class,
                "class_zh": h.class_zh,
                "class_en": h.class_en,
                "count": 0,
                "near": 0,
                "overlap_m2": None if h.overlap_m2 is None else 0.0,
                "overlap_share": None if h.overlap_share is None else 0.0,
            }
        if not h.inside:
            g["near"] += 1
            continue
        g["count"] += 1
        if h.overlap_m2 is not None:
            g["overlap_m2"] += h.overlap_m2
            g["overlap_share"] += h.overlap_share or 0.0
    out = []
    for g in groups.values():
        g["overlap_m2"] = round_m(g["overlap_m2"])
        g["overlap_share"] = _r6(g["overlap_share"])
        out.append(g)
    return out


def check_in_force(catalog: Catalog, selected: Selection, as_of: date) -> None:
    """Refuse a date on which no admin layer is in force (the territory is unknown then).

    A layer set with no admin layer at all is answered (with a warning, see
    :func:`territory_warnings`): it has no dates to offer instead.

    Raises
    ------
    NoLayersInForce
        Naming the date and the dates that can be answered (``detail``).
    """
    if selected.has_admin_layer:
        return
    refuse_date(catalog, as_of)


def refuse_date(catalog: Catalog, as_of: date) -> None:
    """Raise :class:`NoLayersInForce` for ``as_of`` (a date without an admin layer in force).

    Does nothing for a layer set with no admin layer at all (no dates to offer instead).
    """
    dates = catalog.answerable_dates()
    if dates is None:
        return
    start, end = dates["valid_from"], dates["valid_to"]
    span_en = f"from {start}" + (f" to {end}" if end else " on")
    span_zh = f"{start} 至 {end}" if end else f"{start} 及以后"
    raise NoLayersInForce(
        f"no administrative layer is in force on {as_of}, so the territory and the zones "
        f"of that date are unknown; ask for a date {span_en}",
        {
            "as_of": as_of.isoformat(),
            **dates,
            "message_zh": f"{as_of} 无生效的行政区划图层，无法判断该日的辖区与管控分区；"
            f"请选择 {span_zh} 的日期",
        },
    )


def _supersession(
    q: Query, measured: list[tuple[Hit, Measured]]
) -> dict[str, str]:  # ring hit ref -> water hit ref
    """Which reservoir-ring hits are superseded by a drinking-water protection zone hit."""
    water = sorted(
        (hm for hm in measured if hm[0].layer_kind == LayerKind.WATER_PROTECTION and hm[0].inside),
        key=lambda hm: (hm[0].rank if hm[0].rank is not None else NO_RANK, hm[0].ref),
    )
    if not water:
        return {}
    out: dict[str, str] = {}
    for h, m in measured:
        if h.layer_kind != LayerKind.RESERVOIR_RING:
            continue
        if q.kind == "parcel" and h.inside and m.part is not None:
            water_union = shapely.union_all(
                np.asarray([wm.part for _, wm in water if wm.part is not None], dtype=object)
            )
            rest = shapely.difference(m.part, water_union)
            if float(rest.area) > AREA_EPS_M2:
                continue
        out[h.ref] = water[0][0].ref
    return out


_Place = tuple[str | None, dict[str, str] | None, BaseGeometry | None]


def _place_districts(query: Query, measured: list[tuple[Hit, Measured]]) -> list[_Place]:
    """The districts the query lies in: ``(adcode, {"code", "name"}, part)`` each.

    Every district admin hit the query is inside (a point on a shared boundary is in
    both; a parcel's ``part`` is the piece in the district), sorted by code; else the
    district of the answer's ``admin`` (a query within tolerance of one); else
    ``[(None, None, None)]`` (unknown: city-wide and national rules only).
    """
    inside = sorted(
        (
            (h.code, {"code": h.code, "name": h.name or h.feature_id}, m.part)
            for h, m in measured
            if h.layer_kind == LayerKind.ADMIN and h.zone_class == "district" and h.inside
        ),
        key=lambda p: (p[0], p[1]["name"]),
    )
    if inside:
        return list(inside)
    unit = admin_unit(measured, "district")
    return [(unit["code"], unit, None)] if unit else [(None, None, None)]


def _hit_districts(m: Measured, places: list[_Place]) -> list[str | None]:
    """The districts whose rules a zone hit brings: those its part lies in (> 0.01 m²)."""
    if len(places) == 1 or m.part is None:
        return [p[0] for p in places]
    found = [
        code
        for code, _unit, part in places
        if part is not None and float(shapely.intersection(m.part, part).area) > AREA_EPS_M2
    ]
    return found or [None]


def _attach_rules(
    hit: Hit,
    codes: tuple[str, ...],
    rules: RuleTable,
    superseded_by: str | None,
    districts: list[str | None],
) -> tuple[list[tuple[str | None, Rule]], list[str]]:
    """Set ``hit.rules`` to its rule(s) for each activity code.

    With several districts, an activity whose rule differs between them gets one rule
    per district. Returns the ``(district, rule)`` pairs that apply (not superseded) and
    any warnings.
    """
    if not KINDS[hit.layer_kind].is_zone:
        return [], []
    applied: list[tuple[str | None, Rule]] = []
    if len(districts) == 1:
        found, problems = _class_rules(rules, hit.layer_kind, hit.zone_class, codes, districts[0])
        applied = [(districts[0], hr.rule) for hr in found]
    else:
        per = [
            (d, _class_rules(rules, hit.layer_kind, hit.zone_class, codes, d)) for d in districts
        ]
        seen: dict[tuple[str, str, str], HitRule] = {}
        all_problems: dict[str, None] = {}
        for d, (rows, probs) in per:
            all_problems.update(dict.fromkeys(probs))
            for hr in rows:
                applied.append((d, hr.rule))
                seen.setdefault((hr.rule.activity, hr.rule.rule_id, hr.rule.jurisdiction.code), hr)
        order = {c: i for i, c in enumerate(codes)}
        found = tuple(sorted(seen.values(), key=lambda hr: order[hr.rule.activity]))
        problems = tuple(all_problems)
    if superseded_by is not None:
        found = tuple(HitRule(hr.rule, superseded_by) for hr in found)
        applied = []
    hit.rules = found
    return applied, [f"{hit.ref}: no rule for class {hit.zone_class!r}: {p}" for p in problems]


def _decide(
    act: Activity,
    pairs: list[tuple[Hit, Rule]],
    inside_territory: bool,
    has_control_zone: bool,
    tolerance_m: float,
) -> tuple[ActivityVerdict, list[str]]:
    """The overall verdict of one activity from the (hit, rule) pairs of that activity.

    ``pairs`` holds each hit's rule for the activity, in hit order, superseded rules left out.
    """
    if not inside_territory:
        return ActivityVerdict(act, Verdict.OUTSIDE), []
    best: tuple[tuple[int, int, str], Hit, Rule] | None = None
    edge_only: list[tuple[Hit, Rule]] = []
    for h, rule in pairs:
        if not h.inside:
            edge_only.append((h, rule))
            continue
        rank = h.rank if h.rank is not None else NO_RANK
        score = (-SEVERITY[rule.verdict], rank, h.ref)
        if best is None or score < best[0]:
            best = (score, h, rule)
    warnings: list[str] = []
    if best is None:
        verdict = ActivityVerdict(act, Verdict.OUTSIDE)
    else:
        verdict = ActivityVerdict(act, best[2].verdict, best[2], best[1])
        if best[1].sliver:
            warnings.append(
                f"{act.code}: decided by a sliver overlap ({best[1].overlap_m2:.2f} m²) with "
                f"{best[1].ref}; check the parcel's alignment with that boundary"
            )
    if verdict.verdict == Verdict.PERMITTED and not has_control_zone:
        warnings.append(
            f"{act.code}: no control zone (两线三区) covers the whole query, so 'permitted' "
            "cannot be confirmed; answered 'outside'"
        )
        verdict = ActivityVerdict(act, Verdict.OUTSIDE)
    current = SEVERITY[verdict.verdict]
    for h, rule in edge_only:
        if SEVERITY[rule.verdict] > current:
            warnings.append(
                f"{act.code}: {h.ref} ({h.class_en}) lies {h.distance_to_boundary_m:.2f} m away, "
                f"within the {tolerance_m:g} m tolerance, and would make it "
                f"'{rule.verdict.value}'"
            )
    return verdict, warnings


def _inside_if_gcj02(query: Query, selected: Selection) -> bool:
    """True when a WGS84-declared query would fall inside an admin polygon if it were GCJ-02.

    A hint only, so one fixed-point step of the inverse (a few metres off the exact one)
    is enough; it keeps the check cheap for the many queries that fall outside.
    """
    declared = parse_crs(query.crs)
    admin_geoms = selected.admin_geoms
    if declared.offset is not None or not declared.is_geographic or admin_geoms.size == 0:
        return False
    to_analysis = transformer(OUTPUT_CRS, ANALYSIS_CRS)
    if query.kind == "point":  # the same step on one coordinate pair, without numpy
        x, y, lon, lat = query.point_coords
        cell = selected.index.grid.cell_of(x, y)
        if cell >= 0 and not _gcj_reach(selected)[cell]:  # no admin polygon within reach
            return False
        flon, flat = wgs84_to_gcj02_xy(lon, lat)
        gx, gy = to_analysis.transform(2 * lon - flon, 2 * lat - flat)
        # the grid holds every feature that may cover the point: usually no admin polygon
        # at all for a point off the territory (a test over all of them cost ~30 us)
        sel = selected.index
        covering, near = sel.grid.split(gx, gy)
        is_admin = selected.is_admin
        if any(is_admin[p] for p in covering):
            return True
        near = near[is_admin[near]]
        return bool(near.size) and bool(shapely.intersects_xy(sel.geoms[near], gx, gy).any())

    def one_step(coords: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
        flon, flat = wgs84_to_gcj02(coords[:, 0], coords[:, 1])
        return np.column_stack([2 * coords[:, 0] - flon, 2 * coords[:, 1] - flat])

    guess = shapely.transform(query.geometry_wgs84, one_step)
    converted = geometries_to([guess], OUTPUT_CRS, ANALYSIS_CRS)[0]
    return bool(shapely.intersects(admin_geoms, converted).any())


GCJ_REACH_M = 1500.0
"""Farther than this from every admin polygon, a point cannot fall inside one when its
coordinates are read as GCJ-02 (the offset is under 1 km in China, ~550 m in Beijing)."""


def _gcj_reach(selected: Selection) -> BoolArray:
    """Per point-grid cell: an admin polygon lies within :data:`GCJ_REACH_M` (cached).

    Most points off the territory are far from it; they skip the GCJ-02 arithmetic.
    """
    found: BoolArray | None = selected.memo.get("gcj_reach")
    if found is None:
        found = selected.index.grid.cells_near(selected.admin_geoms, GCJ_REACH_M)
        selected.memo["gcj_reach"] = found
    return found


def prepare(
    catalog: Catalog, as_of: date | None = None, lanes: Iterable[Lane] | None = None
) -> None:
    """Build the index of the layer versions in force on ``as_of`` (default today) now.

    For every lane in ``lanes`` (default: every registered lane,
    :func:`geozone.lanes.registered_lanes`, or the caller's when none is), so that no
    thread's first lookup pays for its index. A service calls it at start-up, and a
    reloader calls it in a background thread with a new catalog before publishing it:
    the lanes' objects are built here and handed over, each used only by its own lane's
    thread once that thread sees the catalog (:mod:`geozone.lanes`).
    """
    day = as_of or date.today()
    targets = list(lanes) if lanes is not None else registered_lanes()
    for lane in targets or [current_lane()]:
        if cached_selection(catalog, day, lane) is None:
            built = _build_selection(catalog, day, lane)
            _gcj_reach(built)  # with the rest, so the lane's first point does not pay for it
            lane.cache("selection", SELECTION_CACHE_SIZE).put((catalog,), day, built)


def lookup(catalog: Catalog, rules: RuleTable, query: Query) -> LookupResult:
    """Answer a query: every hit with its rules, and an overall verdict per activity.

    Parameters
    ----------
    catalog
        The loaded layer set; the versions in force on ``query.as_of`` are used.
    rules
        The rule table.
    query
        From :func:`~geozone.query.point_query` or :func:`~geozone.query.geojson_query`.

    Returns
    -------
    LookupResult
        See the module docstring for point/parcel semantics (metres, m², EPSG:4548).

    Raises
    ------
    UnknownActivity
        If the query names an activity the rule table does not know.
    NoLayersInForce
        If no admin layer is in force on ``query.as_of`` (the territory is unknown).
    """
    activities = resolve_activities(rules, query.activities)
    selected = selection(catalog, query.as_of)
    check_in_force(catalog, selected, query.as_of)
    sel = selected.index
    measured_raw = (
        measure_point(sel, query) if query.kind == "point" else _measure_parcel(sel, query)
    )
    d = decide(rules, activities, selected, query, measured_raw)
    warnings = [*query.warnings, *territory_warnings(query, selected, d.inside_territory)]
    if query.kind == "parcel" and d.inside_territory and query.area_m2:
        area = query.area_m2
        inside_admin = [m.part for h, m in d.measured if h.layer_kind == LayerKind.ADMIN]
        share_out = 1.0 - _union_area([p for p in inside_admin if p is not None]) / area
        if share_out > 1e-6:
            warnings.append(f"{share_out:.1%} of the parcel lies outside the loaded territory")
    warnings.extend(d.warnings)
    query_dict = query.to_dict(d.codes)
    hits = tuple(h for h, _m in control_first(d.measured))
    return LookupResult(
        report_id=report_id(query_dict, sel.layers, rules),
        query=query,
        query_dict=query_dict,
        layerset=selected.layerset,
        rules_version=rules.version,
        layers=sel.layers,
        synthetic=d.synthetic,
        inside_territory=d.inside_territory,
        admin=admin_units(d.measured),
        hits=hits,
        verdicts=d.verdicts,
        warnings=tuple(dict.fromkeys(warnings)),
    )


def territory_warnings(query: Query, selected: Selection, inside_territory: bool) -> list[str]:
    """The note that the territory is unknown, or that the query may be GCJ-02 (or none)."""
    if not selected.has_admin_layer:
        return [f"no admin layer is in force on {query.as_of}; the territory is unknown"]
    if not inside_territory and _inside_if_gcj02(query, selected):
        return [
            "the query lies outside the loaded territory but inside it once its coordinates "
            "are read as GCJ-02 (Amap/Tencent web-map coordinates, ~500 m east and ~130 m "
            "north of WGS84 in Beijing): declare crs='GCJ02' if they came from such a map"
        ]
    return []


@dataclass(frozen=True)
class Decisions:
    """What the hits of a query decide, before the query's own parts are added.

    Attributes
    ----------
    measured
        ``(hit, measurement)`` pairs in answer order.
    hits, verdicts
        As in :class:`LookupResult`.
    warnings
        Missing rules and verdict notes, in order (after the query's and the territory's).
    """

    codes: tuple[str, ...]
    measured: list[tuple[Hit, Measured]]
    hits: tuple[Hit, ...]
    verdicts: tuple[ActivityVerdict, ...]
    inside_territory: bool
    synthetic: bool
    warnings: tuple[str, ...]


def decide(
    rules: RuleTable,
    activities: list[Activity],
    selected: Selection,
    query: Query,
    measured_raw: list[Measured],
) -> Decisions:
    """Sort the hits, attach their rules and decide a verdict per activity.

    For a point it depends only on which features are hit, how (``inside``, ``edge``),
    the distances of hits the point is outside of, the activities and the tolerance.
    """
    sel = selected.index
    measured = [(_make_hit(sel, m), m) for m in measured_raw]
    measured.sort(
        key=lambda hm: (
            not hm[0].inside,
            hm[0].rank if hm[0].rank is not None else NO_RANK,
            int(sel.layer_of[hm[1].pos]),
            hm[0].feature_id,
        )
    )
    inside_territory = any(h.layer_kind == LayerKind.ADMIN for h, _m in measured)
    cz = [(h, m) for h, m in measured if h.layer_kind == LayerKind.CONTROL_ZONE and h.inside]
    if query.kind == "point":
        has_cz = bool(cz)
    else:
        area = query.area_m2
        cz_parts = [m.part for _, m in cz if m.part is not None]
        has_cz = bool(area) and _union_area(cz_parts) >= (area or 0.0) - AREA_EPS_M2
    superseded = _supersession(query, measured)
    hits = [h for h, _m in measured]
    codes = tuple(a.code for a in activities)
    places = _place_districts(query, measured)
    warnings: list[str] = []
    by_activity: dict[str, list[tuple[Hit, Rule, str | None]]] = {}
    for h, m in measured:
        applied, w = _attach_rules(
            h, codes, rules, superseded.get(h.ref), _hit_districts(m, places)
        )
        warnings.extend(w)
        for d, rule in applied:
            by_activity.setdefault(rule.activity, []).append((h, rule, d))
    verdicts = []
    for act in activities:
        triples = by_activity.get(act.code, [])
        pairs = [(h, r) for h, r, _d in triples]
        v, w = _decide(act, pairs, inside_territory, has_cz, query.tolerance_m)
        if len(places) > 1:
            parts = tuple(
                VerdictPart(
                    unit,
                    _decide(
                        act,
                        [(h, r) for h, r, d in triples if d == code],
                        inside_territory,
                        has_cz,
                        query.tolerance_m,
                    )[0],
                )
                for code, unit, _part in places
            )
            v = replace(v, parts=parts)
        verdicts.append(v)
        warnings.extend(w)
    return Decisions(
        codes=codes,
        measured=measured,
        hits=tuple(hits),
        verdicts=tuple(verdicts),
        inside_territory=inside_territory,
        synthetic=selected.entry_synthetic or any(h.synthetic for h in hits),
        warnings=tuple(warnings),
    )
