"""The shipped synthetic demo layer set: figures, topology, versions and reproducibility.

Every figure is measured here again from the loaded catalog (EPSG:4548, metres), not
read from the generator's output.
"""

from __future__ import annotations

import hashlib
import subprocess
import sys
from datetime import date
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import pytest
import shapely
from shapely.geometry.base import BaseGeometry

from geozone import ANALYSIS_CRS
from geozone.catalog import Catalog, LayerVersion, load_catalog
from geozone.crs import transformer
from geozone.vocab import CLASSES, LayerKind

TONGZHOU, PINGGU, MIYUN = "110112", "110117", "110118"
DISTRICTS = (TONGZHOU, PINGGU, MIYUN)

# Recorded from the generator's output (layers/README.md): deep inside the patch of the
# Tongzhou red line released in 2026, and inside the patch added in 2026.
RELEASED_2026 = (116.820955, 39.621985)
ADDED_2026 = (116.835192, 39.702340)

RED_SHARE = {TONGZHOU: (6.0, 6.4), PINGGU: (36.5, 38.5), MIYUN: (48.7, 50.7)}
SEATS = {TONGZHOU: (116.656, 39.909), PINGGU: (117.121, 40.141), MIYUN: (116.843, 40.376)}


@pytest.fixture(scope="module")
def catalog(demo_layers_dir: Path) -> Catalog:
    return load_catalog(demo_layers_dir)


def xy(lon: float, lat: float) -> shapely.Point:
    x, y = transformer("EPSG:4326", ANALYSIS_CRS).transform(lon, lat)
    return shapely.Point(x, y)


def districts(catalog: Catalog) -> dict[str, BaseGeometry]:
    admin = catalog.get("admin").frame
    rows = admin[admin["zone_class"] == "district"]
    return {r.feature_id: r.geometry for r in rows.itertuples()}


def of_district(lv: LayerVersion, code: str, cls: str | None = None) -> gpd.GeoDataFrame:
    f = lv.frame[lv.frame["district_code"] == code]
    return f if cls is None else f[f["zone_class"] == cls]


def tiling_errors(parts: list[BaseGeometry], whole: BaseGeometry) -> tuple[float, float, float]:
    """(gap, overlap, spill) areas in m² of ``parts`` against ``whole``."""
    merged = shapely.union_all(parts)
    gap = whole.difference(merged).area
    overlap = sum(p.area for p in parts) - merged.area
    spill = merged.difference(whole).area
    return gap, overlap, spill


def test_layer_set_is_labelled_synthetic(catalog: Catalog) -> None:
    assert catalog.info.id == "geozone-demo"
    assert catalog.info.synthetic
    assert "synthetic demo" in catalog.info.title_en
    assert "合成演示" in catalog.info.title_zh
    assert {v.id for v in catalog.all_versions()} == {
        "admin",
        "redline",
        "control_zone",
        "water_protection",
        "reservoir_ring",
        "control_unit",
        "parks",
        "residential",
    }
    for lv in catalog.all_versions():
        assert lv.entry.synthetic, lv.key
        assert "synthetic demo" in lv.entry.title_en, lv.key
        assert "合成演示" in lv.entry.title_zh, lv.key
        assert lv.entry.source_crs == "EPSG:4326" and lv.file_crs == "EPSG:4326"
        assert lv.frame["synthetic"].map(type).eq(bool).all(), lv.key
        assert lv.frame["synthetic"].all(), lv.key
        assert lv.frame["feature_id"].is_unique, lv.key
        assert shapely.is_valid(lv.geometries).all(), lv.key
        codes = {c.code for c in CLASSES[lv.kind]}
        assert set(lv.frame["zone_class"]) <= codes, lv.key
        assert not lv.warnings, lv.warnings
        if lv.kind != LayerKind.ADMIN:
            assert lv.frame["name"].str.endswith("（合成演示）").all(), lv.key


def test_admin_has_real_outlines_and_real_township_codes(
    catalog: Catalog, shared_data: Path
) -> None:
    admin = catalog.get("admin").frame_wgs84
    real = gpd.read_file(shared_data / "districts_wgs84_osm_mapchina.geojson")
    real["adcode"] = real["adcode"].astype(str)
    codes = pd.read_csv(shared_data / "townships_beijing_nbs2023_codes.csv", dtype=str)
    for code, count in ((TONGZHOU, 22), (PINGGU, 18), (MIYUN, 21)):
        mine = admin[(admin["zone_class"] == "district") & (admin["feature_id"] == code)]
        theirs = real[real["adcode"] == code].geometry.iloc[0]
        assert mine.geometry.iloc[0].equals_exact(theirs, 1e-12)
        towns = admin[(admin["zone_class"] == "township") & (admin["district_code"] == code)]
        expected = codes[codes["areaCode"] == code]
        assert len(towns) == count == len(expected)
        assert dict(zip(towns["feature_id"], towns["name"], strict=True)) == dict(
            zip(expected["code"], expected["name"], strict=True)
        )


