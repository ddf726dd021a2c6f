"""Stage 3 of a lookup: deciding (the verdict policy), on hits keyed by feature and layer.

:func:`decide` takes measured hits (:class:`~geozone.measure.Measured`, each naming its
:class:`~geozone.hits.Feature` by :class:`~geozone.hits.FeatureRef` and layer order, never
by a finder's index), the layers in force and the rule table, and returns the hits with
their rules and an overall verdict per activity.

Verdicts
    Per activity, the most severe rule among inside zone hits decides (prohibited >
    conditional > permitted), ties broken by the zone class rank (lower = stricter).
    A reservoir-ring rule is superseded (``superseded_by`` set, ignored) when a
    drinking-water protection zone is hit as well (for a parcel: when the part of the
    parcel in the ring lies inside the water zones hit). Outside the territory (no admin
    feature hit) every verdict is ``outside``. Inside it, ``permitted`` needs a control
    zone (两线三区) covering the query; without one the answer is ``outside`` with a
    warning, never ``permitted``.

Jurisdictions
    A hit's rule for an activity is the most specific rule whose jurisdiction contains
    the place (:meth:`RuleTable.rule_for`: district > city > national), the place's
    district being the admin layer's district hit (its ``code``, an adcode). A query in
    more than one district is decided per district part: a zone hit gets each district's
    rule on its part in that district (zone part ∩ district part > 0.01 m²); the overall
    verdict is the strictest of the parts, and the verdict's ``parts`` lists, per
    district, that part's verdict, rule, citation and deciding hit.
"""

from __future__ import annotations

import weakref
from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry

from geozone.errors import GeozoneError
from geozone.hits import LayerMeta
from geozone.measure import AREA_EPS_M2, Measured, union_area
from geozone.query import Query
from geozone.rules import SEVERITY, Activity, Rule, RuleTable, Verdict
from geozone.verdicts import ActivityVerdict, Hit, HitRule, VerdictPart
from geozone.vocab import KINDS, LayerKind

NO_RANK = 99
"""Rank used for classes without one (non-zone kinds), sorting after every zone class."""


_ClassRules = tuple[tuple["HitRule", ...], tuple[str, ...]]
_RULE_MEMO: weakref.WeakKeyDictionary[
    RuleTable, dict[tuple[LayerKind, str, tuple[str, ...], str | None], _ClassRules]
] = weakref.WeakKeyDictionary()
_RULE_MEMO_SIZE = 4096


def class_rules(
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


def make_hit(layers: Sequence[LayerMeta], m: Measured) -> Hit:
    """Turn a measured hit into a :class:`Hit` (without rules yet)."""
    f = m.feature
    li = layers[f.layer]
    return Hit(
        layer_id=f.ref.layer_id,
        layer_version=f.ref.version,
        layer_kind=f.kind,
        layer_title_zh=li.title_zh,
        layer_title_en=li.title_en,
        feature_id=f.ref.feature_id,
        zone_class=f.zone_class,
        class_zh=f.class_zh,
        class_en=f.class_en,
        name=f.name,
        inside=m.inside,
        edge=m.edge,
        distance_to_boundary_m=m.distance,
        overlap_m2=m.overlap,
        overlap_share=m.share,
        synthetic=f.synthetic,
        rank=f.rank,
        code=f.code,
        sliver=m.sliver,
    )


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
        found, problems = class_rules(rules, hit.layer_kind, hit.zone_class, codes, districts[0])
        applied = [(districts[0], hr.rule) for hr in found]
    else:
        per = [(d, class_rules(rules, hit.layer_kind, hit.zone_class, codes, d)) for d in districts]
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
    layers: Sequence[LayerMeta],
    query: Query,
    measured_raw: list[Measured],
) -> Decisions:
    """Sort the hits, attach their rules and decide a verdict per activity.

    For a point it depends only on which features are hit, how (``inside``, ``edge``),
    the distances of hits the point is outside of, the activities and the tolerance.
    """
    measured = [(make_hit(layers, m), m) for m in measured_raw]
    measured.sort(
        key=lambda hm: (
            not hm[0].inside,
            hm[0].rank if hm[0].rank is not None else NO_RANK,
            hm[1].feature.layer,
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
        has_cz = bool(area) and union_area(cz_parts) >= (area or 0.0) - AREA_EPS_M2
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
        synthetic=any(li.entry_synthetic for li in layers) or any(h.synthetic for h in hits),
        warnings=tuple(warnings),
    )


def point_districts(measured: list[Measured]) -> tuple[str, ...]:
    """Adcodes of the admin districts a point is inside (what its rules depend on), sorted."""
    return tuple(
        sorted(
            m.feature.code
            for m in measured
            if m.inside and m.feature.kind == LayerKind.ADMIN and m.feature.zone_class == "district"
        )
    )
