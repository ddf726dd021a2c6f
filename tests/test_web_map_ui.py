"""The map's basemaps, measure tool, shareable URL and phone layout in a real browser.

Debian Chromium via Playwright against real uvicorn servers (tests/live_server.py). Every
request the page makes is recorded by route interception: requests to the service go on,
requests to a fake local tile server (the custom basemap, ``GEOZONE_BASEMAP_URL``) go on to
it, AMap tile requests are answered with a local PNG (nothing leaves the machine), and any
other request is refused and counted as a failure. Known answers: a 100 m × 100 m square
drawn by clicks at computed pixels is 1 ha, a 300 m line is 300 m (both ± 0.5 %); the AMap
tile drawn under a WGS84 point is the GCJ-02 tile holding that point's GCJ-02 coordinate
(geozone.crs.wgs84_to_gcj02), at the right pixel within it.
"""

from __future__ import annotations

import math
import struct
import threading
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import numpy as np
import pytest
from e2e_browser import map_page, open_map, screen_point, screenshot, set_view, wait_result
from live_server import Server, run_server
from playwright.sync_api import Browser, BrowserContext, Page, Route

from geozone.crs import gcj02_to_wgs84, transformer, wgs84_to_gcj02

pytestmark = [pytest.mark.server, pytest.mark.browser, pytest.mark.slow]

# Tongzhou, EPSG:4548 metres: where the squares and lines are drawn
X0, Y0 = 470_000.0, 4_415_000.0
AMAP_HOST = ".is.autonavi.com"


