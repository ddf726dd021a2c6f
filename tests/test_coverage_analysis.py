"""Population weighting, raster cross-check, what-if and site suggestions on hand cases."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pytest
import rasterio
import shapely
from rasterio.transform import from_origin

from geozone.coverage import park_coverage
from geozone.coverage.engine import QUAD_SEGS
from geozone.coverage.population import population_coverage
from geozone.coverage.raster import raster_crosscheck
from geozone.coverage.whatif import suggest_sites, what_if
from geozone.errors import InvalidInput

X0, Y0 = 470_000.0, 4_410_000.0
CRS = "EPSG:4548"


def box(x0, y0, x1, y1):
    return shapely.box(X0 + x0, Y0 + y0, X0 + x1, Y0 + y1)


def frame(geoms, cls="0701"):
    return gpd.GeoDataFrame({"zone_class": [cls] * len(geoms)}, geometry=geoms, crs=CRS)


PARK = gpd.GeoDataFrame({"zone_class": ["community"]}, geometry=[box(0, 0, 100, 101)], crs=CRS)


def write_raster(path, data, crs=CRS, transform=None):
    transform = transform or from_origin(X0, Y0 + 100, 100, 100)
    with rasterio.open(path, "w", driver="GTiff", height=data.shape[0], width=data.shape[1],
                       count=1, dtype="float32", crs=crs, transform=transform) as dst:  # fmt: skip
        dst.write(data.astype("float32"), 1)
        dst.update_tags(SYNTHETIC="true")
    return path


def test_population_share_with_known_cells(tmp_path):
    # one row of 100 m cells from x = 0: cell i spans [100 i, 100 i + 100]
    people = np.zeros((1, 12))
    people[0, 2] = 300  # residential A, fully covered
    people[0, 5] = 100  # residential B west cell, inside the 500 m line (x = 600)
    people[0, 6] = 100  # residential B east cell, outside
    people[0, 8] = 77  # no residential land here
    people[0, 10] = 50  # residential C, uncovered
    raster = write_raster(tmp_path / "pop.tif", people)
    res = frame([box(200, 0, 300, 100), box(500, 0, 700, 100), box(1000, 0, 1100, 100)])
    r = park_coverage(PARK, res, preset="gbt50563")
    pop = population_coverage(r, raster)
    assert pop.people_covered == pytest.approx(400)
    assert pop.people_uncovered == pytest.approx(150)
    assert pop.people_off_residential == pytest.approx(77)
    assert pop.share == pytest.approx(400 / 550)
    assert pop.synthetic is True
    # a cell half covered by residential land, half of which is covered: its people split
    half = park_coverage(PARK, frame([box(550, 0, 650, 100)]), preset="gbt50563")
    one = np.zeros((1, 12))
    one[0, 5] = 80  # cell [500, 600]: residential on [550, 600], all of it covered
    one[0, 6] = 40  # cell [600, 700]: residential on [600, 650], none covered
    pop = population_coverage(half, write_raster(tmp_path / "half.tif", one))
    assert pop.people_covered == pytest.approx(80)
    assert pop.share == pytest.approx(80 / 120)


def test_population_raster_in_another_crs(tmp_path):
    people = np.full((1, 12), 10.0)
    raster = write_raster(tmp_path / "pop.tif", people)
    res = frame([box(200, 0, 300, 100), box(1000, 0, 1100, 100)])
    r = park_coverage(PARK, res, preset="gbt50563")
    exact = population_coverage(r, raster).share
    # the same people on a WGS84 grid of ~10 m cells (reprojected vectors, raster untouched)
    lon0, lat0 = (
        gpd.GeoSeries([shapely.Point(X0, Y0 + 100)], crs=CRS).to_crs(4326).iloc[0].coords[0]
    )
    fine = np.full((12, 130), 0.1)
    wgs = write_raster(tmp_path / "wgs.tif", fine, crs="EPSG:4326",
                       transform=from_origin(lon0, lat0, 0.000117, 0.00009))  # fmt: skip
    share = population_coverage(r, wgs).share
    assert exact == pytest.approx(0.5)
    assert share == pytest.approx(0.5, abs=0.03)


def test_raster_crosscheck_within_its_error():
    rng = np.random.default_rng(3)
    pts = rng.uniform(0, 2000, size=(150, 2)) + np.array([X0, Y0])
    cells = shapely.get_parts(shapely.voronoi_polygons(shapely.multipoints(pts)))
    cells = shapely.intersection(cells, box(0, 0, 2000, 2000))
    parks = gpd.GeoDataFrame(
        {"zone_class": ["community"] * 4},
        geometry=shapely.buffer(
            shapely.points(rng.uniform(0, 2000, (4, 2)) + np.array([X0, Y0])), 60
        ),
        crs=CRS,
    )
    r = park_coverage(parks, frame(list(cells[rng.random(len(cells)) < 0.6])))
    assert 0.1 < r.ratio < 0.9
    for cell in (10.0, 5.0):
        check = raster_crosscheck(r, cell)
        assert check.within_bound and check.within_expected
        assert abs(check.difference) < 2e-3
    # grid-aligned squares: the raster is exact
    aligned = park_coverage(PARK, frame([box(200, 0, 300, 100), box(1000, 0, 1100, 100)]))
    assert raster_crosscheck(aligned, 10.0).difference == pytest.approx(0.0, abs=1e-12)
    with pytest.raises(InvalidInput):
        raster_crosscheck(r, 0.0)


def test_what_if_candidate_parks():
    res = frame([box(200, 0, 300, 100), box(550, 0, 650, 100), box(1000, 0, 1100, 100)])
    base = park_coverage(PARK, res, preset="gbt50563")
    assert base.ratio == pytest.approx(0.5)
    cand = gpd.GeoDataFrame(
        {"zone_class": ["pocket"]}, geometry=[box(1200, 0, 1250, 40)], crs=CRS
    )  # 2,000 m² → 300 m: covers C (100..200 m away) only
    w = what_if(base, cand)
    assert w.candidates["radius_m"].tolist() == [300.0]
    exact_gain = shapely.intersection(res.geometry.iloc[2], shapely.buffer(cand.geometry.iloc[0],
                                      300, quad_segs=QUAD_SEGS)).area  # fmt: skip
    assert w.gain_m2 == pytest.approx(exact_gain, rel=1e-9)
    assert w.after == pytest.approx((15_000 + exact_gain) / 30_000)
    assert w.newly_covered.area.sum() == pytest.approx(exact_gain, rel=1e-9)
    drawn = what_if(base, box(1000, 120, 1100, 220), radius_m=500)  # a drawn polygon
    assert drawn.after == pytest.approx(1.0)
    assert drawn.gain_pp == pytest.approx(50.0)


def test_suggest_sites_greedy_order():
    # two uncovered clusters far apart: 4 ha in the east, 1 ha in the north
    res = frame([box(200, 0, 300, 100), box(3000, 0, 3200, 200), box(0, 3000, 100, 3100)])
    base = park_coverage(PARK, res, preset="gbt50563")
    assert base.total_m2 == pytest.approx(60_000)
    s = suggest_sites(base, n=3, radius=300)
    sites = s.sites
    assert len(sites) == 2  # nothing left to gain after two sites
    assert sites["gain_m2"].tolist() == pytest.approx([40_000, 10_000], rel=1e-9)
    assert sites["gain_pp"].tolist() == pytest.approx([200 / 3, 100 / 6], rel=1e-9)
    assert sites["ratio_after"].iloc[-1] == pytest.approx(1.0)
    assert X0 + 2800 < sites["x"].iloc[0] < X0 + 3400
    with pytest.raises(InvalidInput):
        suggest_sites(base, n=0)
