"""Lookup endpoints: answers on the tiny layer set, the stored report, and every bad input."""

from __future__ import annotations

import json
import math
import random
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qsl

import pytest
from api_client import api_client
from fastapi.testclient import TestClient
from layerset_builder import X0, Y0
from pyproj import Transformer
from test_ogc import build_tiny

from api.main import create_app
from api.routes.lookup import query_values
from geozone.report_store import ReportStore
from geozone.settings import QuerySettings, Settings

TO_WGS84 = Transformer.from_crs("EPSG:4548", "EPSG:4326", always_xy=True)


def lonlat(dx: float, dy: float) -> tuple[float, float]:
    lon, lat = TO_WGS84.transform(X0 + dx, Y0 + dy)
    return float(lon), float(lat)


def square(dx: float, dy: float, size: float) -> dict:
    ring = [
        lonlat(dx, dy),
        lonlat(dx + size, dy),
        lonlat(dx + size, dy + size),
        lonlat(dx, dy + size),
        lonlat(dx, dy),
    ]
    return {"type": "Polygon", "coordinates": [[list(p) for p in ring]]}


@pytest.fixture(scope="module")
def tiny_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_tiny(tmp_path_factory.mktemp("lookup_layers"))


@pytest.fixture(scope="module")
def client(tiny_root: Path) -> Iterator[TestClient]:
    with api_client(
        tiny_root,
        tiny_root.parent,
        max_body_bytes=20_000,
        query=QuerySettings(max_vertices=50, max_batch_features=3),
    ) as c:
        yield c


def test_get_point_in_red_line(client: TestClient) -> None:
    lon, lat = lonlat(1700, 500)  # inside red line r1, eco_control cz3, district 110112
    r = client.get("/api/v1/lookup", params={"lon": lon, "lat": lat, "as_of": "2024-01-01"})
    assert r.status_code == 200
    assert r.headers["content-type"] == "application/json"
    body = r.json()
    inside = {(h["layer_id"], h["feature_id"]) for h in body["hits"] if h["inside"]}
    assert {("redline", "r1"), ("control_zone", "cz3"), ("admin", "110112")} <= inside
    assert body["inside_territory"] is True
    assert body["admin"]["district"]["code"] == "110112"
    assert body["as_of"] == "2024-01-01"
    assert body["synthetic"] is True
    assert body["query"]["tolerance_m"] == 5.0
    assert len(body["verdicts"]) == len(client.get("/api/v1/activities").json()["activities"])


def test_get_point_outside_territory_is_outside(client: TestClient) -> None:
    lon, lat = lonlat(5000, 5000)
    body = client.get("/api/v1/lookup", params={"lon": lon, "lat": lat}).json()
    assert body["inside_territory"] is False
    assert {v["verdict"] for v in body["verdicts"]} == {"outside"}


def test_post_parcel_overlap_area(client: TestClient) -> None:
    # 100 m x 100 m square straddling cz2 (800..1400) and cz3 (1400..2000): 50/50
    r = client.post(
        "/api/v1/lookup",
        json={"geometry": square(1350, 300, 100), "activity": "commercial", "as_of": "2024-01-01"},
    )
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["query"]["type"] == "parcel"
    assert body["query"]["area_m2"] == pytest.approx(10_000, rel=1e-3)
    cz = {h["feature_id"]: h for h in body["hits"] if h["layer_id"] == "control_zone"}
    assert cz["cz2"]["overlap_m2"] == pytest.approx(5_000, rel=1e-3)
    assert cz["cz3"]["overlap_share"] == pytest.approx(0.5, rel=1e-3)
    assert [v["activity"] for v in body["verdicts"]] == ["commercial"]


def test_post_feature_and_activities(client: TestClient) -> None:
    feature = {"type": "Feature", "properties": {}, "geometry": square(1600, 300, 50)}
    r = client.post(
        "/api/v1/lookup", json={"feature": feature, "activities": ["commercial", "urban_housing"]}
    )
    assert r.status_code == 200, r.text
    assert [v["activity"] for v in r.json()["verdicts"]] == ["commercial", "urban_housing"]


