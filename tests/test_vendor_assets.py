"""The committed ``static/vendor/`` holds every npm file the pages load, and nothing else.

The references are read from the pages (``static/*.html``, ``static/js``, ``static/css``,
``api/templates``), their import maps, the CSS ``url()``s and ES-module imports of the
vendored files, by the same code as ``scripts/vendor_web_assets.py``: a page that starts
using a new npm file fails here until the script is re-run.
"""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

from fastapi.testclient import TestClient

REPO = Path(__file__).resolve().parent.parent
VENDOR = REPO / "static" / "vendor"

_spec = importlib.util.spec_from_file_location(
    "vendor_web_assets", REPO / "scripts" / "vendor_web_assets.py"
)
assert _spec and _spec.loader
vendor = importlib.util.module_from_spec(_spec)
sys.modules["vendor_web_assets"] = vendor
_spec.loader.exec_module(vendor)


def test_every_referenced_vendor_file_is_vendored() -> None:
    refs = vendor.collect(VENDOR)
    assert refs.missing == [], "re-run scripts/vendor_web_assets.py (make vendor)"
    # the known entry points, so an empty reference set cannot pass
    for path in (
        "leaflet/dist/leaflet.js",
        "leaflet/dist/leaflet.css",
        "leaflet/dist/images/layers.png",  # from leaflet.css url(...)
        "@turf/intersect/dist/esm/index.js",  # import map target
        "polyclip-ts/dist/esm/index.js",  # imported by @turf/intersect via the import map
    ):
        assert path in refs.files


def test_import_map_targets_and_css_urls_resolve() -> None:
    imap = vendor.import_map()
    assert "@turf/intersect" in imap
    for url in imap.values():
        assert (VENDOR / url.removeprefix("/static/vendor/")).is_file(), url
    css = (VENDOR / "leaflet/dist/leaflet.css").read_text(encoding="utf-8")
    assert "url(images/layers.png)" in css


def test_vendor_folder_holds_only_used_files_licences_and_manifest() -> None:
    refs = vendor.collect(VENDOR)
    manifest = json.loads((VENDOR / "vendor.json").read_text(encoding="utf-8"))
    on_disk = {p.relative_to(VENDOR).as_posix() for p in VENDOR.rglob("*") if p.is_file()}
    licences = {
        f"{pkg}/{name}"
        for pkg, meta in manifest["packages"].items()
        for name in meta["license_files"]
    }
    assert on_disk == refs.files | licences | {"vendor.json"}
    assert not any(p.endswith(".map") for p in on_disk)
    # every vendored package carries its licence text
    assert {vendor.package_of(p) for p in refs.files} == set(manifest["packages"])
    assert all(meta["license_files"] for meta in manifest["packages"].values())
    assert manifest["packages"]["leaflet"]["license"] == "BSD-2-Clause"


def test_new_reference_is_found_and_reported_missing(tmp_path: Path) -> None:
    """A colleague's new ``/static/vendor`` URL or import-map entry is picked up."""
    repo = tmp_path
    (repo / "static" / "js").mkdir(parents=True)
    (repo / "api" / "templates").mkdir(parents=True)
    (repo / "static" / "index.html").write_text(
        '<link rel="stylesheet" href="/static/vendor/maplibre-gl/dist/maplibre-gl.css">\n'
        '<script type="importmap">{"imports": {"pmtiles": "/static/vendor/pmtiles/dist/index.js"}}'
        "</script>\n",
        encoding="utf-8",
    )
    (repo / "static" / "js" / "tiles.js").write_text(
        'import { PMTiles } from "pmtiles";\nimport x from "/static/vendor/vt/vt.mjs";\n',
        encoding="utf-8",
    )
    root = tmp_path / "nm"
    (root / "pmtiles" / "dist").mkdir(parents=True)
    (root / "pmtiles" / "dist" / "index.js").write_text(
        'export * from "./lib.js";\nimport "fflate";\n', encoding="utf-8"
    )
    (root / "pmtiles" / "dist" / "lib.js").write_text("export const a = 1;\n", encoding="utf-8")
    refs = vendor.collect(root, repo)
    assert refs.files == {"pmtiles/dist/index.js", "pmtiles/dist/lib.js"}
    assert refs.missing == [
        "import map entry for 'fflate' (imported by pmtiles/dist/index.js)",
        "maplibre-gl/dist/maplibre-gl.css (from the pages)",
        "vt/vt.mjs (from the pages)",
    ]


def test_vendor_assets_are_served_from_the_vendor_folder(tmp_path: Path) -> None:
    from api.main import create_app
    from api.routes import web
    from geozone.settings import Settings

    assert web.STATIC_DIR == REPO / "static"
    settings = Settings(report_store=tmp_path / "reports.sqlite", jobs_dir=tmp_path / "jobs")
    with TestClient(create_app(settings)) as client:
        for path in ("leaflet/dist/leaflet.js", "leaflet/dist/images/marker-icon.png"):
            r = client.get(f"/static/vendor/{path}")
            assert r.status_code == 200
            assert r.content == (VENDOR / path).read_bytes()
        assert client.get("/static/vendor/leaflet/dist/leaflet-src.js").status_code == 404