def test_townships_tile_their_district(catalog: Catalog) -> None:
    admin = catalog.get("admin").frame
    for code, outline in districts(catalog).items():
        towns = admin[(admin["zone_class"] == "township") & (admin["district_code"] == code)]
        gap, overlap, spill = tiling_errors(list(towns.geometry), outline)
        assert gap < 1.0 and overlap < 1.0 and spill < 1.0, (code, gap, overlap, spill)


@pytest.mark.parametrize("version", ["2021", "2026"])
def test_red_line_shares(catalog: Catalog, version: str) -> None:
    red = catalog.get("redline", version)
    outlines = districts(catalog)
    for code, (lo, hi) in RED_SHARE.items():
        area = shapely.union_all(list(of_district(red, code).geometry)).area
        share = 100 * area / outlines[code].area
        assert lo <= share <= hi, (code, share)
        if code == TONGZHOU:
            assert area >= 56.4e6, area
        cores = of_district(red, code, "core")
        general = of_district(red, code, "general")
        assert len(cores) >= 1
        assert (
            shapely.union_all(list(cores.geometry))
            .intersection(shapely.union_all(list(general.geometry)))
            .area
            < 1.0
        )


def test_red_line_versions_switch_on_dates(catalog: Catalog) -> None:
    assert catalog.in_force("redline", date(2021, 5, 31)) is None
    v21 = catalog.in_force("redline", date(2025, 12, 31))
    v26 = catalog.in_force("redline", date(2026, 1, 1))
    assert v21 is not None and v21.version == "2021"
    assert v26 is not None and v26.version == "2026"

    def covered(lv: LayerVersion, lonlat: tuple[float, float]) -> bool:
        return bool(shapely.covers(lv.geometries, xy(*lonlat)).any())

    assert covered(v21, RELEASED_2026) and not covered(v26, RELEASED_2026)
    assert covered(v26, ADDED_2026) and not covered(v21, ADDED_2026)
    for code in (PINGGU, MIYUN):
        a = shapely.union_all(list(of_district(v21, code).geometry))
        b = shapely.union_all(list(of_district(v26, code).geometry))
        assert a.symmetric_difference(b).area < 1.0, code


def test_control_zones_tile_each_district(catalog: Catalog) -> None:
    cz = catalog.get("control_zone")
    outlines = districts(catalog)
    for code in DISTRICTS:
        gap, overlap, spill = tiling_errors(list(of_district(cz, code).geometry), outlines[code])
        assert gap < 1.0 and overlap < 1.0 and spill < 1.0, (code, gap, overlap, spill)
        conc = shapely.union_all(list(of_district(cz, code, "concentrated").geometry))
        assert conc.contains(xy(*SEATS[code])), code
    eco_pinggu = shapely.union_all(list(of_district(cz, PINGGU, "eco_control").geometry))
    assert eco_pinggu.area / outlines[PINGGU].area > 0.82


def test_eco_control_contains_both_red_lines(catalog: Catalog) -> None:
    eco = shapely.union_all(
        list(catalog.get("control_zone").frame.query("zone_class == 'eco_control'").geometry)
    )
    for version in ("2021", "2026"):
        red = shapely.union_all(list(catalog.get("redline", version).frame.geometry))
        assert red.difference(eco).area < 1.0, version


def test_water_zones_nest_per_source(catalog: Catalog) -> None:
    wp = catalog.get("water_protection").frame
    sources = wp["feature_id"].str.rsplit("-", n=1).str[0]
    assert sources.nunique() == 5  # the reservoir and four well fields
    for source, group in wp.groupby(sources):
        by = {r.zone_class: r.geometry for r in group.itertuples()}
        assert set(by) == {"grade1", "grade2", "quasi"}, source
        assert by["grade1"].difference(by["grade2"]).area < 1.0, source
        assert by["grade2"].difference(by["quasi"]).area < 1.0, source
        assert by["grade2"].area > by["grade1"].area, source
    wells = wp[wp["source_type"] == "groundwater"]
    for g in wells[wells["zone_class"] == "grade1"].geometry:
        for part in shapely.get_parts(g):  # 30 m discs: area of a 30 m circle
            assert part.area == pytest.approx(np.pi * 30.0**2, rel=0.01)


def test_reservoir_rings_and_water_surface(catalog: Catalog, demo_layers_dir: Path) -> None:
    rings = {r.zone_class: r.geometry for r in catalog.get("reservoir_ring").frame.itertuples()}
    wp = catalog.get("water_protection").frame
    grade1 = wp[wp["feature_id"] == "WP-110118-MYSK-grade1"].geometry.iloc[0]
    management = rings["management"]
    assert grade1.difference(management).area < 1.0
    assert rings["ring100"].intersection(management).area < 1.0
    assert rings["ring1000"].intersection(management.buffer(100.0)).area < 1.0e3
    # annuli: 100 m and 900 m wide bands along the management range's outline
    perimeter = (
        management.exterior.length
        if management.geom_type == "Polygon"
        else sum(p.exterior.length for p in management.geoms)
    )
    assert rings["ring100"].area == pytest.approx(100.0 * perimeter, rel=0.1)
    assert rings["ring1000"].area > 8 * rings["ring100"].area
    assert catalog.get("reservoir_ring").entry.valid_from == date(2025, 12, 1)
    water = pyogrio.read_dataframe(
        demo_layers_dir / "data" / "water_protection_2021.gpkg", layer="water_body"
    ).to_crs(ANALYSIS_CRS)
    surface = water.geometry.iloc[0]
    assert 170e6 < surface.area < 200e6
    assert surface.distance(xy(116.95, 40.52)) < 3000.0
    assert surface.buffer(250.0).within(grade1)


