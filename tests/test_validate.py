"""Layer-set validation: each check fires on a broken fixture with a hand-computed answer,
and stays silent on the clean fixture. Fixtures are written into tmp_path in code."""

from __future__ import annotations

import json
import math
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner
from layerset_builder import (
    X0,
    Y0,
    Layer,
    at,
    bowtie,
    clean_layers,
    disc,
    find,
    manifest_text,
    rect,
    write_layer,
    write_layerset,
)
from pyproj import Transformer
from shapely.geometry import Point
from shapely.geometry.base import BaseGeometry

from geozone.catalog import load_catalog, load_layer
from geozone.cli import cli
from geozone.errors import ManifestError
from geozone.manifest import load_manifest
from geozone.validate import validate_catalog, validate_layer_version, validate_layers_dir
from geozone.validation import CHECKS, ValidationReport

TO_4548 = Transformer.from_crs("EPSG:4326", "EPSG:4548", always_xy=True)
TO_4326 = Transformer.from_crs("EPSG:4548", "EPSG:4326", always_xy=True)


def _point_4548(location: tuple[float, float] | None) -> Point:
    assert location is not None
    x, y = TO_4548.transform(*location)
    return Point(x, y)


def _inside(location: tuple[float, float] | None, geom: BaseGeometry) -> bool:
    return geom.buffer(0.5).contains(_point_4548(location))


def _run(tmp_path: Path, layers: list[Layer]) -> ValidationReport:
    return validate_layers_dir(write_layerset(tmp_path / "set", layers))


def _only(report: ValidationReport, check: str) -> list:
    """The errors of ``check``, asserting no other check raised an error."""
    assert {i.check for i in report.errors} == {check}, report.render()
    return report.errors


@pytest.fixture(scope="module")
def clean_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_layerset(tmp_path_factory.mktemp("clean"), clean_layers())


def test_clean_fixture_has_no_issue(clean_dir: Path) -> None:
    report = validate_layers_dir(clean_dir)
    assert report.ok
    assert report.issues == [], report.render()
    assert [c.name for c in CHECKS] == report.checks[2:]
    facts = {f["key"]: f for f in report.layers}
    assert facts["water@v1"]["source_crs"] == "EPSG:4326"
    assert facts["water@v1"]["file_crs"] == "EPSG:4326"
    assert facts["admin@v1"]["file_crs"] == "EPSG:4548"


def test_bowtie_reported_with_location_never_fixed(tmp_path: Path) -> None:
    layers = clean_layers()
    find(layers, "redline").features.append(("bow", "general", bowtie(1500, 100, 100)))
    report = _run(tmp_path, layers)
    (issue,) = _only(report, "valid_geometry")
    assert issue.layer == "redline@v1" and issue.feature_id == "bow"
    assert "Self-intersection" in issue.message
    lon, lat = TO_4326.transform(X0 + 1550, Y0 + 150)
    assert issue.location == pytest.approx((lon, lat), abs=1e-6)
    catalog = load_catalog(tmp_path / "set")
    assert not catalog.get("redline@v1").frame.geometry.iloc[-1].is_valid


def test_duplicate_feature_id(tmp_path: Path) -> None:
    layers = clean_layers()
    cz = find(layers, "control_zone")
    cz.features[1] = ("cz1", *cz.features[1][1:])
    (issue,) = _only(_run(tmp_path, layers), "feature_ids")
    assert (issue.layer, issue.feature_id, issue.value) == ("control_zone@v1", "cz1", 2.0)


def test_missing_feature_id_and_empty_geometry(tmp_path: Path) -> None:
    layers = clean_layers()
    find(layers, "parks").features.append((None, "pocket", at(Point(80, 80))))
    find(layers, "parks").features.append(("p3", "pocket", None))
    report = _run(tmp_path, layers)
    assert {i.check for i in report.errors} == {"feature_ids", "geometry_present"}
    assert report.by_check("geometry_present")[0].feature_id == "p3"
    assert report.by_check("feature_ids")[0].value == 1.0


def test_line_in_zone_layer_is_wrong_type(tmp_path: Path) -> None:
    layers = clean_layers()
    find(layers, "redline").features.append(
        ("line", "general", rect(1500, 100, 1600, 200).boundary)
    )
    (issue,) = _only(_run(tmp_path, layers), "geometry_type")
    assert issue.feature_id == "line" and "LineString" in issue.message


def test_overlapping_version_ranges_inclusive_end(tmp_path: Path) -> None:
    layers = clean_layers()
    find(layers, "control_zone").valid_to = date(2023, 1, 1)  # v2 starts that day
    report = _run(tmp_path, layers)
    (issue,) = report.by_check("version_ranges")
    assert issue.layer == "control_zone@v2" and issue.related == ("control_zone@v1",)
    assert issue.value == 1.0 and "2023-01-01" in issue.message
    # on that one day both versions are in force, so their zones overlap too
    assert {i.check for i in report.errors} == {"version_ranges", "control_zone_tiling"}


