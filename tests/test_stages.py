"""The lookup by stage: deciding on hand-built hits, and a second hit finder giving the same bytes.

The decide stage works on hits keyed by :class:`FeatureRef` and layer order, so it is driven
here with features drawn by hand (no STRtree, no layer files). The brute-force finder
(every feature in force, no index) must give byte-identical answers to the in-memory
finder through the shared measuring code: the seam a database finder plugs into.
"""

from __future__ import annotations

import random
from datetime import date
from pathlib import Path

import pytest
import shapely
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from shapely.geometry import box, mapping

from geozone.answer import answer_bytes
from geozone.catalog import Catalog, load_catalog
from geozone.decide import decide
from geozone.hits import BruteForceFinder, Feature, FeatureRef, LayerMeta
from geozone.lookup import answer, lookup
from geozone.measure import Measured
from geozone.query import geojson_query, point_query
from geozone.rules import RuleTable, Verdict, load_rules
from geozone.selection import selection
from geozone.vocab import LayerKind

REPO = Path(__file__).resolve().parent.parent
AS_OF = date(2026, 11, 25)
X, Y = 500_000.0, 4_420_000.0  # EPSG:4548 metres


def _layer(kind: LayerKind, layer_id: str) -> LayerMeta:
    return LayerMeta(f"{layer_id}@v1", layer_id, "v1", kind, layer_id, layer_id, "0" * 64, False)


def _feature(
    layer: int,
    meta: LayerMeta,
    fid: str,
    zone_class: str,
    rank: int | None,
    code: str | None = None,
) -> Feature:
    poly = box(X - 100, Y - 100, X + 100, Y + 100)
    return Feature(
        FeatureRef(meta.layer_id, meta.version, fid),
        layer,
        meta.kind,
        zone_class,
        zone_class,
        zone_class,
        rank,
        fid,
        code or fid,
        False,
        poly,
        poly.boundary,
    )


@pytest.fixture(scope="module")
def rules() -> RuleTable:
    return load_rules(REPO / "layers" / "rules")


def _point(activity: str, tolerance_m: float = 5.0):  # type: ignore[no-untyped-def]
    return point_query(X, Y, crs="EPSG:4548", activities=activity, tolerance_m=tolerance_m)


def _measured(f: Feature, inside: bool, distance: float, t: float = 5.0) -> Measured:
    return Measured(f, inside, distance <= t, distance, None, None, False, None)


def test_decide_on_hand_built_hits(rules: RuleTable) -> None:
    """Admin + a concentrated zone inside + an eco-control zone 3 m off (tolerance 5 m)."""
    layers = [_layer(LayerKind.ADMIN, "admin"), _layer(LayerKind.CONTROL_ZONE, "zones")]
    district = _feature(0, layers[0], "d1", "district", None, "110112")
    concentrated = _feature(1, layers[1], "c1", "concentrated", 7)
    eco = _feature(1, layers[1], "e1", "eco_control", 5)
    measured = [_measured(eco, False, 3.0), _measured(district, True, 40.0)]
    measured.append(_measured(concentrated, True, 60.0))
    d = decide(rules, [rules.activity("urban_housing")], layers, _point("urban_housing"), measured)

    assert d.inside_territory
    (v,) = d.verdicts
    assert v.verdict == Verdict.PERMITTED
    assert v.decided_by is not None and v.decided_by.ref == "zones:c1"
    assert v.rule == rules.rule_for(
        LayerKind.CONTROL_ZONE, "concentrated", "urban_housing", "110112"
    )
    # inside hits first (by class rank, then layer order), the edge-only hit last
    assert [h.feature_id for h in d.hits] == ["c1", "d1", "e1"]
    assert d.hits[1].layer_title_en == "admin" and not d.hits[2].inside
    # the eco-control zone within tolerance would prohibit it: a warning names it
    assert any("zones:e1" in w and "'prohibited'" in w for w in d.warnings)