def test_answer_is_stored_and_fetched_verbatim(client: TestClient) -> None:
    lon, lat = lonlat(700, 500)
    r = client.get("/api/v1/lookup", params={"lon": lon, "lat": lat, "as_of": "2024-02-02"})
    rid = r.json()["report_id"]
    stored = client.get(f"/api/v1/reports/{rid}")
    assert stored.status_code == 200
    assert stored.text == r.text
    page = client.get(f"/api/v1/reports/{rid}?format=html")
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    html = page.text
    assert rid in html
    assert "SYNTHETIC DEMO DATA" in html
    assert "2024-02-02" in html
    assert "@page" in html and "A4" in html
    assert f"/api/v1/reports/{rid}?format=html" in html  # permalink
    for v in r.json()["verdicts"]:
        assert v["activity_zh"] in html
    assert client.get(f"/api/v1/reports/{rid}/html").text == html


def test_same_question_same_report_id(client: TestClient) -> None:
    lon, lat = lonlat(100, 100)
    params = {"lon": lon, "lat": lat, "as_of": "2024-03-03", "activity": "commercial"}
    a = client.get("/api/v1/lookup", params=params)
    b = client.get("/api/v1/lookup", params=params)
    assert a.text == b.text


def test_repair_bowtie(client: TestClient) -> None:
    a, b, c, d = lonlat(100, 100), lonlat(200, 200), lonlat(200, 100), lonlat(100, 200)
    bow = {"type": "Polygon", "coordinates": [[list(a), list(b), list(c), list(d), list(a)]]}
    refused = client.post("/api/v1/lookup", json={"geometry": bow})
    assert refused.status_code == 422
    assert refused.json()["code"] == "invalid_geometry"
    repaired = client.post("/api/v1/lookup", json={"geometry": bow, "repair": True})
    assert repaired.status_code == 200
    assert repaired.json()["warnings"]


LON, LAT = lonlat(700, 500)


@pytest.mark.parametrize(
    ("params", "code"),
    [
        ({"lon": LAT, "lat": LON}, "swapped_lon_lat"),
        ({"lon": LON, "lat": LAT, "crs": "EPSG:999999"}, "unknown_crs"),
        ({"lon": LON, "lat": LAT, "crs": "mars-2"}, "unknown_crs"),
        ({"lon": LON, "lat": LAT, "activity": "casino"}, "unknown_activity"),
        ({"lon": LON, "lat": LAT, "as_of": "2024-13-45"}, "invalid_date"),
        ({"lon": LON, "lat": LAT, "as_of": "tomorrow"}, "invalid_date"),
        ({"lon": LON, "lat": LAT, "tolerance_m": 10_000}, "invalid_input"),
        ({"lon": "east", "lat": LAT}, "invalid_request"),
        ({"lat": LAT}, "invalid_request"),
    ],
)
def test_get_bad_input(client: TestClient, params: dict, code: str) -> None:
    r = client.get("/api/v1/lookup", params=params)
    assert r.status_code == 422, r.text
    body = r.json()
    assert body["code"] == code
    assert body["message"]
    assert "Traceback" not in r.text


def _reference_values(text: str) -> dict[str, str]:
    """``dict(parse_qsl(...))``, except repeated ``activity`` values joined by commas."""
    out: dict[str, str] = {}
    for name, value in parse_qsl(text, keep_blank_values=True):
        out[name] = f"{out[name]},{value}" if name == "activity" and name in out else value
    return out