def test_open_ended_versions_overlap(tmp_path: Path) -> None:
    layers = clean_layers()
    find(layers, "control_zone").valid_to = None
    (issue,) = _run(tmp_path, layers).by_check("version_ranges")
    assert issue.value is None and "open-ended" in issue.message


def test_control_zone_gap_of_known_area(tmp_path: Path) -> None:
    layers = clean_layers()
    cz = find(layers, "control_zone")
    hole = rect(1000, 400, 1100, 450)  # 100 m x 50 m
    cz.features[1] = ("cz2", "restricted", rect(800, 0, 1400, 1000).difference(hole))
    (issue,) = _only(_run(tmp_path, layers), "control_zone_tiling")
    assert issue.layer == "control_zone@v1" and "admin@v1" in issue.related
    assert issue.value == pytest.approx(5000.0, abs=1e-3)
    assert "通州区" in issue.message
    assert _inside(issue.location, hole)


def test_control_zone_overlap_of_known_area(tmp_path: Path) -> None:
    layers = clean_layers()
    find(layers, "control_zone").features[0] = ("cz1", "concentrated", rect(0, 0, 810, 1000))
    (issue,) = _only(_run(tmp_path, layers), "control_zone_tiling")
    assert issue.value == pytest.approx(10_000.0, abs=1e-3)  # 10 m x 1,000 m
    assert {issue.feature_id, issue.message.split("control zone ")[-1].split()[0]} == {
        "cz1",
        "cz2",
    }
    assert _inside(issue.location, rect(800, 0, 810, 1000))


def test_small_gap_within_tolerance_passes(tmp_path: Path) -> None:
    layers = clean_layers()
    cz = find(layers, "control_zone")
    cz.features[1] = (
        "cz2",
        "restricted",
        rect(800, 0, 1400, 1000).difference(rect(1000, 400, 1002, 402)),
    )
    root = write_layerset(tmp_path / "set", layers)
    assert validate_layers_dir(root, tolerance_m2=5.0).ok  # a 4 m² hole passes 5 m² ...
    assert validate_catalog(load_catalog(root), tolerance_m2=5.0).ok
    report = validate_catalog(load_catalog(root), tolerance_m2=1.0)
    assert not report.ok  # ... but not a 1 m² one
    assert report.errors[0].value == pytest.approx(4.0, abs=1e-3)


def test_grade1_disc_sticking_out_of_grade2(tmp_path: Path) -> None:
    layers = clean_layers()
    sticking = disc(700, 200, 40)  # centre on the bottom edge of grade2: half is outside
    find(layers, "water").features.append(("g1c", "grade1", sticking))
    (issue,) = _only(_run(tmp_path, layers), "water_nesting")
    assert issue.feature_id == "g1c" and "grade2" in issue.message
    assert issue.value == pytest.approx(sticking.area / 2, abs=0.01)
    assert issue.value == pytest.approx(math.pi * 40**2 / 2, rel=0.005)
    assert _inside(issue.location, rect(600, 100, 800, 200))


def test_grade2_outside_quasi(tmp_path: Path) -> None:
    layers = clean_layers()
    water = find(layers, "water")
    water.features[0] = ("q1", "quasi", rect(100, 100, 1300, 700))  # grade2 reaches y=800
    (issue,) = _only(_run(tmp_path, layers), "water_nesting")
    assert issue.feature_id == "g2" and issue.value == pytest.approx(1000 * 100, abs=1e-3)


def test_redline_outside_eco_control(tmp_path: Path) -> None:
    layers = clean_layers()
    red = find(layers, "redline")
    red.features.append(("r3", "general", rect(1300, 100, 1500, 200)))  # half in restricted
    red.features.append(("r4", "general", rect(2100, 100, 2200, 200)))  # no control zone there
    report = _run(tmp_path, layers)
    errors = _only(report, "redline_in_eco_control")
    # checked once against each control-zone version in force during the red line's validity
    assert sorted(e.related for e in errors) == [("control_zone@v1",), ("control_zone@v2",)]
    for error in errors:
        assert error.feature_id == "r3" and error.value == pytest.approx(10_000.0, abs=1e-3)
        assert _inside(error.location, rect(1300, 100, 1400, 200))
        assert error.related[0] in error.message
    assert len(report.warnings) == 2
    for warning in report.warnings:
        assert warning.feature_id == "r4" and warning.value == pytest.approx(10_000.0, abs=1e-3)


