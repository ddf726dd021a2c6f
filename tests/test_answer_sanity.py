"""Answers that explain themselves (#17): dates with no layers, parcel sanity, grouped answers.

Known answers by hand on the tiny layer set (tests/tiny_layers.py, metres from the origin in
EPSG:4548) and on a variant of it with a second district and a row of residential parcels:

* district ``D`` = [0, 10000]², townships ``TW`` (x < 5000) and ``TE`` (x > 5000); the
  variant adds district ``D2`` = [10000, 20000] x [0, 10000] with township ``T2`` (the
  same square), and its admin layer is in force 2020-01-01 .. 2030-12-31;
* ten residential squares 100 m x 100 m at x = 6100 + 200 i .. 6200 + 200 i (i = 0..9),
  y = 6100 .. 6200, inside ``CZ-CON`` (x > 6000) and township ``TE``.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import geopandas as gpd
import pytest
from api_client import api_client
from click.testing import CliRunner
from fastapi.testclient import TestClient
from shapely.geometry import mapping
from tiny_layers import CRS, X0, Y0, build_tiny_layers, lonlat, rel_box, zone_frames

from geozone.answer_templates import point_answer
from geozone.catalog import Catalog, load_catalog
from geozone.cli import cli
from geozone.errors import NoLayersInForce, ParcelTooLarge
from geozone.lookup import lookup
from geozone.query import geojson_query, point_query
from geozone.rules import DIMENSIONS, RuleTable, load_rules
from geozone.vocab import KINDS, LayerKind, labels

pytest_plugins = ["lookup_fixtures"]

AS_OF = "2026-01-01"
RESIDENTIAL = [(f"R{i}", rel_box(6100 + 200 * i, 6100, 6200 + 200 * i, 6200)) for i in range(10)]


def box_geojson(x1: float, y1: float, x2: float, y2: float) -> dict[str, Any]:
    """A GeoJSON Polygon in absolute EPSG:4548 coordinates from relative corners."""
    return dict(mapping(rel_box(x1, y1, x2, y2)))


def parcel(
    catalog: Catalog, rules: RuleTable, x1: float, y1: float, x2: float, y2: float, **kw: Any
) -> dict[str, Any]:
    """The answer (to_dict) for a box parcel given in EPSG:4548 relative corners."""
    kw.setdefault("as_of", AS_OF)
    query = geojson_query(box_geojson(x1, y1, x2, y2), crs="EPSG:4548", **kw)
    return lookup(catalog, rules, query).to_dict()


@pytest.fixture(scope="module")
def variant_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The tiny layer set with a second district, residential land, and an admin end date."""
    root = build_tiny_layers(tmp_path_factory.mktemp("variant"))
    admin = zone_frames()["admin"]
    extra = gpd.GeoDataFrame(
        {
            "feature_id": ["D2", "T2"],
            "zone_class": ["district", "township"],
            "name": ["Second District", "Second Town"],
        },
        geometry=[rel_box(10000, 0, 20000, 10000)] * 2,
        crs=CRS,
    )
    gpd.GeoDataFrame(gpd.pd.concat([admin, extra], ignore_index=True), crs=CRS).to_file(
        root / "data" / "admin.gpkg", driver="GPKG"
    )
    gpd.GeoDataFrame(
        {
            "feature_id": [f for f, _g in RESIDENTIAL],
            "zone_class": ["0701"] * len(RESIDENTIAL),
            "name": [None] * len(RESIDENTIAL),
        },
        geometry=[g for _f, g in RESIDENTIAL],
        crs=CRS,
    ).to_file(root / "data" / "residential.gpkg", driver="GPKG")
    manifest = (root / "manifest.toml").read_text("utf-8")
    manifest = manifest.replace(
        'file = "data/admin.gpkg"', 'file = "data/admin.gpkg"\nvalid_to = 2030-12-31', 1
    )
    manifest += (
        '\n[[layer]]\nid = "residential"\nkind = "residential"\ntitle_zh = "居住用地图层"\n'
        'title_en = "residential layer"\nfile = "data/residential.gpkg"\n'
        'source_crs = "EPSG:4548"\nversion = "1"\nvalid_from = 2020-01-01\n'
        'source = "hand-drawn test data"\nlicence = "CC0"\nsynthetic = true\n'
    )
    (root / "manifest.toml").write_text(manifest, "utf-8")
    return root


