"""CRS parsing, GCJ-02 / BD-09 conversion against the real district oracle, shift warnings."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np
import pytest
import shapely
from shapely.geometry import box

from geozone.catalog import load_catalog, load_layer
from geozone.crs import (
    bd09_to_gcj02,
    diagnose_shift,
    gcj02_to_bd09,
    gcj02_to_wgs84,
    geometries_to,
    offset_to_wgs84,
    parse_crs,
    wgs84_to_gcj02,
    wgs84_to_gcj02_xy,
)
from geozone.errors import UnknownCRS
from geozone.manifest import load_manifest
from geozone.validate import validate_layer_version, validate_layers_dir

GCJ_FILE = "districts_gcj02_amap_cnmaps.geojson"
WGS_FILE = "districts_wgs84_from_cnmaps_gcj02.geojson"
OSM_FILE = "districts_wgs84_osm_mapchina.geojson"
OUR_DISTRICTS = ["通州区", "平谷区", "密云区"]


@pytest.mark.parametrize(
    ("value", "name", "offset"),
    [
        (None, "EPSG:4326", None),
        (4326, "EPSG:4326", None),
        ("4490", "EPSG:4490", None),
        ("EPSG:4548", "EPSG:4548", None),
        ("epsg:4548", "EPSG:4548", None),
        ("CGCS2000", "EPSG:4490", None),
        ("WGS84", "EPSG:4326", None),
        ("OGC:CRS84", "EPSG:4326", None),
        ("urn:ogc:def:crs:EPSG::4548", "EPSG:4548", None),
        ("http://www.opengis.net/def/crs/EPSG/0/4548", "EPSG:4548", None),
        ("gcj-02", "GCJ02", "GCJ02"),
        ("GCJ02", "GCJ02", "GCJ02"),
        ("BD09", "BD09", "BD09"),
        ("bd-09", "BD09", "BD09"),
    ],
)
def test_parse_crs(value: object, name: str, offset: str | None) -> None:
    declared = parse_crs(value)  # type: ignore[arg-type]
    assert declared.name == name
    assert declared.offset == offset
    if offset is not None:
        assert declared.crs.to_epsg() == 4326 and declared.is_geographic
    assert declared.is_geographic == (name != "EPSG:4548")


@pytest.mark.parametrize("value", ["EPSG:999999", "foo", "GCJ-03", "urn:ogc:def:crs:EPSG::0"])
def test_unknown_crs_raises(value: str) -> None:
    with pytest.raises(UnknownCRS) as exc:
        parse_crs(value)
    assert exc.value.code == "unknown_crs" and exc.value.status == 422
    assert value in exc.value.message


def _beijing_grid() -> tuple[np.ndarray, np.ndarray]:
    lon, lat = np.meshgrid(np.linspace(115.4, 117.6, 45), np.linspace(39.4, 41.1, 45))
    return lon.ravel(), lat.ravel()


def test_gcj02_round_trip_over_beijing() -> None:
    lon, lat = _beijing_grid()
    glon, glat = wgs84_to_gcj02(lon, lat)
    # the offset in Beijing is about +0.006° lon, +0.0013° lat (hundreds of metres)
    assert (glon - lon).min() > 0.005 and (glon - lon).max() < 0.0075
    assert (glat - lat).min() > 0.0008 and (glat - lat).max() < 0.0022
    wlon, wlat = gcj02_to_wgs84(glon, glat)
    assert np.abs(wlon - lon).max() < 1e-6
    assert np.abs(wlat - lat).max() < 1e-6


def test_gcj02_leaves_points_outside_china_alone() -> None:
    x, y = wgs84_to_gcj02([2.35, -74.0], [48.85, 40.7])
    assert list(x) == [2.35, -74.0] and list(y) == [48.85, 40.7]


def test_gcj02_one_pair_agrees_with_the_vectorised_form() -> None:
    lon, lat = _beijing_grid()
    glon, glat = wgs84_to_gcj02(lon, lat)
    pairs = [wgs84_to_gcj02_xy(float(x), float(y)) for x, y in zip(lon, lat, strict=True)]
    assert all(isinstance(v, float) for pair in pairs for v in pair)
    # math and numpy may round sin/cos differently in the last bit: 1e-12° is 0.1 µm
    assert np.abs(np.array(pairs) - np.column_stack([glon, glat])).max() < 1e-12
    assert wgs84_to_gcj02_xy(2.35, 48.85) == (2.35, 48.85)  # outside China: unchanged


def test_bd09_round_trip() -> None:
    lon, lat = _beijing_grid()
    glon, glat = wgs84_to_gcj02(lon, lat)
    blon, blat = gcj02_to_bd09(glon, glat)
    assert 0.011 < float(np.mean(blon - lon)) < 0.015  # BD-09 sits further off (~1 km)
    back_lon, back_lat = bd09_to_gcj02(blon, blat)
    assert np.abs(back_lon - glon).max() < 5e-6 and np.abs(back_lat - glat).max() < 5e-6
    wlon, wlat = offset_to_wgs84("BD09", blon, blat)
    assert np.abs(wlon - lon).max() < 5e-6 and np.abs(wlat - lat).max() < 5e-6


def test_offset_to_wgs84_rejects_other_systems() -> None:
    with pytest.raises(UnknownCRS):
        offset_to_wgs84("EPSG:4326", [116.0], [40.0])


def test_geometries_to_known_area_of_1km_square() -> None:
    square = box(470_000, 4_410_000, 471_000, 4_411_000)
    wgs = geometries_to([square], "EPSG:4548", "EPSG:4326")
    assert wgs[0].bounds[0] == pytest.approx(116.65, abs=0.01)
    back = geometries_to(wgs, 4326, "EPSG:4548")
    assert back[0].area == pytest.approx(1_000_000.0, abs=1e-3)
    gcj = shapely.transform(wgs, lambda xy: np.column_stack(wgs84_to_gcj02(xy[:, 0], xy[:, 1])))
    from_gcj = geometries_to(gcj, "GCJ02", "EPSG:4548")
    assert from_gcj[0].area == pytest.approx(1_000_000.0, abs=0.01)
    assert shapely.hausdorff_distance(from_gcj[0], square) < 1e-3
    as_if_wgs = geometries_to(gcj, "EPSG:4326", "EPSG:4548")[0]
    assert 450 < as_if_wgs.centroid.x - square.centroid.x < 650  # read wrongly: ~500 m off


@pytest.fixture(scope="module")
def districts(shared_data: Path) -> dict[str, gpd.GeoDataFrame]:
    return {f: gpd.read_file(shared_data / f) for f in (GCJ_FILE, WGS_FILE, OSM_FILE)}


def test_gcj02_oracle_same_vertices_within_1m(districts: dict[str, gpd.GeoDataFrame]) -> None:
    gcj, wgs = districts[GCJ_FILE], districts[WGS_FILE]
    assert list(gcj["adcode"]) == list(wgs["adcode"])
    ours = geometries_to(gcj.geometry.values, "GCJ02", "EPSG:4548")
    theirs = geometries_to(wgs.geometry.values, "EPSG:4326", "EPSG:4548")
    counts = shapely.get_num_coordinates(ours)
    assert list(counts) == list(shapely.get_num_coordinates(theirs))
    assert counts.sum() > 40_000
    gap = np.hypot(*(shapely.get_coordinates(ours) - shapely.get_coordinates(theirs)).T)
    assert gap.max() < 1.0


def _centroids(geoms: np.ndarray, declared: str) -> np.ndarray:
    return shapely.get_coordinates(shapely.centroid(geometries_to(geoms, declared, "EPSG:4548")))


def test_gcj02_shift_before_conversion(districts: dict[str, gpd.GeoDataFrame]) -> None:
    gcj, wgs = districts[GCJ_FILE].geometry.values, districts[WGS_FILE].geometry.values
    shift = _centroids(gcj, "EPSG:4326") - _centroids(wgs, "EPSG:4326")
    assert np.all((shift[:, 0] > 400) & (shift[:, 0] < 650)), shift  # east
    assert np.all((shift[:, 1] > 80) & (shift[:, 1] < 200)), shift  # north


def test_converted_centroids_match_osm_districts(districts: dict[str, gpd.GeoDataFrame]) -> None:
    gcj, osm = districts[GCJ_FILE], districts[OSM_FILE]
    assert list(gcj["adcode"]) == list(osm["adcode"])
    ref = _centroids(osm.geometry.values, "EPSG:4326")
    before = _centroids(gcj.geometry.values, "EPSG:4326") - ref
    after = _centroids(gcj.geometry.values, "GCJ02") - ref
    # data/README: median shift 518 m E / 129 m N before, about 6 m after conversion
    assert np.median(before, axis=0) == pytest.approx([518, 129], abs=15)
    assert np.hypot(*np.median(after, axis=0)) < 15
    # single districts differ by tens of metres (the OSM outlines are coarse), never 500 m
    dist_after, dist_before = np.hypot(*after.T), np.hypot(*before.T)
    assert np.median(dist_after) < 100 and dist_after.max() < 350
    # Tongzhou's OSM outline itself differs from Amap's by ~260 m; every other is closer
    assert (dist_after < dist_before).sum() >= 15


def test_diagnose_shift_on_real_outlines(districts: dict[str, gpd.GeoDataFrame]) -> None:
    gcj, wgs, osm = districts[GCJ_FILE], districts[WGS_FILE], districts[OSM_FILE]
    ours = gcj[gcj["name"].isin(OUR_DISTRICTS)].geometry.values
    converted = wgs[wgs["name"].isin(OUR_DISTRICTS)].geometry.values
    diag = diagnose_shift(ours, osm.geometry.values)
    assert diag is not None and diag.looks_like_gcj02
    assert diag.median_m_if_gcj02 < 0.5 * diag.median_m_as_given
    fine = diagnose_shift(converted, osm.geometry.values)
    assert fine is not None and not fine.looks_like_gcj02
    assert diagnose_shift([], osm.geometry.values) is None


def _write(frame: gpd.GeoDataFrame, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    frame.to_file(path, driver="GPKG", engine="pyogrio")


def _gcj_layerset(root: Path, districts: dict[str, gpd.GeoDataFrame], source_crs: str) -> Path:
    osm, gcj = districts[OSM_FILE], districts[GCJ_FILE]
    admin = gpd.GeoDataFrame(
        {"feature_id": osm["adcode"].astype(str), "zone_class": "district", "name": osm["name"]},
        geometry=osm.geometry.values,
        crs="EPSG:4326",
    )
    ours = gcj[gcj["name"].isin(OUR_DISTRICTS)]
    units = gpd.GeoDataFrame(
        {"feature_id": ours["adcode"].astype(str), "zone_class": "一般管控单元"},
        geometry=ours.geometry.values,
        crs="EPSG:4326",  # as shipped by web-map providers: GCJ-02 labelled WGS84
    )
    _write(admin, root / "data" / "admin.gpkg")
    _write(units, root / "data" / "units.gpkg")
    common = 'version = "1"\nvalid_from = 2020-01-01\nsource = "test"\nlicence = "test"\n'
    (root / "manifest.toml").write_text(
        '[layerset]\nid = "gcj"\nversion = "1"\ntitle_zh = "测试"\ntitle_en = "test"\n\n'
        '[[layer]]\nid = "admin"\nkind = "admin"\ntitle_zh = "区"\ntitle_en = "districts"\n'
        f'file = "data/admin.gpkg"\nsource_crs = "EPSG:4326"\n{common}\n'
        '[[layer]]\nid = "units"\nkind = "control_unit"\ntitle_zh = "单元"\ntitle_en = "units"\n'
        f'file = "data/units.gpkg"\nsource_crs = "{source_crs}"\n{common}',
        encoding="utf-8",
    )
    return root


def test_gcj02_labelled_wgs84_is_warned(
    tmp_path: Path, districts: dict[str, gpd.GeoDataFrame]
) -> None:
    root = _gcj_layerset(tmp_path, districts, "EPSG:4326")
    units = load_catalog(root).get("units")
    (warning,) = units.warnings
    assert "GCJ-02" in warning and "units@1" in warning
    report = validate_layers_dir(root)
    assert report.ok  # a warning, not an error
    assert [i.check for i in report.warnings] == ["crs"]
    assert "GCJ-02" in report.warnings[0].message


def test_declaring_gcj02_removes_the_warning(
    tmp_path: Path, districts: dict[str, gpd.GeoDataFrame]
) -> None:
    root = _gcj_layerset(tmp_path, districts, "GCJ02")
    catalog = load_catalog(root)
    units = catalog.get("units")
    assert units.warnings == []
    assert units.file_crs == "EPSG:4326" and units.entry.source_crs == "GCJ02"
    wgs = districts[WGS_FILE].set_index("adcode").geometry
    expected = geometries_to(wgs[list(units.frame["feature_id"])].values, 4326, "EPSG:4548")
    got = np.asarray(units.frame.geometry.values, dtype=object)
    assert list(shapely.get_num_coordinates(got)) == list(shapely.get_num_coordinates(expected))
    gap = np.hypot(*(shapely.get_coordinates(got) - shapely.get_coordinates(expected)).T)
    assert gap.max() < 1.0
    assert validate_layers_dir(root).issues == []


def test_candidate_version_gets_the_gcj02_warning(
    tmp_path: Path, districts: dict[str, gpd.GeoDataFrame]
) -> None:
    good = load_catalog(_gcj_layerset(tmp_path / "good", districts, "GCJ02"))
    bad_root = _gcj_layerset(tmp_path / "bad", districts, "EPSG:4326")
    entry = load_manifest(bad_root).layer[1]
    candidate = load_layer(entry, bad_root)
    report = validate_layer_version(good, candidate)
    assert report.ok
    assert [i.check for i in report.warnings] == ["crs"]
    assert "GCJ-02" in report.warnings[0].message
    assert candidate.warnings == []  # the candidate object itself is not changed