def test_query_values_read_as_parse_qsl_does() -> None:
    """The plain-text shortcut gives what ``dict(parse_qsl(...))`` gives, on any text.

    Repeated ``activity`` values are joined by commas, in order.
    """
    rng = random.Random(2)
    texts = ["", "&", "=", "a", "a=", "=b", "a=b=c", "a=1&a=2", "&&a=1&&", "a=%41", "a+b=c+d"]
    texts += ["activity=a&activity=b", "activity=a&xactivity=b", "activity&activity=b"]
    words = ["activity", "a", "b", "=", "&", "%2C", "+", "x", ","]
    texts += [
        "".join(rng.choice("ab=&%+2F0.-_") for _ in range(rng.randint(0, 14))) for _ in range(5000)
    ]
    texts += ["".join(rng.choice(words) for _ in range(rng.randint(0, 12))) for _ in range(3000)]
    for text in texts:
        assert query_values(text) == _reference_values(text), text
    assert query_values("lon=1&activity=a&lat=2&activity=b") == {
        "lon": "1",
        "activity": "a,b",
        "lat": "2",
    }


def test_get_plain_and_quoted_query_strings_agree(client: TestClient) -> None:
    plain = client.get(f"/api/v1/lookup?lon={LON!r}&lat={LAT!r}&activity=urban_housing")
    lat = repr(LAT).replace(".", "%2E")  # the same text, quoted
    quoted = client.get(f"/api/v1/lookup?lon={LON!r}&lat={lat}&activity=urban%5Fhousing&x=a+b")
    assert plain.status_code == quoted.status_code == 200, quoted.text
    assert plain.json()["report_id"] == quoted.json()["report_id"]


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({"geometry": {"type": "Polygon", "coordinates": "nope"}}, "invalid_geojson"),
        (
            {"geometry": {"type": "LineString", "coordinates": [[116.6, 39.8], [116.7, 39.9]]}},
            "invalid_geojson",
        ),
        (
            {"geometry": {"type": "Polygon", "coordinates": [[[116.6, 39.8], [116.7, 39.8]]]}},
            "invalid_geojson",
        ),
        ({}, "invalid_geojson"),
        ({"geometry": square(100, 100, 10), "feature": {"type": "Feature"}}, "invalid_geojson"),
        ({"geometry": square(100, 100, 10), "crs": "EPSG:123456789"}, "unknown_crs"),
        ({"geometry": square(100, 100, 10), "activity": "casino"}, "unknown_activity"),
        ({"geometry": square(100, 100, 10), "as_of": "31/12/2024"}, "invalid_date"),
        ({"geometry": square(100, 100, 10), "geom": {}}, "invalid_request"),
        ({"geometry": {"type": "Point", "coordinates": [LAT, LON]}}, "swapped_lon_lat"),
    ],
)
def test_post_bad_input(client: TestClient, body: dict, code: str) -> None:
    r = client.post("/api/v1/lookup", json=body)
    assert r.status_code == 422, r.text
    assert r.json()["code"] == code


def test_malformed_json(client: TestClient) -> None:
    r = client.post(
        "/api/v1/lookup", content=b'{"geometry": ', headers={"content-type": "application/json"}
    )
    assert r.status_code == 422
    assert r.json()["code"] == "invalid_json"
    assert "JSON" in r.json()["message"]


def test_too_many_vertices(client: TestClient) -> None:
    ring = [
        list(lonlat(500 + 100 * math.cos(t), 500 + 100 * math.sin(t)))
        for t in [2 * math.pi * i / 80 for i in range(80)]
    ]
    ring.append(ring[0])
    r = client.post("/api/v1/lookup", json={"geometry": {"type": "Polygon", "coordinates": [ring]}})
    assert r.status_code == 413
    assert r.json()["code"] == "query_too_large"


def test_body_over_limit_declared(client: TestClient) -> None:
    big = json.dumps({"geometry": square(100, 100, 10), "pad": "x" * 30_000})
    r = client.post("/api/v1/lookup", content=big, headers={"content-type": "application/json"})
    assert r.status_code == 413
    assert r.json()["code"] == "query_too_large"