@pytest.fixture(scope="module")
def variant(variant_dir: Path) -> tuple[Catalog, RuleTable]:
    catalog = load_catalog(variant_dir, check_shift=False)
    return catalog, load_rules(catalog.rules_dir)


@pytest.fixture(scope="module")
def client(tiny_layers_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    with api_client(tiny_layers_dir, tmp_path_factory.mktemp("sanity-api")) as c:
        yield c


# --- dates with nothing in force -------------------------------------------------------------


def test_a_date_before_every_admin_version_is_refused_with_the_range(
    tiny_catalog: Catalog, tiny_rules: RuleTable
) -> None:
    assert tiny_catalog.answerable_dates() == {
        "valid_from": "2020-01-01",
        "valid_to": None,
        "ranges": [["2020-01-01", None]],
    }
    lon, lat = lonlat(3500, 6000)
    query = point_query(lon, lat, as_of="2019-06-01")
    with pytest.raises(NoLayersInForce) as engine:
        lookup(tiny_catalog, tiny_rules, query)
    with pytest.raises(NoLayersInForce) as fast:
        point_answer(tiny_catalog, tiny_rules, query)
    err = engine.value.to_dict()
    assert fast.value.to_dict() == err
    assert err["code"] == "no_layers_in_force" and engine.value.status == 422
    assert "2019-06-01" in err["message"] and "from 2020-01-01 on" in err["message"]
    detail = err["detail"]
    assert {k: detail[k] for k in ("as_of", "valid_from", "valid_to")} == {
        "as_of": "2019-06-01",
        "valid_from": "2020-01-01",
        "valid_to": None,
    }
    assert (
        "无生效的行政区划图层" in detail["message_zh"]
        and "2020-01-01 及以后" in detail["message_zh"]
    )
    # a parcel on that date too; the first day in force answers
    with pytest.raises(NoLayersInForce):
        parcel(tiny_catalog, tiny_rules, 3100, 100, 3200, 200, as_of="2019-12-31")
    assert parcel(tiny_catalog, tiny_rules, 3100, 100, 3200, 200, as_of="2020-01-01")[
        "inside_territory"
    ]


def test_a_date_after_the_last_admin_version_names_its_end(
    variant: tuple[Catalog, RuleTable],
) -> None:
    catalog, rules = variant
    assert catalog.answerable_dates() == {
        "valid_from": "2020-01-01",
        "valid_to": "2030-12-31",
        "ranges": [["2020-01-01", "2030-12-31"]],
    }
    lon, lat = lonlat(3500, 6000)
    with pytest.raises(NoLayersInForce) as exc:
        lookup(catalog, rules, point_query(lon, lat, as_of="2031-01-01"))
    assert exc.value.detail["valid_to"] == "2030-12-31"
    assert "from 2020-01-01 to 2030-12-31" in exc.value.message


def test_no_layers_in_force_over_http_batch_cli_and_config(
    client: TestClient, tiny_layers_dir: Path
) -> None:
    lon, lat = lonlat(3500, 6000)
    r = client.get(f"/api/v1/lookup?lon={lon}&lat={lat}&as_of=2019-06-01")
    assert r.status_code == 422, r.text
    assert r.json()["code"] == "no_layers_in_force"
    assert r.json()["detail"]["valid_from"] == "2020-01-01"
    body = {"geometry": box_geojson(3100, 100, 3200, 200), "crs": "EPSG:4548"}
    r = client.post("/api/v1/lookup", json={**body, "as_of": "2019-06-01"})
    assert r.status_code == 422 and r.json()["code"] == "no_layers_in_force"
    fc = {
        "type": "FeatureCollection",
        "features": [{"type": "Feature", "properties": {}, "geometry": body["geometry"]}],
    }
    r = client.post("/api/v1/lookup/batch?as_of=2019-06-01&crs=EPSG:4548", json=fc)
    assert r.status_code == 200, r.text
    row = r.json()["results"][0]
    assert row["status"] == "error" and "2020-01-01" in row["message"]
    config = client.get("/api/v1/config").json()
    assert config["dates"] == {
        "valid_from": "2020-01-01",
        "valid_to": None,
        "ranges": [["2020-01-01", None]],
    }
    args = ["lookup", "--lon", str(lon), "--lat", str(lat), "--as-of", "2019-06-01"]
    res = CliRunner().invoke(cli, [*args, "--layers", str(tiny_layers_dir)])
    assert isinstance(res.exception, NoLayersInForce)


# --- parcel sanity ---------------------------------------------------------------------------


def test_a_200_km2_box_is_refused_and_100_km2_answers(
    tiny_catalog: Catalog, tiny_rules: RuleTable, client: TestClient
) -> None:
    with pytest.raises(ParcelTooLarge) as exc:
        parcel(tiny_catalog, tiny_rules, 0, 0, 20000, 10000)  # 20 km x 10 km = 2e8 m²
    assert exc.value.status == 422 and exc.value.code == "parcel_too_large"
    assert exc.value.detail["area_m2"] == 2e8
    assert exc.value.detail["max_parcel_area_m2"] == 1e8
    assert "200.0 km²" in exc.value.message and "split it" in exc.value.message
    assert "batch" in exc.value.message
    whole = parcel(tiny_catalog, tiny_rules, 0, 0, 10000, 10000)  # exactly 1e8 m²: accepted
    assert whole["query"]["area_m2"] == 1e8
    r = client.post(
        "/api/v1/lookup", json={"geometry": box_geojson(0, 0, 20000, 10000), "crs": "EPSG:4548"}
    )
    assert r.status_code == 422 and r.json()["code"] == "parcel_too_large"


def test_a_parcel_sharing_an_edge_with_a_zone_is_not_inside(
    tiny_catalog: Catalog, tiny_rules: RuleTable
) -> None:
    # [2000, 3000] x [6000, 6500] lies in CZ-ECO and shares its east edge with CZ-RES
    for east in (3000.0, 3000.0 + 2e-10):  # overlap 0, and ~1e-7 m² (1.2e-10 m x 500 m)
        d = parcel(tiny_catalog, tiny_rules, 2000, 6000, east, 6500, activities="housing")
        hits = {h["feature_id"]: h for h in d["hits"]}
        res = hits["CZ-RES"]
        assert res["inside"] is False and res["edge"] is True
        assert res["overlap_m2"] == 0.0 and res["distance_to_boundary_m"] == 0.0
        assert hits["CZ-ECO"]["inside"] is True
        assert hits["CZ-ECO"]["overlap_m2"] == pytest.approx(500_000.0, abs=0.01)
        # the verdict is CZ-ECO's (conditional), never CZ-RES's (permitted)
        (v,) = d["verdicts"]
        assert (v["verdict"], v["decided_by"]["feature_id"]) == ("conditional", "CZ-ECO")
        assert [u["code"] for u in d["admin"]["townships"]] == ["TW"]


def test_admin_lists_both_districts_with_areas(variant: tuple[Catalog, RuleTable]) -> None:
    catalog, rules = variant
    # [7000, 12000] x [2000, 4000] = 1e7 m²: 6e6 in D/TE (x < 10000), 4e6 in D2/T2
    d = parcel(catalog, rules, 7000, 2000, 12000, 4000)
    assert d["admin"] == {
        "district": {"code": "D", "name": "Test District"},
        "township": {"code": "TE", "name": "East Town"},
        "districts": [
            {"code": "D", "name": "Test District", "area_m2": 6e6, "share": 0.6},
            {"code": "D2", "name": "Second District", "area_m2": 4e6, "share": 0.4},
        ],
        "townships": [
            {"code": "TE", "name": "East Town", "area_m2": 6e6, "share": 0.6},
            {"code": "T2", "name": "Second Town", "area_m2": 4e6, "share": 0.4},
        ],
    }


def test_a_point_on_two_townships_lists_both(tiny_catalog: Catalog, tiny_rules: RuleTable) -> None:
    query = point_query(X0 + 5000, Y0 + 6000, crs="EPSG:4548", as_of=AS_OF)
    d = lookup(tiny_catalog, tiny_rules, query).to_dict()
    assert [u["code"] for u in d["admin"]["townships"]] == ["TE", "TW"]  # a tie: by code
    assert d["admin"]["townships"][0] == {
        "code": "TE",
        "name": "East Town",
        "area_m2": None,
        "share": None,
    }
    body, _data = point_answer(tiny_catalog, tiny_rules, query)
    assert body.decode() == lookup(tiny_catalog, tiny_rules, query).to_json()


# --- answers grouped for people --------------------------------------------------------------


def test_summary_counts_context_layers_and_full_lists_them(
    variant: tuple[Catalog, RuleTable],
) -> None:
    catalog, rules = variant
    box = (6050, 6050, 8150, 6300)  # 2100 m x 250 m = 525,000 m², holds all ten squares
    full = parcel(catalog, rules, *box)
    kinds = [h["layer_kind"] for h in full["hits"]]
    assert kinds == ["control_zone", "admin", "admin", *["residential"] * 10]  # control first
    assert [h["feature_id"] for h in full["hits"][3:]] == [f"R{i}" for i in range(10)]
    assert "context" not in full and "detail" not in full["query"]
    summary = parcel(catalog, rules, *box, detail="summary")
    assert [h["feature_id"] for h in summary["hits"]] == ["CZ-CON"]
    assert summary["query"]["detail"] == "summary"
    assert summary["report_id"] != full["report_id"]
    assert summary["verdicts"] == full["verdicts"] and summary["admin"] == full["admin"]
    residential = {
        "layer_id": "residential",
        "layer_version": "1",
        "layer_kind": "residential",
        "layer_title_zh": "居住用地图层",
        "layer_title_en": "residential layer",
        "zone_class": "0701",
        "class_zh": "城镇住宅用地",
        "class_en": "Urban residential land",
        "count": 10,
        "near": 0,
        "overlap_m2": 100_000.0,  # ten 100 m x 100 m squares
        "overlap_share": 0.190476,  # 100,000 / 525,000
    }
    assert [(c["layer_id"], c["zone_class"], c["count"]) for c in summary["context"]] == [
        ("admin", "district", 1),
        ("admin", "township", 1),
        ("residential", "0701", 10),
    ]
    assert summary["context"][2] == residential
    assert summary["context"][0]["overlap_m2"] == 525_000.0
    assert summary["context"][0]["overlap_share"] == 1.0


def test_detail_over_http(client: TestClient) -> None:
    lon, lat = lonlat(3500, 6000)
    full = client.get(f"/api/v1/lookup?lon={lon}&lat={lat}&as_of={AS_OF}").json()
    summary = client.get(f"/api/v1/lookup?lon={lon}&lat={lat}&as_of={AS_OF}&detail=summary")
    assert summary.status_code == 200, summary.text
    s = summary.json()
    assert [h["feature_id"] for h in full["hits"]] == ["CZ-RES", "D", "TW"]
    assert [h["feature_id"] for h in s["hits"]] == ["CZ-RES"]
    assert [(c["zone_class"], c["count"], c["overlap_m2"]) for c in s["context"]] == [
        ("district", 1, None),
        ("township", 1, None),
    ]
    body = {"geometry": box_geojson(3100, 100, 3200, 200), "crs": "EPSG:4548", "as_of": AS_OF}
    r = client.post("/api/v1/lookup", json={**body, "detail": "summary"})
    assert r.status_code == 200 and r.json()["query"]["detail"] == "summary"
    # the stored summary is what its report id returns
    stored = client.get(f"/api/v1/reports/{r.json()['report_id']}").json()
    assert stored["context"] == r.json()["context"]
    bad = client.post("/api/v1/lookup", json={**body, "detail": "some"})
    assert bad.status_code == 422 and bad.json()["detail"]["accepted"] == ["full", "summary"]


def test_every_code_shown_has_zh_and_en_labels(client: TestClient) -> None:
    got = labels()
    assert [d["code"] for d in got["dimensions"]] == list(DIMENSIONS)
    assert {k["code"] for k in got["kinds"]} == {k.value for k in LayerKind}
    for group in got.values():
        for label in group:
            assert label["zh"] and label["en"] and label["zh"] != label["en"], label
            assert any("\u4e00" <= ch <= "\u9fff" for ch in label["zh"]), label
            assert label["en"].isascii() or "(" in label["en"], label
    assert KINDS[LayerKind.ADMIN].zh == "行政区划"
    assert client.get("/api/v1/config").json()["labels"] == json.loads(json.dumps(got))


def test_printable_report_names_kinds_and_summarises_context(client: TestClient) -> None:
    body = {
        "geometry": box_geojson(4000, 6000, 6000, 6500),  # across TW/TE and CZ-RES/CZ-CON
        "crs": "EPSG:4548",
        "as_of": AS_OF,
        "detail": "summary",
    }
    answer = client.post("/api/v1/lookup", json=body).json()
    assert [u["area_m2"] for u in answer["admin"]["townships"]] == [500_000.0, 500_000.0]
    html = client.get(f"/api/v1/reports/{answer['report_id']}?format=html").text
    assert "背景图层概况" in html and "行政区划 / Administrative unit" in html
    assert "两线三区管控分区 / Three-zone control area" in html
    assert "涉及行政区" in html and "East Town (TE) 500000.00 m² (50.0 %)" in html
