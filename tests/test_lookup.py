"""The lookup engine on a hand-drawn tiny layer set (see lookup_fixtures.py for the drawing)."""

from __future__ import annotations

import hashlib
import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import shapely
from hypothesis import given, settings
from hypothesis import strategies as st
from shapely.geometry import Point, mapping
from tiny_layers import (
    X0,
    Y0,
    all_zone_features,
    build_tiny_layers,
    lonlat,
    rel_box,
    rule_id,
)

from geozone.catalog import Catalog, load_catalog
from geozone.crs import wgs84_to_gcj02
from geozone.errors import UnknownActivity
from geozone.lookup import LookupResult, lookup
from geozone.query import geojson_query, point_query
from geozone.rules import RuleTable

pytest_plugins = ["lookup_fixtures"]

AS_OF = "2026-01-01"


def at(catalog: Catalog, rules: RuleTable, x: float, y: float, **kw: Any) -> LookupResult:
    """Look up the point (x, y) given in metres relative to the tiny set's origin."""
    kw.setdefault("as_of", AS_OF)
    return lookup(catalog, rules, point_query(X0 + x, Y0 + y, crs="EPSG:4548", **kw))


def parcel(
    catalog: Catalog, rules: RuleTable, x1: float, y1: float, x2: float, y2: float, **kw: Any
) -> LookupResult:
    """Look up the box parcel given in metres relative to the origin."""
    kw.setdefault("as_of", AS_OF)
    geom = mapping(rel_box(x1, y1, x2, y2))
    return lookup(catalog, rules, geojson_query(geom, crs="EPSG:4548", **kw))


def hits_by_id(result: LookupResult) -> dict[str, Any]:
    return {h["feature_id"]: h for h in result.to_dict()["hits"]}


def verdict(result: LookupResult, activity: str) -> tuple[str, str | None, str | None]:
    v = next(v for v in result.to_dict()["verdicts"] if v["activity"] == activity)
    fid = v["decided_by"]["feature_id"] if v["decided_by"] else None
    return v["verdict"], fid, v["rule_id"]


def test_point_inside_one_zone(tiny_catalog: Catalog, tiny_rules: RuleTable) -> None:
    r = at(tiny_catalog, tiny_rules, 3500, 6000)
    hits = hits_by_id(r)
    assert set(hits) == {"D", "TW", "CZ-RES"}
    res = hits["CZ-RES"]
    assert res["inside"] is True
    assert res["edge"] is False
    assert res["distance_to_boundary_m"] == 500.0
    assert res["overlap_m2"] is None
    assert hits["D"]["rules"] == []
    assert verdict(r, "polluting_industry") == (
        "conditional",
        "CZ-RES",
        rule_id("control_zone", "restricted", "polluting_industry"),
    )
    assert verdict(r, "housing") == ("permitted", "CZ-RES", "control_zone.restricted.default")
    d = r.to_dict()
    assert d["inside_territory"] is True
    assert d["admin"] == {
        "district": {"code": "D", "name": "Test District"},
        "township": {"code": "TW", "name": "West Town"},
        "districts": [{"code": "D", "name": "Test District", "area_m2": None, "share": None}],
        "townships": [{"code": "TW", "name": "West Town", "area_m2": None, "share": None}],
    }
    assert d["synthetic"] is True
    assert [layer["key"] for layer in d["layers"]] == [
        "admin@1",
        "zones@1",
        "redline@1",
        "water@1",
        "reservoir@1",
        "units@2025",
    ]
    assert d["query"]["activities"] == ["polluting_industry", "swimming_angling", "housing"]
    v = d["verdicts"][0]
    assert v["activity_zh"] == "污染工业"
    assert v["citation"]["document"] == "Tiny test regulation"
    assert v["decided_by"]["class_zh"] == "限制建设区"


def test_point_on_shared_boundary_is_inside_both(
    tiny_catalog: Catalog, tiny_rules: RuleTable
) -> None:
    r = at(tiny_catalog, tiny_rules, 3000, 6000)
    hits = hits_by_id(r)
    for fid in ("CZ-ECO", "CZ-RES"):
        assert hits[fid]["inside"] is True
        assert hits[fid]["edge"] is True
        assert hits[fid]["distance_to_boundary_m"] == 0.0
    # eco_control prohibits polluting industry, restricted only conditions it
    assert verdict(r, "polluting_industry")[:2] == ("prohibited", "CZ-ECO")