def test_decide_needs_a_control_zone_and_the_territory(rules: RuleTable) -> None:
    layers = [_layer(LayerKind.ADMIN, "admin"), _layer(LayerKind.CONTROL_ZONE, "zones")]
    district = _feature(0, layers[0], "d1", "district", None, "110112")
    eco = _feature(1, layers[1], "e1", "eco_control", 5)
    acts = [rules.activity("urban_housing"), rules.activity("ecological_restoration")]
    query = point_query(X, Y, crs="EPSG:4548", activities=["urban_housing"])
    # no admin hit: outside the territory, whatever the zones say
    out = decide(rules, acts, layers, query, [_measured(eco, True, 50.0)])
    assert not out.inside_territory
    assert [v.verdict for v in out.verdicts] == [Verdict.OUTSIDE, Verdict.OUTSIDE]
    # in the territory: the eco-control zone decides both (prohibited, permitted)
    both = [_measured(district, True, 40.0), _measured(eco, True, 50.0)]
    got = decide(rules, acts, layers, query, both)
    assert [v.verdict for v in got.verdicts] == [Verdict.PROHIBITED, Verdict.PERMITTED]
    assert {v.decided_by.ref for v in got.verdicts if v.decided_by} == {"zones:e1"}
    # the district alone: nothing decides, so outside (never permitted without a zone)
    alone = decide(rules, acts, layers, query, both[:1])
    assert [v.verdict for v in alone.verdicts] == [Verdict.OUTSIDE, Verdict.OUTSIDE]


# ---------------------------------------------------------------------------------------------
# A second finder, the same bytes


@pytest.fixture(scope="module")
def demo() -> tuple[Catalog, RuleTable]:
    catalog = load_catalog(REPO / "layers")
    return catalog, load_rules(catalog.rules_dir)


BRUTE = BruteForceFinder()


def _points(catalog: Catalog, n: int) -> list[tuple[float, float]]:
    """Random points over the territory and beyond, and points beside feature vertices."""
    sel = selection(catalog, AS_OF).index
    rng = random.Random(18)
    minx, miny, maxx, maxy = shapely.total_bounds(sel.geoms)
    pts = [(rng.uniform(minx - 3000, maxx + 3000), rng.uniform(miny - 3000, maxy + 3000))]
    pts += [(rng.uniform(minx, maxx), rng.uniform(miny, maxy)) for _ in range(n // 2)]
    while len(pts) < n:
        xy = shapely.get_coordinates(sel.geoms[rng.randrange(len(sel.geoms))])
        x, y = xy[rng.randrange(len(xy))]
        pts.append((x + rng.uniform(-40, 40), y + rng.uniform(-40, 40)))
    return pts


def test_brute_force_finder_gives_the_same_point_answers(demo: tuple[Catalog, RuleTable]) -> None:
    catalog, rules = demo
    rng = random.Random(7)
    checked = 0
    for x, y in _points(catalog, 400):
        q = point_query(
            x,
            y,
            crs="EPSG:4548",
            as_of=AS_OF,
            tolerance_m=rng.choice([0.0, 5.0, 30.0, 80.0]),  # 80 m: beyond the grid's margin
            activities=rng.choice([(), "polluting_industry", "urban_housing,commercial"]),
        )
        want, _ = answer(catalog, rules, q)  # the in-memory finder, templates and all
        assert want == answer_bytes(lookup(catalog, rules, q).to_dict())
        assert answer(catalog, rules, q, BRUTE)[0] == want, (x, y)
        assert answer_bytes(lookup(catalog, rules, q, BRUTE).to_dict()) == want, (x, y)
        checked += want.count(b'"feature_id"')
    assert checked > 1000  # the points do hit things


def test_brute_force_finder_flags_gcj02_points_the_same(demo: tuple[Catalog, RuleTable]) -> None:
    catalog, rules = demo
    rng = random.Random(3)
    flagged = 0
    for _ in range(150):  # WGS84 points around the territory's edge
        q = point_query(rng.uniform(116.4, 117.6), rng.uniform(39.5, 40.9), as_of=AS_OF)
        want = answer_bytes(lookup(catalog, rules, q).to_dict())
        assert answer_bytes(lookup(catalog, rules, q, BRUTE).to_dict()) == want
        flagged += b"GCJ-02" in want
    assert flagged > 0


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    i=st.integers(0, 10_000),
    w=st.floats(5, 1500),
    h=st.floats(5, 1500),
    t=st.sampled_from([0.0, 2.0, 10.0]),
)
def test_brute_force_finder_gives_the_same_parcel_answers(
    demo: tuple[Catalog, RuleTable], i: int, w: float, h: float, t: float
) -> None:
    catalog, rules = demo
    x, y = _points(catalog, 60)[i % 60]
    parcel = mapping(box(x - w / 2, y - h / 2, x + w / 2, y + h / 2))
    q = geojson_query(parcel, crs="EPSG:4548", as_of=AS_OF, tolerance_m=t)
    want, _ = answer(catalog, rules, q)
    assert answer_bytes(lookup(catalog, rules, q, BRUTE).to_dict()) == want
