"""Helpers for browser tests: a real uvicorn server and Debian's Chromium via Playwright.

The server runs ``api.main:app`` in a subprocess on a free loopback port with the shipped
layers (``GEOZONE_LAYERS_DIR``) and a throw-away report store; it is stopped at teardown.
Chromium is the system browser (``/usr/bin/chromium``): ``playwright install`` is never run.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from playwright.sync_api import Browser, ConsoleMessage, Error, Page, Playwright, Route

REPO = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
SCREENSHOTS = REPO / "test-output" / "screenshots"


def launch_chromium(p: Playwright) -> Browser:
    """Debian's Chromium, headless, with background traffic switched off."""
    return p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)


@dataclass
class ConsoleLog:
    """Console errors and uncaught page errors collected from a page."""

    errors: list[str] = field(default_factory=list)

    def attach(self, page: Page) -> None:
        """Start collecting from a page."""

        def on_console(msg: ConsoleMessage) -> None:
            if msg.type == "error":
                self.errors.append(f"console: {msg.text} @ {msg.location}")

        def on_error(err: Error) -> None:
            self.errors.append(f"pageerror: {err}")

        page.on("console", on_console)
        page.on("pageerror", on_error)


def screenshot(page: Page, name: str) -> Path:
    """Save a full-page screenshot under test-output/screenshots/."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=False)
    return path


def open_map(page: Page, url: str) -> None:
    """Open the web map and wait until layers and activities are loaded."""
    page.goto(url)
    page.wait_for_selector("body[data-ready='true']", timeout=60_000)


@contextmanager
def map_page(
    browser: Browser,
    url: str,
    *,
    width: int = 1400,
    height: int = 900,
    locale: str | None = "zh-CN",
    accept_downloads: bool = False,
    route: Callable[[Route], Any] | None = None,
    requests: list[str] | None = None,
) -> Iterator[Page]:
    """The map at ``url`` in a fresh browser context, closed on exit.

    ``route`` sees every request of the context; ``requests`` collects the URL of every
    request the page makes from the first one. Console and page errors of the page (and of
    any page it opens) fail the test when the block ends without an exception.
    """
    context = browser.new_context(
        viewport={"width": width, "height": height},
        locale=locale,
        accept_downloads=accept_downloads,
    )
    if route is not None:
        context.route("**/*", route)
    page = context.new_page()
    log = ConsoleLog()
    log.attach(page)
    context.on("page", log.attach)
    if requests is not None:
        page.on("request", lambda r: requests.append(r.url))
    try:
        open_map(page, url)
        yield page
    finally:
        context.close()
    assert log.errors == [], "\n".join(log.errors)


def screen_point(page: Page, lon: float, lat: float) -> tuple[float, float]:
    """Page pixel coordinates of a WGS84 point on the map."""
    xy = page.evaluate(
        """([lon, lat]) => {
            const map = window.geozone.map;
            const p = map.latLngToContainerPoint([lat, lon]);
            const r = map.getContainer().getBoundingClientRect();
            return [r.left + p.x, r.top + p.y];
        }""",
        [lon, lat],
    )
    return float(xy[0]), float(xy[1])


def set_view(page: Page, lon: float, lat: float, zoom: int) -> None:
    """Centre the map without animation."""
    page.evaluate(
        "([lon, lat, z]) => { window.geozone.map.setView([lat, lon], z, {animate: false}); }",
        [lon, lat, zoom],
    )


def wait_result(
    page: Page, previous: str | None = None, timeout_ms: int = 30_000
) -> dict[str, Any]:
    """Wait for a finished lookup (a new report id when ``previous`` is given); return its JSON."""
    page.wait_for_function(
        """(prev) => {
            const panel = document.getElementById('result');
            return panel.dataset.state === 'done' && panel.dataset.reportId
                && panel.dataset.reportId !== prev;
        }""",
        arg=previous or "",
        timeout=timeout_ms,
    )
    result: dict[str, Any] = page.evaluate("() => window.geozone.result")
    return result
