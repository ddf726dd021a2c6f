"""Every bad request explains itself (#17): repeated activities, bare GeoJSON bodies,
JSON errors with line and column, projected coordinates, and report content negotiation.

Each case goes through the API and asserts the status, the code and the key words of
the message a permit reviewer reads.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

import httpx
import pytest
from api_client import api_client
from fastapi.testclient import TestClient
from layerset_builder import X0, Y0
from test_api_lookup import lonlat, square
from test_ogc import build_tiny

from geozone.query import projected_guesses
from geozone.settings import QuerySettings

LON, LAT = lonlat(1700, 500)  # inside red line r1
ACTS = ("commercial", "urban_housing")
BROWSER_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    root = build_tiny(tmp_path_factory.mktemp("message_layers"))
    with api_client(root, root.parent, query=QuerySettings(max_batch_features=3)) as c:
        yield c


def point_url(query: str) -> str:
    return f"/api/v1/lookup?lon={LON!r}&lat={LAT!r}&{query}"


def assert_error(r: httpx.Response, status: int, code: str, *words: str) -> dict:
    assert r.status_code == status, r.text
    body = r.json()
    assert set(body) == {"code", "message", "detail"}
    assert body["code"] == code, body
    for word in words:
        assert word in body["message"], (word, body["message"])
    assert "Traceback" not in r.text and "/work/" not in r.text
    return dict(body)


# --- repeated activity parameters -------------------------------------------------------


@pytest.mark.parametrize(
    "query",
    [
        "activity=commercial&activity=urban_housing",
        "activity=commercial&activity=urban_housing&activity=commercial",
        "activity=commercial,urban_housing&activity=urban_housing",
        "activity=commercial&activity=urban%5Fhousing",  # the quoted (parse_qsl) path
        "activity=commercial&x=a+b&activity=urban_housing",
    ],
)
def test_get_repeated_activity_is_the_comma_form(client: TestClient, query: str) -> None:
    comma = client.get(point_url("activity=commercial,urban_housing"))
    repeated = client.get(point_url(query))
    assert comma.status_code == repeated.status_code == 200, repeated.text
    assert repeated.json()["report_id"] == comma.json()["report_id"]
    assert repeated.content == comma.content
    assert [v["activity"] for v in repeated.json()["verdicts"]] == list(ACTS)


def test_get_repeated_activity_checks_every_code(client: TestClient) -> None:
    r = client.get(point_url("activity=commercial&activity=casino"))
    assert_error(r, 422, "unknown_activity", "casino")


def test_batch_repeated_activity(client: TestClient) -> None:
    body = {
        "type": "FeatureCollection",
        "features": [{"type": "Feature", "properties": {}, "geometry": square(100, 100, 10)}],
    }
    comma = client.post("/api/v1/lookup/batch?activity=commercial,urban_housing", json=body)
    repeated = client.post(
        "/api/v1/lookup/batch?activity=commercial&activity=urban_housing", json=body
    )
    assert comma.status_code == repeated.status_code == 200, repeated.text
    assert repeated.json()["activities"] == list(ACTS)
    assert repeated.json() == comma.json()


def test_job_form_repeated_activity(client: TestClient) -> None:
    fc = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": {},
                "geometry": {"type": "Point", "coordinates": [LON, LAT]},
            }
        ],
    }
    r = client.post(
        "/api/v1/jobs",
        files={"file": ("p.geojson", json.dumps(fc).encode(), "application/geo+json")},
        data={"activity": list(ACTS)},
    )
    assert r.status_code == 202, r.text
    job_id = r.json()["job_id"]
    client.app.state.jobs.wait(job_id, timeout=60)  # type: ignore[attr-defined]
    state = client.get(f"/api/v1/jobs/{job_id}").json()
    assert state["status"] == "done", state
    assert state["summary"]["activities"] == list(ACTS)


def test_rules_repeated_activity(client: TestClient) -> None:
    url = "/api/v1/rules?kind=water_protection"
    one = [client.get(f"{url}&activity={a}").json()["rules"] for a in ACTS]
    both = client.get(f"{url}&activity=commercial&activity=urban_housing")
    comma = client.get(f"{url}&activity=commercial,urban_housing")
    assert both.status_code == 200, both.text
    assert both.json() == comma.json()
    rules = both.json()["rules"]
    assert {r["activity"] for r in rules} == set(ACTS)
    assert len(rules) == len(one[0]) + len(one[1])
    assert_error(client.get(f"{url}&activity=commercial&activity=casino"), 422, "unknown_activity")


# --- bare GeoJSON bodies ----------------------------------------------------------------


def test_bare_geometry_and_feature_answer_as_wrapped(client: TestClient) -> None:
    geometry = square(1650, 450, 100)
    feature = {"type": "Feature", "id": "A-1", "properties": {"name": "A-1"}, "geometry": geometry}
    collection = {"type": "FeatureCollection", "features": [feature]}
    wrapped = client.post("/api/v1/lookup", json={"geometry": geometry})
    assert wrapped.status_code == 200, wrapped.text
    for body in (geometry, feature, collection, {"feature": feature}):
        r = client.post("/api/v1/lookup", json=body)
        assert r.status_code == 200, r.text
        assert r.content == wrapped.content, body


def test_bare_point_answers_as_get(client: TestClient) -> None:
    bare = client.post("/api/v1/lookup", json={"type": "Point", "coordinates": [LON, LAT]})
    wrapped = client.post(
        "/api/v1/lookup", json={"geometry": {"type": "Point", "coordinates": [LON, LAT]}}
    )
    assert bare.status_code == 200, bare.text
    assert bare.content == wrapped.content


SHAPES = ('{"geometry"', '{"feature"', "bare GeoJSON Feature")


@pytest.mark.parametrize(
    ("body", "code", "words"),
    [
        ({"type": "Topology", "objects": {}}, "invalid_request", ("'Topology'", *SHAPES)),
        ({"geom": square(100, 100, 10)}, "invalid_request", ("unknown field 'geom'", *SHAPES)),
        (
            {"geometry": square(100, 100, 10), "activitys": ["x"], "tolerance": 1},
            "invalid_request",
            ("unknown fields 'activitys', 'tolerance'", *SHAPES),
        ),
        ([square(100, 100, 10)], "invalid_request", ("JSON array", *SHAPES)),
        ("Polygon", "invalid_request", ("JSON string", *SHAPES)),
        (
            {"type": "Feature", "geometry": square(100, 100, 10), "activities": ["commercial"]},
            "invalid_request",
            ("cannot carry lookup options (activities)", '{"feature": ...}'),
        ),
        (
            {**square(100, 100, 10), "crs": "EPSG:4548"},
            "invalid_request",
            ("cannot carry lookup options (crs)", '{"geometry": ...}'),
        ),
        (
            {"type": "LineString", "coordinates": [[LON, LAT], [LON + 0.01, LAT]]},
            "invalid_geojson",
            ("'LineString' is not accepted", "Polygon"),
        ),
        (
            {"type": "FeatureCollection", "features": []},
            "invalid_geojson",
            ("exactly one feature",),
        ),
        ({}, "invalid_geojson", ("exactly one of 'geometry'", *SHAPES)),
    ],
)
def test_body_shape_errors_show_accepted_shapes(
    client: TestClient, body: object, code: str, words: tuple[str, ...]
) -> None:
    assert_error(client.post("/api/v1/lookup", json=body), 422, code, *words)


def test_post_options_in_the_query_string_are_refused_not_ignored(client: TestClient) -> None:
    r = client.post("/api/v1/lookup?activity=commercial", json=square(100, 100, 10))
    assert_error(r, 422, "invalid_input", "JSON body, not the query string", "activity")


def test_bare_geometry_keeps_its_legacy_crs_member(client: TestClient) -> None:
    ring = [[EAST, NORTH], [EAST + 50, NORTH], [EAST + 50, NORTH + 50], [EAST, NORTH + 50]]
    polygon = {"type": "Polygon", "coordinates": [[*ring, ring[0]]]}
    member = {"type": "name", "properties": {"name": "EPSG:4548"}}
    bare = client.post("/api/v1/lookup", json={**polygon, "crs": member})
    wrapped = client.post("/api/v1/lookup", json={"geometry": polygon, "crs": "EPSG:4548"})
    assert bare.status_code == wrapped.status_code == 200, bare.text
    assert bare.content == wrapped.content


def test_openapi_describes_bare_bodies(client: TestClient) -> None:
    doc = client.get("/openapi.json").json()
    body = doc["paths"]["/api/v1/lookup"]["post"]["requestBody"]["content"]["application/json"]
    assert {"geometry", "feature", "bare_feature", "bare_geometry"} <= set(body["examples"])
    ref = body["schema"]["$ref"].rsplit("/", 1)[-1]
    options = doc["components"]["schemas"][ref]["anyOf"]
    titles = [o["title"] for o in options]
    assert titles == [
        "Lookup request",
        "GeoJSON Feature",
        "GeoJSON FeatureCollection of one Feature",
        "GeoJSON geometry",
    ]
    assert "geometry" in options[0]["properties"]


# --- JSON errors ------------------------------------------------------------------------


@pytest.mark.parametrize("url", ["/api/v1/lookup", "/api/v1/lookup/batch", "/api/v1/coverage"])
def test_malformed_json_names_line_and_column(client: TestClient, url: str) -> None:
    text = '{\n  "geometry": {\n    "type": "Point" "coordinates": [1, 2]}\n}'
    r = client.post(url, content=text.encode(), headers={"content-type": "application/json"})
    body = assert_error(
        r, 422, "invalid_json", "invalid JSON at line 3, column 21", "Expecting ',' delimiter"
    )
    assert body["detail"]["line"] == 3
    assert body["detail"]["column"] == 21


def test_truncated_json_names_the_end(client: TestClient) -> None:
    r = client.post(
        "/api/v1/lookup", content=b'{"geometry": ', headers={"content-type": "application/json"}
    )
    assert_error(r, 422, "invalid_json", "line 1, column 14", "Expecting value")


@pytest.mark.parametrize("content_type", [None, "text/plain", "application/x-www-form-urlencoded"])
def test_body_without_json_content_type(client: TestClient, content_type: str | None) -> None:
    headers = {"content-type": content_type} if content_type else {}
    body = json.dumps({"geometry": square(100, 100, 10)}).encode()
    r = client.post("/api/v1/lookup", content=body, headers=headers)
    assert_error(r, 422, "invalid_json", "Content-Type: application/json")


def test_body_not_utf8(client: TestClient) -> None:
    r = client.post(
        "/api/v1/lookup", content=b'{"a": "\xff"}', headers={"content-type": "application/json"}
    )
    assert_error(r, 400, "invalid_json", "UTF-8")


def test_no_body(client: TestClient) -> None:
    r = client.post("/api/v1/lookup", headers={"content-type": "application/json"})
    assert_error(r, 422, "invalid_request", "no body", "JSON object")


# --- projected coordinates --------------------------------------------------------------

EAST, NORTH = X0 + 1700, Y0 + 500  # the point above, in EPSG:4548 metres


def test_get_projected_metres_suggest_crs(client: TestClient) -> None:
    r = client.get(f"/api/v1/lookup?lon={EAST}&lat={NORTH}")
    body = assert_error(
        r, 422, "coordinates_look_projected", "projected metres", "crs=EPSG:4548", "not degrees"
    )
    assert body["detail"]["suggested_crs"][0] == "EPSG:4548"
    ok = client.get(f"/api/v1/lookup?lon={EAST}&lat={NORTH}&crs=EPSG:4548")
    assert ok.status_code == 200, ok.text


def test_post_projected_polygon_suggests_crs(client: TestClient) -> None:
    ring = [[EAST, NORTH], [EAST + 50, NORTH], [EAST + 50, NORTH + 50], [EAST, NORTH + 50]]
    polygon = {"type": "Polygon", "coordinates": [[*ring, ring[0]]]}
    r = client.post("/api/v1/lookup", json=polygon)
    assert_error(r, 422, "coordinates_look_projected", "projected metres", "crs=EPSG:4548")
    ok = client.post("/api/v1/lookup", json={"geometry": polygon, "crs": "EPSG:4548"})
    assert ok.status_code == 200, ok.text


def test_web_mercator_metres_suggest_3857(client: TestClient) -> None:
    r = client.get("/api/v1/lookup?lon=12986000&lat=4852000")
    assert_error(r, 422, "coordinates_look_projected", "crs=EPSG:3857")


def test_degrees_just_out_of_range_still_mention_crs(client: TestClient) -> None:
    r = client.get("/api/v1/lookup?lon=200&lat=40")
    assert_error(r, 422, "invalid_geojson", "longitude beyond ±180", "(lon, lat)", "crs=")


def test_swapped_degrees_keep_their_error(client: TestClient) -> None:
    r = client.get(f"/api/v1/lookup?lon={LAT!r}&lat={LON!r}")
    assert_error(r, 422, "swapped_lon_lat", "(lat, lon)")


# --- report content negotiation ---------------------------------------------------------


@pytest.fixture(scope="module")
def report_id(client: TestClient) -> str:
    return str(client.get(point_url("activity=commercial")).json()["report_id"])


@pytest.mark.parametrize(
    ("accept", "query", "media"),
    [
        (BROWSER_ACCEPT, "", "text/html"),
        ("text/html", "", "text/html"),
        ("application/json", "", "application/json"),
        ("*/*", "", "application/json"),
        ("application/json, text/html", "", "application/json"),
        ("text/html;q=0.5, application/json", "", "application/json"),
        (BROWSER_ACCEPT, "?format=json", "application/json"),
        ("application/json", "?format=html", "text/html"),
    ],
)
def test_report_follows_accept(
    client: TestClient, report_id: str, accept: str, query: str, media: str
) -> None:
    r = client.get(f"/api/v1/reports/{report_id}{query}", headers={"accept": accept})
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].startswith(media)
    assert "Accept" in r.headers["vary"]
    if media == "text/html":
        assert report_id in r.text
    else:
        assert r.json()["report_id"] == report_id


def test_report_not_found_is_json_for_a_browser(client: TestClient) -> None:
    r = client.get("/api/v1/reports/" + "0" * 32, headers={"accept": BROWSER_ACCEPT})
    assert_error(r, 404, "report_not_found")


def test_projected_guess_is_in_beijing() -> None:
    """The suggested CRS puts the example point where it was drawn (guards the table)."""
    assert [c for c, _ in projected_guesses(EAST, NORTH)][:1] == ["EPSG:4548"]
