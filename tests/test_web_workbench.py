"""Search suggestions, the coverage workbench and result export in a real browser (#20).

A uvicorn server with the shipped layers and Debian's Chromium (Playwright). Each answer the
page shows is checked against the HTTP API asked directly: the suggestions against
``/api/v1/places/search``, the what-if figure against a POST of the same drawn polygon,
the suggested sites against a POST with ``suggest``, the downloaded files against the stored
report.
"""

from __future__ import annotations

import csv
import io
import json
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from e2e_browser import map_page, screen_point, screenshot, set_view, wait_result
from live_server import Server, run_server
from playwright.sync_api import Browser, Page
from shapely.geometry import Point, mapping, shape

pytestmark = [pytest.mark.server, pytest.mark.browser, pytest.mark.slow]

TONGZHOU = "110112"


def post_json(server: Server, path: str, body: dict[str, Any]) -> Any:
    req = urllib.request.Request(
        server.url + path,
        data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(req, timeout=120) as resp:
        return json.loads(resp.read().decode("utf-8"))


@pytest.fixture(scope="module")
def server(demo_layers_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    with run_server(demo_layers_dir, tmp_path_factory.mktemp("workbench-server")) as srv:
        yield srv


@pytest.fixture()
def page(browser: Browser, server: Server) -> Iterator[Page]:
    """A fresh page on the map; fails the test on any console error or page error."""
    with map_page(browser, server.url + "/", accept_downloads=True) as pg:
        yield pg


def wait_centre_in(page: Page, bbox: list[float]) -> None:
    """Wait until the map's centre lies in a WGS84 bbox (after the fly animation)."""
    page.wait_for_function(
        """([minx, miny, maxx, maxy]) => {
            const c = window.geozone.map.getCenter();
            return minx <= c.lng && c.lng <= maxx && miny <= c.lat && c.lat <= maxy;
        }""",
        arg=bbox,
        timeout=30_000,
    )


# --- search -------------------------------------------------------------------------------


def test_typing_part_of_a_name_suggests_places_and_enter_flies_there(
    page: Page, server: Server
) -> None:
    page.fill("#search-input", "密云水")
    page.wait_for_selector("#search-results li[role=option]")
    api = server.get_json(f"/api/v1/places/search?q={quote('密云水')}&limit=10")["results"]
    shown = page.eval_on_selector_all(
        "#search-results li[role=option] .gz-search-name", "els => els.map(e => e.textContent)"
    )
    assert shown == [r["name"] for r in api]  # the server's ranking, in its order
    # the reservoir (a water source, named by its zones' source_name) comes first, labelled
    assert api[0]["name"] == "密云水库（合成）" and api[0]["role"] == "water_source"
    assert "水源地" in page.inner_text("#search-results li[role=option]")
    # keyboard: down, down, up -> the first again; Enter flies to it
    for key in ("ArrowDown", "ArrowDown", "ArrowUp"):
        page.press("#search-input", key)
    selected = page.get_attribute("#search-results li[aria-selected=true]", "id")
    assert selected == "search-option-0"
    assert page.get_attribute("#search-input", "aria-activedescendant") == selected
    page.press("#search-input", "Enter")
    assert page.is_hidden("#search-results")
    wait_centre_in(page, api[0]["bbox"])
    assert page.input_value("#search-input") == "密云水库（合成）"

    # a named water source of the demo set: a well field's zones, flown to by Enter at once
    page.fill("#search-input", "通州区合成水源地A")
    page.press("#search-input", "Enter")  # before the suggestions came: asked, best taken
    best = server.get_json(f"/api/v1/places/search?q={quote('通州区合成水源地A')}")["results"][0]
    assert best["kind"] == "water_protection" and best["match"] == "exact"
    wait_centre_in(page, best["bbox"])
    page.wait_for_function(
        "(id) => document.getElementById('search-form').dataset.chosen === id",
        arg=f"{best['layer_id']}/{best['feature_id']}",
    )

    # Esc closes the list; nothing found says so
    page.fill("#search-input", "水源地")
    page.wait_for_selector("#search-results li[role=option]")
    page.press("#search-input", "Escape")
    assert page.is_hidden("#search-results")
    page.fill("#search-input", "没有这个地名")
    page.press("#search-input", "Enter")
    page.wait_for_selector("#search-results li.gz-muted")
    assert "未找到" in page.inner_text("#search-results")
    screenshot(page, "20-search")


def test_search_in_english_and_by_projected_coordinates(page: Page) -> None:
    page.click("#lang-toggle")
    assert "Place" in (page.get_attribute("#search-input", "placeholder") or "")
    page.fill("#search-input", "溪翁庄")
    page.wait_for_selector("#search-results li[role=option]")
    first = page.inner_text("#search-results li[role=option]")
    assert first.startswith("溪翁庄镇") and "Administrative" in first  # the layer's en title
    # CGCS2000 GK metres, read as EPSG:4548 first: a point lookup runs there
    page.fill("#search-input", "EPSG:4548 470069 4416720")
    page.press("#search-input", "Enter")
    result = wait_result(page)
    lon, lat = result["query"]["geometry"]["coordinates"]
    assert (lon, lat) == pytest.approx((116.650086, 39.88411), abs=1e-5)


# --- coverage workbench ------------------------------------------------------------------


def run_coverage(page: Page) -> None:
    page.click("[data-tab='coverage']")
    page.wait_for_function(
        "() => document.querySelectorAll('#coverage-preset option').length === 3"
        " && document.querySelectorAll('#coverage-district option').length === 3"
    )
    page.select_option("#coverage-district", TONGZHOU)
    page.select_option("#coverage-preset", "radius500")
    page.click("#coverage-run")
    page.wait_for_selector("#coverage-figure", timeout=120_000)


def test_coverage_presets_by_name_and_a_drawn_candidate_changes_the_figure(
    page: Page, server: Server
) -> None:
    # before any run the overlay toggles say what to do instead of showing nothing
    switcher = page.inner_text("#layer-switcher")
    assert switcher.count("在「公园覆盖」中计算后显示") == 2
    page.click("[data-tab='coverage']")
    page.wait_for_function("() => document.querySelectorAll('#coverage-preset option').length")
    labels = page.eval_on_selector_all("#coverage-preset option", "os => os.map(o => o.text)")
    assert "GB/T 50563-2010 城市园林绿化评价标准" in labels
    assert "GB/T 51346-2019 城市绿地规划标准" in labels
    assert not [x for x in labels if x in {"gbt50563", "gbt51346", "radius500"}]
    run_coverage(page)
    assert "在「公园覆盖」中计算后显示" not in page.inner_text("#layer-switcher")
    base = server.get_json(
        f"/api/v1/coverage?district={TONGZHOU}&preset=radius500&include_geometry=true"
    )
    before = f"{base['ratio'] * 100:.1f}%"
    assert before in page.inner_text("#coverage-figure")

    # a candidate park on the largest blind spot, drawn with the mouse
    spots = [shape(f["geometry"]) for f in base["blind_spots"]["geojson"]["features"]]
    spot = max(spots, key=lambda g: g.area).representative_point()
    set_view(page, spot.x, spot.y, 15)
    page.click("#candidate-draw")
    d = 0.004  # degrees: a ~340 m x 440 m park
    corners = [(spot.x - d, spot.y - d), (spot.x + d, spot.y - d), (spot.x + d, spot.y + d)]
    corners.append((spot.x - d, spot.y + d))
    for lon, lat in corners:
        x, y = screen_point(page, lon, lat)
        page.mouse.click(x, y)
    x, y = screen_point(page, *corners[0])
    page.mouse.click(x, y)  # close the ring
    page.wait_for_selector("#whatif-output[data-state=done]", timeout=120_000)

    drawn = page.evaluate("() => window.geozone.coverage.workbench.candidates")
    assert len(drawn) == 1 and shape(drawn[0]["geometry"]).contains(spot)
    api = post_json(
        server,
        "/api/v1/coverage",
        {"district": TONGZHOU, "preset": "radius500", "parks": {
            "type": "FeatureCollection", "features": drawn}, "include_geometry": True},
    )  # fmt: skip
    after = f"{api['ratio'] * 100:.1f}%"
    assert api["ratio"] > base["ratio"] and after != before
    assert api["what_if"]["after"] == pytest.approx(api["ratio"], abs=1e-9)
    assert after in page.inner_text("#coverage-figure")
    text = page.inner_text("#whatif-output")
    assert f"{before} → {after}" in text
    assert f"+{api['what_if']['gain_pp']:.2f} pp" in text
    newly = page.evaluate("() => window.geozone.coverage.workbench.newlyCovered.getLayers().length")
    assert newly == len(api["what_if"]["newly_covered"]["features"]) > 0
    screenshot(page, "21-coverage-whatif")

    page.click("#candidate-clear")  # back to the district as it is
    page.wait_for_function(
        "(f) => document.getElementById('coverage-figure').textContent.includes(f)", arg=before
    )


def test_suggested_sites_appear_and_an_uploaded_candidate_counts(
    page: Page, server: Server, tmp_path: Path
) -> None:
    run_coverage(page)
    page.fill("#suggest-n", "2")
    page.click("#suggest-run")
    page.wait_for_selector("#suggest-output[data-state=done]", timeout=120_000)
    api = post_json(
        server, "/api/v1/coverage", {"district": TONGZHOU, "preset": "radius500", "suggest": 2}
    )["suggested_sites"]
    assert len(api["sites"]) == 2
    items = page.eval_on_selector_all("#suggest-output li", "els => els.map(e => e.textContent)")
    assert len(items) == 2
    for item, site in zip(items, api["sites"], strict=True):
        assert f"+{site['gain_pp']:.2f} pp" in item
        assert f"{site['lon']:.5f}, {site['lat']:.5f}" in item
    assert page.locator(".gz-site-marker").count() == 2
    markers = page.evaluate(
        """() => window.geozone.coverage.workbench.siteLayer.getLayers()
             .filter((l) => l.getIcon).map((l) => [l.getLatLng().lng, l.getLatLng().lat])"""
    )
    assert markers == [pytest.approx([s["lon"], s["lat"]], abs=1e-7) for s in api["sites"]]
    page.click("#suggest-output li[data-rank='2']")
    lon, lat = api["sites"][1]["lon"], api["sites"][1]["lat"]
    wait_centre_in(page, [lon - 1e-4, lat - 1e-4, lon + 1e-4, lat + 1e-4])
    screenshot(page, "22-coverage-sites")

    # a candidate park uploaded as GeoJSON where site 1 is: it gains what the API says
    site = Point(api["sites"][0]["lon"], api["sites"][0]["lat"])
    park = {"type": "FeatureCollection", "features": [{"type": "Feature",
            "properties": {"name": "上传候选"},
            "geometry": mapping(site.buffer(0.002, quad_segs=4))}]}  # fmt: skip
    path = tmp_path / "candidate.geojson"
    path.write_text(json.dumps(park, ensure_ascii=False), "utf-8")
    page.set_input_files("#candidate-file", str(path))
    page.wait_for_selector("#whatif-output[data-state=done]", timeout=120_000)
    expected = post_json(
        server, "/api/v1/coverage", {"district": TONGZHOU, "preset": "radius500", "parks": park}
    )["what_if"]
    assert expected["gain_m2"] > 0
    text = page.inner_text("#whatif-output")
    assert f"+{expected['gain_pp']:.2f} pp" in text and "上传候选" in text
    assert f"{expected['after'] * 100:.1f}%" in page.inner_text("#coverage-figure")


# --- export ------------------------------------------------------------------------------


def test_export_buttons_download_files_that_match_the_api(page: Page, server: Server) -> None:
    page.evaluate("() => window.geozone.lookupPoint(116.85, 40.5)")  # Miyun reservoir side
    result = wait_result(page)
    report = server.get_json(f"/api/v1/reports/{result['report_id']}")
    assert report["hits"], "the point should hit zones"
    with page.expect_download() as info:
        page.click("#export-geojson")
    geo = json.loads(Path(info.value.path()).read_text("utf-8"))
    assert info.value.suggested_filename == f"geozone-{result['report_id']}.geojson"
    with page.expect_download() as info:
        page.click("#export-csv")
    text = Path(info.value.path()).read_bytes().decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))

    assert geo["type"] == "FeatureCollection" and geo["report_id"] == report["report_id"]
    assert [f["properties"] for f in geo["features"]] == report["hits"]
    assert geo["verdicts"] == report["verdicts"]
    for f in geo["features"]:
        assert f["geometry"] is not None
        assert (
            shape(f["geometry"]).buffer(1e-6).contains(Point(116.85, 40.5))
            == f["properties"]["inside"]
        )
    assert len(rows) == sum(max(1, len(h["rules"])) for h in report["hits"])
    by_hit = {(r["layer_id"], r["feature_id"], r["activity"]): r for r in rows}
    for h in report["hits"]:
        for rule in h["rules"]:
            row = by_hit[(h["layer_id"], h["feature_id"], rule["activity"])]
            assert (row["verdict"], row["rule_id"]) == (rule["verdict"], rule["rule_id"])
            assert row["citation_document"] == rule["citation"]["document"]
    assert {r["report_id"] for r in rows} == {report["report_id"]}
