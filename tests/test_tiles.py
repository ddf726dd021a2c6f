"""Vector tiles (OGC API Tiles, Mapbox Vector Tiles) cross-checked against OGC items.

* a tile holds exactly the features the items endpoint finds for the tile's box, up to
  the clip buffer: every item meeting the tile is in it, and nothing beyond the
  buffered box is (several zooms over each demo district, three layers);
* a hand-made square at a known tile lands on hand-computed tile units;
* simplification removes vertices at low zoom and keeps them at high zoom;
* the cache answers the identical bytes, evicts by bytes, and ETags give 304;
* ``datetime`` picks the version like items; tiles outside the tile matrix are 404.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from pathlib import Path
from typing import Any, cast

import geopandas as gpd
import mapbox_vector_tile
import numpy as np
import pytest
import shapely
from api_client import api_client
from fastapi.testclient import TestClient

from geozone.catalog import LayerVersion
from geozone.tiles import (
    BUFFER,
    EARTH_RADIUS_M,
    EXTENT,
    TileCache,
    build_tile,
    tile_bounds_mercator,
    tile_bounds_wgs84,
)

TILES = "/ogc/collections/{cid}/tiles/WebMercatorQuad/{z}/{y}/{x}"
# district centres (lon, lat) of the demo set: Tongzhou, Pinggu, Miyun
DISTRICTS = {"通州区": (116.70, 39.82), "平谷区": (117.12, 40.17), "密云区": (116.95, 40.45)}


@pytest.fixture(scope="module")
def client(demo_layers_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    with api_client(demo_layers_dir, tmp_path_factory.mktemp("tiles-work")) as c:
        yield c


def tile_of(lon: float, lat: float, z: int) -> tuple[int, int]:
    """XYZ column and row of the tile holding a WGS84 point (slippy-map formulas)."""
    n = 2**z
    x = int((lon + 180) / 360 * n)
    y = int((1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * n)
    return x, y


def _decode(content: bytes) -> dict[str, Any]:
    return cast(
        dict[str, Any], mapbox_vector_tile.decode(content, default_options={"y_coord_down": True})
    )


def _tile_ids(client: TestClient, cid: str, z: int, x: int, y: int, **params: str) -> set[str]:
    r = client.get(TILES.format(cid=cid, z=z, y=y, x=x), params=params)
    if r.status_code == 204:
        return set()
    assert r.status_code == 200, r.text
    assert r.headers["content-type"] == "application/vnd.mapbox-vector-tile"
    layers = _decode(r.content)
    return {f["properties"]["feature_id"] for layer in layers.values() for f in layer["features"]}


def _item_ids(client: TestClient, cid: str, box: tuple[float, ...]) -> set[str]:
    r = client.get(
        f"/ogc/collections/{cid}/items",
        params={"bbox": ",".join(f"{v:.10f}" for v in box), "limit": 10_000},
    )
    assert r.status_code == 200, r.text
    return {f["id"] for f in r.json()["features"]}


def _buffered_wgs84(z: int, x: int, y: int) -> tuple[float, float, float, float]:
    minx, miny, maxx, maxy = tile_bounds_mercator(z, x, y)
    pad = BUFFER * (maxx - minx) / EXTENT
    corners = np.array([[minx - pad, miny - pad], [maxx + pad, maxy + pad]])
    lon = np.degrees(corners[:, 0] / EARTH_RADIUS_M)
    lat = np.degrees(2 * np.arctan(np.exp(corners[:, 1] / EARTH_RADIUS_M)) - np.pi / 2)
    return float(lon[0]), float(lat[0]), float(lon[1]), float(lat[1])


@pytest.mark.parametrize("district", sorted(DISTRICTS))
@pytest.mark.parametrize("cid", ["residential", "parks", "control_zone"])
def test_tile_features_are_the_items_of_its_box(
    client: TestClient, district: str, cid: str
) -> None:
    lon, lat = DISTRICTS[district]
    checked = 0
    for z in (9, 11, 13, 15):
        x, y = tile_of(lon, lat, z)
        for dx, dy in ((0, 0), (1, 0), (0, 1)):
            tx, ty = x + dx, y + dy
            inner = _item_ids(client, cid, tile_bounds_wgs84(z, tx, ty))
            outer = _item_ids(client, cid, _buffered_wgs84(z, tx, ty))
            tile = _tile_ids(client, cid, z, tx, ty)
            assert inner <= tile, (z, tx, ty, sorted(inner - tile)[:5])
            assert tile <= outer, (z, tx, ty, sorted(tile - outer)[:5])
            checked += len(inner)
    assert checked > 0  # the district's tiles hold features of the layer


class _HandLayer:
    """The attributes of a :class:`LayerVersion` that tiles read (weakly referable)."""

    def __init__(self, geoms: list[Any], version: str = "1") -> None:
        self.frame_wgs84 = gpd.GeoDataFrame(
            {
                "feature_id": [f"F{i}" for i in range(len(geoms))],
                "zone_class": ["core"] * len(geoms),
                "name": ["hand"] * len(geoms),
                "synthetic": [True] * len(geoms),
            },
            geometry=geoms,
            crs="EPSG:4326",
        )
        self.id = "hand"
        self.version = version
        self.key = f"hand@{version}"
        self.sha256 = "0" * 64
        self.kind = type("K", (), {"value": "redline"})()


def _lonlat(mx: float, my: float) -> tuple[float, float]:
    lon = math.degrees(mx / 6_378_137.0)
    lat = math.degrees(2 * math.atan(math.exp(my / 6_378_137.0)) - math.pi / 2)
    return lon, lat


def test_hand_made_square_lands_on_hand_computed_units() -> None:
    z, x, y = 10, 843, 388  # Tongzhou
    size = 2 * math.pi * 6_378_137.0 / 2**z  # 39,135.76 m
    west = -math.pi * 6_378_137.0 + x * size
    north = math.pi * 6_378_137.0 - y * size
    unit = size / 4096
    # the square from tile units (1024, 512) to (3072, 2560), y counted down from the north
    corners = [(1024, 512), (3072, 512), (3072, 2560), (1024, 2560)]
    ring = [_lonlat(west + u * unit, north - v * unit) for u, v in corners]
    layer = _HandLayer([shapely.Polygon(ring)])
    tile = build_tile(cast(LayerVersion, layer), z, x, y)
    (feature,) = _decode(tile.data)["hand"]["features"]
    assert feature["properties"] == {
        "feature_id": "F0",
        "zone_class": "core",
        "name": "hand",
        "kind": "redline",
        "synthetic": True,
        "layer_version": "1",
    }
    (got_ring,) = feature["geometry"]["coordinates"]
    assert {tuple(p) for p in got_ring} == set(corners)
    # the neighbours see it only within their BUFFER units: not at all, 1024 units away
    assert build_tile(cast(LayerVersion, layer), z, x + 1, y).empty
    assert build_tile(cast(LayerVersion, layer), z, x - 1, y).empty
    # a square reaching 32 units into the east neighbour is in its buffer there, clipped
    wide = [(3000, 1000), (4096 + 32, 1000), (4096 + 32, 2000), (3000, 2000)]
    ring = [_lonlat(west + u * unit, north - v * unit) for u, v in wide]
    east = build_tile(cast(LayerVersion, _HandLayer([shapely.Polygon(ring)])), z, x + 1, y)
    (part,) = _decode(east.data)["hand"]["features"]
    xs = {p[0] for p in part["geometry"]["coordinates"][0]}
    assert xs == {-BUFFER, 32}


def _vertices(tile_bytes: bytes) -> int:
    layers = _decode(tile_bytes)
    return sum(
        len(shapely.get_coordinates(shapely.geometry.shape(f["geometry"])))
        for layer in layers.values()
        for f in layer["features"]
    )


def test_simplification_reduces_vertices_at_low_zoom() -> None:
    # a wiggly ring of 20,000 vertices, radius 2 km +- 20 m, around Tongzhou
    t = np.linspace(0, 2 * np.pi, 20_000, endpoint=False)
    r = 2000 + 20 * np.sin(t * 400)
    lon0, lat0 = 116.70, 39.82
    lon = lon0 + r * np.cos(t) / (111_320 * math.cos(math.radians(lat0)))
    lat = lat0 + r * np.sin(t) / 111_320
    lv = cast(LayerVersion, _HandLayer([shapely.Polygon(np.column_stack([lon, lat]))]))
    counts = {}
    east = lon0 + 2000 / (111_320 * math.cos(math.radians(lat0)))  # on the ring
    for z in (8, 12, 16):
        x, y = tile_of(east, lat0, z)
        full = _vertices(build_tile(lv, z, x, y, simplify_units=0).data)
        simple = _vertices(build_tile(lv, z, x, y).data)
        counts[z] = (simple, full)
        assert simple <= full
    # at z8 a tile unit is 38 m: the 20 m wiggles go; at z16 (0.15 m) they stay
    assert counts[8][0] < counts[8][1] / 20
    assert counts[8][0] < counts[12][0]
    assert counts[16][0] > 100  # ~20 wiggles of 31 m cross a z16 tile (611 m): kept


def test_cache_returns_identical_bytes_and_etags(client: TestClient) -> None:
    cache: TileCache = client.app.state.tile_cache  # type: ignore[attr-defined]
    x, y = tile_of(116.70, 39.82, 12)
    url = TILES.format(cid="residential", z=12, y=y, x=x)
    first = client.get(url)
    hits = cache.hits
    second = client.get(url)
    assert first.status_code == second.status_code == 200
    assert second.content == first.content
    assert cache.hits == hits + 1
    assert second.headers["etag"] == first.headers["etag"]
    assert first.headers["cache-control"] == "public, max-age=300"
    again = client.get(url, headers={"If-None-Match": first.headers["etag"]})
    assert again.status_code == 304 and again.content == b""


def test_cache_is_bounded_by_bytes(demo_layers_dir: Path) -> None:
    from geozone.catalog import load_catalog

    lv = load_catalog(demo_layers_dir).versions_of("residential")[0]
    x, y = tile_of(116.70, 39.82, 12)
    near = [(x + dx, y + dy) for dy in (-1, 0, 1) for dx in (-1, 0, 1)]
    full = [t for t in near if not build_tile(lv, 12, *t).empty][:4]
    sizes = [len(build_tile(lv, 12, *t).data) for t in full]
    assert len(full) == 4 and min(sizes) > TileCache.EMPTY_COST
    bound = sizes[2] + sizes[3]  # room for the last two tiles only
    cache = TileCache(max_bytes=bound)
    for t in full:
        cache.get_or_build(lv, 12, *t)
        assert cache.bytes <= bound
    assert cache.get(lv, 12, *full[0]) is None and cache.get(lv, 12, *full[1]) is None
    assert cache.get(lv, 12, *full[3]) is not None and cache.bytes == bound


def test_datetime_selects_the_version_like_items(client: TestClient) -> None:
    x, y = tile_of(117.12, 40.17, 9)  # Pinggu: red line 2021 and 2026 versions
    for when, version in (("2022-06-01", "2021"), ("2026-06-01", "2026")):
        r = client.get(TILES.format(cid="redline", z=9, y=y, x=x), params={"datetime": when})
        assert r.status_code == 200, r.text
        features = _decode(r.content)["redline"]["features"]
        assert {f["properties"]["layer_version"] for f in features} == {version}
        items = client.get(
            "/ogc/collections/redline/items",
            params={"datetime": when, "bbox": ",".join(map(str, tile_bounds_wgs84(9, x, y)))},
        ).json()
        assert items["layer_version"] == version
    before = client.get(
        TILES.format(cid="redline", z=9, y=y, x=x), params={"datetime": "2019-01-01"}
    )
    assert before.status_code == 204  # no version in force: nothing to draw


@pytest.mark.parametrize(
    ("path", "status", "code"),
    [
        ("/ogc/collections/residential/tiles/WebMercatorQuad/21/0/0", 404, "tile_not_found"),
        ("/ogc/collections/residential/tiles/WebMercatorQuad/3/8/0", 404, "tile_not_found"),
        ("/ogc/collections/residential/tiles/WebMercatorQuad/3/0/-1", 404, "tile_not_found"),
        ("/ogc/collections/nowhere/tiles/WebMercatorQuad/3/0/0", 404, "layer_not_found"),
        (
            "/ogc/collections/residential/tiles/WebMercatorQuad/3/0/0?datetime=x",
            422,
            "invalid_date",
        ),
    ],
)
def test_bad_tiles_are_clear_errors(client: TestClient, path: str, status: int, code: str) -> None:
    r = client.get(path)
    assert r.status_code == status, r.text
    assert r.json()["code"] == code
    assert set(r.json()) >= {"code", "message"}


def test_empty_tile_is_204(client: TestClient) -> None:
    r = client.get(TILES.format(cid="residential", z=10, y=0, x=0))  # the Arctic
    assert r.status_code == 204 and r.content == b""
    assert r.headers["etag"]


def test_tilejson_and_tileset_metadata(client: TestClient) -> None:
    tj = client.get("/ogc/collections/residential/tiles/WebMercatorQuad/tilejson.json").json()
    assert tj["tilejson"] == "3.0.0"
    assert tj["tiles"] == [
        "http://testserver/ogc/collections/residential/tiles/WebMercatorQuad/{z}/{y}/{x}"
    ]
    assert tj["vector_layers"][0]["id"] == "residential"
    assert 116.5 < tj["bounds"][0] < tj["bounds"][2] < 117.6
    sets = client.get("/ogc/collections/residential/tiles").json()["tilesets"]
    assert [s["tileMatrixSetId"] for s in sets] == ["WebMercatorQuad"]
    one = client.get("/ogc/collections/residential/tiles/WebMercatorQuad?datetime=2025-01-01")
    rels = {link["rel"]: link["href"] for link in one.json()["links"]}
    assert rels["item"].endswith("/WebMercatorQuad/{z}/{y}/{x}?datetime=2025-01-01")
    assert rels["describedby"].endswith("/tilejson.json?datetime=2025-01-01")