def test_redline_checked_against_each_control_zone_version(tmp_path: Path) -> None:
    layers = clean_layers()
    v2 = find(layers, "control_zone", "v2")
    v2.features[1] = ("cz2", "限制建设区", rect(900, 0, 1600, 1000))
    v2.features[2] = ("cz3", "生态控制区", rect(1600, 0, 2000, 1000))
    errors = _only(_run(tmp_path, layers), "redline_in_eco_control")
    assert {e.related for e in errors} == {("control_zone@v2",)}
    assert {e.feature_id: e.value for e in errors} == {
        "r1": pytest.approx(100 * 800, abs=1e-3),  # x 1500..1600 is restricted in v2
        "r2": pytest.approx(60 * 40, abs=1e-3),
    }
    # validated as of 2021 only v1 is in force, and the red line fits it
    assert validate_layers_dir(tmp_path / "set", as_of=date(2021, 6, 1)).ok


def test_grade1_outside_management_range(tmp_path: Path) -> None:
    layers = clean_layers()
    find(layers, "water").features.append(("g1d", "grade1", rect(350, 400, 450, 500)))
    (issue,) = _only(_run(tmp_path, layers), "reservoir_grade1")
    assert issue.feature_id == "g1d" and issue.related == ("reservoir@v1",)
    assert issue.value == pytest.approx(5000.0, abs=1e-3)
    assert _inside(issue.location, rect(350, 400, 400, 500))


def test_unknown_class(tmp_path: Path) -> None:
    layers = clean_layers()
    find(layers, "control_zone").features[1] = ("cz2", "工业区", rect(800, 0, 1400, 1000))
    (issue,) = _only(_run(tmp_path, layers), "zone_class")
    assert issue.feature_id == "cz2" and "'工业区'" in issue.message
    assert "eco_control, restricted, concentrated" in issue.message


def test_contradicting_declared_crs_is_a_load_issue(tmp_path: Path) -> None:
    layers = clean_layers()
    find(layers, "parks").source_crs = "EPSG:4326"  # file is EPSG:4548
    report = _run(tmp_path, layers)
    (issue,) = _only(report, "load")
    assert issue.layer == "parks@v1"
    assert "EPSG:4548 contradicts declared EPSG:4326" in issue.message
    assert "parks@v1" not in {f["key"] for f in report.layers}
    assert len(report.layers) == len(layers) - 1


@pytest.mark.filterwarnings("ignore:'crs' was not provided", "ignore:invalid value encountered")
def test_file_without_crs_and_wrong_declaration(tmp_path: Path) -> None:
    layers = clean_layers()
    res = find(layers, "residential")
    res.fmt, res.write_crs, res.source_crs = "shp", None, "EPSG:4326"  # metres read as degrees
    report = _run(tmp_path, layers)
    crs = report.by_check("crs")
    assert {i.severity for i in crs} == {"error", "warning"}
    assert any("carries no CRS" in i.message for i in crs)
    assert any("do not fall on the Earth" in i.message for i in crs if i.severity == "error")


def test_offset_system_declared_on_projected_file(tmp_path: Path) -> None:
    layers = clean_layers()
    find(layers, "parks").source_crs = "GCJ02"
    errors = _run(tmp_path, layers).by_check("crs")
    assert any("declared GCJ02 (degrees) but the file CRS EPSG:4548" in i.message for i in errors)


def test_missing_id_field(tmp_path: Path) -> None:
    layers = clean_layers()
    find(layers, "redline").manifest["id_field"] = "fid_missing"
    (issue,) = _only(_run(tmp_path, layers), "load")
    assert issue.layer == "redline@v1"
    assert "data/redline_v1.gpkg" in issue.message and "'fid_missing'" in issue.message


def test_missing_file(tmp_path: Path) -> None:
    root = write_layerset(tmp_path / "set", clean_layers())
    (root / "data" / "parks_v1.gpkg").unlink()
    (issue,) = _only(validate_layers_dir(root), "load")
    assert "parks_v1.gpkg: file not found" in issue.message


@pytest.mark.parametrize(
    ("change", "key", "problem"),
    [
        ({"valid_from": "2020-13-45"}, "layer[0].valid_from", "date"),
        ({"kind": "forest"}, "layer[0].kind", "Input should be"),
        ({"source_crs": None}, "layer[0].source_crs", "Field required"),
        ({"source_crs": "EPSG:999999"}, "layer[0].source_crs", "unknown CRS"),
    ],
)
def test_manifest_errors_name_file_key_problem(
    tmp_path: Path, change: dict, key: str, problem: str
) -> None:
    layers = clean_layers()
    root = write_layerset(tmp_path / "set", layers)
    first = layers[0]
    first.manifest.update(change)
    if change.get("source_crs", "x") is None:
        first.source_crs = None  # type: ignore[assignment]
    text = manifest_text(layers)
    (root / "manifest.toml").write_text(text, encoding="utf-8")
    report = validate_layers_dir(root)
    (issue,) = _only(report, "manifest")
    assert str(root / "manifest.toml") in issue.message
    assert f": {key}: " in issue.message and problem in issue.message
    with pytest.raises(ManifestError) as exc:
        load_manifest(root)
    assert exc.value.message == issue.message


