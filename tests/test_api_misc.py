"""Health, metadata, offline docs, OpenAPI 3.0 document and web map."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from api_client import api_client
from conftest import LAYERS
from fastapi.testclient import TestClient

from api.openapi import downgrade
from api.routes import web


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    with api_client(LAYERS, tmp_path_factory.mktemp("misc_var")) as c:
        yield c


def test_healthz(client: TestClient) -> None:
    body = client.get("/healthz").json()
    assert body["status"] == "ok"
    assert len(body["layerset"]["hash"]) == 16
    assert {"shapely", "geos", "gdal", "proj", "geopandas"} <= set(body["versions"])


def test_layers_listing(client: TestClient) -> None:
    body = client.get("/api/v1/layers").json()
    assert body["layerset"]["synthetic"] is True
    for layer in body["layers"]:
        assert layer["versions"]
        for v in layer["versions"]:
            assert {"version", "valid_from", "valid_to", "feature_count", "synthetic"} <= set(v)
        assert sum(v["in_force"] for v in layer["versions"]) <= 1


def test_activities_and_rules(client: TestClient) -> None:
    acts = client.get("/api/v1/activities").json()
    codes = [a["code"] for a in acts["activities"]]
    assert "urban_housing" in codes
    rules = client.get("/api/v1/rules").json()
    assert rules["version"] == acts["rules_version"]
    assert all(r["citation"]["document"] for r in rules["rules"])
    water = client.get(
        "/api/v1/rules", params={"kind": "water_protection", "activity": "urban_housing"}
    ).json()
    assert {r["zone_class"] for r in water["rules"]} == {"grade1", "grade2", "quasi"}
    assert {r["activity"] for r in water["rules"]} == {"urban_housing"}
    bad = client.get("/api/v1/rules", params={"kind": "volcano"})
    assert bad.status_code == 422


def test_openapi_is_30_with_descriptions_and_examples(client: TestClient) -> None:
    doc = client.get("/openapi.json").json()
    assert doc["openapi"] == "3.0.3"
    text = str(doc)
    assert "'type': 'null'" not in text and "'const'" not in text
    for path, item in doc["paths"].items():
        for method, op in item.items():
            assert op.get("summary"), (method, path)
            assert op.get("description"), (method, path)
    lookup = doc["paths"]["/api/v1/lookup"]
    answer = lookup["get"]["responses"]["200"]["content"]["application/json"]
    assert answer == {"schema": {"$ref": "#/components/schemas/LookupAnswer"}}
    params = {p["name"]: p for p in lookup["get"]["parameters"]}
    # declared by hand (api/routes/lookup.py reads them itself): all seven, typed and described
    assert set(params) == {"lon", "lat", "activity", "as_of", "tolerance_m", "crs", "detail"}
    assert {n for n, p in params.items() if p["required"]} == {"lon", "lat"}
    assert params["lon"]["schema"] == {"type": "number", "minimum": -180, "maximum": 180}
    assert params["crs"]["schema"]["type"] == "string"
    assert "EPSG:4326" in params["crs"]["schema"]["enum"]
    assert params["activity"]["schema"]["type"] == "array"
    assert params["detail"]["schema"] == {"type": "string", "enum": ["full", "summary"]}
    assert all(p["in"] == "query" and p["description"] and p["examples"] for p in params.values())


def test_docs_are_served_offline(client: TestClient) -> None:
    page = client.get("/docs")
    assert page.status_code == 200
    assert "cdn." not in page.text
    assert "/docs-assets/swagger-ui-bundle.js" in page.text
    js = client.get("/docs-assets/swagger-ui-bundle.js")
    assert js.status_code == 200 and len(js.content) > 100_000
    assert client.get("/docs-assets/swagger-ui.css").status_code == 200
    assert client.get("/redoc").status_code == 404


def test_web_map_root_and_static(client: TestClient) -> None:
    r = client.get("/")
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/html")
    if (web.STATIC_DIR / "index.html").is_file():
        assert r.text == (web.STATIC_DIR / "index.html").read_text(encoding="utf-8")
    leaflet = client.get("/static/vendor/leaflet/dist/leaflet.js")
    assert leaflet.status_code == 200


def test_root_without_web_map(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(web, "STATIC_DIR", tmp_path)
    assert b"not installed" in web.index().body  # type: ignore[attr-defined]


def test_downgrade_rewrites_31_constructs() -> None:
    doc = {
        "openapi": "3.1.0",
        "paths": {},
        "components": {
            "schemas": {
                "A": {
                    "type": "object",
                    "properties": {
                        "x": {"anyOf": [{"$ref": "#/components/schemas/B"}, {"type": "null"}]},
                        "y": {"type": "integer", "exclusiveMinimum": 0},
                        "z": {"const": "k", "examples": ["k"]},
                        "f": {"type": "string", "contentMediaType": "application/octet-stream"},
                    },
                }
            }
        },
    }
    props = downgrade(doc)["components"]["schemas"]["A"]["properties"]
    assert props["x"] == {
        "anyOf": [{"$ref": "#/components/schemas/B"}, {"nullable": True, "enum": [None]}]
    }
    assert props["y"] == {"type": "integer", "minimum": 0, "exclusiveMinimum": True}
    assert props["z"] == {"enum": ["k"], "example": "k"}
    assert props["f"] == {"type": "string", "format": "binary"}
    assert doc["openapi"] == "3.1.0"  # input untouched
