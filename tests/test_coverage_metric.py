"""Park service-radius coverage: hand-computed answers on tiny squares, and a slow reference."""

from __future__ import annotations

import json

import geopandas as gpd
import numpy as np
import pytest
import shapely

from geozone.coverage import park_coverage
from geozone.coverage.engine import QUAD_SEGS
from geozone.coverage.presets import get_preset, load_preset_file
from geozone.crs import wgs84_to_gcj02
from geozone.errors import InvalidGeoJSON, InvalidInput, LayerLoadError, UnknownClass, UnknownCRS

CRS = "EPSG:4548"
X0, Y0 = 470_000.0, 4_410_000.0


def box(x0: float, y0: float, x1: float, y1: float) -> shapely.Polygon:
    return shapely.box(X0 + x0, Y0 + y0, X0 + x1, Y0 + y1)


def parks_frame(rows: list[tuple[shapely.Polygon, str, bool]]) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {
            "feature_id": [f"p{i}" for i in range(len(rows))],
            "zone_class": [r[1] for r in rows],
            "historic": [r[2] for r in rows],
        },
        geometry=[r[0] for r in rows],
        crs=CRS,
    )


def homes(geoms: list[shapely.Polygon], cls: str = "0701") -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {"feature_id": [f"r{i}" for i in range(len(geoms))], "zone_class": [cls] * len(geoms)},
        geometry=geoms,
        crs=CRS,
    )


# Residential 100 m squares at y 0..100 east of a park spanning x 0..100:
FULL = box(200, 0, 300, 100)  # 100-200 m from the park: inside 300 m and 500 m
HALF_500 = box(550, 0, 650, 100)  # the 500 m line (x = 600) halves it
HALF_300 = box(350, 0, 450, 100)  # the 300 m line (x = 400) halves it
OUT = box(1000, 0, 1100, 100)  # 900 m away


@pytest.mark.parametrize(
    ("preset", "park_class", "park", "expected"),
    [
        # 10,100 m² park: gbt50563 ≥ 5,000 m² → 500 m
        ("gbt50563", "community", box(0, 0, 100, 101), (10_000 + 5_000 + 10_000) / 40_000),
        # gbt51346: community > 1 hm² → 500 m
        ("gbt51346", "community", box(0, 0, 100, 101), (10_000 + 5_000 + 10_000) / 40_000),
        # gbt51346: exactly 1 hm² is not "> 1 hm²"
        ("gbt51346", "community", box(0, 0, 100, 100), 0.0),
        # gbt51346: a comprehensive park needs > 10 hm²; pocket parks never count
        ("gbt51346", "comprehensive", box(0, 0, 100, 101), 0.0),
        ("gbt51346", "pocket", box(0, 0, 100, 101), 0.0),
        # radius500 counts every park, even a 3,000 m² pocket park, at 500 m
        ("radius500", "pocket", box(0, 0, 100, 30), None),
        # 3,000 m² under gbt50563 → 300 m: FULL in, HALF_300 half, HALF_500 and OUT out
        ("gbt50563", "pocket", box(0, 0, 100, 30), None),
    ],
)
def test_presets_on_hand_squares(preset, park_class, park, expected):
    res = homes([FULL, HALF_500, HALF_300, OUT])
    r = park_coverage(parks_frame([(park, park_class, False)]), res, preset=preset)
    if expected is None:
        # thin park (y 0..30): the parcels span y 0..100, so compute the covered part by hand
        radius = 500.0 if preset == "radius500" else 300.0
        zone = shapely.buffer(park, radius, quad_segs=QUAD_SEGS)
        expected = sum(shapely.intersection(g, zone).area for g in res.geometry) / 40_000
    assert r.total_m2 == pytest.approx(40_000)
    assert r.ratio == pytest.approx(expected, abs=1e-12)
    assert r.covered_m2 == pytest.approx(expected * 40_000, abs=1e-6)


