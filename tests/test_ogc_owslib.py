"""A second real OGC API client: OWSLib's ``owslib.ogcapi.features.Features`` against the
shipped layer set served by uvicorn on a loopback port (queryables, CQL2 filters, crs)."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from conftest import LAYERS
from live_server import run_server
from owslib.ogcapi.features import Features
from pyproj import Transformer

from geozone.catalog import LayerVersion, load_catalog

pytestmark = pytest.mark.server

GK = "http://www.opengis.net/def/crs/EPSG/0/4548"


@pytest.fixture(scope="module")
def api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Features]:
    with run_server(LAYERS, tmp_path_factory.mktemp("owslib_var")) as srv:
        yield Features(f"{srv.url}/ogc", timeout=60)


@pytest.fixture(scope="module")
def redline() -> LayerVersion:
    lv = load_catalog(LAYERS, check_shift=False).in_force("redline")
    assert lv is not None
    return lv


def test_owslib_collections_conformance_and_queryables(api: Features) -> None:
    ids = [c["id"] for c in api.collections()["collections"]]
    assert "redline" in ids and "redline__2021" in ids
    conf = api.conformance()["conformsTo"]
    assert "http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/filter" in conf
    assert "http://www.opengis.net/spec/ogcapi-features-2/1.0/conf/crs" in conf
    props = api.collection_queryables("redline")["properties"]
    assert props["zone_class"]["type"] == "string"
    assert props["geometry"]["x-ogc-role"] == "primary-geometry"


def test_owslib_items_with_cql2_text_and_json(api: Features, redline: LayerVersion) -> None:
    frame = redline.frame_wgs84
    cores = sorted(frame.loc[frame["zone_class"] == "core", "feature_id"])
    got = api.collection_items("redline", filter="zone_class = 'core'", limit=1000)
    assert got["numberMatched"] == len(cores)
    assert sorted(f["id"] for f in got["features"]) == cores
    doc = {"op": "<>", "args": [{"property": "zone_class"}, "core"]}
    others = api.collection_items(
        "redline", filter=json.dumps(doc), limit=1000, **{"filter-lang": "cql2-json"}
    )
    assert others["numberMatched"] == redline.feature_count - len(cores)
    # a point inside the first core area: S_INTERSECTS finds it (and maybe a general zone)
    first = frame[frame["zone_class"] == "core"].iloc[0]
    p = first.geometry.representative_point()
    hit = api.collection_items(
        "redline", filter=f"S_INTERSECTS(geometry, POINT({p.x} {p.y}))", limit=1000
    )
    assert first["feature_id"] in [f["id"] for f in hit["features"]]
    expected = sorted(frame.loc[frame.geometry.intersects(p), "feature_id"])
    assert sorted(f["id"] for f in hit["features"]) == expected


def test_owslib_items_with_crs(api: Features, redline: LayerVersion) -> None:
    plain = api.collection_items("redline", limit=1)["features"][0]["geometry"]
    gk = api.collection_items("redline", limit=1, crs=GK)["features"][0]["geometry"]

    def first(coords: list) -> list[float]:
        while isinstance(coords[0][0], list):
            coords = coords[0]
        return coords[0]

    lon, lat = first(plain["coordinates"])
    north, east = first(gk["coordinates"])
    n, e = Transformer.from_crs("EPSG:4326", "EPSG:4548").transform(lat, lon)
    assert (north, east) == (pytest.approx(n, abs=0.01), pytest.approx(e, abs=0.01))
    lat_first = api.collection_items(
        "redline", limit=1, crs="http://www.opengis.net/def/crs/EPSG/0/4490"
    )["features"][0]["geometry"]["coordinates"]
    assert first(lat_first) == [pytest.approx(lat, abs=1e-8), pytest.approx(lon, abs=1e-8)]
