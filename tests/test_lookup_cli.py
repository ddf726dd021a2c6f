"""``geozone lookup`` with click's CliRunner, on the tiny layer set and the shipped demo set."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
import shapely
from click.testing import CliRunner
from tiny_layers import lonlat

from geozone.catalog import Catalog, load_catalog
from geozone.cli import cli
from geozone.errors import SwappedCoordinates
from geozone.lookup import lookup
from geozone.query import point_query
from geozone.rules import RuleTable, load_rules

pytest_plugins = ["lookup_fixtures"]


def test_point_json_is_to_json(
    tiny_layers_dir: Path, tiny_catalog: Catalog, tiny_rules: RuleTable
) -> None:
    lon, lat = lonlat(3500, 6000)
    args = ["lookup", "--lon", str(lon), "--lat", str(lat), "--activity", "housing"]
    args += ["--as-of", "2026-01-01", "--layers", str(tiny_layers_dir), "--json"]
    res = CliRunner().invoke(cli, args)
    assert res.exit_code == 0, res.output
    want = lookup(
        tiny_catalog,
        tiny_rules,
        point_query(float(str(lon)), float(str(lat)), activities="housing", as_of="2026-01-01"),
    )
    assert res.output == want.to_json() + "\n"


def test_point_table(tiny_layers_dir: Path) -> None:
    lon, lat = lonlat(2003, 7500)
    args = [
        "lookup",
        "--lon",
        str(lon),
        "--lat",
        str(lat),
        "--activity",
        "housing",
        "--tolerance",
        "5",
    ]
    res = CliRunner().invoke(
        cli, [*args, "--as-of", "2026-01-01", "--layers", str(tiny_layers_dir)]
    )
    assert res.exit_code == 0, res.output
    assert "housing (住宅 / Housing): CONDITIONAL" in res.output
    assert "生态控制区 / Ecological control area" in res.output
    assert "citation: Tiny test regulation" in res.output
    assert "jurisdiction: 北京市 / Beijing Municipality (110000)" in res.output
    assert "[near edge] redline:RL-GEN" in res.output
    assert "SYNTHETIC DEMO DATA" in res.output
    assert "warning:" in res.output


def test_parcel_file_and_crs(tiny_layers_dir: Path, tmp_path: Path) -> None:
    x1, y1 = lonlat(5400, 8000)
    x2, y2 = lonlat(6400, 8100)
    ring = [[x1, y1], [x2, y1], [x2, y2], [x1, y2], [x1, y1]]
    f = tmp_path / "parcel.geojson"
    f.write_text(
        json.dumps(
            {
                "type": "Feature",
                "properties": {},
                "geometry": {"type": "Polygon", "coordinates": [ring]},
            }
        )
    )
    res = CliRunner().invoke(cli, ["lookup", str(f), "--layers", str(tiny_layers_dir), "--json"])
    assert res.exit_code == 0, res.output
    d = json.loads(res.output)
    shares = {h["feature_id"]: h["overlap_share"] for h in d["hits"]}
    assert shares["CZ-RES"] == pytest.approx(0.6, abs=1e-3)
    res = CliRunner().invoke(
        cli,
        [
            "lookup",
            "--lon",
            "116.4",
            "--lat",
            "39.9",
            "--crs",
            "GCJ02",
            "--layers",
            str(tiny_layers_dir),
            "--json",
        ],
    )
    assert json.loads(res.output)["query"]["crs"] == "GCJ02"


def test_errors(tiny_layers_dir: Path) -> None:
    runner = CliRunner()
    res = runner.invoke(
        cli, ["lookup", "--lon", "39.9", "--lat", "116.4", "--layers", str(tiny_layers_dir)]
    )
    assert isinstance(res.exception, SwappedCoordinates)
    res = runner.invoke(cli, ["lookup", "--layers", str(tiny_layers_dir)])
    assert res.exit_code == 2
    assert "exactly one" in res.output


def test_batch(tiny_layers_dir: Path, tmp_path: Path) -> None:
    lon, lat = lonlat(3500, 6000)
    src = tmp_path / "pts.csv"
    src.write_text(f"id,lon,lat\np1,{lon},{lat}\np2,{lat},{lon}\n", "utf-8")
    out = tmp_path / "out.gpkg"
    res = CliRunner().invoke(
        cli,
        [
            "lookup",
            "--batch",
            str(src),
            "--out",
            str(out),
            "--activity",
            "housing",
            "--layers",
            str(tiny_layers_dir),
        ],
    )
    assert res.exit_code == 0, res.output
    assert "2 rows written" in res.output
    assert "ok 1, edge 0, error 1" in res.output
    import pyogrio

    back = pyogrio.read_dataframe(out)
    assert list(back["status"]) == ["ok", "error"]


# --- demo-layer smoke tests ------------------------------------------------------------------


@pytest.fixture(scope="module")
def demo(demo_layers_dir: Path) -> tuple[Catalog, RuleTable]:
    cat = load_catalog(demo_layers_dir)
    return cat, load_rules(cat.rules_dir)


def test_demo_miyun_grade1_prohibits_swimming(demo: tuple[Catalog, RuleTable]) -> None:
    cat, rules = demo
    water = cat.in_force("water_protection", date(2026, 11, 25))
    assert water is not None
    grade1 = water.frame_wgs84[water.frame_wgs84["zone_class"] == "grade1"]
    assert len(grade1) > 0
    for geom in grade1.geometry:
        p = shapely.point_on_surface(geom)
        r = lookup(
            cat,
            rules,
            point_query(p.x, p.y, activities="swimming_angling", as_of="2026-11-25", tolerance_m=0),
        )
        v = r.verdict_for("swimming_angling")
        assert v.verdict.value == "prohibited"
        assert r.synthetic is True
        assert any(
            h.layer_kind == "water_protection" and h.zone_class == "grade1" and h.inside
            for h in r.hits
        )


def test_demo_outside_and_deterministic(demo: tuple[Catalog, RuleTable]) -> None:
    cat, rules = demo
    far = lookup(cat, rules, point_query(121.47, 31.23, as_of="2026-11-25"))  # Shanghai
    assert {v.verdict.value for v in far.verdicts} == {"outside"}
    a = lookup(cat, rules, point_query(116.65, 39.90, as_of="2026-11-25"))
    b = lookup(cat, rules, point_query(116.65, 39.90, as_of="2026-11-25"))
    assert a.to_json() == b.to_json()
    assert a.inside_territory is True
    assert a.to_dict()["admin"]["district"]["code"] == "110112"  # Tongzhou


def test_activity_comma_list_and_repeated_option_agree(tiny_layers_dir: Path) -> None:
    lon, lat = lonlat(3500, 6000)
    base = ["lookup", "--lon", str(lon), "--lat", str(lat), "--as-of", "2026-01-01"]
    base += ["--layers", str(tiny_layers_dir), "--json"]
    runs = [
        CliRunner().invoke(cli, [*base, *extra])
        for extra in (
            ["--activity", "housing,swimming_angling"],
            ["--activity", "housing", "--activity", "swimming_angling"],
        )
    ]
    assert all(r.exit_code == 0 for r in runs), [r.output for r in runs]
    answers = [json.loads(r.output) for r in runs]
    assert [v["activity"] for v in answers[0]["verdicts"]] == ["housing", "swimming_angling"]
    assert answers[0] == answers[1]