def test_half_covered_parcel_is_exactly_half():
    park = parks_frame([(box(0, 0, 100, 101), "community", False)])
    r = park_coverage(park, homes([HALF_500]), preset="gbt50563")
    assert r.ratio == pytest.approx(0.5, abs=1e-12)
    assert r.parcels["status"].tolist() == ["partial"]
    r300 = park_coverage(
        parks_frame([(box(0, 0, 50, 50), "pocket", False)]), homes([box(340, 0, 360, 50)])
    )
    # 2,500 m² → 300 m; the 300 m line at x = 350 halves a parcel spanning 340..360
    assert r300.ratio == pytest.approx(0.5, abs=1e-12)


def test_size_thresholds_gbt50563():
    res = homes([box(250, 0, 350, 40)])  # 200..300 m east of a 50 m wide park: in at 300 m
    small = parks_frame([(box(0, 0, 49.99, 40), "pocket", False)])  # 1,999.6 m²
    r = park_coverage(small, res, preset="gbt50563")
    assert r.ratio == 0.0 and len(r.parks) == 0
    assert any("no park counts" in w for w in r.warnings)
    exact = parks_frame([(box(0, 0, 50, 40), "pocket", False)])  # 2,000 m² → 300 m
    r = park_coverage(exact, res, preset="gbt50563")
    assert r.parks["radius_m"].tolist() == [300.0]
    assert r.ratio == pytest.approx(1.0)
    # the same parcel 50 m further east is at 250..350 m: half of it is covered
    r = park_coverage(exact, homes([box(300, 0, 400, 40)]), preset="gbt50563")
    assert r.ratio == pytest.approx(0.5, abs=1e-12)


def test_historic_park_of_1000_m2_counts_at_300m():
    park = [(box(0, 0, 40, 25), "pocket", True)]  # 1,000 m² in a historic district
    res = homes([box(200, 0, 300, 25)])  # 160..260 m east: inside 300 m
    r = park_coverage(parks_frame(park), res, preset="gbt50563")
    assert r.parks["radius_m"].tolist() == [300.0]
    assert r.ratio == pytest.approx(1.0)
    # not historic → does not count; historic but 999 m² → does not count
    assert park_coverage(parks_frame([(park[0][0], "pocket", False)]), res).ratio == 0.0
    tiny = [(box(0, 0, 39.96, 25), "pocket", True)]
    assert park_coverage(parks_frame(tiny), res).ratio == 0.0


def test_overlapping_service_areas_count_once():
    parks = parks_frame(
        [(box(0, 0, 100, 101), "community", False), (box(0, 0, 100, 101), "community", False),
         (box(150, 0, 250, 101), "community", False)]
    )  # fmt: skip
    res = homes([FULL, OUT])
    r = park_coverage(parks, res, preset="radius500")
    # FULL lies in all three service areas but counts once; OUT is 750 m from the third park
    assert r.covered_m2 == pytest.approx(10_000)
    assert r.ratio == pytest.approx(0.5)
    assert r.radius_counts() == {"500": 3}


def test_extent_cuts_a_parcel():
    park = parks_frame([(box(0, 0, 100, 101), "community", False)])
    res = homes([FULL, OUT])
    extent = box(-1000, -1000, 250, 1000)  # keeps the western half of FULL only
    r = park_coverage(park, res, extent=extent, preset="gbt50563")
    assert r.total_m2 == pytest.approx(5_000)
    assert r.ratio == pytest.approx(1.0)
    extent2 = box(250, -1000, 1050, 1000)  # eastern half of FULL and western half of OUT
    r2 = park_coverage(park, res, extent=extent2)
    assert r2.total_m2 == pytest.approx(10_000)
    assert r2.covered_m2 == pytest.approx(5_000)
    assert r2.extent is not None and r2.to_dict()["extent"]["area_m2"] == pytest.approx(1.6e6)


def test_residential_classes_parameter():
    park = parks_frame([(box(0, 0, 100, 101), "community", False)])
    res = gpd.GeoDataFrame(
        {"feature_id": ["a", "b"], "zone_class": ["0701", "农村宅基地"]},
        geometry=[FULL, OUT],
        crs=CRS,
    )
    assert park_coverage(park, res).ratio == pytest.approx(1.0)
    both = park_coverage(park, res, residential_classes=["0701", "0703"])
    assert both.ratio == pytest.approx(0.5)
    assert both.residential_classes == ("0701", "0703")
    with pytest.raises(UnknownClass):
        park_coverage(park, res, residential_classes=["0799"])


