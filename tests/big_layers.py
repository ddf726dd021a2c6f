"""A copy of the shipped layer set whose residential layer has N synthetic parcels.

The parcels are a grid of 40 m squares on a 50 m pitch (EPSG:4548 metres) centred in
Tongzhou, written in WGS84 as a GeoPackage with pyogrio: a stand-in for a city's
residential layer (10^5-10^6 parcels) to show that the web map does not download it.
200,000 parcels take about 3 s to write. Used by tests/test_web_map_big.py and
benchmarks/bench_tiles.py.
"""

from __future__ import annotations

import math
import shutil
from pathlib import Path

import geopandas as gpd
import numpy as np
import shapely

from geozone.crs import transformer

REPO = Path(__file__).resolve().parent.parent
CENTRE_LONLAT = (116.70, 39.82)
SIDE_M = 40.0
PITCH_M = 50.0


def write_big_layers(root: Path, parcels: int = 200_000) -> Path:
    """Copy ``layers/`` to ``root`` and replace its residential file by ``parcels`` squares.

    Returns ``root``. Feature ids ``RS-BIG-0000001``..., class ``0701``.
    """
    shutil.copytree(REPO / "layers", root, dirs_exist_ok=True)
    side = math.ceil(math.sqrt(parcels))
    cx, cy = transformer("EPSG:4326", "EPSG:4548").transform(*CENTRE_LONLAT)
    i = np.arange(parcels)
    x0 = cx + (i % side - side / 2) * PITCH_M
    y0 = cy + (i // side - side / 2) * PITCH_M
    squares = shapely.box(x0, y0, x0 + SIDE_M, y0 + SIDE_M)
    to_wgs84 = transformer("EPSG:4548", "EPSG:4326")
    wgs = shapely.transform(
        squares, lambda xy: np.column_stack(to_wgs84.transform(xy[:, 0], xy[:, 1]))
    )
    frame = gpd.GeoDataFrame(
        {
            "feature_id": [f"RS-BIG-{n:07d}" for n in range(1, parcels + 1)],
            "zone_class": "0701",
            "name": "synthetic grid parcel",
        },
        geometry=wgs,
        crs="EPSG:4326",
    )
    target = root / "data" / "residential_2024.gpkg"
    target.unlink()
    frame.to_file(target, driver="GPKG", layer="residential", engine="pyogrio")
    return root


def grid_lonlat(index: int, parcels: int = 200_000) -> tuple[float, float]:
    """WGS84 centre of parcel ``index`` (0-based) of :func:`write_big_layers`."""
    side = math.ceil(math.sqrt(parcels))
    cx, cy = transformer("EPSG:4326", "EPSG:4548").transform(*CENTRE_LONLAT)
    x = cx + (index % side - side / 2) * PITCH_M + SIDE_M / 2
    y = cy + (index // side - side / 2) * PITCH_M + SIDE_M / 2
    lon, lat = transformer("EPSG:4548", "EPSG:4326").transform(x, y)
    return float(lon), float(lat)
