"""Point answers from templates equal the engine's own answers, byte for byte."""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import date

import pytest
import shapely
from conftest import LAYERS

from geozone.answer_templates import point_answer
from geozone.catalog import Catalog, load_catalog
from geozone.crs import transformer
from geozone.errors import NoLayersInForce
from geozone.lookup import answer_bytes, lookup, selection
from geozone.query import Query, point_query
from geozone.rules import RuleTable, load_rules


@pytest.fixture(scope="module")
def shipped() -> tuple[Catalog, RuleTable]:
    catalog = load_catalog(LAYERS)
    return catalog, load_rules(catalog.rules_dir)


def _random_points(rules: RuleTable, n: int) -> Iterator[Query]:
    """Points over the three districts and around them, with every kind of option."""
    rng = random.Random(5)
    codes = list(rules.activities)
    for _ in range(n):
        yield point_query(
            rng.uniform(116.4, 117.6),
            rng.uniform(39.5, 40.9),
            activities=rng.choice([(), "polluting_industry", ",".join(rng.sample(codes, 3))]),
            tolerance_m=rng.choice([None, 0, 5, 30, 200]),
            as_of=rng.choice(["2019-06-01", "2021-07-01", "2026-11-25", None]),
            crs=rng.choice([None, None, "GCJ02", "BD09"]),
        )


def _edge_points(catalog: Catalog, n: int) -> Iterator[Query]:
    """Points within 8 m of feature vertices: boundaries, edge-only hits, admin ties."""
    rng = random.Random(8)
    to_wgs84 = transformer("EPSG:4548", "EPSG:4326")
    for _ in range(n):
        day = rng.choice([date(2021, 7, 1), date(2026, 11, 25)])
        version = rng.choice(catalog.select(day))
        geom = version.frame.geometry.values[rng.randrange(len(version.frame))]
        xy = shapely.get_coordinates(geom)
        x, y = xy[rng.randrange(len(xy))]
        x, y = x + rng.uniform(-8, 8), y + rng.uniform(-8, 8)
        if rng.random() < 0.5:
            tolerance = rng.choice([0, 5, 10, 60])
            yield point_query(x, y, crs="EPSG:4548", tolerance_m=tolerance, as_of=day)
        else:
            lon, lat = to_wgs84.transform(x, y)
            yield point_query(lon, lat, activities="general_industry,urban_housing", as_of=day)


def test_templates_give_the_engines_bytes(shipped: tuple[Catalog, RuleTable]) -> None:
    catalog, rules = shipped
    queries = [*_random_points(rules, 1200), *_edge_points(catalog, 600)]
    refused = 0
    for query in queries:
        try:
            slow = lookup(catalog, rules, query).to_dict()
        except NoLayersInForce as exc:  # 2019: no admin layer in force, both paths refuse
            with pytest.raises(NoLayersInForce) as fast_exc:
                point_answer(catalog, rules, query)
            assert fast_exc.value.to_dict() == exc.to_dict()
            refused += 1
            continue
        fast, data = point_answer(catalog, rules, query)
        assert fast == answer_bytes(slow), query
        assert data["report_id"] == slow["report_id"]
    templates = [
        len(t.by_key)
        for day in (date(2021, 7, 1), date(2026, 11, 25))
        for t in selection(catalog, day).memo["point_templates"].values()
    ]
    assert 0 < sum(templates) < len(queries)  # templates were shared between points
    assert refused > 0


def test_a_template_takes_each_points_own_distances(shipped: tuple[Catalog, RuleTable]) -> None:
    # two points 100 m apart deep in the same zones share a template; their distances differ
    catalog, rules = shipped
    first = point_query(116.65, 39.90, activities="urban_housing", as_of="2026-11-25")
    second = point_query(116.6512, 39.90, activities="urban_housing", as_of="2026-11-25")
    a, _ = point_answer(catalog, rules, first)
    templates = selection(catalog, date(2026, 11, 25)).memo["point_templates"][rules].by_key
    count = len(templates)
    b, _ = point_answer(catalog, rules, second)
    assert len(templates) == count  # the second point used the first one's template
    assert a != b
    for query, body in ((first, a), (second, b)):
        assert body == answer_bytes(lookup(catalog, rules, query).to_dict())


def test_parcels_are_not_point_answers(shipped: tuple[Catalog, RuleTable]) -> None:
    from geozone.query import geojson_query

    catalog, rules = shipped
    parcel = geojson_query(
        {
            "type": "Polygon",
            "coordinates": [[[116.6, 39.9], [116.61, 39.9], [116.61, 39.91], [116.6, 39.9]]],
        }
    )
    with pytest.raises(ValueError, match="point"):
        point_answer(catalog, rules, parcel)


def test_templates_stay_within_their_byte_budget(
    shipped: tuple[Catalog, RuleTable], monkeypatch: pytest.MonkeyPatch
) -> None:
    import geozone.answer_templates as pa

    catalog, rules = shipped
    monkeypatch.setattr(pa, "TEMPLATE_BYTES", 20_000)
    day = date(2024, 3, 1)  # a date no other test asks about: its own, empty templates
    rng = random.Random(9)
    sizes = []
    for _ in range(150):
        query = point_query(
            rng.uniform(116.55, 117.45),
            rng.uniform(39.65, 40.75),
            as_of=day,
            activities=rng.choice([(), "polluting_industry"]),
        )
        body, _ = point_answer(catalog, rules, query)
        assert body == answer_bytes(lookup(catalog, rules, query).to_dict())
        templates = selection(catalog, day).memo["point_templates"][rules]
        assert templates.size == sum(t.size for t in templates.by_key.values()) <= 20_000
        sizes.append(templates.size)
    assert max(sizes) > 10_000 and min(sizes[10:]) < max(sizes)  # filled, emptied, refilled


def test_the_gcj02_hint_skips_only_points_beyond_reach(
    shipped: tuple[Catalog, RuleTable], monkeypatch: pytest.MonkeyPatch
) -> None:
    # cells flagged "no admin polygon within 1.5 km" skip the GCJ-02 arithmetic; over
    # points on and around the territory the hint must be what the full test says
    import numpy as np

    from geozone.feature_index import MEMORY_FINDER, gcj_reach
    from geozone.territory import inside_if_gcj02

    catalog, _rules = shipped
    selected = selection(catalog, date(2026, 11, 25))
    reach = gcj_reach(selected)
    assert 0.2 < reach.mean() < 0.8  # the flags do cut something out
    rng = random.Random(11)
    queries = [
        point_query(rng.uniform(116.4, 117.6), rng.uniform(39.5, 40.9), as_of="2026-11-25")
        for _ in range(3000)
    ]
    with_flags = [inside_if_gcj02(q, selected, MEMORY_FINDER) for q in queries]
    monkeypatch.setitem(selected.memo, "gcj_reach", np.ones_like(reach))
    without = [inside_if_gcj02(q, selected, MEMORY_FINDER) for q in queries]
    assert with_flags == without
    assert sum(without) > 5  # points that the hint does flag are among them
