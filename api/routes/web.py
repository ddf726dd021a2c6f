"""The web map: ``/`` serves ``static/index.html``; ``/static`` serves the folder.

The folder is the checkout's ``static/`` or the installed package's copy of it
(:func:`geozone.resources.static_dir`); its npm assets are the committed
``static/vendor/`` (``scripts/vendor_web_assets.py``), so ``/static/vendor/...`` needs no npm.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, FastAPI
from fastapi.responses import FileResponse, HTMLResponse, Response
from fastapi.staticfiles import StaticFiles

from geozone import resources

STATIC_DIR = resources.static_dir()

router = APIRouter(tags=["web map"])

_NO_MAP = """<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>geozone</title></head><body>
<h1>geozone</h1>
<p>The web map is not installed (no <code>static/index.html</code>).
The API is up: see <a href="/docs">/docs</a>, <a href="/ogc">/ogc</a> and
<a href="/healthz">/healthz</a>.</p></body></html>"""


@router.get("/", include_in_schema=False)
def index() -> Response:
    """The web map page, or a short page with links when the map is not installed."""
    page = STATIC_DIR / "index.html"
    if page.is_file():
        return FileResponse(page, media_type="text/html")
    return HTMLResponse(_NO_MAP)


def mount_static(app: FastAPI, static_dir: Path = STATIC_DIR) -> None:
    """Mount ``static/`` at ``/static`` (its ``vendor/`` is ``/static/vendor``)."""
    app.mount("/static", StaticFiles(directory=static_dir, check_dir=False), name="static")
