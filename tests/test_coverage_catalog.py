"""Coverage on a tiny layer set built in code: districts, urban extent, townships, CLI, HTTP."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import geopandas as gpd
import numpy as np
import pytest
import rasterio
import shapely
from api_client import api_client
from click.testing import CliRunner
from conftest import LAYERS
from rasterio.transform import from_origin

from geozone.catalog import load_catalog
from geozone.cli import cli
from geozone.coverage.catalog import coverage_for_catalog
from geozone.coverage.indicators import plan_indicators
from geozone.coverage.maps import write_chart, write_map
from geozone.coverage.presets import get_preset
from geozone.errors import FeatureNotFound, InvalidInput

X0, Y0 = 470_000.0, 4_410_000.0
CRS = "EPSG:4548"


def box(x0, y0, x1, y1):
    return shapely.box(X0 + x0, Y0 + y0, X0 + x1, Y0 + y1)


def _write(root: Path, name: str, kind: str, rows: list[dict], extra: str = "") -> str:
    frame = gpd.GeoDataFrame(rows, geometry=[r.pop("geometry") for r in rows], crs=CRS)
    frame.to_file(root / "data" / f"{name}.gpkg", driver="GPKG", engine="pyogrio")
    return (
        f'[[layer]]\nid = "{name}"\nkind = "{kind}"\ntitle_zh = "{name}"\ntitle_en = "{name}"\n'
        f'file = "data/{name}.gpkg"\nsource_crs = "EPSG:4548"\nversion = "1"\n'
        f'valid_from = 2020-01-01\nsource = "test"\nlicence = "CC0-1.0"\nsynthetic = true\n{extra}'
    )


def build_layers(root: Path) -> Path:
    """Tongzhou 4 km × 2 km (urban x < 3 km) with two townships; Pinggu 2 km × 2 km."""
    (root / "data").mkdir(parents=True)
    parts = ['[layerset]\nid = "cov"\nversion = "1"\ntitle_zh = "t"\ntitle_en = "t"\n'
             "synthetic = true\n"]  # fmt: skip
    parts.append(_write(root, "admin", "admin", [
        {"feature_id": "110112", "zone_class": "district", "name": "通州区",
         "district_code": "110112", "geometry": box(0, 0, 4000, 2000)},
        {"feature_id": "110112001", "zone_class": "township", "name": "西镇",
         "district_code": "110112", "geometry": box(0, 0, 2000, 2000)},
        {"feature_id": "110112002", "zone_class": "township", "name": "东镇",
         "district_code": "110112", "geometry": box(2000, 0, 4000, 2000)},
        {"feature_id": "110117", "zone_class": "district", "name": "平谷区",
         "district_code": "110117", "geometry": box(5000, 0, 7000, 2000)},
        {"feature_id": "110117001", "zone_class": "township", "name": "谷镇",
         "district_code": "110117", "geometry": box(5000, 0, 7000, 2000)},
    ]))  # fmt: skip
    parts.append(_write(root, "zones", "control_zone", [
        {"feature_id": "c1", "zone_class": "concentrated", "geometry": box(0, 0, 3000, 2000)},
        {"feature_id": "c2", "zone_class": "eco_control", "geometry": box(3000, 0, 4000, 2000)},
        {"feature_id": "c3", "zone_class": "eco_control", "geometry": box(5000, 0, 7000, 1800)},
        {"feature_id": "c4", "zone_class": "concentrated",
         "geometry": box(5000, 1800, 7000, 2000)},
    ]))  # fmt: skip
    parts.append(_write(root, "redline", "redline", [
        {"feature_id": "r1", "zone_class": "general", "geometry": box(3500, 0, 4000, 2000)},
        {"feature_id": "r2", "zone_class": "general", "geometry": box(5000, 0, 5800, 2000)},
        {"feature_id": "r3", "zone_class": "core", "geometry": box(5000, 0, 5400, 1000)},
    ]))  # fmt: skip
    parts.append(_write(root, "parks", "park", [
        {"feature_id": "P1", "zone_class": "community", "name": "一号公园", "historic": False,
         "geometry": box(500, 900, 600, 1001)},
        {"feature_id": "P2", "zone_class": "pocket", "name": "小游园", "historic": False,
         "geometry": box(2500, 900, 2540, 1000)},
        {"feature_id": "P3", "zone_class": "comprehensive", "name": "谷园", "historic": False,
         "geometry": box(6200, 1850, 6300, 1950)},
    ]))  # fmt: skip
    res = [("R1", "0701", box(1050, 900, 1150, 1000)), ("R2", "0701", box(700, 900, 800, 1000)),
           ("R3", "0701", box(1900, 900, 2100, 1000)), ("R5", "0701", box(2700, 900, 2800, 1000)),
           ("R7", "0701", box(3300, 1500, 3400, 1600)), ("R4", "0703", box(3100, 900, 3200, 1000)),
           ("R8", "0701", box(6000, 1850, 6100, 1950))]  # fmt: skip
    parts.append(_write(root, "residential", "residential", [
        {"feature_id": i, "zone_class": c, "geometry": g} for i, c, g in res
    ]))  # fmt: skip
    (root / "manifest.toml").write_text("\n".join(parts), encoding="utf-8")
    shutil.copytree(LAYERS / "rules", root / "rules")  # the app loads the rule tables
    return root


@pytest.fixture(scope="module")
def layers_dir(tmp_path_factory) -> Path:
    return build_layers(tmp_path_factory.mktemp("covlayers"))


@pytest.fixture(scope="module")
def catalog(layers_dir):
    return load_catalog(layers_dir)


@pytest.mark.parametrize(
    ("preset", "extent", "expected"),
    [
        ("gbt50563", "urban", 25_000 / 50_000),
        ("gbt50563", "district", 25_000 / 60_000),
        ("radius500", "urban", 35_000 / 50_000),
        ("gbt51346", "urban", 15_000 / 50_000),
    ],
)
def test_district_coverage_known_answers(catalog, preset, extent, expected):
    r = coverage_for_catalog(catalog, "通州区", preset=preset, by=None, extent=extent)
    assert r.ratio == pytest.approx(expected, abs=1e-12)
    assert r.meta["district"] == {"code": "110112", "name": "通州区"}
    assert r.synthetic is True
    assert {x["kind"] for x in r.meta["layers"]} >= {"admin", "park", "residential"}


def test_per_township_rows_clip_a_parcel_on_the_boundary(catalog):
    r = coverage_for_catalog(catalog, "110112", preset="radius500", by="township")
    rows = r.units.set_index("code")
    assert rows.loc["110112001", "covered_m2"] == pytest.approx(15_000)
    assert rows.loc["110112001", "total_m2"] == pytest.approx(30_000)
    assert rows.loc["110112002", "covered_m2"] == pytest.approx(20_000)  # R3 east half + R5
    assert rows.loc["110112002", "ratio"] == pytest.approx(1.0)
    assert rows["total_m2"].sum() == pytest.approx(r.total_m2)
    assert list(rows["target"]) == [0.96, 0.96]
    by_district = coverage_for_catalog(catalog, "通州", preset="radius500", by="district")
    assert by_district.units["ratio"].iloc[0] == pytest.approx(0.7)


def test_targets_are_compared_only_with_figures_of_their_own_preset(catalog):
    # the plans' targets are 500 m coverage; GB 55014's 80 % floor is a GB/T 50563 figure
    r500 = coverage_for_catalog(catalog, "通州区", preset="radius500", by="township")
    rows = {t["scope"]: t for t in r500.comparison()}
    assert rows["110112"]["preset"] == "radius500" and rows["110112"]["comparable"]
    assert rows["110112"]["met"] is False and rows["110112"]["gap"] == pytest.approx(0.7 - 0.96)
    assert rows["national"]["comparable"] is False
    assert rows["national"]["met"] is None and rows["national"]["gap"] is None
    assert "gbt50563" in rows["national"]["note"]
    assert r500.headline()["scope"] == "110112"
    assert r500.to_dict()["headline_target"]["value"] == 0.96
    gb = coverage_for_catalog(catalog, "通州区", preset="gbt50563", by="township")
    assert gb.headline()["scope"] == "national" and gb.headline()["met"] is False  # 50 % < 80 %
    assert {t["scope"] for t in gb.comparison() if not t["comparable"]} == {"beijing", "110112"}
    assert list(gb.units["target"]) == [0.8, 0.8]
    custom = coverage_for_catalog(catalog, "通州区", preset=get_preset("radius500").__class__(
        "mine", get_preset("radius500").tiers, "custom"), by=None)  # fmt: skip
    assert custom.headline() is None


def test_residential_classes_and_errors(catalog):
    r = coverage_for_catalog(
        catalog, "通州区", extent="district", by=None, residential_classes=["0701", "0703"]
    )
    assert r.total_m2 == pytest.approx(70_000)
    with pytest.raises(FeatureNotFound, match="known"):
        coverage_for_catalog(catalog, "海淀区")
    with pytest.raises(InvalidInput):
        coverage_for_catalog(catalog, "通州区", by="county")
    pg = coverage_for_catalog(catalog, "平谷区", by=None)
    assert pg.ratio == pytest.approx(1.0)
    assert [t["scope"] for t in pg.comparison()] == ["national", "beijing", "110117"]


def test_plan_indicators_against_targets(catalog, tmp_path):
    raster = tmp_path / "pop.tif"
    data = np.zeros((20, 70), dtype="float32")
    data[:, :40] = 10.0  # Tongzhou: 20 × 40 cells of 100 m with 10 people = 8,000 people
    with rasterio.open(raster, "w", driver="GTiff", height=20, width=70, count=1,
                       dtype="float32", crs=CRS, transform=from_origin(X0, Y0 + 2000, 100, 100)
                       ) as dst:  # fmt: skip
        dst.write(data, 1)
    p = plan_indicators(catalog, population=raster)
    rows = {(r.district_code, r.indicator): r for r in p.rows}
    assert rows["110112", "redline_share"].value == pytest.approx(0.125)
    assert rows["110117", "redline_share"].value == pytest.approx(0.4)  # r3 overlaps r2: once
    assert rows["110112", "eco_control_share"].value == pytest.approx(0.25)
    assert rows["110117", "eco_control_share"].value == pytest.approx(0.9)
    tz_red = {t["scope"]: t["met"] for t in rows["110112", "redline_share"].targets}
    assert tz_red == {"110112": True}
    pg_eco = {t["scope"]: t["met"] for t in rows["110117", "eco_control_share"].targets}
    assert pg_eco == {"beijing": True, "110117": True}
    per_person = rows["110112", "park_area_per_person"]
    assert per_person.value == pytest.approx((10_100 + 4_000) / 8_000)
    assert rows["110112", "park_coverage"].value == pytest.approx(35_000 / 60_000)
    assert json.loads(json.dumps(p.to_dict()))["synthetic"] is True


def test_offline_map_and_chart(catalog, tmp_path):
    r = coverage_for_catalog(catalog, "通州区", by="township")
    html = write_map(r, tmp_path / "m.html").read_text(encoding="utf-8")
    assert "https://cdn" not in html
    assert not re.search(r"<script[^>]+src=", html)
    assert not re.search(r"<link[^>]+href=[\"']?https?:", html)
    assert "L.map(" in html or "L.map (" in html  # leaflet is inlined and used
    assert "synthetic demo data" in html
    png = write_chart(r, tmp_path / "c.png").read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n"


def test_cli_layer_set_mode(layers_dir, tmp_path, monkeypatch):
    monkeypatch.setenv("GEOZONE_LAYERS_DIR", str(layers_dir))
    runner = CliRunner()
    out = runner.invoke(cli, [
        "coverage", "--district", "通州区", "--preset", "radius500", "--by", "township",
        "--blind-spots", str(tmp_path / "bs.gpkg"), "--map", str(tmp_path / "m.html"),
        "--chart", str(tmp_path / "c.png"), "--quiet",
    ])  # fmt: skip
    assert out.exit_code == 0, out.output
    assert "110112002" in out.output and "70.00 %" in out.output
    assert "Tongzhou park 500 m coverage 96 % by 2030" in out.output
    assert "not comparable, defined with preset gbt50563" in out.output  # the GB 55014 floor
    blind = gpd.read_file(tmp_path / "bs.gpkg")
    assert blind["uncovered_m2"].sum() == pytest.approx(15_000)
    assert (tmp_path / "m.html").is_file() and (tmp_path / "c.png").is_file()
    js = runner.invoke(cli, ["coverage", "--district", "110112", "--json", "--quiet",
                             "--raster-check", "5", "--suggest", "1"])  # fmt: skip
    assert js.exit_code == 0, js.output
    data = json.loads(js.stdout)
    assert data["ratio"] == pytest.approx(0.5)
    assert data["raster_check"]["ratio_raster"] == pytest.approx(0.5, abs=0.01)
    assert data["suggested_sites"]["sites"][0]["gain_m2"] > 0


def test_cli_file_mode(tmp_path):
    parks = gpd.GeoDataFrame({"zone_class": ["community"]}, geometry=[box(0, 0, 100, 101)],
                             crs=CRS).to_crs(4326)  # fmt: skip
    parks.to_file(tmp_path / "parks.geojson", driver="GeoJSON")
    res = gpd.GeoDataFrame(
        {"zone_class": ["0701", "0701"]},
        geometry=[box(200, 0, 300, 100), box(1000, 0, 1100, 100)],
        crs=CRS,
    )
    res.to_file(tmp_path / "res.gpkg", driver="GPKG")
    out = CliRunner().invoke(cli, ["coverage", "--parks", str(tmp_path / "parks.geojson"),
                                   "--residential", str(tmp_path / "res.gpkg"), "--json",
                                   "--quiet"])  # fmt: skip
    assert out.exit_code == 0, out.output
    assert json.loads(out.stdout)["ratio"] == pytest.approx(0.5)
    bad = CliRunner().invoke(cli, ["coverage", "--parks", str(tmp_path / "parks.geojson")])
    assert bad.exit_code != 0


@pytest.fixture(scope="module")
def client(layers_dir, tmp_path_factory):
    with api_client(layers_dir, tmp_path_factory.mktemp("coverage_api")) as c:
        yield c


def test_http_get_and_post_agree(client):
    got = client.get("/api/v1/coverage", params={"district": "通州区", "preset": "radius500"})
    assert got.status_code == 200, got.text
    body = got.json()
    assert body["ratio"] == pytest.approx(0.7)
    assert [u["code"] for u in body["units"]] == ["110112001", "110112002"]
    posted = client.post("/api/v1/coverage", json={"district": "110112", "preset": "radius500"})
    assert posted.json() == body
    geo = client.get("/api/v1/coverage", params={"district": "通州区", "include_geometry": True})
    assert geo.json()["blind_spots"]["geojson"]["type"] == "FeatureCollection"


def _fc(frame: gpd.GeoDataFrame) -> dict:
    return json.loads(frame.to_crs(4326).to_json())


def test_http_ad_hoc_and_what_if(client):
    parks = gpd.GeoDataFrame({"zone_class": ["community"]}, geometry=[box(0, 0, 100, 101)],
                             crs=CRS)  # fmt: skip
    res = gpd.GeoDataFrame(
        {"zone_class": ["0701", "0701"]},
        geometry=[box(200, 0, 300, 100), box(1000, 0, 1100, 100)],
        crs=CRS,
    )
    r = client.post("/api/v1/coverage", json={"parks": _fc(parks), "residential": _fc(res),
                                              "preset": "gbt50563"})  # fmt: skip
    assert r.status_code == 200, r.text
    assert r.json()["ratio"] == pytest.approx(0.5, abs=1e-6)
    # a candidate park next to R3 (the only uncovered urban 0701 parcel at 300 m)
    cand = gpd.GeoDataFrame({"zone_class": ["community"]}, geometry=[box(1950, 800, 2050, 890)],
                            crs=CRS)  # fmt: skip
    w = client.post("/api/v1/coverage", json={"district": "通州区", "parks": _fc(cand)})
    assert w.status_code == 200, w.text
    assert w.json()["ratio"] == pytest.approx(45_000 / 50_000, abs=1e-6)


def test_http_errors_are_4xx(client):
    assert client.get("/api/v1/coverage", params={"district": "海淀区"}).status_code == 404
    bad = client.get("/api/v1/coverage", params={"district": "通州区", "preset": "x.csv"})
    assert bad.status_code == 422 and bad.json()["code"] == "invalid_input"
    assert client.get("/api/v1/coverage").status_code == 422
    many = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {},
         "geometry": {"type": "Point", "coordinates": [116.6, 39.8]}}] * 10_001}  # fmt: skip
    r = client.post("/api/v1/coverage", json={"parks": many, "residential": many})
    assert r.status_code == 413
    pts = client.post("/api/v1/coverage", json={"parks": {"type": "FeatureCollection",
                      "features": many["features"][:1]}, "residential": {
                      "type": "FeatureCollection", "features": many["features"][:1]}})  # fmt: skip
    assert pts.status_code == 422


def test_shipped_demo_layers_and_population(demo_layers_dir):
    from geozone.coverage.population import population_coverage

    demo = load_catalog(demo_layers_dir)
    r = coverage_for_catalog(demo, "通州区", preset="gbt50563", by="township")
    assert 0.0 < r.ratio < 1.0 and r.synthetic
    assert r.units["total_m2"].sum() == pytest.approx(r.total_m2, rel=1e-9)
    assert r.units["covered_m2"].sum() == pytest.approx(r.covered_m2, rel=1e-9)
    raster = demo_layers_dir / "data" / "population_demo.tif"
    assert raster.stat().st_size < 500_000
    pop = population_coverage(r, raster)
    assert pop.synthetic and 0.0 < pop.share < 1.0
    # the raster puts people only on residential land: counting 0701 and 0703 leaves none off it
    both = coverage_for_catalog(demo, "通州区", by=None, extent="district",
                                residential_classes=["0701", "0703"])  # fmt: skip
    assert population_coverage(both, raster).people_off_residential < 0.01 * pop.people_covered
