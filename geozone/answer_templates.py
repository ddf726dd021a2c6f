"""Answer templates per hit signature: point answers as JSON bytes, the decided part reused.

Points that hit the same features the same way (inside, or outside but within the
tolerance at the same distance) get the same sorted hits, rules, supersessions, verdicts
and warnings (:func:`geozone.decide.decide`). Between such points only the distances to
the boundaries, the admin unit reported (ties go by distance), the query and its report
id change. :func:`point_answer` keeps, per layer selection, rule table, activities,
tolerance, hit signature and the districts the point lies in (whose rules apply), a
template of everything else: each hit's JSON around its distance, the verdicts' JSON,
the warnings. Every point still gets its own exact hit
finding and distances, and a template is built from the engine's own decisions.

The bytes equal ``answer_bytes(lookup(catalog, rules, query).to_dict())``; the tests
compare the two paths over thousands of points, tolerances and activity lists. Measured
in-process on the benchmark's points (one activity): lookup + to_dict + encoding
~215 us -> ~120 us per point (~60 us with the point grid's covering cells and the
near-boundary distances).
"""

from __future__ import annotations

import weakref
from dataclasses import dataclass
from typing import Any

import orjson

from geozone import __version__
from geozone.answer import (
    ReportFrame,
    admin_units,
    answer_bytes,
    control_first,
    layers_json,
    report_frame,
    report_id,
)
from geozone.catalog import Catalog
from geozone.decide import decide, point_districts
from geozone.hits import HitFinder
from geozone.lookup import lookup, resolve_activities
from geozone.lookup_mode import default_finder
from geozone.measure import Measured, measure_point
from geozone.query import Query
from geozone.rules import Activity, RuleTable
from geozone.selection import Selection, selection
from geozone.territory import check_in_force, territory_warnings
from geozone.verdicts import Hit, round_m
from geozone.vocab import LayerKind

TEMPLATE_BYTES = 32 * 1024 * 1024
"""JSON kept in templates per selection and rule table; the cache is emptied beyond it.

A template of one hit and one activity is ~1.5 KB, of five hits and all 20 activities
~60 KB. Signatures with an edge-only hit carry its distance, so they seldom repeat and
are not kept.
"""

_MARK = b"\x00"  # where a hit's distance goes: orjson writes NUL inside strings as \u0000
_SORTED = orjson.OPT_SORT_KEYS


@dataclass(frozen=True)
class _Template:
    """What one hit signature decides, as JSON pieces."""

    order: tuple[int, ...]  # the measurement of each hit, in answer order
    hit_parts: tuple[tuple[bytes, bytes], ...]  # each hit's JSON before and after its distance
    admin_hits: tuple[tuple[int, Hit], ...]  # (measurement, hit) of the admin hits
    admin: dict[str, Any] | None  # the answer's admin, if no tie to break
    verdicts: orjson.Fragment
    inside_territory: bool
    synthetic: bool
    warnings: tuple[str, ...]
    size: int  # bytes of JSON held


class _Templates:
    """Templates by key, emptied when their JSON passes :data:`TEMPLATE_BYTES`."""

    def __init__(self, frame: ReportFrame) -> None:
        self.by_key: dict[Any, _Template] = {}
        self.size = 0
        self.frame = frame  # the report id's canonical text around the query

    def add(self, key: Any, template: _Template) -> None:
        if template.size > TEMPLATE_BYTES:
            return
        if self.size + template.size > TEMPLATE_BYTES:
            self.by_key.clear()  # a whole new working set; rebuilding is cheap
            self.size = 0
        if self.by_key.setdefault(key, template) is template:
            self.size += template.size


def _template(
    rules: RuleTable,
    activities: list[Activity],
    selected: Selection,
    query: Query,
    measured: list[Measured],
) -> _Template:
    d = decide(rules, activities, selected.layers, query, measured)
    index = {id(m): i for i, m in enumerate(measured)}
    parts = []
    ordered = control_first(d.measured)  # the answer's order (LookupResult.hits)
    for h, _m in ordered:
        data = h.to_dict()
        data["distance_to_boundary_m"] = orjson.Fragment(_MARK)
        before, after = orjson.dumps(data, option=_SORTED).split(_MARK)
        parts.append((before, after))
    verdicts = orjson.dumps([v.to_dict() for v in d.verdicts], option=_SORTED)
    admin_hits = [(h, m) for h, m in d.measured if h.layer_kind == LayerKind.ADMIN]
    classes = [h.zone_class for h, _m in admin_hits]
    untied = len(classes) == len(set(classes))  # one unit per class: distances cannot matter
    return _Template(
        order=tuple(index[id(m)] for _h, m in ordered),
        hit_parts=tuple(parts),
        admin_hits=tuple((index[id(m)], h) for h, m in admin_hits),
        admin=admin_units(admin_hits) if untied else None,
        verdicts=orjson.Fragment(verdicts),
        inside_territory=d.inside_territory,
        synthetic=d.synthetic,
        warnings=d.warnings,
        size=len(verdicts) + sum(len(b) + len(a) for b, a in parts),
    )


