"""``GET /api/v1/places``: districts and townships by name and code with a WGS84 bbox.

The web map's search and coverage district list read this instead of a page of OGC items:
the test checks it against the shipped admin layer (names, codes, bboxes containing each
feature and its centroid), the refused date, the OpenAPI schema and restricted layers.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
import shapely
from api_client import api_client
from conftest import LAYERS
from fastapi.testclient import TestClient
from tiny_layers import build_tiny_layers

from geozone.catalog import Catalog, load_catalog
from geozone.places import places

AS_OF = "2026-11-25"


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    with api_client(LAYERS, tmp_path_factory.mktemp("places_var")) as c:
        yield c


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return load_catalog(LAYERS)


def test_places_list_the_three_districts_and_their_townships(
    client: TestClient, catalog: Catalog
) -> None:
    r = client.get("/api/v1/places", params={"as_of": AS_OF})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["as_of"] == AS_OF
    rows = body["places"]
    districts = [p for p in rows if p["zone_class"] == "district"]
    assert [(p["code"], p["name"]) for p in districts] == [
        ("110112", "通州区"),
        ("110117", "平谷区"),
        ("110118", "密云区"),
    ]
    admin = catalog.in_force("admin", date.fromisoformat(AS_OF))
    assert admin is not None
    frame = admin.frame_wgs84.set_index("feature_id")
    towns = frame[frame["zone_class"] == "township"]
    listed = {p["feature_id"]: p for p in rows if p["zone_class"] == "township"}
    assert set(listed) == set(towns.index) and len(towns) > 50
    for fid, p in listed.items():
        assert (p["code"], p["name"]) == (towns.loc[fid, "code"], towns.loc[fid, "name"])
        assert p["code"][:6] in {d["code"] for d in districts}  # a township of a listed district
    assert [p["zone_class"] for p in rows] == ["district"] * 3 + ["township"] * len(towns)
    for p in rows:
        assert set(p) == {
            "layer_id", "version", "feature_id", "kind", "zone_class", "code", "name", "bbox"
        }  # fmt: skip
        assert (p["layer_id"], p["version"], p["kind"]) == ("admin", admin.version, "admin")
        geom = frame.loc[p["feature_id"], "geometry"]
        box = shapely.box(*p["bbox"])
        assert box.contains(geom.centroid) and box.covers(geom)
        # the bbox is the feature's own, rounded outwards to 1e-6 degrees
        assert p["bbox"] == pytest.approx(list(geom.bounds), abs=1.01e-6)


def test_places_before_any_admin_layer_is_refused_like_a_lookup(client: TestClient) -> None:
    r = client.get("/api/v1/places", params={"as_of": "2019-01-01"})
    assert r.status_code == 422
    body = r.json()
    assert body["code"] == "no_layers_in_force"
    assert body["detail"]["valid_from"] == "2020-01-01"
    lookup = client.get(
        "/api/v1/lookup", params={"lon": 116.65, "lat": 39.9, "as_of": "2019-01-01"}
    )
    assert lookup.status_code == 422 and lookup.json()["code"] == body["code"]
    bad = client.get("/api/v1/places", params={"as_of": "2019-13-40"})
    assert bad.status_code == 422 and bad.json()["code"] != "no_layers_in_force"


def test_places_are_published_in_openapi(client: TestClient) -> None:
    doc = client.get("/openapi.json").json()
    op = doc["paths"]["/api/v1/places"]["get"]
    ok = op["responses"]["200"]["content"]["application/json"]["schema"]
    assert ok["$ref"].endswith("/PlacesDocument")
    assert op["responses"]["422"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/ErrorBody"
    }


def test_a_restricted_admin_layer_is_left_out_without_a_reader(tmp_path: Path) -> None:
    root = build_tiny_layers(tmp_path)
    manifest = root / "manifest.toml"
    text = manifest.read_text("utf-8")
    assert 'id = "admin"\n' in text
    manifest.write_text(text.replace('id = "admin"\n', 'id = "admin"\naccess = "restricted"\n'))
    catalog = load_catalog(root)
    on = date(2026, 11, 25)
    assert catalog.restricted("admin")
    shown = places(catalog, on, sees_restricted=True)
    assert shown and {p["layer_id"] for p in shown} == {"admin"}
    assert places(catalog, on) == []