def test_blind_spots_and_per_unit_rows():
    park = parks_frame([(box(0, 0, 100, 101), "community", False)])
    res = homes([FULL, HALF_500, OUT])
    units = gpd.GeoDataFrame(
        {"code": ["110112001", "110117001"], "name": ["西", "东"]},
        geometry=[box(-1000, -1000, 600, 1000), box(600, -1000, 2000, 1000)],
        crs=CRS,
    )
    r = park_coverage(park, res, by=units)
    rows = r.units.set_index("code")
    assert rows.loc["110112001", "covered_m2"] == pytest.approx(15_000)
    assert rows.loc["110112001", "total_m2"] == pytest.approx(15_000)
    assert rows.loc["110117001", "covered_m2"] == pytest.approx(0.0, abs=1e-6)
    assert rows.loc["110117001", "total_m2"] == pytest.approx(15_000)
    # a gbt50563 figure is compared with the GB 55014 floor only; the districts' own targets
    # are 500 m coverage (radius500)
    assert rows["target"].tolist() == [0.8, 0.8]
    assert bool(rows.loc["110112001", "met"]) is True
    r500 = park_coverage(park, res, by=units, preset="radius500").units.set_index("code")
    assert r500.loc["110112001", "target"] == 0.96  # Tongzhou's own 2030 target
    assert r500.loc["110117001", "target"] == 0.8766  # Pinggu's
    bs = r.blind_spots
    assert sorted(bs["feature_id"]) == ["r1", "r2"]
    assert bs["uncovered_m2"].sum() == pytest.approx(15_000)
    assert shapely.union_all(bs.geometry.values).area == pytest.approx(15_000)
    assert r.covered_land.area.sum() == pytest.approx(15_000)


def test_to_dict_is_json_ready_with_geometry_in_wgs84():
    park = parks_frame([(box(0, 0, 100, 101), "community", False)])
    r = park_coverage(park, homes([FULL, HALF_500, OUT]), preset="gbt50563")
    d = json.loads(json.dumps(r.to_dict(include_geometry=True)))
    assert d["ratio"] == pytest.approx(0.5)
    assert d["preset"]["name"] == "gbt50563"
    assert d["parks"]["items"][0]["radius_m"] == 500.0
    fc = d["blind_spots"]["geojson"]
    assert fc["type"] == "FeatureCollection" and len(fc["features"]) == 2
    x, y = fc["features"][0]["geometry"]["coordinates"][0][0]
    assert 116 < x < 117 and 39 < y < 41  # WGS84 near Tongzhou
    floor = next(t for t in d["targets"] if t["scope"] == "national")
    assert floor["value"] == 0.8 and floor["met"] is False
    plain = r.to_dict()
    assert "geojson" not in plain["blind_spots"] and "service_area" not in plain
    assert plain["blind_spots"]["area_m2"] == pytest.approx(15_000)


def test_paths_and_declared_crs(tmp_path):
    park = parks_frame([(box(0, 0, 100, 101), "community", False)])
    res = homes([FULL, HALF_500, OUT])
    expected = park_coverage(park, res).ratio
    park.to_crs(4326).to_file(tmp_path / "parks.geojson", driver="GeoJSON")
    res.to_file(tmp_path / "res.gpkg", driver="GPKG")
    res.to_crs(4490).to_file(tmp_path / "res.shp")
    res.to_parquet(tmp_path / "res.parquet")
    for path in ("res.gpkg", "res.shp", "res.parquet"):
        r = park_coverage(tmp_path / "parks.geojson", str(tmp_path / path))
        assert r.ratio == pytest.approx(expected, abs=1e-6)

    # GCJ-02 coordinates (as Amap gives them) labelled WGS84, corrected by crs="GCJ02"
    def to_gcj(frame):
        g = frame.to_crs(4326)
        geoms = shapely.transform(
            np.asarray(g.geometry.values),
            lambda xy: np.column_stack(wgs84_to_gcj02(xy[:, 0], xy[:, 1])),
        )
        return g.set_geometry(gpd.GeoSeries(geoms, crs=4326, index=g.index))

    r = park_coverage(to_gcj(park), to_gcj(res), crs="GCJ02")
    assert r.ratio == pytest.approx(expected, abs=1e-4)
    assert r.total_m2 == pytest.approx(30_000, rel=1e-4)
    wrong = park_coverage(to_gcj(park), to_gcj(res))  # taken as WGS84: a ~500 m shift on both
    assert wrong.total_m2 == pytest.approx(30_000, rel=1e-2)