def test_manifest_not_toml(tmp_path: Path) -> None:
    (tmp_path / "manifest.toml").write_text("[layerset\n", encoding="utf-8")
    (issue,) = _only(validate_layers_dir(tmp_path), "manifest")
    assert "not valid TOML" in issue.message


def test_report_dict_and_text(tmp_path: Path) -> None:
    layers = clean_layers()
    find(layers, "water").features.append(("g1d", "grade1", rect(350, 400, 450, 500)))
    report = _run(tmp_path, layers)
    data = json.loads(json.dumps(report.to_dict()))
    assert data["ok"] is False and data["error_count"] == 1
    assert data["issues"][0]["check"] == "reservoir_grade1"
    assert len(data["issues"][0]["location"]) == 2
    text = report.render()
    assert text.startswith("validation FAILED: 1 error(s)")
    assert "ERROR   [reservoir_grade1] water@v1 feature g1d" in text


def test_cli_exit_codes_and_json(tmp_path: Path, clean_dir: Path) -> None:
    runner = CliRunner()
    ok = runner.invoke(cli, ["layers", "validate", str(clean_dir)])
    assert ok.exit_code == 0, ok.output
    assert "validation OK" in ok.output
    layers = clean_layers()
    find(layers, "control_zone").features[1] = ("cz2", "工业区", rect(800, 0, 1400, 1000))
    broken = write_layerset(tmp_path / "broken", layers)
    bad = runner.invoke(cli, ["layers", "validate", str(broken), "--json"])
    assert bad.exit_code == 1
    assert json.loads(bad.output)["issues"][0]["check"] == "zone_class"
    as_of = runner.invoke(cli, ["layers", "validate", str(broken), "--as-of", "2024-01-01"])
    assert as_of.exit_code == 0, as_of.output  # the broken v1 is not in force then


def test_validate_layer_version_candidate(tmp_path: Path, clean_dir: Path) -> None:
    layers = clean_layers()
    find(layers, "residential").features.append(("bad", "0701", bowtie(100, 100, 10)))
    root = write_layerset(tmp_path / "set", layers)
    catalog = load_catalog(root)
    assert not validate_catalog(catalog).ok  # an unrelated invalid feature

    red = replace(find(layers, "redline"), version="v2", valid_from=date(2024, 1, 1))
    red.features = [("r1", "general", rect(1300, 100, 1500, 200))]
    find(layers, "redline").valid_to = date(2023, 12, 31)
    write_layer(root, red)
    candidate = load_layer(
        next(e for e in _entries(root, layers, red) if e.key == "redline@v2"), root
    )
    report = validate_layer_version(catalog, candidate)
    # the open-ended v1 overlaps the candidate, and 10,000 m² lie outside eco_control;
    # the unrelated residential bow-tie is not reported
    assert {i.check for i in report.errors} == {"version_ranges", "redline_in_eco_control"}
    assert all(i.involves("redline@v2") for i in report.issues)
    assert report.layers[0]["key"] == "redline@v2"
    assert catalog.get("redline").version == "v1"  # the catalog is not changed

    fine = replace(red, version="v1", valid_from=date(2020, 1, 1))
    fine.features = [("r1", "general", rect(1500, 100, 1900, 900))]
    write_layer(root, fine)
    same_key = load_layer(
        next(e for e in _entries(root, layers, fine) if e.key == "redline@v1"), root
    )
    assert validate_layer_version(catalog, same_key).ok


def _entries(root: Path, layers: list[Layer], extra: Layer) -> list:
    (root / "candidate").mkdir(exist_ok=True)
    (root / "candidate" / "manifest.toml").write_text(manifest_text([extra]), encoding="utf-8")
    return list(load_manifest(root / "candidate").layer)


def test_shipped_layers_validate() -> None:
    from conftest import LAYERS

    result = CliRunner().invoke(cli, ["layers", "validate", str(LAYERS)])
    assert result.exit_code == 0, result.output
    assert "validation OK" in result.output


def test_layer_far_from_the_analysis_area_is_warned(tmp_path: Path) -> None:
    layers = clean_layers()
    parks = find(layers, "parks")
    parks.features = [("p1", "pocket", at(Point(400_000, 0)))]  # ~121.3 E: Shanghai's meridian
    parks.source_crs = parks.write_crs = "EPSG:4326"
    report = _run(tmp_path, layers)
    assert report.ok
    (warning,) = report.warnings
    assert warning.check == "crs" and "area of use of the analysis CRS EPSG:4548" in warning.message
    assert warning.location is not None and warning.location[0] > 120
