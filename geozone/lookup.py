"""The compliance lookup: hits, rules, verdicts and citations for one query, in four stages.

:func:`lookup` answers a :class:`~geozone.query.Query` against the layer versions in force
on ``query.as_of`` (:func:`~geozone.selection.selection`) and a
:class:`~geozone.rules.RuleTable`; :func:`answer` gives the answer's bytes, the one entry
point of the API, the CLI and the jobs. The stages, one module each:

1. finding hits (:mod:`geozone.hits`): a :class:`~geozone.hits.HitFinder` returns the
   candidate features near the query, keyed by :class:`~geozone.hits.FeatureRef`; the
   default is the in-memory index (:mod:`geozone.feature_index`);
2. measuring (:mod:`geozone.measure`): inside / edge / distance to the boundary / overlap
   area and share (metres, m², EPSG:4548), the same code for every finder;
3. deciding (:mod:`geozone.decide`): the verdict policy on hits keyed by feature and
   layer order, with the territory's rules (:mod:`geozone.territory`);
4. writing the answer (:mod:`geozone.answer`): :class:`LookupResult`, its JSON and report
   id; points reuse what a set of hits decides (:mod:`geozone.answer_templates`).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from typing import Any

from geozone.answer import (
    LookupResult,
    admin_units,
    answer_bytes,
    answer_json,
    control_first,
    report_frame,
    report_id,
)
from geozone.catalog import Catalog
from geozone.decide import decide
from geozone.feature_index import SelectionIndex, selection_index
from geozone.hits import BruteForceFinder, FeatureRef, HitFinder
from geozone.lookup_mode import default_finder
from geozone.measure import measure, union_area
from geozone.query import Query
from geozone.rules import Activity, RuleTable
from geozone.selection import (
    Selection,
    cached_selection,
    prepare,
    prepare_primary_first,
    selection,
)
from geozone.territory import check_in_force, refuse_date, territory_warnings
from geozone.vocab import LayerKind

__all__ = [
    "BruteForceFinder",
    "FeatureRef",
    "HitFinder",
    "LookupResult",
    "Selection",
    "SelectionIndex",
    "answer",
    "answer_bytes",
    "answer_json",
    "cached_selection",
    "lookup",
    "prepare",
    "prepare_primary_first",
    "refuse_date",
    "report_frame",
    "report_id",
    "resolve_activities",
    "selection",
    "selection_index",
]


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


def lookup(
    catalog: Catalog, rules: RuleTable, query: Query, finder: HitFinder | None = None
) -> LookupResult:
    """Answer a query: every hit with its rules, and an overall verdict per activity.

    Parameters
    ----------
    catalog
        The loaded layer set; the versions in force on ``query.as_of`` are used.
    rules
        The rule table.
    query
        From :func:`~geozone.query.point_query` or :func:`~geozone.query.geojson_query`.
    finder
        Where the hits come from (default: the process-wide finder,
        :func:`geozone.lookup_mode.default_finder`: the in-memory index unless
        ``GEOZONE_LOOKUP=sql``).

    Returns
    -------
    LookupResult
        See :mod:`geozone.measure` for point/parcel semantics (metres, m², EPSG:4548).

    Raises
    ------
    UnknownActivity
        If the query names an activity the rule table does not know.
    NoLayersInForce
        If no admin layer is in force on ``query.as_of`` (the territory is unknown).
    QueryTooLarge
        For a parcel beyond the work budget.
    """
    finder = finder or default_finder()
    activities = resolve_activities(rules, query.activities)
    selected = selection(catalog, query.as_of)
    check_in_force(catalog, selected, query.as_of)
    measured_raw = measure(query, finder.candidates(selected, query))
    layers = selected.layers
    d = decide(rules, activities, layers, query, measured_raw)
    warnings = [*query.warnings, *territory_warnings(query, selected, d.inside_territory, finder)]
    if query.kind == "parcel" and d.inside_territory and query.area_m2:
        area = query.area_m2
        inside_admin = [m.part for h, m in d.measured if h.layer_kind == LayerKind.ADMIN]
        share_out = 1.0 - union_area([p for p in inside_admin if p is not None]) / area
        if share_out > 1e-6:
            warnings.append(f"{share_out:.1%} of the parcel lies outside the loaded territory")
    warnings.extend(d.warnings)
    query_dict = query.to_dict(d.codes)
    hits = tuple(h for h, _m in control_first(d.measured))
    return LookupResult(
        report_id=report_id(query_dict, layers, rules),
        query=query,
        query_dict=query_dict,
        layerset=selected.layerset,
        rules_version=rules.version,
        layers=layers,
        synthetic=d.synthetic,
        inside_territory=d.inside_territory,
        admin=admin_units(d.measured),
        hits=hits,
        verdicts=d.verdicts,
        warnings=tuple(dict.fromkeys(warnings)),
    )


def answer(
    catalog: Catalog, rules: RuleTable, query: Query, finder: HitFinder | None = None
) -> tuple[bytes, dict[str, Any]]:
    """The answer to a query as bytes (``LookupResult.to_json``, UTF-8) and the data encoded.

    Points take :func:`geozone.answer_templates.point_answer` (the same bytes, with what
    a set of hits decides kept per selection); parcels the full :func:`lookup`. The data
    holds the answer's top-level members, ``hits``, ``verdicts`` and ``layers`` possibly
    pre-encoded (what :meth:`ReportStore.save <geozone.report_store.ReportStore.save>`
    reads). Raises as :func:`lookup` does.
    """
    if query.kind == "point":
        return _point_answer()(catalog, rules, query, finder)
    data = lookup(catalog, rules, query, finder).to_dict()
    return answer_bytes(data), data


@cache
def _point_answer() -> Callable[..., tuple[bytes, dict[str, Any]]]:
    """:func:`geozone.answer_templates.point_answer`, imported on first use.

    That module imports this one; an import statement per lookup cost ~1 % of a point
    request's CPU (py-spy under the in-process harness).
    """
    from geozone.answer_templates import point_answer

    return point_answer