def test_custom_preset_table(tmp_path):
    (tmp_path / "t.csv").write_text(
        "class,min_area_m2,max_area_m2,radius_m,historic\ncommunity,5000,,650,\n,0,5000,100,\n",
        encoding="utf-8",
    )
    (tmp_path / "t.yaml").write_text(
        "name: mine\ntiers:\n  - {class: 社区公园, min_area_m2: 5000, radius_m: 650}\n",
        encoding="utf-8",
    )
    park = parks_frame([(box(0, 0, 100, 101), "community", False)])
    res = homes([FULL, HALF_500, OUT])  # 650 m line at x = 750: HALF_500 in, OUT out
    for p in ("t.csv", "t.yaml"):
        r = park_coverage(park, res, preset=tmp_path / p)
        assert r.parks["radius_m"].tolist() == [650.0]
        assert r.ratio == pytest.approx(2 / 3)
    assert load_preset_file(tmp_path / "t.yaml").name == "mine"
    assert get_preset(str(tmp_path / "t.csv")).tiers[1].max_area_m2 == 5000.0


def test_bad_inputs_raise_typed_errors(tmp_path):
    park = parks_frame([(box(0, 0, 100, 101), "community", False)])
    res = homes([FULL])
    with pytest.raises(InvalidInput, match="unknown preset"):
        park_coverage(park, res, preset="nope")
    with pytest.raises(UnknownCRS):
        park_coverage(park, res, crs="EPSG:999999")
    with pytest.raises(LayerLoadError, match="not found"):
        park_coverage(tmp_path / "missing.gpkg", res)
    with pytest.raises(InvalidGeoJSON):
        park_coverage({"features": []}, res)
    points = gpd.GeoDataFrame(geometry=[shapely.Point(X0, Y0)], crs=CRS)
    with pytest.raises(InvalidInput, match="Polygon"):
        park_coverage(points, res)
    (tmp_path / "bad.csv").write_text("class,radius_m\nbogus,300\n", encoding="utf-8")
    with pytest.raises(InvalidInput, match="row 1"):
        park_coverage(park, res, preset=tmp_path / "bad.csv")


def test_no_residential_in_extent_gives_no_ratio():
    park = parks_frame([(box(0, 0, 100, 101), "community", False)])
    r = park_coverage(park, homes([FULL]), extent=box(5000, 5000, 6000, 6000))
    assert r.ratio is None and r.total_m2 == 0.0
    assert r.to_dict()["percent"] is None