def test_control_units_tile_and_follow_townships(catalog: Catalog) -> None:
    cu = catalog.get("control_unit").frame
    admin = catalog.get("admin").frame
    towns = set(admin[admin["zone_class"] == "township"]["feature_id"])
    assert set(cu["township_code"]) == towns
    digit = {"priority": "1", "key": "2", "general": "3"}
    for r in cu.itertuples():
        fid = str(r.feature_id)
        assert len(fid) == 13 and fid.startswith("ZH" + r.district_code), fid
        assert fid[8] == digit[str(r.zone_class)], fid
    for code, outline in districts(catalog).items():
        parts = list(cu[cu["district_code"] == code].geometry)
        gap, overlap, spill = tiling_errors(parts, outline)
        assert gap < 1.0 and overlap < 1.0 and spill < 1.0, (code, gap, overlap, spill)
    assert set(cu["zone_class"]) == {"priority", "key", "general"}


def test_parks_and_residential(catalog: Catalog) -> None:
    parks = catalog.get("parks").frame
    homes = catalog.get("residential").frame
    cz = catalog.get("control_zone").frame
    conc = shapely.union_all(list(cz[cz["zone_class"] == "concentrated"].geometry))
    assert 300 <= len(parks) <= 600
    assert 3000 <= len(homes) <= 8000
    area = parks.geometry.area
    assert area.min() >= 1000.0 and area.max() <= 500_000.0
    assert np.allclose(parks["area_m2"], area, atol=1.0)
    assert parks["historic"].map(type).eq(bool).all()
    assert 0 < parks["historic"].sum() < 0.2 * len(parks)
    assert set(parks["zone_class"]) == {"comprehensive", "community", "pocket", "specialized"}
    assert set(parks["district_code"]) == set(DISTRICTS)
    shapely.prepare(conc)
    assert shapely.within(parks.geometry.values, conc.buffer(0.01)).all()
    urban = homes[homes["zone_class"] == "0701"]
    rural = homes[homes["zone_class"] == "0703"]
    assert shapely.within(urban.geometry.values, conc.buffer(0.01)).all()
    assert not shapely.intersects(rural.geometry.values, conc).any()
    both = shapely.union_all(list(parks.geometry)).intersection(
        shapely.union_all(list(homes.geometry))
    )
    assert both.area < 1.0


def test_tongzhou_coverage_by_overlay(catalog: Catalog) -> None:
    """Coverage of Tongzhou's concentrated area, with geopandas overlay, then shapely."""
    parks = catalog.get("parks").frame
    homes = catalog.get("residential").frame
    cz = catalog.get("control_zone").frame
    extent = cz[(cz["district_code"] == TONGZHOU) & (cz["zone_class"] == "concentrated")]
    urban = homes[homes["zone_class"] == "0701"]
    in_extent = gpd.overlay(
        urban[["feature_id", "geometry"]], extent[["geometry"]], how="intersection"
    )
    served = gpd.GeoDataFrame(
        geometry=[shapely.union_all(list(parks.geometry.buffer(500.0)))], crs=ANALYSIS_CRS
    )
    covered = gpd.overlay(in_extent, served, how="intersection")
    share = covered.area.sum() / in_extent.area.sum()
    assert 0.92 <= share <= 0.94, share
    # second engine: per-parcel shapely intersection areas
    one = served.geometry.iloc[0]
    alt = shapely.area(shapely.intersection(in_extent.geometry.values, one)).sum()
    alt /= in_extent.area.sum()
    assert alt == pytest.approx(share, abs=1e-9)
    # blind spots remain: some residential parcels are entirely outside every service area
    assert (~shapely.intersects(in_extent.geometry.values, one)).sum() > 0


@pytest.mark.slow
def test_generator_is_deterministic(tmp_path: Path, demo_layers_dir: Path) -> None:
    script = demo_layers_dir / "generate_demo.py"
    run = subprocess.run(
        [sys.executable, str(script), "--out", str(tmp_path)],
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert run.returncode == 0, run.stderr
    shipped = sorted(p.name for p in (demo_layers_dir / "data").glob("*.gpkg"))
    assert shipped == sorted(p.name for p in (tmp_path / "data").glob("*.gpkg"))
    for name in shipped:
        a = hashlib.sha256((demo_layers_dir / "data" / name).read_bytes()).hexdigest()
        b = hashlib.sha256((tmp_path / "data" / name).read_bytes()).hexdigest()
        assert a == b, name
    assert (tmp_path / "manifest.toml").read_text() == (
        demo_layers_dir / "manifest.toml"
    ).read_text()