def test_point_on_vertex(tiny_catalog: Catalog, tiny_rules: RuleTable) -> None:
    r = at(tiny_catalog, tiny_rules, 3000, 10000, tolerance_m=0)
    assert {fid for fid, h in hits_by_id(r).items() if h["inside"]} == {
        "D",
        "TW",
        "CZ-ECO",
        "CZ-RES",
    }


def test_edge_hit_within_tolerance_does_not_decide(
    tiny_catalog: Catalog, tiny_rules: RuleTable
) -> None:
    r = at(tiny_catalog, tiny_rules, 2003, 7500, tolerance_m=5)
    hits = hits_by_id(r)
    rl = hits["RL-GEN"]
    assert rl["inside"] is False
    assert rl["edge"] is True
    assert rl["distance_to_boundary_m"] == 3.0
    assert rl["rules"][0]["verdict"] == "prohibited"
    assert hits["CZ-ECO"]["distance_to_boundary_m"] == 997.0
    # housing: eco_control conditional decides; the red line 3 m away only warns
    assert verdict(r, "housing")[:2] == ("conditional", "CZ-ECO")
    assert any("RL-GEN" in w and "prohibited" in w for w in r.warnings)
    narrow = at(tiny_catalog, tiny_rules, 2003, 7500, tolerance_m=2)
    assert "RL-GEN" not in hits_by_id(narrow)
    assert not any("RL-GEN" in w for w in narrow.warnings)


def test_most_restrictive_across_nested_water_zones(
    tiny_catalog: Catalog, tiny_rules: RuleTable
) -> None:
    r = at(tiny_catalog, tiny_rules, 4500, 4500)
    inside = [h["feature_id"] for h in r.to_dict()["hits"] if h["inside"]]
    # strictest class first: grade1 (rank 2), grade2, quasi, then the unit and the zone
    assert inside[:3] == ["W1", "W2", "WQ"]
    assert set(inside) == {"W1", "W2", "WQ", "U-PRI", "CZ-RES", "D", "TW"}
    assert hits_by_id(r)["W1"]["distance_to_boundary_m"] == pytest.approx(30.0, abs=0.01)
    assert verdict(r, "swimming_angling")[:2] == ("prohibited", "W1")
    # grade2 and the priority unit both prohibit polluting industry: grade2 has the lower rank
    ring = at(tiny_catalog, tiny_rules, 4500, 4700)  # 200 m from C: grade2, not grade1
    assert verdict(ring, "polluting_industry")[:2] == ("prohibited", "W2")
    assert verdict(ring, "swimming_angling")[:2] == ("conditional", "W2")


def test_reservoir_ring_superseded_by_water_zone(
    tiny_catalog: Catalog, tiny_rules: RuleTable
) -> None:
    r = at(tiny_catalog, tiny_rules, 4780, 4500)
    rm = hits_by_id(r)["RM"]
    assert rm["inside"] is True
    assert {x["superseded_by"] for x in rm["rules"]} == {"water:W2"}
    # without §17 the management range would prohibit swimming; grade2 only conditions it
    assert verdict(r, "swimming_angling")[:2] == ("conditional", "W2")
    free = at(tiny_catalog, tiny_rules, 5600, 4500)  # ring100, 1,100 m from C: no water zone
    r100 = hits_by_id(free)["R100"]
    assert {x["superseded_by"] for x in r100["rules"]} == {None}
    # ring100 (rank 3) and the priority unit (rank 5) both prohibit: ring100 decides
    assert verdict(free, "polluting_industry")[:2] == ("prohibited", "R100")


def test_reservoir_ring_parcel_supersession(tiny_catalog: Catalog, tiny_rules: RuleTable) -> None:
    inside_w2 = parcel(tiny_catalog, tiny_rules, 4660, 4490, 4700, 4510)
    assert {x["superseded_by"] for x in hits_by_id(inside_w2)["R100"]["rules"]} == {"water:W2"}
    # the ring part from x=4650..4750 lies in grade2 only near y=4500; a parcel reaching
    # out of the quasi zone (x > 5500 at y = 4500 is 1,000+ m from C) keeps the ring rule
    across = parcel(tiny_catalog, tiny_rules, 5560, 4490, 5640, 4510)
    assert {x["superseded_by"] for x in hits_by_id(across)["R100"]["rules"]} == {None}


