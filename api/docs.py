"""Offline API docs: Swagger UI served from the ``swagger-ui-bundle`` package, no CDN.

``/docs`` renders Swagger UI against ``/openapi.json`` (OpenAPI 3.0.3); its JavaScript,
CSS and icon come from ``/docs-assets/``. ReDoc is switched off (it would need a CDN).
"""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles
from swagger_ui_bundle import swagger_ui_path

ASSETS = "/docs-assets"


def swagger_ui() -> HTMLResponse:
    """The Swagger UI page, with every asset served locally."""
    return get_swagger_ui_html(
        openapi_url="/openapi.json",
        title="geozone API",
        swagger_js_url=f"{ASSETS}/swagger-ui-bundle.js",
        swagger_css_url=f"{ASSETS}/swagger-ui.css",
        swagger_favicon_url=f"{ASSETS}/favicon-32x32.png",
    )


def install_docs(app: FastAPI) -> None:
    """Serve ``/docs`` and its assets from the installed ``swagger-ui-bundle`` package."""
    app.mount(ASSETS, StaticFiles(directory=swagger_ui_path), name="docs-assets")
    app.add_api_route("/docs", swagger_ui, include_in_schema=False, methods=["GET"])
