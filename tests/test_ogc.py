"""OGC API Features over the tiny hand-drawn layer set: ids, extents, paging, datetime, bbox."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from api_client import api_client
from conftest import LAYERS
from fastapi.testclient import TestClient
from layerset_builder import X0, Y0, clean_layers, write_layerset
from pyproj import Transformer

TO_WGS84 = Transformer.from_crs("EPSG:4548", "EPSG:4326", always_xy=True)


def lonlat(dx: float, dy: float) -> tuple[float, float]:
    """WGS84 of a fixture point given in metres from the fixture origin."""
    lon, lat = TO_WGS84.transform(X0 + dx, Y0 + dy)
    return float(lon), float(lat)


def build_tiny(root: Path) -> Path:
    """The builder's clean layer set plus the shipped rule table."""
    write_layerset(root, clean_layers())
    shutil.copytree(LAYERS / "rules", root / "rules")
    return root


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    root = build_tiny(tmp_path_factory.mktemp("ogc_layers"))
    with api_client(root, root.parent) as c:
        yield c


def max_lon(feature: dict) -> float:
    coords = feature["geometry"]["coordinates"]
    while isinstance(coords[0][0], list):
        coords = [p for ring in coords for p in ring]
    return max(p[0] for p in coords)


def test_landing_links(client: TestClient) -> None:
    r = client.get("/ogc")
    assert r.status_code == 200
    rels = {link["rel"]: link["href"] for link in r.json()["links"]}
    assert {"self", "service-desc", "conformance", "data"} <= set(rels)
    assert rels["data"].endswith("/ogc/collections")
    descs = [lk["href"] for lk in r.json()["links"] if lk["rel"] == "service-desc"]
    assert descs[0].endswith("/ogc/api") and descs[1].endswith("/openapi.json")
    doc = client.get("/openapi.json").json()
    assert doc["openapi"] == "3.0.3"


def test_conformance(client: TestClient) -> None:
    classes = client.get("/ogc/conformance").json()["conformsTo"]
    for c in ("core", "geojson", "oas30"):
        assert f"http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/{c}" in classes


def test_collections_ids_and_extents(client: TestClient) -> None:
    r = client.get("/ogc/collections")
    assert r.status_code == 200
    cols = {c["id"]: c for c in r.json()["collections"]}
    current = ["admin", "control_zone", "redline", "water", "reservoir", "parks", "residential"]
    versioned = [f"{i}__v1" for i in current] + ["control_zone__v2"]
    assert set(cols) == set(current + versioned)
    cz = cols["control_zone"]
    assert cz["itemType"] == "feature"
    assert cz["crs"][0] == "http://www.opengis.net/def/crs/OGC/1.3/CRS84"  # the default
    assert "http://www.opengis.net/def/crs/EPSG/0/4548" in cz["crs"]  # Part 2
    assert "synthetic demo" in cz["title"]
    assert cz["version_in_force_today"] == "v2"
    # temporal extent of the in-force collection spans both versions, open-ended
    assert cz["extent"]["temporal"]["interval"] == [["2020-01-01T00:00:00Z", None]]
    assert cols["control_zone__v1"]["extent"]["temporal"]["interval"] == [
        ["2020-01-01T00:00:00Z", "2022-12-31T00:00:00Z"]
    ]
    # admin spans x 0..3000 m, y 0..1000 m from the origin
    bbox = cols["admin"]["extent"]["spatial"]["bbox"][0]
    lon0, lat0 = lonlat(0, 0)
    lon1, lat1 = lonlat(3000, 1000)
    assert bbox[0] == pytest.approx(min(lon0, lonlat(0, 1000)[0]), abs=1e-6)
    assert bbox[2] == pytest.approx(max(lon1, lonlat(3000, 0)[0]), abs=1e-6)
    assert bbox[1] == pytest.approx(min(lat0, lonlat(3000, 0)[1]), abs=1e-6)
    assert bbox[3] == pytest.approx(max(lat1, lonlat(0, 1000)[1]), abs=1e-6)


def test_collection_and_alias(client: TestClient) -> None:
    a = client.get("/ogc/collections/control_zone__v1").json()
    b = client.get("/ogc/collections/control_zone@v1").json()
    assert a["version"] == b["version"] == "v1"
    assert any(link["rel"] == "items" for link in a["links"])


def test_items_default_is_version_in_force_today(client: TestClient) -> None:
    r = client.get("/ogc/collections/control_zone/items")
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("application/geo+json")
    body = r.json()
    assert body["numberMatched"] == body["numberReturned"] == 3
    cz1 = next(f for f in body["features"] if f["id"] == "cz1")
    assert cz1["properties"]["layer_version"] == "v2"
    assert cz1["properties"]["zone_class"] == "concentrated"
    assert cz1["properties"]["class_zh"] == "集中建设区"
    assert cz1["properties"]["synthetic"] is True
    # v2 draws cz1 900 m wide (v1: 800 m)
    assert max_lon(cz1) == pytest.approx(max(lonlat(900, 0)[0], lonlat(900, 1000)[0]), abs=1e-7)