def test_equals_slow_overlay_reference_on_random_layers():
    rng = np.random.default_rng(7)
    pts = rng.uniform(0, 3000, size=(400, 2))
    cells = shapely.voronoi_polygons(shapely.multipoints(pts + np.array([X0, Y0])))
    cells = shapely.intersection(shapely.get_parts(cells), box(0, 0, 3000, 3000))
    res_geoms = cells[rng.random(len(cells)) < 0.5]
    centers = rng.uniform(0, 3000, size=(40, 2)) + np.array([X0, Y0])
    sizes = rng.uniform(15, 60, size=40)
    park_geoms = shapely.buffer(shapely.points(centers), sizes)
    parks = gpd.GeoDataFrame(
        {"zone_class": ["community"] * 40, "historic": rng.random(40) < 0.3},
        geometry=park_geoms,
        crs=CRS,
    )
    res = homes(list(res_geoms))
    extent = box(300, 200, 2700, 2900)
    r = park_coverage(parks, res, extent=extent, preset="gbt50563")
    # slow reference: clip to the extent, overlay with one dissolved service area
    radii = get_preset("gbt50563").radii(
        ["community"] * 40, shapely.area(park_geoms), parks["historic"]
    )
    zones = shapely.buffer(park_geoms[radii > 0], radii[radii > 0], quad_segs=QUAD_SEGS)
    zone = gpd.GeoDataFrame(geometry=[shapely.union_all(zones)], crs=CRS)
    clipped = gpd.overlay(res, gpd.GeoDataFrame(geometry=[extent], crs=CRS), how="intersection")
    covered = gpd.overlay(clipped, zone, how="intersection")
    expected = covered.area.sum() / clipped.area.sum()
    assert 0.05 < expected < 0.95  # a non-trivial case
    assert r.ratio == pytest.approx(expected, abs=1e-9)
    assert r.total_m2 == pytest.approx(clipped.area.sum(), rel=1e-9)
    assert r.uncovered_m2 == pytest.approx(r.blind_spots["uncovered_m2"].sum(), rel=1e-9)


# A 1 mm square park: its 500 m service area is the disc of radius 500 m to within
# 4 × 0.001 × 500 = 2 m² (the Minkowski sum adds the park's perimeter × r).
DOT = box(-0.0005, -0.0005, 0.0005, 0.0005)


def _disc_in_square(r: float, s: float) -> float:
    """Area of a disc of radius ``r`` and a concentric square of side ``s`` (analytic)."""
    d = s / 2.0
    if r <= d:
        return np.pi * r * r
    if r >= d * np.sqrt(2.0):
        return s * s
    segment = r * r * np.arccos(d / r) - d * np.sqrt(r * r - d * d)  # beyond one side
    return np.pi * r * r - 4.0 * segment


@pytest.mark.parametrize("side", [2_000.0, 800.0, 1_000.0])
def test_disc_against_square_matches_the_true_circle(side):
    # side 2,000: the disc lies inside, coverage πr²/side²; 800: the circle crosses every
    # side (r between side/2 and side/√2); 1,000: the circle touches the sides
    park = parks_frame([(DOT, "pocket", False)])
    parcel = homes([box(-side / 2, -side / 2, side / 2, side / 2)])
    r = park_coverage(park, parcel, preset="radius500")
    expected = _disc_in_square(500.0, side) / side**2
    assert r.total_m2 == pytest.approx(side**2, rel=1e-12)
    assert abs(r.ratio - expected) * 100 < 0.01  # percentage points
    assert abs(r.ratio - expected) < 1e-4 * expected  # relative area error < 1e-4
    if side == 2_000.0:
        assert expected == pytest.approx(np.pi / 16, rel=1e-12)


def test_within_a_hundredth_of_a_point_of_a_256_segment_reference(demo_layers_dir, monkeypatch):
    from geozone.catalog import load_catalog
    from geozone.coverage import engine, metric
    from geozone.coverage.catalog import coverage_for_catalog

    demo = load_catalog(demo_layers_dir)
    ours = {p: coverage_for_catalog(demo, "密云区", preset=p, by=None).ratio
            for p in ("radius500", "gbt50563")}  # fmt: skip
    for segs, within in ((64, True), (8, False)):  # 64 per quarter = 256 per circle

        def union(parks, radii, segs=segs):
            return engine.service_union(parks, radii, quad_segs=segs)

        monkeypatch.setattr(metric, "service_union", union)
        for preset, ratio in ours.items():
            ref = coverage_for_catalog(demo, "密云区", preset=preset, by=None).ratio
            # GEOS's default 8 segments per quarter is 0.1+ points short: the check has teeth
            assert (abs(ratio - ref) * 100 < 0.01) is within, (preset, segs, ratio, ref)


