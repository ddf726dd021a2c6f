"""The web map on a residential layer of 200,000 parcels (headless Chromium).

The map must not download a layer: it draws from vector tiles, so starting it costs the
tiles of the view whatever the layer's size. The start-up time is printed (timings are
measured in benchmarks/bench_tiles.py, never asserted); the test asserts that no items page
of any layer was fetched (names come from /api/v1/places), that tiles were, and that a
click still gives a verdict naming the parcel under the cursor.
"""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
from big_layers import grid_lonlat, write_big_layers
from e2e_browser import map_page, screen_point, screenshot, set_view, wait_result
from live_server import Server, run_server
from playwright.sync_api import Browser

pytestmark = [pytest.mark.server, pytest.mark.browser, pytest.mark.slow]

PARCELS = 200_000


@pytest.fixture(scope="module")
def big_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    root = write_big_layers(tmp_path_factory.mktemp("big-layers"), PARCELS)
    with run_server(root, tmp_path_factory.mktemp("big-work"), timeout_s=300) as srv:
        yield srv


def test_map_on_200k_parcels_loads_tiles_not_items(big_server: Server, browser: Browser) -> None:
    urls: list[str] = []
    started = time.perf_counter()
    with map_page(browser, big_server.url + "/", requests=urls) as page:
        ready_s = time.perf_counter() - started
        print(f"\nmap ready with {PARCELS:,} residential parcels in {ready_s:.2f} s")
        # the parcels are drawn once zoomed in, from tiles
        index = PARCELS // 2 + 100
        lon, lat = grid_lonlat(index, PARCELS)
        set_view(page, lon, lat, 16)
        page.wait_for_function(
            "() => window.geozone.layers.drawnIds('residential').size > 0", timeout=60_000
        )
        drawn = page.evaluate("() => window.geozone.layers.drawnIds('residential').size")
        assert 0 < drawn < PARCELS / 100  # the view's parcels, not the layer
        screenshot(page, "big-01-parcels")
        # a click still asks the lookup API and names the parcel under the cursor
        page.select_option("#activity", "polluting_industry")
        x, y = screen_point(page, lon, lat)
        page.mouse.click(x, y)
        result = wait_result(page, timeout_ms=60_000)
        parcel = [h for h in result["hits"] if h["layer_id"] == "residential" and h["inside"]]
        assert [h["feature_id"] for h in parcel] == [f"RS-BIG-{index + 1:07d}"]
        assert result["verdicts"][0]["verdict"] in {"prohibited", "conditional", "permitted"}
    pages = [u for u in urls if "/items?" in u]  # item pages, not single items by id
    tiles = [u for u in urls if "/tiles/WebMercatorQuad/" in u]
    print(f"requests: {len(tiles)} tiles, {len(pages)} item pages: {pages}")
    # no item page at all: search and the district list read the names endpoint (no
    # geometry); only the hit parcel's outline is fetched, by id, for the highlight
    assert pages == []
    assert not [u for u in urls if u.split("?")[0].endswith("/items")]
    assert any("/api/v1/places?" in u for u in urls)
    assert any("/collections/residential/items/RS-BIG-" in u for u in urls)
    assert any("/collections/residential/tiles/" in u for u in tiles)