def test_body_over_limit_streamed(client: TestClient) -> None:
    def chunks() -> Iterator[bytes]:
        yield b'{"geometry": null, "pad": "'
        for _ in range(30):
            yield b"x" * 1000
        yield b'"}'

    r = client.post(
        "/api/v1/lookup", content=chunks(), headers={"content-type": "application/json"}
    )
    assert r.status_code == 413
    assert r.json()["code"] == "query_too_large"


@pytest.mark.parametrize(
    ("url", "code"),
    [
        ("/api/v1/reports/" + "0" * 32, "report_not_found"),
        ("/api/v1/reports/not-an-id", "report_not_found"),
        ("/api/v1/reports/" + "0" * 32 + "/html", "report_not_found"),
        ("/api/v1/layers/nope", "layer_not_found"),
        ("/api/v1/nothing-here", "not_found"),
    ],
)
def test_not_found(client: TestClient, url: str, code: str) -> None:
    r = client.get(url)
    assert r.status_code == 404
    assert r.json()["code"] == code


def test_method_not_allowed_is_json(client: TestClient) -> None:
    r = client.delete("/api/v1/lookup")
    assert r.status_code == 405
    assert r.json()["code"] == "method_not_allowed"


def test_answers_are_stored_when_served_and_counts_at_shutdown(
    tiny_root: Path, tmp_path: Path
) -> None:
    store_path = tmp_path / "behind.sqlite"
    settings = Settings(layers_dir=tiny_root, report_store=store_path, jobs_dir=tmp_path / "jobs")
    lon, lat = lonlat(1700, 500)
    params = {"lon": lon, "lat": lat, "as_of": "2024-01-01", "activity": "commercial"}
    with TestClient(create_app(settings)) as c:
        first = c.get("/api/v1/lookup", params=params)
        rid = first.json()["report_id"]
        assert c.get(f"/api/v1/reports/{rid}").text == first.text  # committed when served
        c.get("/api/v1/lookup", params=params)  # a repeat: counted, written behind
        c.get("/api/v1/lookup", params={**params, "activity": "urban_housing"})
    # the app's shutdown wrote the counts: a fresh store (a new process, say) sees them
    reopened = ReportStore(store_path)
    try:
        assert reopened.count() == 2
        assert reopened.get(rid).times_asked == 2
        assert reopened.get(rid).answer_json == first.text
    finally:
        reopened.close()


def test_a_store_that_cannot_write_answers_503_and_healthz_degraded(
    tiny_root: Path, tmp_path: Path
) -> None:
    # a full disk in one file (SQLite's max_page_count): no 200 without a stored answer
    settings = Settings(
        layers_dir=tiny_root, report_store=tmp_path / "full.sqlite", jobs_dir=tmp_path / "jobs"
    )
    lon, lat = lonlat(1700, 500)
    with TestClient(create_app(settings)) as c:
        assert c.get("/healthz").json()["report_store"]["writable"] is True
        conn = c.app.state.reports._writer.conn  # type: ignore[attr-defined]
        (pages,) = conn.execute("PRAGMA page_count").fetchone()
        conn.execute(f"PRAGMA max_page_count={pages}")
        for r in (
            c.get("/api/v1/lookup", params={"lon": lon, "lat": lat}),
            c.post(
                "/api/v1/lookup", json={"geometry": {"type": "Point", "coordinates": [lon, lat]}}
            ),
        ):
            assert r.status_code == 503, r.text
            assert r.json()["code"] == "report_store_unavailable"
            assert r.json()["detail"]["error"] == "disk_full"
            assert int(r.headers["retry-after"]) > 0
            assert str(tmp_path) not in r.text
        health = c.get("/healthz")
        assert health.status_code == 503
        assert health.json()["status"] == "degraded"
        assert health.json()["report_store"]["error"] == "disk_full"
        conn.execute("PRAGMA max_page_count=1073741823")
        r = c.get("/api/v1/lookup", params={"lon": lon, "lat": lat})
        assert r.status_code == 200
        assert c.get(f"/api/v1/reports/{r.json()['report_id']}").text == r.text
        assert c.get("/healthz").json()["status"] == "ok"
