"""Tiny in-package layers for doctests and quick trials (EPSG:4548, near Tongzhou).

One 100 m × 101 m community park (10,100 m²) at the origin and three 100 m × 100 m
residential parcels (0701): one 100-200 m east of the park (inside 300 m and 500 m), one
straddling the 500 m line (450-550 m east: half covered at 500 m), one 900-1000 m east
(outside). Coverage at 500 m is therefore (10,000 + 5,000) / 30,000 = 0.5.
"""

from __future__ import annotations

import geopandas as gpd
import shapely

from geozone import ANALYSIS_CRS

X0, Y0 = 470_000.0, 4_410_000.0


def _box(x0: float, y0: float, x1: float, y1: float) -> shapely.Polygon:
    return shapely.box(X0 + x0, Y0 + y0, X0 + x1, Y0 + y1)


def example_parks() -> gpd.GeoDataFrame:
    """One 100 m × 101 m community park (10,100 m², just over 1 hm²) at the origin."""
    return gpd.GeoDataFrame(
        {"feature_id": ["p1"], "name": ["示例公园"], "zone_class": ["community"],
         "historic": [False]},
        geometry=[_box(0, 0, 100, 101)],
        crs=ANALYSIS_CRS,
    )  # fmt: skip


def example_residential() -> gpd.GeoDataFrame:
    """Three 100 m × 100 m 0701 parcels: covered, half covered at 500 m, uncovered."""
    return gpd.GeoDataFrame(
        {"feature_id": ["r1", "r2", "r3"], "zone_class": ["0701", "0701", "0701"]},
        geometry=[_box(200, 0, 300, 100), _box(550, 0, 650, 100), _box(1000, 0, 1100, 100)],
        crs=ANALYSIS_CRS,
    )


def example_units() -> gpd.GeoDataFrame:
    """Two side-by-side units splitting the parcels at x = 600 m (codes ``u1``, ``u2``)."""
    return gpd.GeoDataFrame(
        {"code": ["u1", "u2"], "name": ["西", "东"]},
        geometry=[_box(-1000, -1000, 600, 1000), _box(600, -1000, 2000, 1000)],
        crs=ANALYSIS_CRS,
    )