def test_parcel_straddling_two_zones(tiny_catalog: Catalog, tiny_rules: RuleTable) -> None:
    r = parcel(tiny_catalog, tiny_rules, 5400, 8000, 6400, 8100)
    d = r.to_dict()
    assert d["query"]["type"] == "parcel"
    assert d["query"]["area_m2"] == 100000.0
    hits = hits_by_id(r)
    assert set(hits) == {"D", "TE", "CZ-RES", "CZ-CON"}
    assert hits["CZ-RES"]["overlap_m2"] == 60000.0
    assert hits["CZ-RES"]["overlap_share"] == 0.6
    assert hits["CZ-CON"]["overlap_m2"] == 40000.0
    assert hits["CZ-CON"]["overlap_share"] == 0.4
    for fid in ("CZ-RES", "CZ-CON"):
        assert hits[fid]["inside"] is True
        assert hits[fid]["edge"] is True
        assert hits[fid]["distance_to_boundary_m"] == 0.0
    assert hits["TE"]["overlap_share"] == 1.0
    assert hits["TE"]["distance_to_boundary_m"] == 400.0  # to x = 5000
    assert verdict(r, "polluting_industry")[:2] == ("conditional", "CZ-RES")
    # both permit housing: the stricter class (restricted, rank 6) is cited
    assert verdict(r, "housing")[:2] == ("permitted", "CZ-RES")
    assert d["admin"]["township"] == {"code": "TE", "name": "East Town"}


def test_parcel_inside_touching_and_sliver(tiny_catalog: Catalog, tiny_rules: RuleTable) -> None:
    inner = parcel(tiny_catalog, tiny_rules, 1450, 7450, 1550, 7550)
    core = hits_by_id(inner)["RL-CORE"]
    assert (core["overlap_m2"], core["overlap_share"], core["edge"]) == (10000.0, 1.0, False)
    assert core["distance_to_boundary_m"] == 50.0
    assert verdict(inner, "housing")[:2] == ("prohibited", "RL-CORE")

    touching = parcel(tiny_catalog, tiny_rules, 2000, 7100, 2100, 7200)
    rl = hits_by_id(touching)["RL-GEN"]
    assert (rl["inside"], rl["edge"], rl["overlap_m2"]) == (False, True, 0.0)
    assert verdict(touching, "housing")[:2] == ("conditional", "CZ-ECO")

    sliver = parcel(tiny_catalog, tiny_rules, 1997, 7100, 2100, 7200)
    rl = hits_by_id(sliver)["RL-GEN"]
    assert (rl["inside"], rl["overlap_m2"]) == (True, 300.0)
    assert verdict(sliver, "housing")[:2] == ("prohibited", "RL-GEN")
    assert any("sliver" in w and "RL-GEN" in w for w in sliver.warnings)


def test_as_of_switches_versions(tiny_catalog: Catalog, tiny_rules: RuleTable) -> None:
    old = at(tiny_catalog, tiny_rules, 7000, 1000, as_of="2025-06-01")
    new = at(tiny_catalog, tiny_rules, 7000, 1000, as_of="2026-01-01")
    before = at(tiny_catalog, tiny_rules, 7000, 1000, as_of="2023-06-01")
    assert "units@2024" in [x["key"] for x in old.to_dict()["layers"]]
    assert "units@2025" in [x["key"] for x in new.to_dict()["layers"]]
    assert "units" not in [x["id"] for x in before.to_dict()["layers"]]
    assert verdict(old, "polluting_industry")[:2] == ("conditional", "U-KEY")
    assert verdict(new, "polluting_industry")[:2] == ("prohibited", "U-PRI")
    assert verdict(before, "polluting_industry")[:2] == ("permitted", "CZ-CON")
    assert len({old.report_id, new.report_id, before.report_id}) == 3
    # the switch date itself (valid_to inclusive, valid_from inclusive)
    last = at(tiny_catalog, tiny_rules, 7000, 1000, as_of="2025-11-30")
    first = at(tiny_catalog, tiny_rules, 7000, 1000, as_of="2025-12-01")
    assert verdict(last, "polluting_industry")[1] == "U-KEY"
    assert verdict(first, "polluting_industry")[1] == "U-PRI"


def test_outside_territory(tiny_catalog: Catalog, tiny_rules: RuleTable) -> None:
    r = at(tiny_catalog, tiny_rules, 12000, 5000)
    d = r.to_dict()
    assert d["inside_territory"] is False
    assert d["hits"] == []
    assert d["admin"] == {"district": None, "township": None, "districts": [], "townships": []}
    assert {v["verdict"] for v in d["verdicts"]} == {"outside"}
    assert {v["decided_by"] is None and v["rule_id"] is None for v in d["verdicts"]} == {True}
    paris = lookup(tiny_catalog, tiny_rules, point_query(2.35, 48.85, as_of=AS_OF))
    assert {v.verdict.value for v in paris.verdicts} == {"outside"}
    # 3 m beyond the district with 5 m tolerance: in the territory, but no zone holds it
    near = at(tiny_catalog, tiny_rules, 10003, 5000)
    assert near.inside_territory is True
    assert hits_by_id(near)["CZ-CON"]["inside"] is False
    assert {v.verdict.value for v in near.verdicts} == {"outside"}
    assert near.to_dict()["admin"]["district"] == {"code": "D", "name": "Test District"}


