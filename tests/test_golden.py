"""Golden answers: what a user is told for representative queries, pinned byte for byte.

Each case in :data:`CASES` is asked over HTTP on the shipped demo layers (GET for points, the
fast path of ``geozone.answer_templates``; POST for parcels) at a fixed ``as_of``, and the body
must equal ``tests/golden/<name>.json`` byte for byte (the file holds the body and a final
newline). The engine's own ``lookup(...).to_json()`` must give the same bytes, and the stored
report (``GET /api/v1/reports/{report_id}``) the same answer; ``report_ids.json`` pins the ids.

An intended change to an answer (new member, other wording, new layers, another version
number) fails here on purpose. Regenerate the files, then review the diff before committing::

    GEOZONE_UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/test_golden.py
    git diff tests/golden/
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from api_client import api_client
from conftest import LAYERS
from fastapi.testclient import TestClient

from geozone.catalog import Catalog, load_catalog
from geozone.lookup import lookup
from geozone.query import geojson_query, point_query
from geozone.rules import RuleTable, load_rules

GOLDEN = Path(__file__).resolve().parent / "golden"
UPDATE = os.environ.get("GEOZONE_UPDATE_GOLDEN") == "1"
AS_OF = "2026-11-25"
TWO = "general_industry,urban_housing"


def square(lon: float, lat: float, half_deg_lon: float, half_deg_lat: float) -> dict[str, Any]:
    """A WGS84 box round (lon, lat)."""
    w, e = round(lon - half_deg_lon, 6), round(lon + half_deg_lon, 6)
    s, n = round(lat - half_deg_lat, 6), round(lat + half_deg_lat, 6)
    return {"type": "Polygon", "coordinates": [[[w, s], [e, s], [e, n], [w, n], [w, s]]]}


# name -> request: {"lon", "lat", ...} for GET, {"geometry", ...} for POST. The places were
# picked on the demo layers (layers/generate_demo.py) well inside the zone named, except the
# edge point (2.99 m outside red line RL-110112-G001, inside the 5 m tolerance).
CASES: dict[str, dict[str, Any]] = {
    "point_tongzhou_redline_core": {"lon": 116.900113, "lat": 39.795985, "activity": TWO},
    "point_tongzhou_concentrated": {"lon": 116.673235, "lat": 39.907515, "activity": TWO},
    "point_pinggu_restricted": {"lon": 117.226725, "lat": 40.150867, "activity": TWO},
    "point_pinggu_water_grade1": {"lon": 117.211489, "lat": 40.169434, "activity": TWO},
    "point_miyun_reservoir_management": {
        "lon": 116.963054,
        "lat": 40.522634,
        "activity": "cage_fish_farming,swimming_angling",
    },
    "point_miyun_ring1000": {"lon": 117.065, "lat": 40.523215, "activity": TWO},
    "point_miyun_control_unit_key": {"lon": 116.814524, "lat": 40.368126, "activity": TWO},
    "point_edge_redline": {"lon": 116.884823, "lat": 39.799498, "activity": TWO},
    "point_outside_haidian": {"lon": 116.3, "lat": 39.95, "activity": TWO},
    "parcel_across_redline": {
        "geometry": square(116.874089, 39.789378, 0.00175, 0.00135),
        "activity": TWO,
    },
    "parcel_across_pinggu_miyun": {
        "geometry": square(117.021632, 40.336535, 0.006, 0.0045),
        "activity": TWO,
    },
    "parcel_summary_tongzhou_residential": {
        "geometry": {
            "type": "Polygon",
            "coordinates": [
                [
                    [469000, 4423000],
                    [470000, 4423000],
                    [470000, 4424000],
                    [469000, 4424000],
                    [469000, 4423000],
                ]
            ],
        },
        "crs": "EPSG:4548",
        "activity": TWO,
        "detail": "summary",
    },
}


@pytest.fixture(scope="module")
def shipped() -> tuple[Catalog, RuleTable]:
    catalog = load_catalog(LAYERS)
    return catalog, load_rules(catalog.rules_dir)


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    with api_client(LAYERS, tmp_path_factory.mktemp("golden")) as c:
        yield c


def ask(client: TestClient, case: dict[str, Any]) -> bytes:
    """The served answer's bytes."""
    if "geometry" in case:
        r = client.post("/api/v1/lookup", json={**case, "as_of": AS_OF})
    else:
        r = client.get("/api/v1/lookup", params={**case, "as_of": AS_OF})
    assert r.status_code == 200, r.text[:500]
    return r.content


