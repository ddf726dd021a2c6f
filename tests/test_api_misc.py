"""Health, metadata, offline docs, OpenAPI 3.0 document, web map and the report store."""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from api_client import api_client
from conftest import LAYERS
from fastapi.testclient import TestClient

from api.openapi import downgrade
from api.routes import web
from geozone.errors import GeozoneError, ReportNotFound
from geozone.report_store import ReportStore


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
    assert "example" in lookup["get"]["responses"]["200"]["content"]["application/json"]
    params = {p["name"]: p for p in lookup["get"]["parameters"]}
    # declared by hand (api/routes/lookup.py reads them itself): all six, typed and described
    assert set(params) == {"lon", "lat", "activity", "as_of", "tolerance_m", "crs"}
    assert {n for n, p in params.items() if p["required"]} == {"lon", "lat"}
    assert params["lon"]["schema"] == {"type": "number"}
    assert params["crs"]["schema"] == {"type": "string"}
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
    assert props["x"] == {"nullable": True, "allOf": [{"$ref": "#/components/schemas/B"}]}
    assert props["y"] == {"type": "integer", "minimum": 0, "exclusiveMinimum": True}
    assert props["z"] == {"enum": ["k"], "example": "k"}
    assert props["f"] == {"type": "string", "format": "binary"}
    assert doc["openapi"] == "3.1.0"  # input untouched


def test_report_store_upsert_and_reopen(tmp_path: Path) -> None:
    path = tmp_path / "store" / "r.sqlite"
    store = ReportStore(path)
    answer = (
        '{"report_id":"' + "ab" * 16 + '","query":{"type":"point"},"layerset":{"id":"x",'
        '"version":"1","hash":"h"},"layers":[{"key":"a@1"}],"rules_version":"r","synthetic":false}'
    )
    assert store.save(answer) == "ab" * 16
    store.save(answer, source="cli")
    store.close()
    again = ReportStore(path)
    got = again.get("ab" * 16)
    assert got.times_asked == 2
    assert got.source == "api"
    assert got.answer_json == answer
    assert got.layers == [{"key": "a@1"}]
    assert again.count() == 1
    with pytest.raises(ReportNotFound):
        again.get("cd" * 16)


def test_report_store_writes_behind_in_batches(tmp_path: Path) -> None:
    path = tmp_path / "behind.sqlite"
    store = ReportStore(path)
    rids = [f"{n:032x}" for n in range(5)]
    for rid in rids + rids[:2]:
        store.save(
            '{"report_id":"' + rid + '","query":{},"layerset":{},"layers":[],"synthetic":true}'
        )
    # another connection (e.g. the CLI in another process) sees the rows once the background
    # writer has run, with no flush, get or close from this side
    reader = sqlite3.connect(path)
    deadline = time.monotonic() + 10
    rows: list[tuple[str, int]] = []
    while time.monotonic() < deadline and len(rows) < 5:
        rows = reader.execute("SELECT report_id, times_asked FROM reports ORDER BY 1").fetchall()
        time.sleep(0.05)
    reader.close()
    assert rows == [(rid, 2 if rid in rids[:2] else 1) for rid in rids]
    store.save('{"report_id":"' + "f" * 32 + '","query":{},"layerset":{},"layers":[]}')
    store.close()  # writes the queue
    with pytest.raises(GeozoneError, match="closed"):
        store.save('{"report_id":"' + "e" * 32 + '","query":{},"layerset":{},"layers":[]}')
    again = ReportStore(path)
    assert again.count() == 6
    assert again.get("f" * 32).synthetic is False
    again.close()


def test_report_store_batch_spans_several_statements(tmp_path: Path) -> None:
    # 150 distinct answers then 71 repeats: the flush writes 221 rows in one transaction as
    # multi-row upserts of 64, 64, 64 and 29 rows; a repeat in the same statement (rids[130],
    # rows 130 and 150) and in later ones (rids[:70]) is counted
    store = ReportStore(tmp_path / "many.sqlite")
    rids = [f"{n:032x}" for n in range(150)]
    for rid in [*rids, rids[130], *rids[:70]]:
        store.save('{"report_id":"' + rid + '","query":{"n":1},"layerset":{},"layers":[]}')
    store.flush()
    assert store.count() == 150
    assert store.get(rids[0]).times_asked == 2
    assert store.get(rids[69]).times_asked == 2
    assert store.get(rids[70]).times_asked == 1
    assert store.get(rids[130]).times_asked == 2
    assert store.get(rids[149]).query == {"n": 1}
    store.close()


def test_report_store_keeps_utf8_bytes_as_text(tmp_path: Path) -> None:
    answer = '{"report_id":"' + "c" * 32 + '","query":{"区":"通州区"},"layerset":{},"layers":[]}'
    store = ReportStore(tmp_path / "bytes.sqlite")
    store.save(answer.encode())
    got = store.get("c" * 32)
    assert got.answer_json == answer and got.query == {"区": "通州区"}
    kind = store._writer.conn.execute("SELECT typeof(answer_json) FROM reports").fetchone()
    assert kind == ("text",)
    store.close()
