"""The published OpenAPI document: valid, its examples valid, real answers valid against it.

The point path writes the engine's bytes without pydantic, so what the document says of
them is checked here on thousands of real answers (GET points all over and around the
three districts, on feature boundaries, outside; POST parcels, across districts, and
``detail=summary``), validated as bytes with ``jsonschema`` against the document's own
``LookupAnswer`` (OpenAPI 3.0 rules: ``nullable``), and every error body against
``ErrorBody``.
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from conftest import LAYERS
from fastapi.testclient import TestClient
from openapi_schema_validator import OAS30Validator
from openapi_spec_validator import validate

from api.main import create_app
from geozone.settings import Settings

DISTRICTS_BOX = (116.3, 39.5, 117.8, 41.2)
"""lon/lat degrees around Tongzhou, Pinggu and Miyun, with a margin outside them."""


@pytest.fixture(scope="module")
def client() -> Iterator[TestClient]:
    var = Path(tempfile.mkdtemp(prefix="geozone-schemas-"))
    app = create_app(
        Settings(layers_dir=LAYERS, report_store=var / "reports.sqlite", jobs_dir=var / "jobs")
    )
    with TestClient(app) as c:
        yield c


@pytest.fixture(scope="module")
def document(client: TestClient) -> dict[str, Any]:
    return client.get("/openapi.json").json()


def validator(document: dict[str, Any], name: str) -> OAS30Validator:
    """A validator of ``#/components/schemas/<name>`` resolving refs in the document."""
    schema = {"$ref": f"#/components/schemas/{name}", "components": document["components"]}
    return OAS30Validator(schema)


def test_openapi_document_validates(document: dict[str, Any]) -> None:
    assert document["openapi"] == "3.0.3"
    validate(document)  # openapi-spec-validator: raises on any violation


def _examples(document: dict[str, Any]) -> Iterator[tuple[str, Any, dict[str, Any]]]:
    """``(where, example value, schema)`` of every example in the document."""
    for path, item in document["paths"].items():
        for method, op in item.items():
            for p in op.get("parameters", []):
                for name, ex in p.get("examples", {}).items():
                    yield f"{method} {path} {p['name']} {name}", ex["value"], p["schema"]
                if "example" in p:
                    yield f"{method} {path} {p['name']}", p["example"], p["schema"]
            bodies = [("request", op.get("requestBody", {}))]
            bodies += [(code, r) for code, r in op.get("responses", {}).items()]
            for where, holder in bodies:
                for media, content in holder.get("content", {}).items():
                    schema = content.get("schema")
                    if schema is None:
                        continue
                    for name, ex in content.get("examples", {}).items():
                        yield f"{method} {path} {where} {media} {name}", ex["value"], schema
                    if "example" in content:
                        yield f"{method} {path} {where} {media}", content["example"], schema


def test_every_example_validates(document: dict[str, Any]) -> None:
    checked = 0
    for where, value, schema in _examples(document):
        errors = list(
            OAS30Validator({**schema, "components": document["components"]}).iter_errors(value)
        )
        assert not errors, f"{where}: {errors[0].message}"
        checked += 1
    assert checked >= 10


def test_examples_without_schema_are_none(document: dict[str, Any]) -> None:
    """No hand-written example stands alone: each is checked against a schema."""
    for path, item in document["paths"].items():
        for method, op in item.items():
            for code, r in op.get("responses", {}).items():
                for media, content in r.get("content", {}).items():
                    if "example" in content or "examples" in content:
                        assert "schema" in content, f"{method} {path} {code} {media}"


def test_every_error_status_declares_the_error_body(document: dict[str, Any]) -> None:
    for path, item in document["paths"].items():
        for method, op in item.items():
            for code, r in op["responses"].items():
                if int(code) >= 400 and (path, code) != ("/healthz", "503"):
                    schema = r["content"]["application/json"]["schema"]
                    assert schema == {"$ref": "#/components/schemas/ErrorBody"}, (
                        f"{method} {path} {code}"
                    )
    assert "HTTPValidationError" not in document["components"]["schemas"]


