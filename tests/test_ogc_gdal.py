"""A real OGC API Features client: GDAL's OAPIF driver (ogrinfo) lists and reads every layer
of the shipped layer set served by uvicorn on a loopback port."""

from __future__ import annotations

import json
import os
import re
import subprocess
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import LAYERS
from live_server import run_server
from pyproj import Transformer

from geozone.catalog import load_catalog

OGRINFO = "/usr/bin/ogrinfo"

pytestmark = pytest.mark.server


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with run_server(LAYERS, tmp_path_factory.mktemp("server_var")) as srv:
        yield srv.url


def ogrinfo(*args: str) -> str:
    env = {**os.environ, "CPL_DEBUG": "OFF", "GDAL_HTTP_TIMEOUT": "60"}
    done = subprocess.run(
        [OGRINFO, "-ro", *args], capture_output=True, text=True, timeout=120, env=env
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def expected_counts(root: Path) -> dict[str, int]:
    catalog = load_catalog(root, check_shift=False)
    counts = {}
    for layer_id in catalog.layer_ids():
        current = catalog.in_force(layer_id)
        if current is not None:
            counts[layer_id] = current.feature_count
    for v in catalog.all_versions():
        counts[f"{v.id}__{re.sub(r'[^A-Za-z0-9._-]', '-', v.version)}"] = v.feature_count
    return counts


def test_ogrinfo_lists_and_reads_every_collection(server: str) -> None:
    counts = expected_counts(LAYERS)
    listing = ogrinfo("-so", f"OAPIF:{server}/ogc")
    listed = re.findall(r"^\d+: (\S+)", listing, flags=re.MULTILINE)
    assert sorted(listed) == sorted(counts)
    for collection, count in counts.items():
        out = ogrinfo("-al", "-so", f"OAPIF:{server}/ogc", collection)
        found = re.search(r"^Feature Count: (\d+)", out, flags=re.MULTILINE)
        assert found is not None, out
        assert int(found.group(1)) == count, collection
        assert "Polygon" in out


def test_ogrinfo_reads_features_across_pages(server: str) -> None:
    catalog = load_catalog(LAYERS, check_shift=False)
    biggest = max(catalog.all_versions(), key=lambda v: v.feature_count)
    cid = f"{biggest.id}__{re.sub(r'[^A-Za-z0-9._-]', '-', biggest.version)}"
    # page size 7 forces GDAL through the next links
    out = ogrinfo("-al", "-oo", "PAGE_SIZE=7", f"OAPIF:{server}/ogc", cid)
    assert out.count("OGRFeature(") == biggest.feature_count
    assert "zone_class (String)" in out


def _debug_ogr(*args: str) -> tuple[str, str]:
    """Run ogrinfo with CPL_DEBUG on: stdout, and stderr holding every URL GDAL fetched."""
    env = {**os.environ, "CPL_DEBUG": "ON", "GDAL_HTTP_TIMEOUT": "60"}
    done = subprocess.run(
        [OGRINFO, "-ro", *args], capture_output=True, text=True, timeout=120, env=env
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout, done.stderr


def test_gdal_pushes_where_down_as_a_cql2_filter(server: str) -> None:
    """GDAL 3.6 reads the OGC API definition (/ogc/api), sees the filter-lang values and
    the queryables declared as items parameters, and sends ``-where`` as ``filter=``."""
    catalog = load_catalog(LAYERS, check_shift=False)
    redline = catalog.in_force("redline")
    assert redline is not None
    cores = int((redline.frame_wgs84["zone_class"] == "core").sum())
    assert 0 < cores < redline.feature_count
    out, log = _debug_ogr("-al", f"OAPIF:{server}/ogc", "redline", "-where", "zone_class = 'core'")
    fetched = re.findall(r"HTTP: Fetch\((\S+)\)", log)
    assert f"{server}/ogc/api" in fetched, fetched
    # after the schema probe (first page, no filter) and the API definition, every page
    # GDAL asks for carries the filter
    after = fetched[fetched.index(f"{server}/ogc/api") + 1 :]
    items = [u for u in after if "/collections/redline/items" in u]
    assert items and all("filter=zone_class" in u for u in items), fetched
    assert all("filter-lang=cql-text" in u for u in items)
    assert out.count("OGRFeature(") == cores
    assert out.count("zone_class (String) = core") == cores
    # the server's own count for the same filter agrees
    with urllib.request.urlopen(
        f"{server}/ogc/collections/redline/items?filter=zone_class%3D%27core%27&limit=1"
    ) as resp:
        assert json.load(resp)["numberMatched"] == cores


def test_gdal_reads_items_served_in_epsg_4548(server: str) -> None:
    """GDAL 3.6 has no Part 2 client (its CRS open option came in 3.7), so its GeoJSON
    driver reads the items URL with ``crs=EPSG:4548``: coordinates are northing, easting
    in metres, equal to pyproj's transformation of the CRS84 output."""
    url = f"{server}/ogc/collections/redline/items?limit=1"
    crs = "http://www.opengis.net/def/crs/EPSG/0/4548"
    out, _ = _debug_ogr("-al", f"GeoJSON:{url}&crs={crs}")
    found = re.search(r"POLYGON \(\(\(?([-\d.]+) ([-\d.]+)", out)
    assert found is not None, out[:2000]
    north, east = float(found.group(1)), float(found.group(2))
    with urllib.request.urlopen(url) as resp:
        first = json.load(resp)["features"][0]["geometry"]["coordinates"]
    while isinstance(first[0][0], list):
        first = first[0]
    lon, lat = first[0]
    n, e = Transformer.from_crs("EPSG:4326", "EPSG:4548").transform(lat, lon)
    assert 4_300_000 < north < 4_600_000 and 350_000 < east < 650_000
    assert north == pytest.approx(n, abs=0.01) and east == pytest.approx(e, abs=0.01)