@pytest.mark.parametrize(
    ("when", "version", "width"),
    [
        ("2021-06-01", "v1", 800),
        ("2021-06-01T12:00:00Z", "v1", 800),
        ("2023-01-01", "v2", 900),
        ("2019-01-01/2022-06-30", "v1", 800),
        ("2022-06-01/..", "v2", 900),
    ],
)
def test_items_datetime_selects_version(
    client: TestClient, when: str, version: str, width: int
) -> None:
    body = client.get("/ogc/collections/control_zone/items", params={"datetime": when}).json()
    assert body["layer_version"] == version
    cz1 = next(f for f in body["features"] if f["id"] == "cz1")
    assert max_lon(cz1) == pytest.approx(max(lonlat(width, 0)[0], lonlat(width, 1000)[0]), abs=1e-7)


def test_items_datetime_before_any_version_is_empty(client: TestClient) -> None:
    body = client.get("/ogc/collections/control_zone/items?datetime=2010-01-01").json()
    assert body["numberMatched"] == 0
    assert body["features"] == []
    fixed = client.get("/ogc/collections/control_zone__v1/items?datetime=2024-01-01").json()
    assert fixed["numberMatched"] == 0


def test_paging_links(client: TestClient) -> None:
    first = client.get("/ogc/collections/admin/items?limit=2").json()
    assert first["numberMatched"] == 3
    assert first["numberReturned"] == 2
    links = {link["rel"]: link["href"] for link in first["links"]}
    assert "next" in links and "prev" not in links
    second = client.get(links["next"]).json()
    assert second["numberReturned"] == 1
    links2 = {link["rel"]: link["href"] for link in second["links"]}
    assert "next" not in links2 and "prev" in links2
    ids = [f["id"] for f in first["features"] + second["features"]]
    assert sorted(ids) == ["110112", "other", "t1"]


def test_limit_above_max_is_capped_not_refused(client: TestClient) -> None:
    r = client.get("/ogc/collections/admin/items?limit=50000")
    assert r.status_code == 200
    assert r.json()["numberReturned"] == 3


def test_bbox_filter(client: TestClient) -> None:
    lon0, lat0 = lonlat(2100, 100)
    lon1, lat1 = lonlat(2900, 900)
    r = client.get(f"/ogc/collections/admin/items?bbox={lon0},{lat0},{lon1},{lat1}")
    assert [f["id"] for f in r.json()["features"]] == ["other"]
    lon0, lat0 = lonlat(100, 100)
    lon1, lat1 = lonlat(200, 200)
    r = client.get(f"/ogc/collections/admin/items?bbox={lon0},{lat0},{lon1},{lat1}")
    assert sorted(f["id"] for f in r.json()["features"]) == ["110112", "t1"]


def test_item_by_id(client: TestClient) -> None:
    r = client.get("/ogc/collections/admin/items/t1")
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("application/geo+json")
    f = r.json()
    assert f["id"] == "t1"
    assert f["properties"]["name"] == "某镇"
    assert f["properties"]["zone_class"] == "township"
    assert f["properties"]["remark"] == "fixture t1"
    assert f["geometry"]["type"] in ("Polygon", "MultiPolygon")


def test_f_json_and_unknown_params(client: TestClient) -> None:
    assert client.get("/ogc/collections?f=json").status_code == 200
    assert client.get("/ogc/collections/admin/items?f=json&foo=bar").status_code == 200
    r = client.get("/ogc/collections?f=html")
    assert r.status_code == 422
    assert r.json()["code"] == "invalid_input"


@pytest.mark.parametrize(
    ("url", "status", "code"),
    [
        ("/ogc/collections/nope", 404, "layer_not_found"),
        ("/ogc/collections/nope/items", 404, "layer_not_found"),
        ("/ogc/collections/admin/items/nope", 404, "feature_not_found"),
        ("/ogc/collections/admin/items?bbox=1,2,3", 422, "invalid_input"),
        ("/ogc/collections/admin/items?bbox=a,b,c,d", 422, "invalid_input"),
        ("/ogc/collections/admin/items?bbox=1,50,2,40", 422, "invalid_input"),
        ("/ogc/collections/admin/items?datetime=yesterday", 422, "invalid_date"),
        ("/ogc/collections/admin/items?datetime=2022-01-01/2021-01-01", 422, "invalid_date"),
        ("/ogc/collections/admin/items?limit=0", 422, "invalid_request"),
        ("/ogc/collections/admin/items?offset=-1", 422, "invalid_request"),
    ],
)
def test_ogc_errors(client: TestClient, url: str, status: int, code: str) -> None:
    r = client.get(url)
    assert r.status_code == status
    body = r.json()
    assert body["code"] == code
    assert body["message"]


def _vertex_count(geometry: dict) -> int:
    coords = geometry["coordinates"]
    while isinstance(coords[0][0], list):
        coords = [p for part in coords for p in part]
    return len(coords)


def test_simplify_for_display(tmp_path: Path) -> None:
    import shapely.geometry

    with api_client(LAYERS, tmp_path) as c:
        url = "/ogc/collections/admin/items/110118"
        full = c.get(url).json()
        page = c.get("/ogc/collections/admin/items?limit=1&simplify=200").json()
        assert "simplify=200" in next(x["href"] for x in page["links"] if x["rel"] == "next")
        miyun = c.get("/ogc/collections/admin/items?limit=100&simplify=200").json()
        simple = next(f for f in miyun["features"] if f["id"] == "110118")
        assert _vertex_count(simple["geometry"]) < _vertex_count(full["geometry"])
        a = shapely.geometry.shape(full["geometry"])
        b = shapely.geometry.shape(simple["geometry"])
        assert b.is_valid
        assert abs(b.area - a.area) / a.area < 0.01
        bad = c.get("/ogc/collections/admin/items?simplify=5000")
        assert bad.status_code == 422
