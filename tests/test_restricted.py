"""Restricted layers: no geometry of them leaves the server without a reader token.

A tiny layer set (tests/tiny_layers.py) with its red line and an added park layer marked
``access = "restricted"``. Every GET route of the app (enumerated from ``app.routes``, so a
new route is not forgotten) and the POST routes that take a geometry are called without a
token, and no response may hold a vertex coordinate of a restricted feature, in any of the
forms the server writes coordinates (shortest round-trip float, rounded to 7 or 6 digits).
Lookups still answer with the restricted zone's verdict and citation; a reader token (or an
admin token) sees the geometry through OGC API Features.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import geopandas as gpd
import mapbox_vector_tile
import pytest
import shapely
from api_client import api_client
from fastapi.testclient import TestClient
from starlette.routing import Mount
from tiny_layers import CRS, build_tiny_layers, lonlat, rel_box

from geozone.catalog import load_catalog
from geozone.tokens import Role, new_token

RESTRICTED = ("redline", "parks")
ACTIVITY = "polluting_industry"
INSIDE_CORE = (1500.0, 7500.0)  # inside RL-CORE and RL-GEN


def _write_extra_layers(root: Path) -> None:
    """A restricted park layer and a public residential layer, for coverage."""
    parks = gpd.GeoDataFrame(
        {"feature_id": ["P1"], "zone_class": ["community"], "name": ["Secret park"]},
        geometry=[rel_box(7000, 7000, 7400, 7300)],
        crs=CRS,
    )
    homes = gpd.GeoDataFrame(
        {
            "feature_id": ["H1", "H2"],
            "zone_class": ["0701", "0701"],
            "name": ["Near", "Far"],
        },
        geometry=[rel_box(7500, 7500, 7800, 7800), rel_box(500, 500, 800, 800)],
        crs=CRS,
    )
    parks.to_file(root / "data" / "parks.gpkg", driver="GPKG")
    homes.to_file(root / "data" / "homes.gpkg", driver="GPKG")
    extra = ""
    for lid, kind, stem, access in (
        ("parks", "park", "parks", "restricted"),
        ("homes", "residential", "homes", "public"),
    ):
        extra += (
            f'\n[[layer]]\nid = "{lid}"\nkind = "{kind}"\ntitle_zh = "{lid}"\n'
            f'title_en = "{lid}"\nfile = "data/{stem}.gpkg"\nsource_crs = "EPSG:4548"\n'
            f'version = "1"\nvalid_from = 2020-01-01\nsource = "test"\nlicence = "CC0"\n'
            f'synthetic = true\naccess = "{access}"\n'
        )
    manifest = root / "manifest.toml"
    text = manifest.read_text("utf-8")
    text = text.replace('id = "redline"\n', 'id = "redline"\naccess = "restricted"\n')
    manifest.write_text(text + extra, "utf-8")


@pytest.fixture(scope="module")
def layers_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = build_tiny_layers(tmp_path_factory.mktemp("restricted-layers"))
    _write_extra_layers(root)
    return root


@pytest.fixture(scope="module")
def tokens(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str, str]:
    path = tmp_path_factory.mktemp("tokens") / "tokens.toml"
    reader = new_token(path, "permit-system", Role.READER)
    admin = new_token(path, "li.wei", Role.ADMIN)
    return path, reader, admin


@pytest.fixture(scope="module")
def client(
    layers_dir: Path, tokens: tuple[Path, str, str], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[TestClient]:
    with api_client(
        layers_dir, tmp_path_factory.mktemp("restricted-work"), tokens_file=tokens[0]
    ) as c:
        yield c


def _number_forms(value: float) -> set[str]:
    """How the server may write a coordinate: repr (json/orjson), 7 and 6 decimals."""
    return {repr(value), repr(round(value, 7)), repr(round(value, 6))}


@pytest.fixture(scope="module")
def secret_numbers(layers_dir: Path) -> set[str]:
    """Every restricted vertex coordinate (WGS84) as the server would write it."""
    catalog = load_catalog(layers_dir)
    out: set[str] = set()
    for layer_id in RESTRICTED:
        for lv in catalog.versions_of(layer_id):
            coords = shapely.get_coordinates(lv.frame_wgs84.geometry.values)
            for lon, lat in coords:
                out |= _number_forms(float(lon)) | _number_forms(float(lat))
            # analysis-CRS metres too (e.g. a WKT or an EPSG:4548 export)
            for x, y in shapely.get_coordinates(lv.frame.geometry.values):
                out |= {repr(float(x)), repr(float(y))}
    return out


def _leaks(text: str, secrets: set[str]) -> list[str]:
    """Secret numbers found in ``text`` as whole numbers (not inside a longer number)."""
    found = set(re.findall(r"-?\d+(?:\.\d+)?(?:e-?\d+)?", text))
    return sorted(found & secrets)


def _point_inside() -> dict[str, Any]:
    lon, lat = lonlat(*INSIDE_CORE)
    return {"type": "Point", "coordinates": [lon, lat]}


def _parcel_inside() -> dict[str, Any]:
    x, y = INSIDE_CORE
    corners = [(x - 50, y - 50), (x + 50, y - 50), (x + 50, y + 50), (x - 50, y + 50)]
    ring = [list(lonlat(*c)) for c in corners]
    return {"type": "Polygon", "coordinates": [[*ring, ring[0]]]}


def _core_tile(z: int = 14) -> dict[str, str]:
    """Path values ``z``, ``y``, ``x`` of the z14 tile holding the restricted core zone."""
    lon, lat = lonlat(*INSIDE_CORE)
    n = 2**z
    x = int((lon + 180) / 360 * n)
    y = int((1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * n)
    return {"z": str(z), "y": str(y), "x": str(x)}


def _get_paths(client: TestClient, values: dict[str, str]) -> list[str]:
    """Every GET route of the app with its path parameters filled in."""
    paths = []
    for route in _leaf_routes(client.app.router.routes):  # type: ignore[attr-defined]
        if "GET" not in (getattr(route, "methods", None) or ()):
            continue
        path = route.path
        for name in re.findall(r"{(\w+)(?::\w+)?}", path):
            assert name in values, f"route {path}: no test value for {{{name}}}: add one"
            path = re.sub("{" + name + r"(?::\w+)?}", values[name], path)
        paths.append(path)
    return paths


def _leaf_routes(routes: list[Any]) -> Iterator[Any]:
    for route in routes:
        if isinstance(route, Mount):
            continue  # static files and Swagger assets: files on disk, no layer data
        children = getattr(route, "effective_candidates", None)
        if callable(children):  # FastAPI's included routers
            yield from _leaf_routes(children())
        else:
            yield route


def test_openapi_paths_are_all_enumerated(client: TestClient) -> None:
    """The route walk sees every documented path (so a new route gets fetched below)."""
    walked = {
        re.sub(r"{(\w+):\w+}", r"{\1}", r.path)  # a path converter is not in the OpenAPI path
        for r in _leaf_routes(client.app.router.routes)  # type: ignore[attr-defined]
    }
    documented = set(client.get("/openapi.json").json()["paths"])
    assert documented <= walked, documented - walked


def test_no_route_serves_restricted_geometry_without_token(
    client: TestClient, secret_numbers: set[str]
) -> None:
    lookup = client.post("/api/v1/lookup", json={"geometry": _parcel_inside()})
    assert lookup.status_code == 200, lookup.text
    report_id = lookup.json()["report_id"]
    point_lon, point_lat = _point_inside()["coordinates"]
    fc = {
        "type": "FeatureCollection",
        "features": [{"type": "Feature", "properties": {"id": "a"}, "geometry": _point_inside()}],
    }
    job = client.post(
        "/api/v1/jobs",
        files={"file": ("parcels.geojson", json.dumps(fc).encode(), "application/geo+json")},
    )
    assert job.status_code == 202, job.text
    job_id = job.json()["job_id"]
    client.app.state.jobs.wait(job_id)  # type: ignore[attr-defined]

    hit = lookup.json()["hits"][0]
    challenge = client.post(
        f"/api/v1/reports/{report_id}/challenges",
        json={
            "layer_id": hit["layer_id"],
            "version": hit["layer_version"],
            "feature_id": hit["feature_id"],
            "comment": "boundary looks shifted",
        },
    )
    assert challenge.status_code == 201, challenge.text

    values = {
        "challenge_id": str(challenge.json()["id"]),
        "collection_id": "redline",
        "feature_id": "RL-GEN",
        "report_id": report_id,
        "job_id": job_id,
        "layer_id": "redline",
        **_core_tile(),
    }
    responses: dict[str, str] = {}
    statuses: dict[str, int] = {}
    for path in _get_paths(client, values):
        r = client.get(path)
        responses[path], statuses[path] = r.text, r.status_code
    extra_gets = [
        "/ogc/collections/redline__1",
        "/ogc/collections/redline@1/items",
        "/ogc/collections/redline/items?bbox=116,39,118,41&limit=1",
        "/ogc/collections/redline/items/RL-CORE",
        "/ogc/collections/redline/items?filter=zone_class%3D%27core%27",
        "/ogc/collections/redline/items?filter=S_INTERSECTS(geometry,BBOX(116,39,118,41))",
        "/ogc/collections/redline/items?crs=http://www.opengis.net/def/crs/EPSG/0/4548",
        "/ogc/collections/redline/items/RL-CORE?crs=EPSG:4326",
        "/ogc/collections/redline/queryables",
        "/ogc/collections/parks/items",
        "/ogc/collections/parks",
        "/api/v1/layers/parks",
        f"/api/v1/lookup?lon={point_lon}&lat={point_lat}&activity={ACTIVITY}",
        f"/api/v1/reports/{report_id}?format=html",
        f"/api/v1/jobs/{job_id}/result?format=geojson",
        f"/api/v1/jobs/{job_id}/result?format=csv",
        "/api/v1/coverage?district=D&by=district&extent=district",
        "/api/v1/coverage?district=D&by=district&extent=district&include_geometry=true",
        "/api/v1/coverage?district=D&by=none&extent=district&include_geometry=true",
        "/static/report.html",
    ]
    for path in extra_gets:
        r = client.get(path)
        responses[path], statuses[path] = r.text, r.status_code
    posts: list[tuple[str, dict[str, Any]]] = [
        ("/api/v1/lookup", {"geometry": _parcel_inside(), "activity": ACTIVITY}),
        ("/api/v1/lookup", {"geometry": _point_inside()}),
        ("/api/v1/coverage", {"district": "D", "by": "district", "extent": "district"}),
        (
            "/api/v1/coverage",
            {"district": "D", "by": "district", "extent": "district", "include_geometry": True},
        ),
    ]
    posts.append(("/api/v1/lookup/batch", {**fc, "activity": ACTIVITY}))
    posts.append(("/api/v1/measure", {"geometry": _parcel_inside()}))
    # every POST route that is not admin is called here (jobs above, as a file upload)
    post_routes = {
        r.path
        for r in _leaf_routes(client.app.router.routes)  # type: ignore[attr-defined]
        if "POST" in (getattr(r, "methods", None) or ()) and "/admin/" not in r.path
    }
    signed = client.get(f"/api/v1/reports/{report_id}/signed")
    verified = client.post(
        "/api/v1/reports/verify",
        files={"file": ("report.json", signed.content, "application/json")},
    )
    assert verified.status_code == 200 and verified.json()["valid"], verified.text
    responses["POST /api/v1/reports/verify"] = verified.text
    responses["POST challenge"] = challenge.text
    called = {"/api/v1/jobs", "/api/v1/reports/verify", "/api/v1/reports/{report_id}/challenges"}
    assert post_routes <= {p for p, _ in posts} | called, post_routes
    for path, body in posts:
        r = client.post(path, json=body)
        key = f"POST {path} {json.dumps(body)[:60]}"
        responses[key], statuses[key] = r.text, r.status_code
    responses["POST /api/v1/jobs"] = job.text

    assert len(responses) > 25
    # the answers that could carry geometry were real answers, not errors
    ok = [p for p, s in statuses.items() if s == 200]
    for must in (
        "/api/v1/layers",
        "/ogc/collections",
        "/api/v1/config",
        f"/api/v1/reports/{report_id}",
        f"/api/v1/reports/{report_id}/html",
        f"/api/v1/jobs/{job_id}/result?format=geojson",
        "/api/v1/coverage?district=D&by=district&extent=district",
    ):
        assert must in ok, (must, statuses.get(must), responses.get(must, "")[:300])
    posted = {p: s for p, s in statuses.items() if p.startswith("POST")}
    assert sum(s == 200 for s in posted.values()) == 5, posted
    # suggested sites come from the restricted parks' geometry: refused without a token
    suggest = {"district": "D", "by": "district", "extent": "district", "suggest": 2}
    refused = client.post("/api/v1/coverage", json=suggest)
    assert refused.status_code in (401, 403), refused.text
    assert not _leaks(refused.text, secret_numbers)
    leaks = {path: _leaks(text, secret_numbers) for path, text in responses.items()}
    assert {p: v for p, v in leaks.items() if v} == {}

    # the restricted routes refuse, rather than answer empty
    tile = "/ogc/collections/redline/tiles/WebMercatorQuad/{z}/{y}/{x}".format(**_core_tile())
    for path in (
        "/ogc/collections/redline/items",
        "/ogc/collections/redline/items/RL-GEN",
        "/ogc/collections/redline/queryables",
        "/ogc/collections/redline/items?filter=zone_class%3D%27core%27",
        "/ogc/collections/redline/items?filter=no_such%3D1",  # no queryable names leak either
        "/ogc/collections/redline/items?crs=EPSG:4548",
        tile,
    ):
        r = client.get(path)
        assert r.status_code == 401, r.text
        assert r.json()["code"] == "restricted_layer"
        assert "reader" in r.json()["message"]
        assert r.headers["www-authenticate"] == "Bearer"


def test_lookup_answers_restricted_verdict_and_citation(
    client: TestClient, tokens: tuple[Path, str, str]
) -> None:
    body = {"geometry": _parcel_inside(), "activity": ACTIVITY}
    anonymous = client.post("/api/v1/lookup", json=body)
    auth = {"Authorization": f"Bearer {tokens[1]}"}
    assert client.post("/api/v1/lookup", json=body, headers=auth).content == anonymous.content
    assert anonymous.status_code == 200
    answer = anonymous.json()
    hits = {h["feature_id"]: h for h in answer["hits"]}
    assert hits["RL-CORE"]["inside"] and hits["RL-CORE"]["layer_id"] == "redline"
    assert hits["RL-CORE"]["rules"][0]["citation"]["article"]
    (verdict,) = answer["verdicts"]
    assert verdict["verdict"] == "prohibited"
    assert verdict["decided_by"]["layer_id"] == "redline"
    assert verdict["citation"] is not None
    # the same bytes for everyone: the stored report never holds restricted geometry
    report = client.get(f"/api/v1/reports/{answer['report_id']}")
    assert report.content == anonymous.content


def test_reader_and_admin_tokens_see_restricted_geometry(
    client: TestClient, tokens: tuple[Path, str, str], secret_numbers: set[str]
) -> None:
    _, reader, admin = tokens
    for token in (reader, admin):
        auth = {"Authorization": f"Bearer {token}"}
        items = client.get("/ogc/collections/redline/items", headers=auth)
        assert items.status_code == 200, items.text
        assert {f["id"] for f in items.json()["features"]} == {"RL-GEN", "RL-CORE"}
        assert _leaks(items.text, secret_numbers)
        assert items.headers["cache-control"] == "private, no-store"
        one = client.get("/ogc/collections/redline/items/RL-GEN", headers=auth)
        assert one.status_code == 200 and one.json()["geometry"]["type"] == "Polygon"
        core = client.get(
            "/ogc/collections/redline/items", params={"filter": "zone_class = 'core'"}, headers=auth
        )
        assert [f["id"] for f in core.json()["features"]] == ["RL-CORE"], core.text
        assert core.headers["cache-control"] == "private, no-store"
        schema = client.get("/ogc/collections/redline/queryables", headers=auth)
        assert schema.status_code == 200 and "zone_class" in schema.json()["properties"]
        assert schema.headers["cache-control"] == "private, no-store"
        tile_url = "/ogc/collections/redline/tiles/WebMercatorQuad/{z}/{y}/{x}"
        tile = client.get(tile_url.format(**_core_tile()), headers=auth)
        assert tile.status_code == 200, tile.text
        assert tile.headers["content-type"] == "application/vnd.mapbox-vector-tile"
        assert tile.headers["cache-control"].startswith("private")
        decoded = mapbox_vector_tile.decode(tile.content)
        ids = {f["properties"]["feature_id"] for f in decoded["redline"]["features"]}
        assert "RL-CORE" in ids
        coll = client.get("/ogc/collections/redline", headers=auth)
        assert coll.json()["access"] == "restricted" and "spatial" in coll.json()["extent"]
        assert _leaks(coll.text, secret_numbers)  # the bbox is caught by the leak check
        assert coll.headers["cache-control"] == "private, no-store"
        assert "private" in client.get("/ogc/collections", headers=auth).headers["cache-control"]
        cov = client.get(
            "/api/v1/coverage?district=D&by=district&extent=district&include_geometry=true",
            headers=auth,
        )
        assert cov.status_code == 200, cov.text
        assert "service_area" in cov.json()


def test_restricted_collection_listed_without_extent_and_unknown_token_refused(
    client: TestClient,
) -> None:
    listed = {c["id"]: c for c in client.get("/ogc/collections").json()["collections"]}
    assert listed["redline"]["access"] == "restricted"
    assert "spatial" not in listed["redline"]["extent"]
    assert listed["redline"]["extent"]["temporal"]["interval"]
    assert listed["water"]["access"] == "public" and "spatial" in listed["water"]["extent"]
    layers = {la["id"]: la for la in client.get("/api/v1/layers").json()["layers"]}
    assert layers["redline"]["access"] == "restricted" and layers["zones"]["access"] == "public"
    config = {la["id"]: la for la in client.get("/api/v1/config").json()["layers"]}
    assert config["parks"]["access"] == "restricted"
    # public layers are served as before, restricted ones refused
    assert client.get("/ogc/collections/water/items").status_code == 200
    bad = {"Authorization": "Bearer not-a-token"}
    assert client.get("/ogc/collections/redline/items", headers=bad).status_code == 403
    assert client.get("/ogc/collections/redline/queryables", headers=bad).status_code == 403
    assert client.get("/ogc/collections/water/queryables").status_code == 200


def test_coverage_figures_answered_geometry_needs_token(client: TestClient) -> None:
    url = "/api/v1/coverage?district=D&by=district&extent=district"
    plain = client.get(url)
    assert plain.status_code == 200, plain.text
    assert plain.json()["ratio"] is not None and "service_area" not in plain.json()
    refused = client.get(url + "&include_geometry=true")
    assert refused.status_code == 401
    assert refused.json()["detail"] == {"restricted_layers": ["parks"]}


@pytest.mark.server
@pytest.mark.browser
@pytest.mark.slow
def test_web_map_lists_restricted_layer_and_never_fetches_it(
    layers_dir: Path, tmp_path: Path
) -> None:
    """Real uvicorn + Chromium: the layer list says 'token needed', nothing is fetched.

    Also the pages under the CSP (map, report, server-rendered report, Swagger UI) load
    without a console error (a CSP violation is one).
    """
    from e2e_browser import ConsoleLog, launch_chromium, open_map, wait_result
    from live_server import run_server
    from playwright.sync_api import sync_playwright

    with run_server(layers_dir, tmp_path) as server, sync_playwright() as p:
        browser = launch_chromium(p)
        try:
            context = browser.new_context(viewport={"width": 1200, "height": 800}, locale="en")
            page = context.new_page()
            log = ConsoleLog()
            log.attach(page)
            requested: list[str] = []
            page.on("request", lambda req: requested.append(req.url))
            open_map(page, server.url + "/")
            row = page.locator("#layer-switcher label.gz-restricted", has_text="redline")
            assert row.count() == 1
            assert "token" in row.inner_text() or "令牌" in row.inner_text()
            assert row.locator("input").is_disabled()
            # a lookup inside the restricted red line: verdict shown, outline not fetched
            lon, lat = _point_inside()["coordinates"]
            page.evaluate("([lon, lat]) => window.geozone.lookupPoint(lon, lat)", [lon, lat])
            result = wait_result(page)
            assert any(h["layer_id"] == "redline" for h in result["hits"])
            report = result["report_id"]
            # coverage from restricted parks: the figures, without asking for geometry
            page.click("[data-tab='coverage']")
            page.wait_for_function(
                "() => document.querySelectorAll('#coverage-district option').length >= 1"
            )
            page.select_option("#coverage-district", "D")
            page.click("#coverage-run")
            page.wait_for_selector("#coverage-figure", timeout=60_000)
            # (the preset names, /api/v1/coverage/presets, hold no layer data)
            coverage = [u for u in requested if "/api/v1/coverage?" in u]
            assert coverage and all("include_geometry=false" in u for u in coverage), coverage
            # the report page (snapshot without the restricted zone) and the printable page
            page.goto(f"{server.url}/static/report.html?id={report}")
            page.wait_for_selector("#report[data-ready='true']", timeout=30_000)
            page.goto(f"{server.url}/api/v1/reports/{report}/html")
            page.wait_for_load_state("load")
            page.goto(server.url + "/docs")
            page.wait_for_selector("#swagger-ui .information-container", timeout=30_000)
            leaked = [u for u in requested if "/collections/redline/" in u or "/parks/" in u]
            assert leaked == []
            assert log.errors == [], "\n".join(log.errors)
            context.close()
        finally:
            browser.close()