def _edge_points(client: TestClient) -> list[tuple[float, float]]:
    """Vertices of red-line, reservoir and admin features: points on zone boundaries."""
    out: list[tuple[float, float]] = []
    for layer in ("redline", "reservoir_ring", "admin", "water_protection"):
        fc = client.get(f"/ogc/collections/{layer}/items?limit=40").json()
        for feature in fc.get("features", []):
            ring = np.asarray(_first_ring(feature["geometry"]["coordinates"]), dtype=float)
            out.extend(map(tuple, ring[:: max(1, len(ring) // 6)][:6, :2].tolist()))
    return out


def _first_ring(coords: Any) -> Any:
    while isinstance(coords[0][0], list):
        coords = coords[0]
    return coords


def _points(client: TestClient) -> list[tuple[float, float]]:
    rng = np.random.default_rng(19)
    w, s, e, n = DISTRICTS_BOX
    spread = np.column_stack([rng.uniform(w, e, 1500), rng.uniform(s, n, 1500)])
    far = [(0.0, 0.0), (-179.9, -89.9), (179.9, 89.9), (116.4, 39.9), (121.5, 31.2)]
    return [*map(tuple, spread.tolist()), *far, *_edge_points(client)]


def _assert_valid(v: OAS30Validator, body: bytes, where: str) -> dict[str, Any]:
    data = json.loads(body)
    errors = list(v.iter_errors(data))
    assert not errors, f"{where}: {errors[0].json_path}: {errors[0].message}"
    return data


def test_real_point_answers_match_the_published_schema(
    client: TestClient, document: dict[str, Any]
) -> None:
    answer = validator(document, "LookupAnswer")
    error = validator(document, "ErrorBody")
    points = _points(client)
    assert len(points) > 1600
    seen = {"inside": 0, "outside": 0, "edge": 0, "summary": 0}
    for i, (lon, lat) in enumerate(points):
        detail = "summary" if i % 4 == 0 else "full"
        r = client.get("/api/v1/lookup", params={"lon": lon, "lat": lat, "detail": detail})
        if r.status_code != 200:  # a far point the server refuses (e.g. swapped lon/lat)
            _assert_valid(error, r.content, f"GET {lon},{lat}")
            continue
        data = _assert_valid(answer, r.content, f"GET {lon},{lat} {detail}")
        seen["inside" if data["inside_territory"] else "outside"] += 1
        seen["edge"] += any(h["edge"] for h in data["hits"])
        seen["summary"] += "context" in data
    assert min(seen.values()) > 20, seen


def test_real_parcel_answers_match_the_published_schema(
    client: TestClient, document: dict[str, Any]
) -> None:
    answer = validator(document, "LookupAnswer")
    rng = np.random.default_rng(7)
    w, s, e, n = DISTRICTS_BOX
    parts = 0
    for i in range(160):
        lon, lat = rng.uniform(w, e), rng.uniform(s, n)
        size = float(rng.choice([0.002, 0.01, 0.05]))
        ring = [[lon, lat], [lon + size, lat], [lon + size, lat + size], [lon, lat + size]]
        body = {
            "geometry": {"type": "Polygon", "coordinates": [[*ring, ring[0]]]},
            "detail": "summary" if i % 3 == 0 else "full",
        }
        r = client.post("/api/v1/lookup", json=body)
        if r.status_code != 200:  # e.g. parcel_too_large
            _assert_valid(validator(document, "ErrorBody"), r.content, f"POST {body}")
            continue
        data = _assert_valid(answer, r.content, f"POST {body}")
        parts += any(v["parts"] for v in data["verdicts"])
    # a parcel across Pinggu and Miyun (a golden question): per-district parts
    golden = Path(__file__).parent / "golden"
    across = json.loads((golden / "parcel_across_pinggu_miyun.json").read_text())
    ask = {"geometry": across["query"]["geometry"], "as_of": across["query"]["as_of"]}
    r = client.post("/api/v1/lookup", json=ask)
    assert r.status_code == 200, r.text
    data = _assert_valid(answer, r.content, "POST across districts")
    assert parts + any(v["parts"] for v in data["verdicts"]) >= 1


def test_golden_answers_match_the_published_schema(document: dict[str, Any]) -> None:
    answer = validator(document, "LookupAnswer")
    files = sorted((Path(__file__).parent / "golden").glob("*_*.json"))
    files = [f for f in files if f.name != "report_ids.json"]
    assert len(files) >= 8
    for f in files:
        _assert_valid(answer, f.read_bytes(), f.name)


def test_real_batch_answers_match_the_published_schema(
    client: TestClient, document: dict[str, Any]
) -> None:
    batch = validator(document, "BatchAnswer")
    rng = np.random.default_rng(3)
    w, s, e, n = DISTRICTS_BOX
    points = [[float(rng.uniform(w, e)), float(rng.uniform(s, n))] for _ in range(60)]
    features: list[Any] = [
        {
            "type": "Feature",
            "id": f"p{i}",
            "properties": {},
            "geometry": {"type": "Point", "coordinates": p},
        }
        for i, p in enumerate(points)
    ]
    features += [3, {"type": "Feature", "geometry": None}]  # error rows
    r = client.post(
        "/api/v1/lookup/batch", json={"type": "FeatureCollection", "features": features}
    )
    assert r.status_code == 200, r.text
    data = _assert_valid(batch, r.content, "batch")
    assert data["counts"]["error"] >= 2 and data["counts"]["ok"] + data["counts"]["edge"] > 40


def test_real_job_states_match_the_published_schema(
    client: TestClient, document: dict[str, Any]
) -> None:
    state = validator(document, "JobState")
    fc = {
        "type": "FeatureCollection",
        "features": [
            {"type": "Feature", "properties": {}, "geometry": {"type": "Point", "coordinates": p}}
            for p in ([116.95, 40.45], [116.7, 39.9], [0.0, 0.0])
        ],
    }
    r = client.post(
        "/api/v1/jobs",
        files={"file": ("points.geojson", json.dumps(fc).encode(), "application/geo+json")},
    )
    assert r.status_code == 202, r.text
    queued = _assert_valid(state, r.content, "POST /api/v1/jobs")
    client.app.state.jobs.wait(queued["job_id"], timeout=60)  # type: ignore[attr-defined]
    done = client.get(f"/api/v1/jobs/{queued['job_id']}")
    assert _assert_valid(state, done.content, "GET job")["status"] == "done"


def test_layer_documents_match_the_published_schema(
    client: TestClient, document: dict[str, Any]
) -> None:
    every = validator(document, "LayersDocument")
    one = validator(document, "LayerDocument")
    for as_of in ("2021-07-01", "2026-11-25", "2019-01-01", ""):
        data = _assert_valid(every, client.get(f"/api/v1/layers?as_of={as_of}").content, as_of)
        for layer in data["layers"]:
            r = client.get(f"/api/v1/layers/{layer['id']}?as_of={as_of}")
            _assert_valid(one, r.content, f"{layer['id']} {as_of}")


def test_health_matches_the_published_schema(client: TestClient, document: dict[str, Any]) -> None:
    r = client.get("/healthz")
    assert _assert_valid(validator(document, "Health"), r.content, "healthz")["status"] == "ok"
    declared = document["paths"]["/healthz"]["get"]["responses"]
    assert declared["503"]["content"]["application/json"]["schema"]["$ref"].endswith("/Health")


def _square(lon: float, lat: float, half: float, **props: Any) -> dict[str, Any]:
    """A GeoJSON feature: a square of ``half`` degrees around a WGS84 point."""
    ring = [[lon - half, lat - half], [lon + half, lat - half], [lon + half, lat + half],
            [lon - half, lat + half], [lon - half, lat - half]]  # fmt: skip
    return {"type": "Feature", "properties": props,
            "geometry": {"type": "Polygon", "coordinates": [ring]}}  # fmt: skip


def _fc(*features: dict[str, Any]) -> dict[str, Any]:
    return {"type": "FeatureCollection", "features": list(features)}


def test_real_coverage_answers_match_the_published_schema(
    client: TestClient, document: dict[str, Any]
) -> None:
    answer = validator(document, "CoverageAnswer")
    for path in ("/api/v1/coverage",):
        for method in ("get", "post"):
            declared = document["paths"][path][method]["responses"]["200"]
            assert declared["content"]["application/json"]["schema"]["$ref"].endswith(
                "/CoverageAnswer"
            )
    seen: set[tuple[Any, ...]] = set()
    for district in ("110112", "平谷区", "密云区"):
        for preset in ("radius500", "gbt50563"):
            for by in ("township", "district", "none"):
                for geometry in (False, True):
                    extent = "district" if by == "district" else "urban"
                    params = {"district": district, "preset": preset, "by": by,
                              "extent": extent, "include_geometry": geometry}  # fmt: skip
                    r = client.get("/api/v1/coverage", params=params)
                    assert r.status_code == 200, r.text
                    data = _assert_valid(answer, r.content, f"GET coverage {params}")
                    assert (data["units"] is None) == (by == "none")
                    assert ("service_area" in data) == geometry
                    seen.add((preset, data["headline_target"] is not None))
    assert len(seen) >= 2
    # what-if: the district's parks plus candidate parks, with and without geometry
    candidates = _fc(
        _square(116.66, 39.91, 0.002, zone_class="community", name="候选一"),
        _square(116.70, 39.88, 0.004, zone_class="comprehensive"),
    )
    for geometry in (False, True):
        body = {"district": "通州区", "parks": candidates, "include_geometry": geometry}
        r = client.post("/api/v1/coverage", json=body)
        assert r.status_code == 200, r.text
        data = _assert_valid(answer, r.content, f"what-if {geometry}")
        assert data["parks"]["considered"] >= 2
    # ad hoc: posted parks, residential land and units, in WGS84
    parks = _fc(_square(116.66, 39.91, 0.003, zone_class="community", name="公园"))
    residential = _fc(
        _square(116.665, 39.91, 0.002, zone_class="0701"),
        _square(116.75, 39.95, 0.002, zone_class="0701", name="远处"),
        _square(116.66, 39.915, 0.001, zone_class="0703"),
    )
    units = _fc(_square(116.7, 39.93, 0.1, code="U1", name="单元"))
    for body in (
        {"parks": parks, "residential": residential},
        {"parks": parks, "residential": residential, "units": units, "include_geometry": True},
        {"parks": parks, "residential": residential, "residential_classes": "0701,0703",
         "preset": "radius500", "extent": units["features"][0]["geometry"]},
        {"parks": _fc(), "residential": residential, "include_geometry": True},
    ):  # fmt: skip
        r = client.post("/api/v1/coverage", json=body)
        assert r.status_code == 200, r.text
        data = _assert_valid(answer, r.content, f"ad hoc {sorted(body)}")
        assert "district" not in data and data["total_m2"] > 0


def test_rules_activities_and_config_match_the_published_schema(
    client: TestClient, document: dict[str, Any]
) -> None:
    for path, name in (("/api/v1/rules", "RulesDocument"),
                       ("/api/v1/activities", "ActivitiesDocument"),
                       ("/api/v1/config", "ConfigDocument")):  # fmt: skip
        declared = document["paths"][path]["get"]["responses"]["200"]
        assert declared["content"]["application/json"]["schema"]["$ref"].endswith(f"/{name}")
    rules = validator(document, "RulesDocument")
    whole = _assert_valid(rules, client.get("/api/v1/rules").content, "rules")
    assert any(r["activity"] == "*" for r in whole["rules"])
    assert any(r["dimensions"] for r in whole["rules"])
    codes = [a["code"] for a in whole["activities"]]
    kinds = sorted({r["kind"] for r in whole["rules"]})
    queries: list[dict[str, Any]] = [{"kind": k} for k in kinds]
    queries += [{"activity": c} for c in codes]
    queries += [{"district": d} for d in ("110112", "110117", "110118")]
    queries += [{"kind": kinds[0], "activity": codes[:3], "district": "110117"}]
    for params in queries:
        r = client.get("/api/v1/rules", params=params)
        assert r.status_code == 200, r.text
        data = _assert_valid(rules, r.content, f"rules {params}")
        assert data["rules"] and all(row["activity"] != "*" for row in data["rules"])
    activities = validator(document, "ActivitiesDocument")
    data = _assert_valid(activities, client.get("/api/v1/activities").content, "activities")
    assert [a["code"] for a in data["activities"]] == codes
    config = validator(document, "ConfigDocument")
    data = _assert_valid(config, client.get("/api/v1/config").content, "config")
    assert data["dates"] is not None and data["layers"]
    # a layer set without an admin layer answers dates: null, which the schema admits
    assert not list(config.iter_errors({**data, "dates": None}))


def test_ogc_documents_match_the_published_schema(
    client: TestClient, document: dict[str, Any]
) -> None:
    names = {"/ogc": "Landing", "/ogc/conformance": "Conformance",
             "/ogc/collections": "Collections",
             "/ogc/collections/{collection_id}": "CollectionDocument",
             "/ogc/collections/{collection_id}/queryables": "Queryables",
             "/ogc/collections/{collection_id}/items": "FeatureCollectionDocument",
             "/ogc/collections/{collection_id}/items/{feature_id}": "FeatureDocument"}  # fmt: skip
    for path, name in names.items():
        content = document["paths"][path]["get"]["responses"]["200"]["content"]
        assert [c["schema"]["$ref"].rsplit("/", 1)[1] for c in content.values()] == [name]
    v = {name: validator(document, name) for name in names.values()}
    _assert_valid(v["Landing"], client.get("/ogc").content, "landing")
    _assert_valid(v["Conformance"], client.get("/ogc/conformance").content, "conformance")
    listed = _assert_valid(v["Collections"], client.get("/ogc/collections").content, "all")
    ids = [c["id"] for c in listed["collections"]]
    assert any("__" in i for i in ids) and any("__" not in i for i in ids)
    public = [c["id"] for c in listed["collections"] if c["access"] == "public"]
    restricted = [c for c in listed["collections"] if c["access"] == "restricted"]
    assert all("spatial" not in c["extent"] for c in restricted)
    checked = 0
    for cid in ids:
        _assert_valid(v["CollectionDocument"], client.get(f"/ogc/collections/{cid}").content, cid)
    for cid in public:
        r = client.get(f"/ogc/collections/{cid}/queryables")
        _assert_valid(v["Queryables"], r.content, f"{cid} queryables")
        for params in ({"limit": 3}, {"limit": 2, "offset": 1, "simplify": 30},
                       {"limit": 2, "crs": "http://www.opengis.net/def/crs/EPSG/0/4548"},
                       {"limit": 1, "datetime": "2019-01-01"}):  # fmt: skip
            r = client.get(f"/ogc/collections/{cid}/items", params=params)
            assert r.status_code == 200, r.text
            page = _assert_valid(v["FeatureCollectionDocument"], r.content, f"{cid} {params}")
            for feat in page["features"][:1]:
                one = client.get(f"/ogc/collections/{cid}/items/{feat['id']}")
                assert one.status_code == 200, one.text
                _assert_valid(v["FeatureDocument"], one.content, f"{cid}/{feat['id']}")
                checked += 1
    assert checked >= 2 * len(public)


def test_tile_documents_match_the_published_schema(
    client: TestClient, document: dict[str, Any]
) -> None:
    base = "/ogc/collections/{collection_id}/tiles"
    names = {base: "Tilesets", f"{base}/WebMercatorQuad": "Tileset",
             f"{base}/WebMercatorQuad/tilejson.json": "TileJSON"}  # fmt: skip
    for path, name in names.items():
        content = document["paths"][path]["get"]["responses"]["200"]["content"]
        assert [c["schema"]["$ref"].rsplit("/", 1)[1] for c in content.values()] == [name]
    v = {name: validator(document, name) for name in names.values()}
    ids = [c["id"] for c in client.get("/ogc/collections").json()["collections"]]
    for cid in ids:
        for params in ({}, {"datetime": "2022-06-01"}):
            sets = _assert_valid(
                v["Tilesets"],
                client.get(f"/ogc/collections/{cid}/tiles", params=params).content,
                cid,
            )
            assert len(sets["tilesets"]) == 1
            one = client.get(f"/ogc/collections/{cid}/tiles/WebMercatorQuad", params=params)
            _assert_valid(v["Tileset"], one.content, f"{cid} tileset")
            tj = client.get(
                f"/ogc/collections/{cid}/tiles/WebMercatorQuad/tilejson.json", params=params
            )
            doc = _assert_valid(v["TileJSON"], tj.content, f"{cid} tilejson")
            assert doc["tiles"][0].endswith(
                "{z}/{y}/{x}" + (f"?datetime={params['datetime']}" if params else "")
            )
