"""POST /api/v1/measure (EPSG:4548 lengths and areas) and the basemaps the map is offered.

Known answers are drawn in EPSG:4548 metres (a 100 m × 100 m square is 1 ha, its side 100 m)
and sent in WGS84 and GCJ-02, so the endpoint's reprojection is checked, not just shapely.
The offered basemaps follow the settings, and the CSP allows images from their hosts only.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from api_client import api_client
from fastapi.testclient import TestClient
from tiny_layers import build_tiny_layers

from geozone.crs import transformer, wgs84_to_gcj02

# Tongzhou, EPSG:4548 metres (CGCS2000 3° Gauss-Krüger, CM 117°E)
X0, Y0 = 470_000.0, 4_415_000.0


def square_lonlat(side_m: float, gcj02: bool = False) -> list[list[float]]:
    """The closed ring of a side_m square at (X0, Y0), in WGS84 (or GCJ-02) degrees."""
    t = transformer("EPSG:4548", "EPSG:4326")
    xs = np.array([X0, X0 + side_m, X0 + side_m, X0, X0])
    ys = np.array([Y0, Y0, Y0 + side_m, Y0 + side_m, Y0])
    lon, lat = t.transform(xs, ys)
    if gcj02:
        lon, lat = wgs84_to_gcj02(lon, lat)
    return [[float(a), float(b)] for a, b in zip(lon, lat, strict=True)]


@pytest.fixture(scope="module")
def layers_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_tiny_layers(tmp_path_factory.mktemp("measure-layers"))


@pytest.fixture(scope="module")
def client(layers_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    with api_client(layers_dir, tmp_path_factory.mktemp("measure-work")) as c:
        yield c


def post(client: TestClient, body: Any) -> Any:
    return client.post("/api/v1/measure", json=body)


def test_square_is_one_hectare_and_its_side_100_m(client: TestClient) -> None:
    ring = square_lonlat(100.0)
    area = post(client, {"geometry": {"type": "Polygon", "coordinates": [ring]}})
    assert area.status_code == 200, area.text
    body = area.json()
    assert body["crs"] == "EPSG:4548"
    assert body["area_m2"] == pytest.approx(10_000.0, abs=0.01)
    assert body["area_ha"] == pytest.approx(1.0, abs=1e-6)
    assert body["length_m"] == pytest.approx(400.0, abs=0.01)
    side = post(client, {"geometry": {"type": "LineString", "coordinates": ring[:2]}}).json()
    assert side["length_m"] == pytest.approx(100.0, abs=0.001)
    assert side["area_m2"] is None and side["area_ha"] is None
    # an L-shaped path: 100 m east then 100 m north
    path = post(client, {"geometry": {"type": "LineString", "coordinates": ring[:3]}}).json()
    assert path["length_m"] == pytest.approx(200.0, abs=0.001)


def test_gcj02_coordinates_are_converted_before_measuring(client: TestClient) -> None:
    ring = square_lonlat(100.0, gcj02=True)
    body = post(client, {"geometry": {"type": "Polygon", "coordinates": [ring]}, "crs": "GCJ02"})
    assert body.status_code == 200, body.text
    assert body.json()["area_m2"] == pytest.approx(10_000.0, rel=1e-4)
    # read as WGS84 the same numbers lie ~500 m away: the area barely changes, so check the
    # conversion happened through a line whose length is the offset itself
    wgs = square_lonlat(100.0)[0]
    gcj = ring[0]
    line = {"type": "LineString", "coordinates": [wgs, gcj]}
    offset = post(client, {"geometry": line}).json()["length_m"]
    assert 400.0 < offset < 700.0  # the GCJ-02 offset around Beijing
    assert post(client, {"geometry": line, "crs": "GCJ02"}).json()["length_m"] > 0


@pytest.mark.parametrize(
    ("body", "needle"),
    [
        ({"geometry": {"type": "Point", "coordinates": [116.6, 39.9]}}, "cannot be measured"),
        ({"geometry": {"type": "LineString", "coordinates": [[116.6, 39.9]]}}, "at least 2"),
        ({"geometry": {"type": "LineString", "coordinates": [[116.6, "x"], [1, 2]]}}, "finite"),
        (
            {"geometry": {"type": "Polygon", "coordinates": [[[116.6, 39.9], [116.7, 39.9]]]}},
            "at least 4",
        ),
        ({"geometry": {"type": "LineString", "coordinates": [[0, 0], [1, 1]]}}, "EPSG:4548"),
        (
            {
                "geometry": {"type": "LineString", "coordinates": [[116.6, 39.9], [116.7, 39.9]]},
                "crs": "EPSG:999999",
            },
            "999999",
        ),
        (
            {
                "geometry": {
                    "type": "Polygon",
                    "coordinates": [
                        [[116.6, 39.9], [116.7, 40.0], [116.7, 39.9], [116.6, 40.0], [116.6, 39.9]]
                    ],
                }
            },
            "not valid",
        ),
        ({"geometry": "LINESTRING(0 0, 1 1)"}, "geometry"),
        ({"shape": {}}, "geometry"),
    ],
)
def test_bad_input_is_a_4xx_naming_the_problem(client: TestClient, body: Any, needle: str) -> None:
    resp = post(client, body)
    assert 400 <= resp.status_code < 500, resp.text
    assert needle in resp.text


def test_too_many_vertices_is_refused(layers_dir: Path, tmp_path: Path) -> None:
    coords = [[116.6 + i * 1e-5, 39.9] for i in range(20)]
    with api_client(layers_dir, tmp_path, query={"max_vertices": 10}) as c:
        resp = post(c, {"geometry": {"type": "LineString", "coordinates": coords}})
    assert resp.status_code == 413
    assert "20 vertices" in resp.json()["message"]


def img_src(client: TestClient) -> str:
    csp = client.get("/").headers["content-security-policy"]
    return next(d for d in csp.split("; ") if d.startswith("img-src"))


def test_default_offers_osm_and_amap_and_csp_allows_only_them(client: TestClient) -> None:
    basemaps = client.get("/api/v1/config").json()["basemaps"]
    assert [b["id"] for b in basemaps] == ["osm", "amap"]
    amap = basemaps[1]
    assert amap["crs"] == "gcj02" and "{x}" in amap["urls"][0]
    assert (
        img_src(client)
        == "img-src 'self' data: https://tile.openstreetmap.org https://*.is.autonavi.com"
    )


def test_tianditu_offered_only_with_a_key_and_none_offline(
    layers_dir: Path, tmp_path: Path
) -> None:
    with api_client(layers_dir, tmp_path / "a", tianditu_key="k&y", basemaps=[]) as c:
        basemaps = c.get("/api/v1/config").json()["basemaps"]
        assert [b["id"] for b in basemaps] == ["tianditu_vec", "tianditu_img"]
        vec, img = basemaps
        assert ["/vec_w/" in vec["urls"][0], "/cva_w/" in vec["urls"][1]] == [True, True]
        assert ["/img_w/" in img["urls"][0], "/cia_w/" in img["urls"][1]] == [True, True]
        assert all(u.endswith("tk=k%26y") for u in vec["urls"] + img["urls"])
        assert img_src(c) == "img-src 'self' data: https://*.tianditu.gov.cn"
    # an offline deployment: nothing but none, and images from the service itself only
    with api_client(layers_dir, tmp_path / "b", basemaps=[]) as c:
        assert c.get("/api/v1/config").json()["basemaps"] == []
        assert img_src(c) == "img-src 'self' data:"
    with api_client(
        layers_dir,
        tmp_path / "c",
        basemaps=[],
        basemap_url="http://127.0.0.1:9/{z}/{x}/{y}.png",
        basemap_crs="gcj02",
    ) as c:
        (custom,) = c.get("/api/v1/config").json()["basemaps"]
        assert custom["id"] == "custom" and custom["crs"] == "gcj02"
        assert img_src(c) == "img-src 'self' data: http://127.0.0.1:9"
