""" "报告错误 / report an inaccuracy" and the signature line in a real browser (Debian Chromium).

A live server with the shipped layers: the map's result panel, the printable report and the
server-rendered report page each get a challenge button per hit; clicking it, writing a
comment and submitting stores a challenge that the admin API then lists for that hit. The
pages show the verify status and a PDF link that downloads the server's signed PDF.
"""

from __future__ import annotations

import json
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import zxingcpp
from conftest import LAYERS
from e2e_browser import map_page, screenshot, wait_result
from live_server import Server, run_server
from PIL import Image
from playwright.sync_api import Browser, Page

pytestmark = [pytest.mark.server, pytest.mark.browser, pytest.mark.slow]

TOKEN = "web-challenge-admin"
POINT = (116.85, 40.45)
SQUARE = {  # about 85 m x 111 m around POINT
    "type": "Polygon",
    "coordinates": [
        [[116.85, 40.45], [116.851, 40.45], [116.851, 40.451], [116.85, 40.451], [116.85, 40.45]]
    ],
}


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    env = {"GEOZONE_ADMIN_TOKEN": TOKEN}
    with run_server(LAYERS, tmp_path_factory.mktemp("web-challenges"), env=env) as s:
        yield s


@pytest.fixture()
def page(browser: Browser, server: Server) -> Iterator[Page]:
    """A fresh page on the map; fails the test on any console error or page error."""
    with map_page(browser, server.url, width=1280, locale=None, accept_downloads=True) as pg:
        yield pg


def _challenges(server: Server, report_id: str) -> list[dict[str, Any]]:
    request = urllib.request.Request(
        f"{server.url}/api/v1/admin/challenges?report_id={report_id}",
        headers={"Authorization": f"Bearer {TOKEN}"},
    )
    with urllib.request.urlopen(request, timeout=30) as resp:
        found: list[dict[str, Any]] = json.loads(resp.read())["challenges"]
    return found


def _submit(page: Page, scope: str, comment: str, attach_drawn: bool = False) -> str:
    """Open the first challenge form under ``scope``, submit ``comment``; the challenge id."""
    box = page.locator(f"{scope} .gz-challenge").first
    box.locator(".gz-challenge-open").click()
    if attach_drawn:
        box.locator("input[type=checkbox]").check()
    box.locator(".gz-challenge-comment").fill("x")
    box.locator(".gz-challenge-submit").click()  # too short: refused in the page
    assert box.locator(".gz-challenge-status").inner_text().strip() != ""
    box.locator(".gz-challenge-comment").fill(comment)
    box.locator(".gz-challenge-submit").click()
    box.locator(".gz-challenge-done").wait_for(timeout=30_000)
    challenge_id = box.get_attribute("data-challenge-id")
    assert challenge_id
    return challenge_id


def test_report_an_inaccuracy_from_the_map_and_both_report_pages(
    server: Server, page: Page, tmp_path: Path
) -> None:
    page.evaluate("([lon, lat]) => window.geozone.lookupPoint(lon, lat)", list(POINT))
    result = wait_result(page)
    rid = result["report_id"]
    hits = result["hits"]
    cards = page.locator("#result .gz-hit .gz-challenge-open")
    assert cards.count() == len(hits)

    first = page.locator("#result .gz-hit").first
    layer, feature = first.get_attribute("data-layer"), first.get_attribute("data-feature")
    cid = _submit(page, "#result .gz-hit", "地图上提交：边界偏移 / boundary shifted")
    screenshot(page, "challenge-map-panel")
    stored = {c["id"]: c for c in _challenges(server, rid)}
    assert stored[int(cid)]["layer_id"] == layer
    assert stored[int(cid)]["feature_id"] == feature
    assert stored[int(cid)]["comment"] == "地图上提交：边界偏移 / boundary shifted"

    pdf_href = page.locator("#result .gz-pdf-link").get_attribute("href")
    assert pdf_href == f"/api/v1/reports/{rid}/pdf"
    with urllib.request.urlopen(server.url + pdf_href, timeout=60) as resp:
        assert resp.read(5) == b"%PDF-"

    # the printable report page (static/report.html): verify status, PDF link, a button per hit
    page.goto(f"{server.url}/static/report.html?id={rid}")
    page.wait_for_selector("#report[data-ready='true']", timeout=60_000)
    page.wait_for_selector("#verify-status[data-valid='true']", timeout=30_000)
    assert page.locator("#report .gz-challenge-open").count() == len(hits)
    cid2 = _submit(page, "#report", "报告页提交 / from the printable report")
    screenshot(page, "challenge-report-page")

    # the server-rendered page (GET /api/v1/reports/{id}?format=html)
    page.goto(f"{server.url}/api/v1/reports/{rid}?format=html")
    page.wait_for_selector("td[data-hit-layer] .gz-challenge-open", timeout=30_000)
    assert page.locator("td[data-hit-layer] .gz-challenge-open").count() == len(hits)
    assert "签名有效" in page.locator("#verify-status").inner_text()
    assert page.locator("svg.gz-qr").count() == 1
    qr_png = tmp_path / "qr.png"
    page.locator("svg.gz-qr").screenshot(path=str(qr_png))
    decoded = [b.text for b in zxingcpp.read_barcodes(Image.open(qr_png))]
    assert decoded == [f"{server.url}/api/v1/reports/{rid}?format=html"]
    cid3 = _submit(page, "td[data-hit-layer]", "服务端报告页提交 / from the server page")
    screenshot(page, "challenge-server-report")

    ids = {c["id"] for c in _challenges(server, rid)}
    assert {int(cid), int(cid2), int(cid3)} <= ids


def test_a_drawn_parcel_can_be_attached_as_the_correction(server: Server, page: Page) -> None:
    page.evaluate("(g) => window.geozone.lookupGeometry(g)", SQUARE)
    result = wait_result(page)
    assert result["hits"], "the square must hit zones"
    cid = _submit(page, "#result .gz-hit", "更正范围见所绘多边形 / see the drawn outline", True)
    stored = {c["id"]: c for c in _challenges(server, result["report_id"])}[int(cid)]
    ring = stored["correction"]["coordinates"][0]
    assert stored["correction"]["type"] == "Polygon"
    assert {tuple(p) for p in ring} == {tuple(p) for p in SQUARE["coordinates"][0]}
