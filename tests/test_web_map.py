"""The planners' web map in a real browser (Debian Chromium via Playwright).

A uvicorn server with the shipped layers runs for the session. Expected answers are computed
here from the catalog with geopandas/shapely (metres in EPSG:4548) and compared with what the
page shows, so the map, the HTTP API and the engine are checked against each other.
Screenshots of the main states go to test-output/screenshots/.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import shapely
from e2e_browser import map_page, screen_point, screenshot, set_view, wait_result
from live_server import Server, run_server
from playwright.sync_api import Browser, Page
from shapely.geometry import Point, box, shape
from shapely.geometry.base import BaseGeometry

from geozone.catalog import Catalog, load_catalog
from geozone.crs import transformer, wgs84_to_gcj02

pytestmark = [pytest.mark.server, pytest.mark.browser, pytest.mark.slow]

TONGZHOU = "110112"
TODAY = date.today()
ACTIVITY = "polluting_industry"


# --- geometry helpers (EPSG:4548 metres <-> WGS84) ------------------------------------


def to_wgs84(geom: BaseGeometry) -> BaseGeometry:
    t = transformer("EPSG:4548", "EPSG:4326")
    return shapely.transform(geom, lambda xy: np.column_stack(t.transform(xy[:, 0], xy[:, 1])))


def to_metres(geom: BaseGeometry) -> BaseGeometry:
    t = transformer("EPSG:4326", "EPSG:4548")
    return shapely.transform(geom, lambda xy: np.column_stack(t.transform(xy[:, 0], xy[:, 1])))


def lonlat(p: BaseGeometry) -> tuple[float, float]:
    q = to_wgs84(p)
    return float(q.x), float(q.y)


def tongzhou_redline(catalog: Catalog, when: date) -> Any:
    lv = catalog.in_force("redline", when)
    assert lv is not None
    frame = lv.frame
    return frame[frame["feature_id"].astype(str).str.contains(TONGZHOU)]


def deep_point(geom: BaseGeometry, inset_m: float = 60.0) -> BaseGeometry:
    """A point well inside a polygon (at least inset_m from its boundary)."""
    parts = getattr(geom, "geoms", [geom])
    biggest = max(parts, key=lambda g: g.area)
    core = biggest.buffer(-inset_m)
    assert not core.is_empty, "polygon too thin for a test point"
    return core.representative_point()


# --- fixtures --------------------------------------------------------------------------


@pytest.fixture(scope="session")
def catalog(demo_layers_dir: Path) -> Catalog:
    return load_catalog(demo_layers_dir)


@pytest.fixture(scope="session")
def server(demo_layers_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    with run_server(demo_layers_dir, tmp_path_factory.mktemp("web-map-server")) as srv:
        yield srv


@pytest.fixture()
def page(browser: Browser, server: Server) -> Iterator[Page]:
    """A fresh page on the map; fails the test on any console error or page error."""
    with map_page(browser, server.url + "/") as pg:
        yield pg


@pytest.fixture(scope="session")
def redline_core_point(catalog: Catalog) -> tuple[float, float]:
    """A point deep inside a Tongzhou red-line core area in force today."""
    frame = tongzhou_redline(catalog, TODAY)
    core = frame[frame["zone_class"] == "core"]
    assert len(core), "no Tongzhou red-line core area in the demo layers"
    return lonlat(deep_point(core.geometry.iloc[0]))


def click_map(page: Page, lon: float, lat: float, zoom: int = 15) -> None:
    set_view(page, lon, lat, zoom)
    x, y = screen_point(page, lon, lat)
    page.mouse.click(x, y)


# --- tests -----------------------------------------------------------------------------


def test_page_loads_layers_legend_and_synthetic_label(page: Page, server: Server) -> None:
    config = server.get_json("/api/v1/config")
    assert config["synthetic"] is True
    # every layer in force today is drawn from vector tiles with every feature the API has
    # (the start view holds the three districts whole)
    counts = page.evaluate(
        """() => Object.fromEntries([...window.geozone.layers.entries.keys()]
             .map((id) => [id, window.geozone.layers.drawnIds(id).size]))"""
    )
    for layer in config["layers"]:
        if layer["kind"] == "residential":
            continue  # drawn from zoom 13 on
        items = server.get_json(
            f"/ogc/collections/{layer['id']}/items?limit=1&datetime={TODAY.isoformat()}"
        )
        assert counts[layer["id"]] == items["numberMatched"], layer["id"]
    legend = page.inner_text("#legend")
    assert "合成演示数据" in legend and "synthetic demo data" in legend
    assert "生态保护红线一般区域" in legend and "Red line (general)" in legend
    assert page.is_visible("#synthetic-banner")
    # red line red, water grade I dark blue, concentrated construction orange/brown
    colours = dict(
        page.eval_on_selector_all(
            "#legend .gz-legend-row",
            "rows => rows.map(r => [r.dataset.class,"
            " getComputedStyle(r.firstChild).backgroundColor])",
        )
    )
    assert colours["redline:general"] == "rgb(255, 77, 79)"
    assert colours["water_protection:grade1"] == "rgb(0, 80, 179)"
    assert colours["water_protection:quasi"] == "rgb(145, 202, 255)"
    assert colours["control_zone:eco_control"] == "rgb(115, 209, 61)"
    assert colours["control_zone:restricted"] == "rgb(250, 219, 20)"
    assert colours["control_zone:concentrated"] == "rgb(212, 136, 58)"
    # the residential layer appears once zoomed in
    set_view(page, 116.66, 39.91, 13)
    page.wait_for_function(
        "() => window.geozone.layers.drawnIds('residential').size > 0",
        timeout=20_000,
    )
    screenshot(page, "01-map-loaded")


def test_click_redline_point_prohibits_polluting_industry(
    page: Page, redline_core_point: tuple[float, float]
) -> None:
    page.select_option("#activity", ACTIVITY)
    lon, lat = redline_core_point
    click_map(page, lon, lat)
    result = wait_result(page)
    assert result["query"]["type"] == "point"
    q = result["query"]["geometry"]["coordinates"]
    assert abs(q[0] - lon) < 1e-4 and abs(q[1] - lat) < 1e-4  # the click landed where we aimed
    verdict = result["verdicts"][0]
    assert verdict["activity"] == ACTIVITY and verdict["verdict"] == "prohibited"
    panel = page.inner_text("#result")
    assert "禁止" in panel and "142号" in panel
    # every citation names where its rule applies: 142号 is a national notice
    assert verdict["citation"]["jurisdiction"]["code"] == "100000"
    assert "〔适用地域: 全国〕" in panel
    assert page.locator("#result .gz-jurisdiction[data-jurisdiction='100000']").count() >= 2
    assert "合成演示数据" in panel
    card = page.locator("#result .gz-hit[data-layer='redline']").first
    assert "红线核心保护区" in card.inner_text()
    assert (
        page.locator(
            "#result .gz-verdict-row[data-activity='polluting_industry']"
            " [data-verdict='prohibited']"
        ).count()
        == 1
    )
    page.wait_for_timeout(300)
    screenshot(page, "02-point-redline")


def _crossing_square(catalog: Catalog) -> tuple[BaseGeometry, str]:
    """A 300 m square straddling the boundary of a Tongzhou red-line area, share 20-80 %."""
    frame = tongzhou_redline(catalog, TODAY)
    union = shapely.union_all(frame.geometry.values)
    for geom in frame.geometry.values:
        ring = max(getattr(geom, "geoms", [geom]), key=lambda g: g.area).exterior
        for frac in np.linspace(0, 1, 41)[:-1]:
            p = ring.interpolate(frac, normalized=True)
            sq = box(p.x - 150, p.y - 150, p.x + 150, p.y + 150)
            share = sq.intersection(union).area / sq.area
            if 0.2 < share < 0.8:
                return sq, "redline"
    raise AssertionError("no square straddling the red line found")


def test_draw_rectangle_across_zones_shows_area_shares(page: Page, catalog: Catalog) -> None:
    square, _ = _crossing_square(catalog)
    corners = to_wgs84(square).bounds
    cx, cy = (corners[0] + corners[2]) / 2, (corners[1] + corners[3]) / 2
    set_view(page, cx, cy, 16)
    page.evaluate("() => { window.geozone.map.pm.enableDraw('Rectangle'); }")
    x1, y1 = screen_point(page, corners[0], corners[1])
    x2, y2 = screen_point(page, corners[2], corners[3])
    page.mouse.click(x1, y1)
    page.mouse.move(x2, y2, steps=4)
    page.mouse.click(x2, y2)
    result = wait_result(page)
    assert result["query"]["type"] == "parcel"
    drawn = to_metres(shape(result["query"]["geometry"]))
    assert drawn.area == pytest.approx(300 * 300, rel=0.05)  # the rectangle we dragged
    # overlap figures agree with shapely on the catalog's own geometries
    zone_hits = [h for h in result["hits"] if h["rules"] and h["inside"]]
    assert len(zone_hits) >= 2
    layers = {h["layer_id"] for h in zone_hits}
    assert "redline" in layers and len(layers) >= 2
    for h in zone_hits:
        lv = catalog.get(h["layer_id"], h["layer_version"])
        geom = lv.frame.loc[lv.frame["feature_id"].astype(str) == h["feature_id"]].geometry.iloc[0]
        expected = drawn.intersection(geom).area
        assert h["overlap_m2"] == pytest.approx(expected, rel=0.01, abs=5.0)
        assert h["overlap_share"] == pytest.approx(expected / drawn.area, abs=0.01)
    red = [h for h in zone_hits if h["layer_id"] == "redline"]
    assert 0.1 < sum(h["overlap_share"] for h in red) < 0.9
    # the panel shows each zone with its share, and the overlap parts are highlighted
    for h in zone_hits:
        text = page.locator(
            f"#result .gz-hit[data-layer='{h['layer_id']}'][data-feature='{h['feature_id']}']"
        ).inner_text()
        assert f"{h['overlap_share'] * 100:.1f}%" in text
    page.wait_for_function(
        "() => document.querySelectorAll('.leaflet-overlap-pane path').length >= 2"
    )
    screenshot(page, "03-rectangle-shares")


def test_upload_geojson_parcel_wgs84_and_gcj02(
    page: Page, tmp_path: Path, redline_core_point: tuple[float, float]
) -> None:
    lon, lat = redline_core_point
    d = 0.0008
    ring = [[lon - d, lat - d], [lon + d, lat - d], [lon + d, lat + d], [lon - d, lat + d]]
    ring.append(ring[0])
    fc = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": {"name": "test parcel"},
                "geometry": {"type": "Polygon", "coordinates": [ring]},
            }
        ],
    }
    path = tmp_path / "parcel.geojson"
    path.write_text(json.dumps(fc))
    page.select_option("#activity", ACTIVITY)
    page.click(".gz-upload summary")
    page.set_input_files("#upload-file", str(path))
    first = wait_result(page)
    assert first["query"]["type"] == "parcel" and first["query"]["crs"] == "EPSG:4326"
    assert first["verdicts"][0]["verdict"] == "prohibited"
    expected_area = to_metres(shape(fc["features"][0]["geometry"])).area
    assert first["query"]["area_m2"] == pytest.approx(expected_area, rel=1e-3)
    # the same parcel in GCJ-02: the API converts it back; the map shows the WGS84 geometry
    gx, gy = wgs84_to_gcj02([c[0] for c in ring], [c[1] for c in ring])
    shifted = {
        "type": "Polygon",
        "coordinates": [[[float(x), float(y)] for x, y in zip(gx, gy, strict=True)]],
    }
    gpath = tmp_path / "parcel_gcj02.geojson"
    gpath.write_text(json.dumps({"type": "Feature", "properties": {}, "geometry": shifted}))
    page.select_option("#crs", "GCJ02")
    page.set_input_files("#upload-file", str(gpath))
    second = wait_result(page, first["report_id"])
    assert second["query"]["crs"] in {"GCJ02", "GCJ-02"}
    back = shape(second["query"]["geometry"])
    assert back.symmetric_difference(shape(fc["features"][0]["geometry"])).area < 1e-9
    bounds = page.evaluate(
        "() => { const b = window.geozone.draw.parcel.getBounds();"
        " return [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()]; }"
    )
    assert np.allclose(bounds, [lon - d, lat - d, lon + d, lat + d], atol=2e-6)
    assert page.evaluate("() => window.geozone.map.pm.getGeomanLayers().length") == 1
    screenshot(page, "04-upload-gcj02")


def _version_points(catalog: Catalog) -> tuple[tuple[float, float], tuple[float, float]]:
    """Points in the Tongzhou red line of 2021 only, and of 2026 only."""
    old = shapely.union_all(tongzhou_redline(catalog, date(2021, 6, 1)).geometry.values)
    new = shapely.union_all(tongzhou_redline(catalog, TODAY).geometry.values)
    return lonlat(deep_point(old.difference(new))), lonlat(deep_point(new.difference(old)))


def test_as_of_date_follows_red_line_versions(page: Page, catalog: Catalog) -> None:
    only_2021, only_2026 = _version_points(catalog)
    page.select_option("#activity", ACTIVITY)

    def redline_hits(res: dict[str, Any]) -> list[dict[str, Any]]:
        return [h for h in res["hits"] if h["layer_id"] == "redline" and h["inside"]]

    click_map(page, *only_2021)
    now = wait_result(page)
    # the answer is for the date shown, today's by default (a run may cross midnight
    # between this module's TODAY and the page's load)
    shown = page.input_value("#as-of")
    assert now["as_of"] == shown and shown in {TODAY.isoformat(), date.today().isoformat()}
    assert redline_hits(now) == []
    page.fill("#as-of", "2022-06-01")
    page.dispatch_event("#as-of", "change")
    then = wait_result(page, now["report_id"])
    assert then["as_of"] == "2022-06-01"
    assert [h["layer_version"] for h in redline_hits(then)] == ["2021"]
    # the drawn layers follow the date too: the switcher names the 2021 version
    page.wait_for_function(
        "() => document.querySelector('#layer-switcher').innerText.includes('2021')"
    )
    screenshot(page, "05-as-of-2022")
    click_map(page, *only_2026)
    old_view = wait_result(page, then["report_id"])
    assert redline_hits(old_view) == []
    page.fill("#as-of", TODAY.isoformat())
    page.dispatch_event("#as-of", "change")
    new_view = wait_result(page, old_view["report_id"])
    assert [h["layer_version"] for h in redline_hits(new_view)] == ["2026"]
    assert new_view["verdicts"][0]["verdict"] == "prohibited"


def test_date_picker_offers_only_dates_with_layers(page: Page, server: Server) -> None:
    # the demo admin layer is in force from 2020-01-01 on (layers/manifest.toml)
    dates = server.get_json("/api/v1/config")["dates"]
    assert dates == {"valid_from": "2020-01-01", "valid_to": None, "ranges": [["2020-01-01", None]]}
    assert page.get_attribute("#as-of", "min") == "2020-01-01"
    assert page.get_attribute("#as-of", "max") is None
    before = page.input_value("#as-of")
    # a date typed before it: the panel says why, in Chinese, with the dates; no false 范围外
    page.fill("#as-of", "2019-01-01")
    page.dispatch_event("#as-of", "change")
    page.wait_for_selector("#result[data-state='error']")
    text = page.inner_text("#result")
    assert "无生效的行政区划图层" in text and "2020-01-01" in text and "范围外" not in text
    assert page.input_value("#as-of") == before  # the picker keeps an answerable date


def test_parcel_answer_is_a_summary_with_labels(page: Page, catalog: Catalog) -> None:
    square, _ = _crossing_square(catalog)
    result = page.evaluate(
        "(g) => window.geozone.lookupGeometry(g)", shapely.geometry.mapping(to_wgs84(square))
    )
    assert result["query"]["detail"] == "summary"
    assert all(h["rules"] for h in result["hits"])  # control layers only
    kinds = {c["layer_kind"] for c in result["context"]}
    assert "admin" in kinds
    text = page.inner_text("#result")
    assert "背景图层概况" in text and "行政区划" in text
    assert "spatial_layout" not in text and "emission_control" not in text
    # layer kinds by their names: the context rows and the hits' facts hold no raw codes
    labelled = page.eval_on_selector_all(
        "#result .gz-context-row, #result .gz-hit-facts", "els => els.map(e => e.innerText)"
    )
    assert labelled
    for line in labelled:
        assert not re.search(r"\b(admin|redline|park|residential|control_zone)\b", line), line


def test_report_page_and_permalink(
    page: Page, server: Server, redline_core_point: tuple[float, float]
) -> None:
    page.select_option("#activity", ACTIVITY)
    click_map(page, *redline_core_point)
    result = wait_result(page)
    rid = result["report_id"]
    assert page.get_attribute("#permalink", "href") == f"{server.url}/?report={rid}"
    with page.context.expect_page() as info:
        page.click("#open-report")
    report = info.value
    report.wait_for_selector("#report[data-ready='true']", timeout=30_000)
    text = report.inner_text("#report")
    assert rid in text and "142号" in text and "合成演示数据" in text
    assert "禁止" in text and f"/?report={rid}" in text
    assert "〔适用地域: 全国〕" in text
    assert report.locator("#report svg.gz-snapshot path[data-layer='redline']").count() >= 1
    for layer in result["layers"]:
        assert layer["id"] in text
    report.set_viewport_size({"width": 1000, "height": 1400})
    screenshot(report, "06-report")
    pdf = report.pdf(format="A4", print_background=True)
    assert pdf.startswith(b"%PDF")
    pages = len(re.findall(rb"/Type\s*/Page[^s]", pdf))
    assert 1 <= pages <= 3
    report.close()
    # the permalink reopens the same answer
    page.goto(f"{server.url}/?report={rid}")
    page.wait_for_selector("body[data-ready='true']", timeout=60_000)
    assert page.get_attribute("#result", "data-report-id") == rid
    assert page.input_value("#as-of") == result["as_of"]
    assert "142号" in page.inner_text("#result")


def test_language_switch_persists(page: Page, server: Server) -> None:
    assert page.inner_text(".gz-brand strong") == "geozone 生态分区查询"
    page.click("#lang-toggle")
    assert page.inner_text(".gz-brand strong") == "geozone ecological zoning lookup"
    assert page.evaluate("() => localStorage.getItem('geozone.lang')") == "en"
    page.reload()
    page.wait_for_selector("body[data-ready='true']", timeout=60_000)
    assert page.get_attribute("html", "lang") == "en"
    assert "Legend" in page.inner_text("#legend")
    activities = server.get_json("/api/v1/activities")["activities"]
    labels = page.eval_on_selector_all("#activity option", "os => os.map(o => o.textContent)")
    assert labels == [a["en"] for a in activities]
    screenshot(page, "07-english")
    page.click("#lang-toggle")
    assert page.get_attribute("html", "lang") == "zh-CN"


def test_coverage_view_shows_figure(page: Page, server: Server) -> None:
    page.click("[data-tab='coverage']")
    page.wait_for_function(
        "() => document.querySelectorAll('#coverage-district option').length === 3"
    )
    page.select_option("#coverage-district", TONGZHOU)
    page.click("#coverage-run")
    page.wait_for_selector("#coverage-figure", timeout=60_000)
    # the default preset is the plans' 500 m one, compared with Tongzhou's 500 m target (96 %);
    # the GB 55014 floor (a GB/T 50563 figure) is listed as not comparable
    api = server.get_json(f"/api/v1/coverage?district={TONGZHOU}&preset=radius500&by=township")
    figure = page.inner_text("#coverage-figure")
    assert f"{api['ratio'] * 100:.1f}%" in figure
    assert api["headline_target"]["value"] == 0.96
    output = page.inner_text("#coverage-output")
    assert "96.0%" in output
    assert "不作比较" in output or "not comparable" in output
    assert "合成演示数据" in page.inner_text("#coverage-output")
    assert page.evaluate("() => window.geozone.coverage.blindSpots.getLayers().length") > 0
    page.wait_for_timeout(800)
    screenshot(page, "08-coverage")


def test_search_township_and_coordinates(page: Page, catalog: Catalog) -> None:
    admin = catalog.in_force("admin", TODAY)
    assert admin is not None
    towns = admin.frame_wgs84[admin.frame_wgs84["zone_class"] == "township"]
    town = towns.iloc[0]
    page.fill("#search-input", str(town["name"])[:2])
    page.wait_for_selector("#search-results li")
    page.fill("#search-input", str(town["code"]))
    page.press("#search-input", "Enter")
    page.wait_for_timeout(1200)  # fly animation
    centre = page.evaluate(
        "() => { const c = window.geozone.map.getCenter(); return [c.lng, c.lat]; }"
    )
    assert town.geometry.envelope.buffer(0.01).contains(Point(centre))
    page.fill("#search-input", "116.65, 39.90")
    page.press("#search-input", "Enter")
    result = wait_result(page)
    assert result["query"]["geometry"]["coordinates"] == pytest.approx([116.65, 39.9], abs=1e-6)
    assert result["query"]["geometry"]["type"] == "Point"


def test_start_up_fetches_no_items_page_and_search_reads_places(
    browser: Browser, server: Server, catalog: Catalog
) -> None:
    """Start-up asks for tiles and the names endpoint, never a page of OGC items."""
    admin = catalog.in_force("admin", TODAY)
    assert admin is not None
    frame = admin.frame_wgs84
    town = frame[frame["zone_class"] == "township"].iloc[-1]
    urls: list[str] = []
    with map_page(browser, server.url + "/", requests=urls) as pg:
        started = list(urls)
        pg.fill("#search-input", str(town["name"]))
        pg.wait_for_selector("#search-results li")
        assert str(town["name"]) in pg.inner_text("#search-results")
        pg.press("#search-input", "Enter")
        pg.wait_for_timeout(1200)  # fly animation
        centre = pg.evaluate(
            "() => { const c = window.geozone.map.getCenter(); return [c.lng, c.lat]; }"
        )
        assert town.geometry.envelope.buffer(0.01).contains(Point(centre))
        # the chosen township's outline is the one feature fetched, by id
        pg.wait_for_function(
            "() => document.querySelectorAll('.leaflet-query-pane path').length > 0"
        )
        districts = pg.eval_on_selector_all(
            "#coverage-district option", "os => os.map(o => o.value)"
        )
    assert not [u for u in started if "/items" in u], started
    assert any("/api/v1/places?as_of=" in u for u in started)
    assert any("/tiles/WebMercatorQuad/" in u for u in started)
    later = [u.split("?")[0] for u in urls[len(started) :] if "/items" in u]
    assert later == [f"{server.url}/ogc/collections/admin/items/{town['feature_id']}"]
    assert sorted(districts) == sorted(frame[frame["zone_class"] == "district"]["code"])


def test_upload_kml_shapefile_and_pasted_corners(
    page: Page, tmp_path: Path, redline_core_point: tuple[float, float]
) -> None:
    """KML (read with DOMParser), a zipped shapefile (shpjs) and 拐点 corners in EPSG:4548."""
    import zipfile

    import geopandas as gpd

    lon, lat = redline_core_point
    centre = to_metres(Point(lon, lat))
    square = box(centre.x - 100, centre.y - 60, centre.x + 100, centre.y + 60)  # 24,000 m²
    wgs = to_wgs84(square)
    page.click(".gz-upload summary")
    # KML
    coords = " ".join(f"{x:.8f},{y:.8f},0" for x, y in wgs.exterior.coords)
    kml = (
        '<?xml version="1.0" encoding="UTF-8"?><kml xmlns="http://www.opengis.net/kml/2.2">'
        "<Placemark><name>p</name><Polygon><outerBoundaryIs><LinearRing><coordinates>"
        f"{coords}</coordinates></LinearRing></outerBoundaryIs></Polygon></Placemark></kml>"
    )
    (tmp_path / "parcel.kml").write_text(kml)
    page.set_input_files("#upload-file", str(tmp_path / "parcel.kml"))
    first = wait_result(page)
    assert first["query"]["area_m2"] == pytest.approx(24_000, rel=2e-3)
    # zipped shapefile in EPSG:4548 with its .prj: shpjs reprojects it to WGS84
    shp_dir = tmp_path / "shp"
    shp_dir.mkdir()
    gpd.GeoDataFrame({"name": ["p"]}, geometry=[square], crs="EPSG:4548").to_file(
        shp_dir / "parcel.shp"
    )
    with zipfile.ZipFile(tmp_path / "parcel.zip", "w") as z:
        for f in shp_dir.iterdir():
            z.write(f, f.name)
    page.set_input_files("#upload-file", str(tmp_path / "parcel.zip"))
    second = wait_result(page, first["report_id"])
    assert second["query"]["area_m2"] == pytest.approx(24_000, rel=2e-3)
    # corners pasted surveyor-style (X = northing first) in CGCS2000 GK metres
    page.select_option("#crs", "EPSG:4548")
    lines = [f"J{i + 1},{y:.3f},{x:.3f}" for i, (x, y) in enumerate(square.exterior.coords[:-1])]
    page.fill("#corners", "\n".join(lines))
    page.click("#corners-form button[type='submit']")
    third = wait_result(page, second["report_id"])
    assert third["query"]["crs"] == "EPSG:4548"
    assert third["query"]["area_m2"] == pytest.approx(24_000, rel=1e-6)
    assert third["verdicts"][0]["verdict"] == first["verdicts"][0]["verdict"]
