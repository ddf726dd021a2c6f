"""A real OGC API Features client: GDAL's OAPIF driver (ogrinfo) lists and reads every layer
of the shipped layer set served by uvicorn on a loopback port."""

from __future__ import annotations

import os
import re
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import LAYERS
from live_server import run_server

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