def test_parcel_partly_outside_territory_warns(
    tiny_catalog: Catalog, tiny_rules: RuleTable
) -> None:
    r = parcel(tiny_catalog, tiny_rules, 9900, 5000, 10100, 5100)
    assert r.inside_territory is True
    assert any("50.0% of the parcel lies outside" in w for w in r.warnings)


def _subset_catalog(src: Path, dst: Path, drop: set[str]) -> Catalog:
    """A copy of the tiny manifest without some layers (files referenced absolutely)."""
    text = (src / "manifest.toml").read_text("utf-8")
    head, *blocks = text.split("[[layer]]")
    kept = [b for b in blocks if not any(f'id = "{d}"' in b for d in drop)]
    kept = [b.replace('file = "data/', f'file = "{src}/data/') for b in kept]
    dst.mkdir(parents=True, exist_ok=True)
    (dst / "manifest.toml").write_text(head + "".join("[[layer]]" + b for b in kept), "utf-8")
    return load_catalog(dst, check_shift=False)


def test_permitted_needs_a_control_zone(
    tiny_layers_dir: Path, tiny_rules: RuleTable, tmp_path: Path
) -> None:
    cat = _subset_catalog(tiny_layers_dir, tmp_path / "nozones", {"zones"})
    only_admin = at(cat, tiny_rules, 3500, 6000)
    assert verdict(only_admin, "housing") == ("outside", None, None)
    # the 2024 key unit permits housing, but no control zone covers the point
    old = at(cat, tiny_rules, 7000, 1000, as_of="2025-06-01")
    assert verdict(old, "housing") == ("outside", None, None)
    assert any("cannot be confirmed" in w for w in old.warnings)
    # a stricter verdict stands without a control zone
    assert verdict(old, "polluting_industry")[:2] == ("conditional", "U-KEY")
    noadmin = _subset_catalog(tiny_layers_dir, tmp_path / "noadmin", {"admin"})
    r = at(noadmin, tiny_rules, 3500, 6000)
    assert r.inside_territory is False
    assert any("no admin layer" in w for w in r.warnings)


def test_gcj02_declared_input_is_converted(tiny_catalog: Catalog, tiny_rules: RuleTable) -> None:
    lon, lat = lonlat(5800, 6000)  # restricted zone, 200 m west of concentrated
    glon, glat = wgs84_to_gcj02([lon], [lat])
    gx, gy = float(glon[0]), float(glat[0])
    raw = lookup(tiny_catalog, tiny_rules, point_query(gx, gy, as_of=AS_OF))
    conv = lookup(tiny_catalog, tiny_rules, point_query(gx, gy, crs="GCJ02", as_of=AS_OF))
    assert "CZ-CON" in hits_by_id(raw)  # read as WGS84 it lands ~500 m east
    assert "CZ-RES" not in hits_by_id(raw)
    assert set(hits_by_id(conv)) == {"D", "TE", "CZ-RES"}
    assert conv.to_dict()["query"]["crs"] == "GCJ02"
    assert conv.to_dict()["query"]["geometry"]["coordinates"] == [
        pytest.approx(lon, abs=2e-7),
        pytest.approx(lat, abs=2e-7),
    ]
    assert raw.report_id != conv.report_id


def test_gcj02_sent_as_wgs84_is_flagged(tiny_catalog: Catalog, tiny_rules: RuleTable) -> None:
    # 200 m inside the district's east edge; GCJ-02 moves it ~500 m east, out of the square
    lon, lat = lonlat(9800, 5000)
    glon, glat = wgs84_to_gcj02([lon], [lat])
    sent = lookup(tiny_catalog, tiny_rules, point_query(float(glon[0]), float(glat[0])))
    assert sent.inside_territory is False
    assert {v.verdict.value for v in sent.verdicts} == {"outside"}
    assert any("GCJ-02" in w for w in sent.warnings)
    declared = lookup(
        tiny_catalog, tiny_rules, point_query(float(glon[0]), float(glat[0]), crs="GCJ02")
    )
    assert declared.inside_territory is True
    assert not any("GCJ-02" in w for w in declared.warnings)
    # far outside stays silent: the offset cannot explain it
    far = at(tiny_catalog, tiny_rules, 15000, 5000)
    assert not any("GCJ-02" in w for w in far.warnings)