def engine(shipped: tuple[Catalog, RuleTable], case: dict[str, Any]) -> bytes:
    """The engine's answer to the same question (``LookupResult.to_json``)."""
    catalog, rules = shipped
    if "geometry" in case:
        query = geojson_query(
            case["geometry"],
            crs=case.get("crs"),
            activities=case.get("activity"),
            as_of=AS_OF,
            detail=case.get("detail"),
        )
    else:
        query = point_query(case["lon"], case["lat"], activities=case.get("activity"), as_of=AS_OF)
    return lookup(catalog, rules, query).to_json().encode()


@pytest.mark.parametrize("name", list(CASES))
def test_golden_answer(name: str, client: TestClient, shipped: tuple[Catalog, RuleTable]) -> None:
    body = ask(client, CASES[name])
    assert engine(shipped, CASES[name]) == body
    path = GOLDEN / f"{name}.json"
    if UPDATE:
        GOLDEN.mkdir(exist_ok=True)
        path.write_bytes(body + b"\n")
    assert path.read_bytes() == body + b"\n", f"{name}: the answer changed (see module docstring)"
    stored = client.get(f"/api/v1/reports/{json.loads(body)['report_id']}")
    assert stored.status_code == 200 and stored.json() == json.loads(body)


def test_golden_report_ids(client: TestClient) -> None:
    ids = {name: json.loads(ask(client, case))["report_id"] for name, case in CASES.items()}
    path = GOLDEN / "report_ids.json"
    if UPDATE:
        path.write_text(json.dumps(ids, indent=2, sort_keys=True) + "\n", "utf-8")
    assert json.loads(path.read_text("utf-8")) == ids


def test_golden_cases_show_what_they_are_named_for() -> None:
    """The pinned answers hold what each case is meant to show (not just any bytes)."""
    answers = {name: json.loads((GOLDEN / f"{name}.json").read_text("utf-8")) for name in CASES}

    def decided(name: str) -> set[str]:
        return {v["decided_by"]["zone_class"] for v in answers[name]["verdicts"] if v["decided_by"]}

    assert "core" in decided("point_tongzhou_redline_core")
    assert answers["point_tongzhou_redline_core"]["admin"]["district"]["code"] == "110112"
    concentrated = answers["point_tongzhou_concentrated"]["hits"]
    assert any(h["zone_class"] == "concentrated" and h["inside"] for h in concentrated)
    assert answers["point_pinggu_restricted"]["admin"]["district"]["code"] == "110117"
    assert "grade1" in decided("point_pinggu_water_grade1")
    superseded = [
        r["superseded_by"]
        for h in answers["point_miyun_reservoir_management"]["hits"]
        if h["layer_kind"] == "reservoir_ring"
        for r in h["rules"]
    ]
    assert superseded and all(superseded)  # the grade-1 water zone's rule applies
    edge = answers["point_edge_redline"]["hits"]
    assert any(h["layer_kind"] == "redline" and h["edge"] and not h["inside"] for h in edge)
    assert answers["point_edge_redline"]["inside_territory"] is True
    out = answers["point_outside_haidian"]
    assert out["inside_territory"] is False and {v["verdict"] for v in out["verdicts"]} == {
        "outside"
    }
    across = answers["parcel_across_pinggu_miyun"]["admin"]
    assert [u["code"] for u in across["districts"]] == sorted(
        [u["code"] for u in across["districts"]],
        key=lambda c: -next(u["area_m2"] for u in across["districts"] if u["code"] == c),
    )
    assert {u["code"] for u in across["districts"]} == {"110117", "110118"}
    summary = answers["parcel_summary_tongzhou_residential"]
    assert summary["query"]["detail"] == "summary"
    assert {c["layer_kind"] for c in summary["context"]} >= {"admin", "residential"}
    assert all(h["layer_kind"] not in {"admin", "park", "residential"} for h in summary["hits"])
