"""The web map: ``/`` serves ``static/index.html``; ``/static`` and ``/static/vendor`` assets."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, FastAPI
from fastapi.responses import FileResponse, HTMLResponse, Response
from fastapi.staticfiles import StaticFiles

STATIC_DIR = Path(__file__).resolve().parent.parent.parent / "static"

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
    """Mount ``static/node_modules`` at ``/static/vendor`` and ``static/`` at ``/static``."""
    app.mount(
        "/static/vendor",
        StaticFiles(directory=static_dir / "node_modules", check_dir=False),
        name="vendor",
    )
    app.mount("/static", StaticFiles(directory=static_dir, check_dir=False), name="static")