def _templates(selected: Selection, rules: RuleTable) -> _Templates:
    per_rules = selected.memo.get("point_templates")
    if per_rules is None:
        per_rules = selected.memo.setdefault("point_templates", weakref.WeakKeyDictionary())
    found: _Templates | None = per_rules.get(rules)
    if found is None:
        found = per_rules.setdefault(rules, _Templates(report_frame(selected.layers, rules)))
    return found


def _layers_json(selected: Selection) -> orjson.Fragment:
    """The answer's ``layers`` member of a selection (as :meth:`LookupResult.to_dict`)."""
    found: orjson.Fragment | None = selected.memo.get("layers_json")
    if found is None:
        layers = layers_json(selected.layers)
        found = selected.memo["layers_json"] = orjson.Fragment(orjson.dumps(layers, option=_SORTED))
    return found


def point_answer(
    catalog: Catalog, rules: RuleTable, query: Query, finder: HitFinder | None = None
) -> tuple[bytes, dict[str, Any]]:
    """Answer a point query as :func:`geozone.lookup.lookup` would, encoded.

    ``finder`` gives the hits (default: :func:`geozone.lookup_mode.default_finder`);
    templates are keyed by the hits' :class:`~geozone.hits.FeatureRef`, so any finder's
    hits can share them.

    Returns
    -------
    bytes, dict
        The answer (``LookupResult.to_json`` as UTF-8) and its top-level members with
        ``hits``, ``verdicts`` and ``layers`` as pre-encoded JSON (what
        :meth:`ReportStore.save <geozone.report_store.ReportStore.save>` reads).

    Raises
    ------
    UnknownActivity
        If the query names an activity the rule table does not know.
    NoLayersInForce
        If no admin layer is in force on ``query.as_of``.
    ValueError
        For a parcel query.
    """
    if query.kind != "point":
        raise ValueError("point_answer answers point queries")
    if query.detail != "full":  # summaries are rare for points: the engine's own answer
        full = lookup(catalog, rules, query, finder).to_dict()
        return answer_bytes(full), full
    activities = resolve_activities(rules, query.activities)
    selected = selection(catalog, query.as_of)
    check_in_force(catalog, selected, query.as_of)
    finder = finder or default_finder()
    measured = measure_point(query, finder.candidates(selected, query))
    codes = tuple(a.code for a in activities)
    signature = tuple((m.feature.ref, m.inside, m.edge) for m in measured)
    # the rules a hit brings depend on the place's district(s): part of the key
    key = (codes, query.tolerance_m, signature, point_districts(measured))
    templates = _templates(selected, rules)
    tpl = templates.by_key.get(key)
    if tpl is None:
        tpl = _template(rules, activities, selected, query, measured)
        if all(m.inside for m in measured):  # an edge-only hit's distance is in its warnings
            templates.add(key, tpl)
    pieces = [b"["]  # one join: an all-activities answer's hits run to ~30 KB
    for i, (before, after) in zip(tpl.order, tpl.hit_parts, strict=True):
        pieces += (before, orjson.dumps(round_m(measured[i].distance)), after, b",")
    if len(pieces) > 1:
        pieces[-1] = b"]"  # in place of the last comma
    else:
        pieces.append(b"]")
    units = tpl.admin or admin_units([(h, measured[i]) for i, h in tpl.admin_hits])
    warnings = [
        *query.warnings,
        *territory_warnings(query, selected, tpl.inside_territory, finder),
        *tpl.warnings,
    ]
    query_dict = query.to_dict(codes)
    data = {
        "report_id": report_id(query_dict, selected.layers, rules, frame=templates.frame),
        "geozone_version": __version__,
        "query": query_dict,
        "as_of": query_dict["as_of"],
        "layerset": selected.layerset,
        "rules_version": rules.version,
        "layers": _layers_json(selected),
        "synthetic": tpl.synthetic,
        "inside_territory": tpl.inside_territory,
        "admin": units,
        "hits": orjson.Fragment(b"".join(pieces)),
        "verdicts": tpl.verdicts,
        "warnings": list(dict.fromkeys(warnings)),
    }
    return orjson.dumps(data, option=_SORTED), data
