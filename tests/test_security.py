"""Security defaults: headers, CSP on HTML pages, 405 with Allow, public-URL links,
and no absolute server path in any error message."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from api_client import api_client
from fastapi.testclient import TestClient
from tiny_layers import build_tiny_layers, lonlat

from api.security import basemap_source, inline_hashes, policy

PUBLIC = "https://geozone.example.org"
EVIL = {"Host": "evil.example"}
SERVER_PATHS = re.compile(r"/work/|/tmp/|/home/|site-packages|/var/|/usr/")


@pytest.fixture(scope="module")
def layers_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_tiny_layers(tmp_path_factory.mktemp("security-layers"))


@pytest.fixture(scope="module")
def client(layers_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    with api_client(
        layers_dir,
        tmp_path_factory.mktemp("security-work"),
        public_url=PUBLIC + "/",
        admin_token="admin-secret",
        basemap_url="https://{s}.tiles.example.net/{z}/{x}/{y}.png",
    ) as c:
        yield c


def _point() -> tuple[float, float]:
    return lonlat(1500.0, 7500.0)


@pytest.fixture(scope="module")
def report_id(client: TestClient) -> str:
    lon, lat = _point()
    r = client.get(f"/api/v1/lookup?lon={lon}&lat={lat}")
    assert r.status_code == 200
    return str(r.json()["report_id"])


def test_every_response_has_nosniff(client: TestClient, report_id: str) -> None:
    lon, lat = _point()
    for method, path in [
        ("GET", f"/api/v1/lookup?lon={lon}&lat={lat}"),
        ("GET", "/api/v1/lookup?lon=x"),
        ("GET", "/healthz"),
        ("GET", "/ogc/collections"),
        ("GET", "/nowhere"),
        ("GET", "/static/js/main.js"),
        ("PUT", "/api/v1/lookup"),
        ("GET", f"/api/v1/reports/{report_id}"),
    ]:
        r = client.request(method, path)
        assert r.headers["x-content-type-options"] == "nosniff", path
        assert r.headers["referrer-policy"] == "no-referrer", path
        assert r.headers["x-frame-options"] == "DENY", path
        if not r.headers.get("content-type", "").startswith("text/html"):
            assert "content-security-policy" not in r.headers, path
    too_big = client.post("/api/v1/lookup", content=b"x" * 6_000_000)
    assert too_big.status_code == 413
    assert too_big.headers["x-content-type-options"] == "nosniff"


def test_html_pages_have_a_csp_allowing_exactly_their_inline_blocks(
    client: TestClient, report_id: str
) -> None:
    pages = [
        "/",
        "/static/report.html",
        "/static/index.html",
        "/docs",
        f"/api/v1/reports/{report_id}?format=html",
        f"/api/v1/reports/{report_id}/html",
    ]
    for path in pages:
        r = client.get(path)
        assert r.status_code == 200, path
        assert r.headers["content-type"].startswith("text/html"), path
        csp = r.headers["content-security-policy"]
        directives = dict(d.strip().split(" ", 1) for d in csp.split(";"))
        assert directives["default-src"] == "'self'"
        assert directives["frame-ancestors"] == "'none'"
        assert directives["object-src"] == "'none'"
        assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
        # the offered basemaps' hosts: OSM and AMap by default, and the custom basemap_url
        assert directives["img-src"] == (
            "'self' data: https://tile.openstreetmap.org https://*.is.autonavi.com "
            "https://*.tiles.example.net"
        )
        scripts, styles = inline_hashes([r.text])
        for h in scripts:
            assert h in directives["script-src"], (path, h)
        for h in styles:
            assert h in directives["style-src"], (path, h)
    # the pages do need their inline blocks (import maps, Swagger's init, print styles)
    assert inline_hashes([client.get("/").text])[0]
    assert inline_hashes([client.get("/docs").text])[0]
    assert inline_hashes([client.get(f"/api/v1/reports/{report_id}/html").text])[1]


def test_policy_and_basemap_source() -> None:
    assert basemap_source(None) is None
    assert basemap_source("https://{s}.tile.osm.org/{z}/{x}/{y}.png") == "https://*.tile.osm.org"
    assert basemap_source("https://tiles.example.org/{z}/{x}/{y}.png") == (
        "https://tiles.example.org"
    )
    assert basemap_source("https://t{s}.example.org/{z}/{x}/{y}.png") == "https://*.example.org"
    assert basemap_source("https://tiles.{s}.example.org/{z}/{x}/{y}.png") == "https:"
    assert basemap_source("https://{s}.org/{z}/{x}/{y}.png") == "https:"
    assert basemap_source("javascript:alert(1)") is None
    page = "<script>let a = 1;</script><script src='/x.js'></script><style>p{}</style>"
    csp = policy([page])
    assert csp.count("'sha256-") == 2
    assert "img-src 'self' data:;" in csp


@pytest.mark.parametrize(
    ("method", "path", "allow"),
    [
        ("PUT", "/api/v1/lookup", "GET, HEAD, POST"),
        ("DELETE", "/ogc/collections", "GET"),
        ("POST", "/ogc/collections/redline/items", "GET"),
        ("POST", "/api/v1/reports/abc", "GET"),
        ("GET", "/api/v1/jobs", "POST"),
        ("PUT", "/api/v1/lookup/batch", "POST"),
        ("POST", "/static/report.html", "GET, HEAD"),
        ("DELETE", "/docs", "GET"),
    ],
)
def test_wrong_method_is_405_with_allow(
    client: TestClient, method: str, path: str, allow: str
) -> None:
    r = client.request(method, path)
    assert r.status_code == 405, r.text
    assert r.headers["allow"] == allow
    assert r.json()["code"] == "method_not_allowed"


def test_links_use_public_url_not_host_header(client: TestClient, report_id: str) -> None:
    hrefs: list[str] = []

    def collect(doc: object) -> None:
        text = json.dumps(doc)
        hrefs.extend(re.findall(r'"href": "([^"]+)"', text))
        assert "evil.example" not in text

    collect(client.get("/ogc", headers=EVIL).json())
    collect(client.get("/ogc/collections", headers=EVIL).json())
    collect(client.get("/ogc/collections/water", headers=EVIL).json())
    page = client.get("/ogc/collections/water/items?limit=1&offset=1", headers=EVIL).json()
    rels = {link["rel"] for link in page["links"]}
    assert {"self", "next", "prev"} <= rels
    collect(page)
    collect(client.get("/ogc/collections/water/items/W1", headers=EVIL).json())
    assert len(hrefs) > 10
    assert all(h.startswith(PUBLIC + "/") for h in hrefs), hrefs
    assert not any("//" in h[len(PUBLIC) :] for h in hrefs), hrefs

    job = client.post(
        "/api/v1/jobs",
        headers=EVIL,
        files={"file": ("a.geojson", b'{"type": "FeatureCollection", "features": []}')},
    )
    assert job.status_code == 202
    links = job.json()["links"]
    assert all(v.startswith(f"{PUBLIC}/api/v1/jobs/") for v in links.values()), links
    status = client.get(f"/api/v1/jobs/{job.json()['job_id']}", headers=EVIL).json()
    assert status["links"]["status"].startswith(PUBLIC)

    html = client.get(f"/api/v1/reports/{report_id}/html", headers=EVIL).text
    assert f"{PUBLIC}/api/v1/reports/{report_id}" in html
    assert "evil.example" not in html


def test_slash_redirects_use_public_url(client: TestClient) -> None:
    for path, target in [
        ("/ogc/collections/", "/ogc/collections"),
        ("/api/v1/layers/?as_of=2024-01-01", "/api/v1/layers?as_of=2024-01-01"),
    ]:
        r = client.get(path, headers=EVIL, follow_redirects=False)
        assert r.status_code in (307, 308), r.text
        assert r.headers["location"] == PUBLIC + target


def test_links_follow_the_request_without_public_url(layers_dir: Path, tmp_path: Path) -> None:
    with api_client(layers_dir, tmp_path) as c:
        doc = c.get("/ogc", headers=EVIL).json()
    assert doc["links"][0]["href"] == "http://evil.example/ogc"


def test_errors_name_no_server_path(client: TestClient, tmp_path: Path) -> None:
    bodies: dict[str, str] = {}
    bodies["ogc unknown"] = client.get("/ogc/collections/nope/items").text
    bodies["ogc feature"] = client.get("/ogc/collections/water/items/nope").text
    bodies["job not found"] = client.get("/api/v1/jobs/" + "0" * 32).text
    bodies["job result"] = client.get("/api/v1/jobs/" + "0" * 32 + "/result").text
    bodies["report not found"] = client.get("/api/v1/reports/" + "0" * 32).text
    bodies["report html"] = client.get("/api/v1/reports/" + "0" * 32 + "/html").text
    bodies["upload type"] = client.post("/api/v1/jobs", files={"file": ("a.exe", b"MZ")}).text
    for name, payload in (
        ("a.gpkg", b"not a geopackage"),
        ("b.csv", b"\xff\xfe\x00bad"),
        ("c.zip", b"PK\x03\x04zz"),
    ):
        job = client.post("/api/v1/jobs", files={"file": (name, payload)})
        assert job.status_code == 202, job.text
        job_id = job.json()["job_id"]
        done = client.app.state.jobs.wait(job_id)  # type: ignore[attr-defined]
        assert done.status == "failed"
        bodies[f"job {name}"] = client.get(f"/api/v1/jobs/{job_id}").text
        bodies[f"job {name} result"] = client.get(f"/api/v1/jobs/{job_id}/result").text
    bodies["admin upload"] = client.post(
        "/api/v1/admin/layers/redline/versions",
        headers={"Authorization": "Bearer admin-secret"},
        data={"version": "9", "valid_from": "2030-01-01", "source_crs": "EPSG:4326"},
        files={"file": ("x.gpkg", b"not a geopackage", "application/octet-stream")},
    ).text
    bodies["admin zip"] = client.post(
        "/api/v1/admin/layers/redline/versions",
        headers={"Authorization": "Bearer admin-secret"},
        data={"version": "9", "valid_from": "2030-01-01", "source_crs": "EPSG:4326"},
        files={"file": ("x.zip", b"PK\x03\x04garbage", "application/zip")},
    ).text
    for name, body in bodies.items():
        assert not SERVER_PATHS.search(body), (name, body)
    assert "a.gpkg" in bodies["job a.gpkg"]  # the file is still named, by its name