def test_unknown_activity(tiny_catalog: Catalog, tiny_rules: RuleTable) -> None:
    with pytest.raises(UnknownActivity, match="allowed: polluting_industry"):
        at(tiny_catalog, tiny_rules, 3500, 6000, activities=["dancing"])
    r = at(tiny_catalog, tiny_rules, 3500, 6000, activities="housing")
    assert [v["activity"] for v in r.to_dict()["verdicts"]] == ["housing"]
    assert [x["activity"] for x in hits_by_id(r)["CZ-RES"]["rules"]] == ["housing"]


def test_golden_report_is_deterministic(
    tiny_catalog: Catalog, tiny_rules: RuleTable, tiny_layers_dir: Path
) -> None:
    a = parcel(tiny_catalog, tiny_rules, 5400, 8000, 6400, 8100)
    b = parcel(tiny_catalog, tiny_rules, 5400, 8000, 6400, 8100)
    assert a.report_id == b.report_id
    assert a.to_json() == b.to_json()
    reloaded = load_catalog(tiny_layers_dir, check_shift=False)
    c = parcel(reloaded, tiny_rules, 5400, 8000, 6400, 8100)
    assert c.to_json() == a.to_json()
    assert len(a.report_id) == 32
    assert int(a.report_id, 16) >= 0
    assert json.loads(a.to_json())["report_id"] == a.report_id
    assert a.to_json() == json.dumps(
        json.loads(a.to_json()), sort_keys=True, ensure_ascii=False, separators=(",", ":")
    )
    other_day = parcel(tiny_catalog, tiny_rules, 5400, 8000, 6400, 8100, as_of="2026-01-02")
    assert other_day.report_id != a.report_id
    other_tol = parcel(tiny_catalog, tiny_rules, 5400, 8000, 6400, 8100, tolerance_m=6)
    assert other_tol.report_id != a.report_id


@settings(max_examples=150, deadline=None)
@given(
    x=st.floats(min_value=-300, max_value=10300, allow_nan=False),
    y=st.floats(min_value=-300, max_value=10300, allow_nan=False),
    as_of=st.sampled_from(["2023-06-01", "2025-06-01", "2026-01-01"]),
)
def test_hits_equal_brute_force(
    tiny_catalog: Catalog, tiny_rules: RuleTable, x: float, y: float, as_of: str
) -> None:
    r = at(tiny_catalog, tiny_rules, x, y, as_of=as_of, tolerance_m=5, activities="housing")
    pt = Point(X0 + x, Y0 + y)
    feats = list(all_zone_features(tiny_catalog, as_of))
    want_inside = {(lid, fid) for lid, fid, g in feats if shapely.covers(g, pt)}
    want_near = {(lid, fid) for lid, fid, g in feats if shapely.distance(g, pt) <= 5}
    got = r.to_dict()["hits"]
    assert {(h["layer_id"], h["feature_id"]) for h in got if h["inside"]} == want_inside
    assert {(h["layer_id"], h["feature_id"]) for h in got} == want_near | want_inside


def test_fixture_builder_is_reusable(tmp_path: Path, tiny_rules: RuleTable) -> None:
    cat = load_catalog(build_tiny_layers(tmp_path), check_shift=False)
    assert at(cat, tiny_rules, 3500, 6000).to_json() == at(cat, tiny_rules, 3500, 6000).to_json()


@pytest.mark.parametrize(
    "value", [116.123456, 5.0, 0.0, 0.0001, 0.00012, 5e-05, 1e-06, 1.5e-12, 10.00001, 1e16, 2.5e17]
)
def test_report_id_is_the_hash_of_the_stdlib_canonical_json(
    tiny_catalog: Catalog, tiny_rules: RuleTable, value: float
) -> None:
    """orjson writes the query part except where json.dumps writes a float differently."""
    from geozone.lookup import report_id, selection

    layers = selection(tiny_catalog, date(2026, 1, 1)).index.layers
    query = {"tolerance_m": value, "geometry": {"coordinates": [value, -value]}, "crs": "墨卡托"}
    canonical = {
        "query": query,
        "layers": [[li.key, li.sha256] for li in layers],
        "rules_version": tiny_rules.version,
        "rules_hash": tiny_rules.hash,
    }
    text = json.dumps(canonical, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    assert report_id(query, layers, tiny_rules) == hashlib.sha256(text.encode()).hexdigest()[:32]
