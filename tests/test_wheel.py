"""The built wheel alone serves a working map: assets, demo layers, lookups, no npm.

The wheel is built offline from a copy of the source tree (``pip wheel --no-deps
--no-build-isolation --no-index``) and installed with ``pip install --no-deps --target``;
``geozone serve`` then runs with ``PYTHONPATH`` set to that folder from a working directory
outside the repository, so the package comes only from the wheel (asserted) and its
dependencies from the current venv. State goes to ``$XDG_STATE_HOME/geozone``, never into
the installed package.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
import urllib.request
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from live_server import free_port

REPO = Path(__file__).resolve().parent.parent
pytestmark = [pytest.mark.server, pytest.mark.slow]


@dataclass
class Installed:
    """The wheel, the folder it is installed in, and the environment to run it with."""

    wheel: Path
    site: Path
    env: dict[str, str]
    cwd: Path
    state: Path


def _copy_source(dst: Path) -> None:
    for name in ("pyproject.toml", "README.md", "LICENSE"):
        shutil.copy2(REPO / name, dst / name)
    skip = shutil.ignore_patterns("node_modules", "__pycache__", ".geozone-*", "*.egg-info")
    for name in ("geozone", "api", "static", "layers"):
        shutil.copytree(REPO / name, dst / name, ignore=skip)


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Installed:
    root = tmp_path_factory.mktemp("wheel")
    src, out, site = root / "src", root / "dist", root / "site"
    src.mkdir()
    _copy_source(src)
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check", "-q"]
    subprocess.run(
        [
            *pip,
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "--no-index",
            "-w",
            str(out),
            str(src),
        ],
        check=True,
        timeout=120,
    )
    (wheel,) = out.glob("geozone-*.whl")
    subprocess.run(
        [*pip, "install", "--no-deps", "--no-index", "--target", str(site), str(wheel)],
        check=True,
        timeout=120,
    )
    cwd, state = root / "elsewhere", root / "state"
    cwd.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith("GEOZONE_")}
    env.update(PYTHONPATH=str(site), XDG_STATE_HOME=str(state), HOME=str(root / "home"))
    return Installed(wheel, site, env, cwd, state)


def test_wheel_holds_every_module_the_assets_and_the_demo_layers(installed: Installed) -> None:
    names = set(zipfile.ZipFile(installed.wheel).namelist())
    for pkg in ("geozone", "api"):
        for py in (REPO / pkg).rglob("*.py"):
            assert py.relative_to(REPO).as_posix() in names, f"{py} missing from the wheel"
    vendor = REPO / "static" / "vendor"
    for f in vendor.rglob("*"):
        if f.is_file():
            assert f"geozone/web_static/vendor/{f.relative_to(vendor).as_posix()}" in names
    for f in ("index.html", "report.html", "js/main.js", "css/app.css"):
        assert f"geozone/web_static/{f}" in names
    for f in (REPO / "layers" / "data").iterdir():
        assert f"geozone/demo_layers/data/{f.name}" in names
    assert "geozone/demo_layers/manifest.toml" in names
    assert "api/templates/report.html" in names
    assert not any("node_modules" in n or n.endswith("package.json") for n in names)


def test_package_is_imported_from_the_wheel(installed: Installed) -> None:
    code = (
        "import geozone, api, geozone.resources as r; print(geozone.__file__); "
        "print(api.__file__); print(r.static_dir()); print(r.is_checkout())"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        cwd=installed.cwd,
        env=installed.env,
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    ).stdout.split()
    site = str(installed.site)
    assert out[0].startswith(site) and out[1].startswith(site), out
    assert out[2] == str(installed.site / "geozone" / "web_static")
    assert out[3] == "False"


@pytest.fixture(scope="module")
def served(installed: Installed) -> Iterator[str]:
    port = free_port()
    log = installed.cwd / "serve.log"
    before = sorted(
        p.relative_to(installed.site)
        for p in installed.site.rglob("*")
        if "__pycache__" not in p.parts
    )
    with log.open("wb") as fh:
        proc = subprocess.Popen(
            [sys.executable, "-m", "geozone", "serve", "--port", str(port)],
            cwd=installed.cwd,
            env=installed.env,
            stdout=fh,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            assert proc.poll() is None, log.read_text()
            try:
                with urllib.request.urlopen(url + "/healthz", timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            assert time.monotonic() < deadline, log.read_text()
            time.sleep(0.2)
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=20)
    after = sorted(
        p.relative_to(installed.site)
        for p in installed.site.rglob("*")
        if "__pycache__" not in p.parts
    )
    assert after == before, "geozone serve wrote into the installed package"


def _get(url: str) -> tuple[int, bytes, str]:
    with urllib.request.urlopen(url, timeout=30) as r:
        return r.status, r.read(), r.headers.get("content-type", "")


def test_installed_service_serves_the_map_assets_and_lookups(
    installed: Installed, served: str
) -> None:
    status, body, ctype = _get(served + "/")
    assert status == 200 and ctype.startswith("text/html")
    assert body == (REPO / "static" / "index.html").read_bytes()
    for path in (
        "leaflet/dist/leaflet.js",
        "leaflet/dist/leaflet.css",
        "leaflet/dist/images/layers.png",
        "@turf/intersect/dist/esm/index.js",
    ):
        status, body, _ = _get(f"{served}/static/vendor/{path}")
        assert status == 200 and body == (REPO / "static" / "vendor" / path).read_bytes()
    status, body, _ = _get(served + "/static/js/main.js")
    assert status == 200 and body == (REPO / "static" / "js" / "main.js").read_bytes()
    status, body, _ = _get(served + "/healthz")
    health = json.loads(body)
    assert status == 200 and health["status"] == "ok"
    status, body, _ = _get(
        served + "/api/v1/lookup?lon=116.65&lat=39.90&activity=polluting_industry"
    )
    answer = json.loads(body)
    assert status == 200 and answer["report_id"]
    assert answer["synthetic"] is True
    # the shipped demo layers, served from a working copy in the state folder
    state = installed.state / "geozone"
    assert (state / "layers" / "manifest.toml").read_bytes() == (
        REPO / "layers" / "manifest.toml"
    ).read_bytes()
    assert (state / "reports.sqlite").is_file()


_BROWSER_CHECK = """
import json, sys
from e2e_browser import ConsoleLog, launch_chromium, open_map
from playwright.sync_api import sync_playwright