def test_analyst_columns_are_kept_on_parcels_blind_spots_and_cli_files(tmp_path):
    from click.testing import CliRunner

    from geozone.cli import cli

    park = parks_frame([(box(0, 0, 100, 101), "community", False)])
    res = gpd.GeoDataFrame(
        {"name": ["甲", "乙", "丙"], "my_id": [11, 12, 13], "zone_class": ["0701"] * 3,
         "area_m2": [1.0, 2.0, 3.0]},
        geometry=[FULL, HALF_500, OUT], crs=CRS,
    )  # fmt: skip
    r = park_coverage(park, res, preset="gbt50563")
    assert list(r.parcels.columns) == ["feature_id", "zone_class", "name", "my_id",
                                       "input_area_m2", "area_m2", "covered_m2", "status",
                                       "geometry"]  # fmt: skip
    assert r.parcels[["name", "my_id"]].values.tolist() == [["甲", 11], ["乙", 12], ["丙", 13]]
    assert r.parcels["input_area_m2"].tolist() == [1.0, 2.0, 3.0]  # theirs, renamed
    blind = r.blind_spots
    assert blind[["name", "my_id"]].values.tolist() == [["乙", 12], ["丙", 13]]
    assert blind["uncovered_m2"].tolist() == pytest.approx([5_000.0, 10_000.0])
    joined = res.merge(blind.drop(columns="geometry"), on="my_id")  # joins back
    assert joined["name_x"].tolist() == joined["name_y"].tolist() == ["乙", "丙"]
    park.to_file(tmp_path / "parks.gpkg", driver="GPKG")
    res.to_file(tmp_path / "homes.gpkg", driver="GPKG")
    for out in ("blind.geojson", "blind.gpkg"):
        args = [
            "coverage",
            "--parks",
            str(tmp_path / "parks.gpkg"),
            "--residential",
            str(tmp_path / "homes.gpkg"),
            "--blind-spots",
            str(tmp_path / out),
            "--quiet",
        ]
        run = CliRunner().invoke(cli, args)
        assert run.exit_code == 0, run.output
        back = gpd.read_file(tmp_path / out)
        assert back[["name", "my_id"]].values.tolist() == [["乙", 12], ["丙", 13]], out


def test_projected_metres_labelled_wgs84_raise_naming_the_crs_and_bounds():
    from geozone.errors import CoordinatesOutsideCRS

    park = parks_frame([(box(0, 0, 100, 101), "community", False)])
    park = park.set_crs(4326, allow_override=True)
    with pytest.raises(CoordinatesOutsideCRS) as err:
        park_coverage(park, homes([FULL]))
    msg = err.value.message
    assert "parks" in msg and "EPSG:4326" in msg and "x 470000..470100" in msg
    assert "y 4.41e+06..4.4101e+06" in msg and "|lon| <= 180" in msg
    assert err.value.detail["bounds"] == [470_000.0, 4_410_000.0, 470_100.0, 4_410_101.0]
    assert err.value.status == 422
    # degrees labelled EPSG:4548 lie ~4,000 km from its area of use (lon 115.5..118.5)
    deg = homes([shapely.box(116.60, 39.90, 116.61, 39.91)])
    where = r"EPSG:4548.*area of use is lon 115\.5\.\.118\.5"
    with pytest.raises(CoordinatesOutsideCRS, match=where):
        park_coverage(parks_frame([(box(0, 0, 100, 101), "community", False)]), deg)


@pytest.mark.parametrize("preset", ["gbt50563", "gbt51346", "radius500"])
def test_unknown_park_class_raises_under_every_preset(preset):
    parks = parks_frame([(box(0, 0, 100, 101), "社区公园", False),  # a known Chinese spelling
                         (box(0, 300, 100, 401), "zoo", False)])  # fmt: skip
    with pytest.raises(UnknownClass) as err:
        park_coverage(parks, homes([FULL]), preset=preset)
    assert "'zoo'" in err.value.message and "zone_class" in err.value.message
    assert "community (社区公园)" in err.value.message and "pocket (游园)" in err.value.message
    assert err.value.detail["unknown"] == ["zoo"]
    ok = park_coverage(parks.iloc[:1], homes([FULL]), preset=preset)
    assert ok.parks["park_class"].tolist() == ["community"]