def png(size: int = 256) -> bytes:
    """A grey size × size PNG."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    rows = b"".join(b"\x00" + b"\xc8" * size for _ in range(size))
    header = struct.pack(">IIBBBBB", size, size, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


TILE_PNG = png()


@dataclass
class TileServer:
    """A local XYZ tile server recording the paths asked for."""

    url: str
    paths: list[str] = field(default_factory=list)


@pytest.fixture(scope="module")
def tile_server() -> Iterator[TileServer]:
    record: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            record.append(self.path)
            self.send_response(200)
            self.send_header("Content-Type", "image/png")
            self.send_header("Content-Length", str(len(TILE_PNG)))
            self.end_headers()
            self.wfile.write(TILE_PNG)

        def log_message(self, *args: Any) -> None:
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield TileServer(f"http://127.0.0.1:{httpd.server_address[1]}", record)
    finally:
        httpd.shutdown()
        httpd.server_close()


@pytest.fixture(scope="module")
def server(
    demo_layers_dir: Path, tmp_path_factory: pytest.TempPathFactory, tile_server: TileServer
) -> Iterator[Server]:
    """The default basemaps (OSM, AMap) and a custom one on the local tile server."""
    env = {"GEOZONE_BASEMAP_URL": tile_server.url + "/{z}/{x}/{y}.png"}
    with run_server(demo_layers_dir, tmp_path_factory.mktemp("mapui-server"), env=env) as srv:
        yield srv


@dataclass
class Traffic:
    """Requests a browser context made, by destination."""

    origin: str
    tiles: str
    foreign: list[str] = field(default_factory=list)
    amap: list[str] = field(default_factory=list)
    local_tiles: list[str] = field(default_factory=list)

    def route(self, route: Route) -> None:
        url = route.request.url
        if url.startswith(self.origin + "/"):
            route.continue_()
        elif url.startswith(self.tiles + "/"):
            self.local_tiles.append(url)
            route.continue_()
        elif urlsplit(url).hostname and str(urlsplit(url).hostname).endswith(AMAP_HOST):
            self.amap.append(url)
            route.fulfill(status=200, content_type="image/png", body=TILE_PNG)
        else:
            self.foreign.append(url)
            route.abort()


@dataclass
class Session:
    page: Page
    context: BrowserContext
    traffic: Traffic


@contextmanager
def new_session(
    browser: Browser,
    server: Server,
    tiles: str,
    width: int = 1400,
    height: int = 900,
    path: str = "/",
) -> Iterator[Session]:
    """The map in a fresh context whose requests are sorted by ``Traffic``."""
    traffic = Traffic(server.url, tiles)
    url = server.url + path
    with map_page(browser, url, width=width, height=height, route=traffic.route) as page:
        yield Session(page, page.context, traffic)


@pytest.fixture()
def session(browser: Browser, server: Server, tile_server: TileServer) -> Iterator[Session]:
    with new_session(browser, server, tile_server.url) as s:
        yield s


def metres_to_lonlat(x: float, y: float) -> tuple[float, float]:
    lon, lat = transformer("EPSG:4548", "EPSG:4326").transform(x, y)
    return float(lon), float(lat)


def click_at(page: Page, lon: float, lat: float) -> None:
    x, y = screen_point(page, lon, lat)
    page.mouse.click(x, y)


def url_params(page: Page) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlsplit(page.url).query).items()}


# --- basemaps --------------------------------------------------------------------------


def test_no_request_leaves_the_origin_until_a_basemap_is_picked(
    session: Session, server: Server, tile_server: TileServer
) -> None:
    page, traffic = session.page, session.traffic
    options = page.eval_on_selector_all("#basemap-select option", "os => os.map(o => o.value)")
    assert options == ["none", "osm", "amap", "custom"]
    assert page.input_value("#basemap-select") == "none"
    lon, lat = metres_to_lonlat(X0, Y0)
    set_view(page, lon, lat, 14)
    click_at(page, lon, lat)
    wait_result(page)
    page.wait_for_load_state("networkidle")
    assert traffic.foreign == [] and traffic.amap == [] and traffic.local_tiles == []
    assert tile_server.paths == []
    assert "basemap" not in url_params(page)

    page.select_option("#basemap-select", "custom")
    page.wait_for_function(
        "() => document.querySelectorAll('#map img.leaflet-tile-loaded').length > 0"
    )
    assert traffic.local_tiles and tile_server.paths
    assert all(p.endswith(".png") and p.count("/") == 3 for p in tile_server.paths)
    assert traffic.foreign == [] and traffic.amap == []
    assert url_params(page)["basemap"] == "custom"
    assert page.evaluate("() => localStorage.getItem('geozone.basemap')") == "custom"

    # remembered: a new page of the same browser profile draws it again
    before = len(tile_server.paths)
    again = session.context.new_page()
    open_map(again, server.url + "/")
    assert again.input_value("#basemap-select") == "custom"
    again.wait_for_function(
        "() => document.querySelectorAll('#map img.leaflet-tile-loaded').length > 0"
    )
    assert len(tile_server.paths) > before
    again.close()

    # back to none: the tiles go and nothing more is fetched
    page.select_option("#basemap-select", "none")
    assert page.locator("#map img.leaflet-tile").count() == 0
    count = len(tile_server.paths)
    set_view(page, lon + 0.02, lat, 13)
    page.wait_for_load_state("networkidle")
    assert len(tile_server.paths) == count
    assert "basemap" not in url_params(page)
    assert traffic.foreign == []


def test_offline_deployment_offers_none_and_fetches_nothing_else(
    browser: Browser, demo_layers_dir: Path, tmp_path: Path
) -> None:
    with (
        run_server(demo_layers_dir, tmp_path, env={"GEOZONE_BASEMAPS": ""}) as offline,
        new_session(browser, offline, "http://127.0.0.1:9") as s,
    ):
        page = s.page
        values = page.eval_on_selector_all("#basemap-select option", "os => os.map(o => o.value)")
        assert values == ["none"]
        # a stale choice from an earlier deployment is not honoured
        page.evaluate("() => localStorage.setItem('geozone.basemap', 'osm')")
        page.goto(offline.url + "/?basemap=amap")
        page.wait_for_selector("body[data-ready='true']", timeout=60_000)
        assert page.input_value("#basemap-select") == "none"
        lon, lat = metres_to_lonlat(X0, Y0)
        set_view(page, lon, lat, 15)
        click_at(page, lon, lat)
        wait_result(page)
        page.wait_for_load_state("networkidle")
        assert s.traffic.foreign == [] and s.traffic.amap == []
        assert page.locator("#map img.leaflet-tile").count() == 0
        csp = page.evaluate("async () => (await fetch('/')).headers.get('content-security-policy')")
        assert "img-src 'self' data:;" in csp


def gcj_tile(lon: float, lat: float, z: int) -> tuple[int, int, float, float]:
    """The GCJ-02 Web Mercator tile (x, y) holding a WGS84 point, and the pixel in it."""
    glon, glat = (float(v[0]) for v in wgs84_to_gcj02([lon], [lat]))
    return mercator_tile(glon, glat, z)


def mercator_tile(lon: float, lat: float, z: int) -> tuple[int, int, float, float]:
    n = 2**z
    fx = (lon + 180.0) / 360.0 * n
    fy = (1.0 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2.0 * n
    return int(fx), int(fy), (fx % 1) * 256, (fy % 1) * 256


POINTS = [(116.65, 39.90), (116.80, 39.75), (117.10, 40.15), (116.95, 40.45)]


def test_gcj02_formula_in_the_browser_matches_the_core(session: Session) -> None:
    got = session.page.evaluate(
        """async (pts) => {
            const m = await import('/static/js/gcj02.js');
            return pts.map(([lon, lat]) => {
                const g = m.wgs84ToGcj02(lon, lat);
                return [...g, ...m.gcj02ToWgs84(g[0], g[1])];
            });
        }""",
        POINTS,
    )
    lon = np.array([p[0] for p in POINTS])
    lat = np.array([p[1] for p in POINTS])
    glon, glat = wgs84_to_gcj02(lon, lat)
    back_lon, back_lat = gcj02_to_wgs84(glon, glat)
    for i, row in enumerate(got):
        assert row[0] == pytest.approx(glon[i], abs=1e-11)
        assert row[1] == pytest.approx(glat[i], abs=1e-11)
        # the inverse returns to the start, as the core's does
        assert row[2] == pytest.approx(back_lon[i], abs=1e-8)
        assert row[3] == pytest.approx(back_lat[i], abs=1e-8)
        assert (row[2], row[3]) == pytest.approx((lon[i], lat[i]), abs=1e-8)


@pytest.mark.parametrize("zoom", [12, 15, 17])
def test_amap_tile_under_a_point_is_its_gcj02_tile(session: Session, zoom: int) -> None:
    page, traffic = session.page, session.traffic
    page.select_option("#basemap-select", "amap")
    for lon, lat in POINTS:
        set_view(page, lon, lat, zoom)
        page.wait_for_load_state("networkidle")
        x, y = screen_point(page, lon, lat)
        found = page.evaluate(
            """([x, y, z]) => [...document.querySelectorAll('#map img[data-gcj-tile]')]
                .filter((img) => img.dataset.gcjTile.startsWith(`${z}/`))
                .map((img) => ({src: img.src, tile: img.dataset.gcjTile,
                                r: img.getBoundingClientRect().toJSON()}))
                .filter(({r}) => r.left <= x && x < r.right && r.top <= y && y < r.bottom)""",
            [x, y, zoom],
        )
        assert len(found) == 1, found
        tx, ty, px, py = gcj_tile(lon, lat, zoom)
        query = parse_qs(urlsplit(found[0]["src"]).query)
        assert (query["x"], query["y"], query["z"]) == ([str(tx)], [str(ty)], [str(zoom)])
        # the request is recorded when the route handler sees it, which may come after
        # the img element got its src: wait for it (at most 10 s)
        for _ in range(100):
            if found[0]["src"] in traffic.amap:
                break
            page.wait_for_timeout(100)
        assert found[0]["src"] in traffic.amap
        r = found[0]["r"]
        assert abs(r["width"] - 256) <= 1 and abs(r["height"] - 256) <= 1
        # the point sits at its GCJ-02 pixel within the tile (rounding: ± 1.5 px)
        assert x - r["left"] == pytest.approx(px, abs=1.5)
        assert y - r["top"] == pytest.approx(py, abs=1.5)
        # ... which is not where an uncorrected tile layer would have drawn it
        nx, ny, npx, npy = mercator_tile(lon, lat, zoom)
        shift = math.hypot((nx - tx) * 256 + npx - px, (ny - ty) * 256 + npy - py)
        assert shift > 0.4 * 550 / (156_543.0 * math.cos(math.radians(lat)) / 2**zoom)
    assert session.traffic.foreign == []


# --- measure ---------------------------------------------------------------------------


def test_measure_square_is_one_hectare_and_line_is_300_m(session: Session) -> None:
    page = session.page
    corners = [(X0, Y0), (X0 + 100, Y0), (X0 + 100, Y0 + 100), (X0, Y0 + 100)]
    pts = [metres_to_lonlat(x, y) for x, y in corners]
    centre = metres_to_lonlat(X0 + 50, Y0 + 50)
    # fold the layer list and legend: the corners must land on the map, not on a control
    page.click("#layer-switcher .gz-control-title")
    page.click("#legend .gz-control-title")
    set_view(page, *centre, 19)
    page.click("[data-measure='area']")
    assert page.get_attribute("[data-measure='area']", "aria-pressed") == "true"
    for lon, lat in pts:
        click_at(page, lon, lat)
    page.click("[data-measure='finish']")
    page.wait_for_selector("#measure-output[data-area-m2]")
    area = float(page.get_attribute("#measure-output", "data-area-m2") or "nan")
    assert area == pytest.approx(10_000.0, rel=0.005)
    assert "公顷" in page.inner_text("#measure-output")
    # the clicks measured; none of them asked for a lookup
    assert page.get_attribute("#result", "data-state") is None

    start = metres_to_lonlat(X0, Y0 + 50)
    end = metres_to_lonlat(X0 + 300, Y0 + 50)
    set_view(page, *metres_to_lonlat(X0 + 150, Y0 + 50), 18)
    page.click("[data-measure='distance']")
    click_at(page, *start)
    click_at(page, *end)
    page.keyboard.press("Enter")  # ends the line from the keyboard
    page.wait_for_selector("#measure-output[data-length-m]")
    length = float(page.get_attribute("#measure-output", "data-length-m") or "nan")
    assert length == pytest.approx(300.0, rel=0.005)
    assert page.get_attribute("#measure-output", "data-area-m2") is None
    # measuring is over: a click asks for a lookup again
    click_at(page, *centre)
    wait_result(page)
    page.click("[data-measure='clear']")
    assert page.inner_text("#measure-output") == ""


# --- URL state -------------------------------------------------------------------------


def test_pan_click_reload_restores_view_and_answer(session: Session, server: Server) -> None:
    page = session.page
    lon, lat = metres_to_lonlat(X0, Y0)
    activities = server.get_json("/api/v1/activities")["activities"]
    activity = (
        activities[-1]["activity"] if "activity" in activities[-1] else activities[-1]["code"]
    )
    page.select_option("#activity", activity)
    set_view(page, lon, lat, 15)
    click_at(page, lon, lat)
    result = wait_result(page)
    rid = result["report_id"]
    page.evaluate("() => window.geozone.map.panBy([150, -90], {animate: false})")
    page.wait_for_function("(rid) => location.search.includes('report=' + rid)", arg=rid)
    first_layer = page.eval_on_selector(
        "#layer-switcher input[data-layer]", "b => { b.click(); return b.dataset.layer; }"
    )
    page.wait_for_function("() => location.search.includes('layers=')")
    params = url_params(page)
    assert params["report"] == rid and params["z"] == "15"
    assert params["activity"] == activity and params["date"] == result["as_of"]
    assert first_layer not in params["layers"].split(",")
    centre = page.evaluate("() => window.geozone.map.getCenter()")
    shared = page.url

    other = session.context.new_page()
    open_map(other, shared)
    assert other.get_attribute("#result", "data-report-id") == rid
    assert other.evaluate("() => window.geozone.result.report_id") == rid
    # the same stored answer: its verdicts and hits as first answered
    restored_answer = other.evaluate("() => window.geozone.result")
    assert restored_answer["verdicts"] == result["verdicts"]
    assert restored_answer["hits"] == result["hits"]
    restored = other.evaluate("() => window.geozone.map.getCenter()")
    assert restored["lat"] == pytest.approx(centre["lat"], abs=2e-6)
    assert restored["lng"] == pytest.approx(centre["lng"], abs=2e-6)
    assert other.evaluate("() => window.geozone.map.getZoom()") == 15
    assert other.input_value("#activity") == activity
    assert other.input_value("#as-of") == result["as_of"]
    assert not other.is_checked(f"#layer-switcher input[data-layer='{first_layer}']")
    assert (
        other.evaluate(f"() => window.geozone.layers.entries.get('{first_layer}').visible") is False
    )
    # the restored page writes the same URL back
    assert url_params(other) == params
    other.close()

    # a hand-written point asks for a fresh answer there
    page.goto(f"{server.url}/?pt={lon:.6f},{lat:.6f}&z=16")
    page.wait_for_selector("body[data-ready='true']", timeout=60_000)
    fresh = wait_result(page)
    assert fresh["report_id"] != rid
    q = fresh["query"]["geometry"]["coordinates"]
    assert q == pytest.approx([lon, lat], abs=1e-6)
    assert url_params(page)["report"] == fresh["report_id"]


# --- phone layout ----------------------------------------------------------------------


def rect(page: Page, selector: str) -> dict[str, float]:
    r: dict[str, float] = page.eval_on_selector(selector, "e => e.getBoundingClientRect().toJSON()")
    return r


def overlap(a: dict[str, float], b: dict[str, float]) -> float:
    w = min(a["right"], b["right"]) - max(a["left"], b["left"])
    h = min(a["bottom"], b["bottom"]) - max(a["top"], b["top"])
    return max(0.0, w) * max(0.0, h)


def map_share(page: Page) -> float:
    r = rect(page, "#map")
    view = {"left": 0, "top": 0, "right": 390, "bottom": 844}
    return overlap(r, view) / (390 * 844)


def test_phone_width_keeps_the_map_visible(
    browser: Browser, server: Server, tile_server: TileServer
) -> None:
    with new_session(browser, server, tile_server.url, width=390, height=844) as s:
        page = s.page
        screenshot(page, "mapui-390-start")
        assert map_share(page) >= 0.7
        # folded: the layer list, legend and measure tool show their titles only
        for sel in ("#layer-switcher", "#legend", "#measure-tool"):
            assert "gz-collapsed" in (page.get_attribute(sel, "class") or "")
        assert overlap(rect(page, "#legend"), rect(page, "#layer-switcher")) == 0
        # unfolded both: the legend still does not cover the layer list or the basemap switcher
        page.click("#layer-switcher .gz-control-title")
        page.click("#legend .gz-control-title")
        assert page.get_attribute("#legend .gz-control-title", "aria-expanded") == "true"
        legend = rect(page, "#legend")
        assert overlap(legend, rect(page, "#layer-switcher")) == 0
        assert overlap(legend, rect(page, "#basemap-switcher")) == 0
        screenshot(page, "mapui-390-unfolded")
        # the middle of the map is map, not a control
        r = rect(page, "#map")
        inside = page.evaluate(
            "([x, y]) => document.getElementById('map').contains(document.elementFromPoint(x, y))"
            " && !document.elementFromPoint(x, y).closest('.leaflet-control')",
            [r["left"] + r["width"] / 2, r["top"] + r["height"] / 2],
        )
        assert inside
        # the panel toggle is reached with Tab and works with Enter and Space
        toggle = "#panel-toggle"
        assert page.get_attribute(toggle, "aria-expanded") == "false"
        assert not page.is_visible("#tab-lookup")
        for _ in range(80):
            page.keyboard.press("Tab")
            if page.evaluate("() => document.activeElement.id") == "panel-toggle":
                break
        else:
            pytest.fail("the panel toggle is not reachable with Tab")
        page.keyboard.press("Enter")
        assert page.get_attribute(toggle, "aria-expanded") == "true"
        assert page.is_visible("#activity")
        assert map_share(page) >= 0.4
        page.keyboard.press("Space")
        assert page.get_attribute(toggle, "aria-expanded") == "false"
        # an answer opens the panel that shows it, with the map still on screen
        page.click("#legend .gz-control-title")
        page.click("#layer-switcher .gz-control-title")
        lon, lat = metres_to_lonlat(X0, Y0)
        set_view(page, lon, lat, 14)
        click_at(page, lon, lat)
        wait_result(page)
        assert page.get_attribute(toggle, "aria-expanded") == "true"
        assert page.is_visible("#result")
        assert map_share(page) >= 0.4
        screenshot(page, "mapui-390-answer")
        assert s.traffic.foreign == []


def test_new_strings_exist_in_chinese_and_english(session: Session) -> None:
    page = session.page
    keys = page.evaluate(
        """async () => {
            const m = await import('/static/js/strings-mapui.js');
            return [Object.keys(m.STRINGS.zh).sort(), Object.keys(m.STRINGS.en).sort(),
                    Object.values(m.STRINGS.zh).concat(Object.values(m.STRINGS.en))];
        }"""
    )
    assert keys[0] == keys[1]
    assert all(isinstance(v, str) and v.strip() for v in keys[2])
    assert page.inner_text("[data-measure='area']") == "测面积"
    page.click("#lang-toggle")
    assert page.inner_text("[data-measure='area']") == "Area"
    assert page.inner_text("#basemap-switcher label span") == "Basemap"
    assert page.get_attribute("#basemap-select", "aria-label") == "Basemap"
    page.click("#lang-toggle")