with sync_playwright() as p:
    browser = launch_chromium(p)
    page = browser.new_page(viewport={"width": 1200, "height": 800})
    log = ConsoleLog()
    log.attach(page)
    open_map(page, sys.argv[1] + "/")
    # features drawn from the vector tiles of the start view, over every layer
    drawn = page.evaluate(
        "() => [...window.geozone.layers.entries.keys()]"
        ".reduce((n, id) => n + window.geozone.layers.drawnIds(id).size, 0)"
    )
    print(json.dumps({
        "drawn": drawn,
        "geoman_toolbar": page.locator(".leaflet-pm-toolbar").count(),
        "zoom_control": page.locator(".leaflet-control-zoom").count(),
        "banner": page.is_visible("#synthetic-banner"),
        "errors": log.errors,
    }))
    browser.close()
"""


def test_installed_map_renders_in_chromium(served: str) -> None:
    # in its own process: the session's other browser tests keep a Playwright loop open
    out = subprocess.run(
        [sys.executable, "-c", _BROWSER_CHECK, served],
        cwd=REPO / "tests",
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert out.returncode == 0, out.stderr[-3000:]
    seen = json.loads(out.stdout.strip().splitlines()[-1])
    # zone layers drawn by Leaflet from the vendored assets, geoman's toolbar up, no errors
    assert seen["drawn"] > 0
    assert seen["geoman_toolbar"] > 0 and seen["zoom_control"] == 1
    assert seen["banner"] is True
    assert seen["errors"] == []
