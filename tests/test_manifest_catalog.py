"""The manifest model and the loaded catalog: versions in force, lookup, normalised columns."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from layerset_builder import clean_layers, find, write_layerset

from geozone.catalog import NORMALISED_COLUMNS, Catalog, load_catalog
from geozone.errors import LayerLoadError, LayerNotFound, ManifestError
from geozone.manifest import load_manifest, parse_manifest
from geozone.vocab import LayerKind


@pytest.fixture(scope="module")
def root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_layerset(tmp_path_factory.mktemp("set"), clean_layers())


@pytest.fixture(scope="module")
def catalog(root: Path) -> Catalog:
    return load_catalog(root)


@pytest.mark.parametrize(
    ("on", "expected"),
    [
        (date(2019, 12, 31), None),  # before the first version
        (date(2020, 1, 1), "v1"),  # valid_from is inclusive
        (date(2022, 12, 31), "v1"),  # valid_to is inclusive
        (date(2023, 1, 1), "v2"),
        (date(2099, 1, 1), "v2"),  # open-ended
    ],
)
def test_in_force(catalog: Catalog, on: date, expected: str | None) -> None:
    found = catalog.in_force("control_zone", on)
    assert (found.version if found else None) == expected


def test_in_force_defaults_to_today(catalog: Catalog) -> None:
    assert catalog.in_force("control_zone").key == "control_zone@v2"  # type: ignore[union-attr]


def test_select_one_version_per_layer(catalog: Catalog) -> None:
    chosen = catalog.select(date(2021, 6, 1))
    assert [v.key for v in chosen] == [
        "admin@v1",
        "control_zone@v1",
        "redline@v1",
        "water@v1",
        "reservoir@v1",
        "parks@v1",
        "residential@v1",
    ]
    assert catalog.select(date(2019, 1, 1)) == []
    zones = catalog.select(date(2024, 1, 1), kinds=["control_zone", LayerKind.REDLINE])
    assert [v.key for v in zones] == ["control_zone@v2", "redline@v1"]


def test_get_by_key_id_and_version(catalog: Catalog) -> None:
    assert catalog.get("control_zone@v1").version == "v1"
    assert catalog.get("control_zone", "v1") is catalog.get("control_zone@v1")
    assert catalog.get("control_zone").version == "v2"  # newest when no version given
    assert [v.version for v in catalog.versions_of("control_zone")] == ["v1", "v2"]
    assert len(catalog.all_versions()) == 8
    assert catalog.layer_ids()[:2] == ["admin", "control_zone"]


def test_layer_not_found(catalog: Catalog) -> None:
    with pytest.raises(LayerNotFound) as exc:
        catalog.get("forest")
    assert exc.value.status == 404 and "'forest'" in exc.value.message
    with pytest.raises(LayerNotFound) as exc:
        catalog.get("control_zone@v9")
    assert exc.value.detail["known"] == ["v1", "v2"]
    with pytest.raises(LayerNotFound):
        catalog.versions_of("nope")


def test_normalised_columns(catalog: Catalog) -> None:
    for v in catalog.all_versions():
        assert tuple(v.frame.columns[:4]) == NORMALISED_COLUMNS
        assert v.frame.crs.to_epsg() == 4548 and v.frame_wgs84.crs.to_epsg() == 4326
        assert "remark" in v.frame.columns  # other attributes are kept
        assert v.frame["synthetic"].dtype == bool and v.frame["synthetic"].all()
    res = catalog.get("residential")  # id and class read from custom fields
    assert list(res.frame["feature_id"]) == ["h1"] and list(res.frame["zone_class"]) == ["0701"]
    assert "code" not in res.frame.columns and "dlbm" not in res.frame.columns
    admin = catalog.get("admin")
    assert list(admin.frame["name"]) == ["通州区", "邻区", "某镇"]


def test_chinese_class_spellings_normalised(catalog: Catalog) -> None:
    def classes(key: str) -> list[str]:
        return list(catalog.get(key).frame["zone_class"])

    assert classes("control_zone@v2") == ["concentrated", "restricted", "eco_control"]
    assert classes("control_zone@v1") == ["concentrated", "restricted", "eco_control"]
    assert classes("admin@v1") == ["district", "district", "township"]
    assert classes("redline@v1") == ["general", "core"]
    assert classes("water@v1") == ["quasi", "grade2", "grade1", "grade1"]


def test_areas_in_metres(catalog: Catalog) -> None:
    v1, v2 = catalog.get("control_zone@v1"), catalog.get("control_zone@v2")
    assert list(v1.frame.area) == pytest.approx([800_000, 600_000, 600_000], abs=1e-3)
    assert list(v2.frame.area) == pytest.approx([900_000, 500_000, 600_000], abs=1e-3)
    water = catalog.get("water")  # written in EPSG:4326, read back in metres
    assert water.frame.area.iloc[0] == pytest.approx(1200 * 800, abs=1e-2)
    assert water.file_crs == "EPSG:4326"


def test_summary(catalog: Catalog) -> None:
    s = catalog.summary()
    assert (s["id"], s["version"], s["synthetic"]) == ("fixture", "1", True)
    layers = s["layers"]
    assert isinstance(layers, list) and len(layers) == 8
    by_key = {x["key"]: x for x in layers}
    v1 = by_key["control_zone@v1"]
    assert v1["valid_from"] == "2020-01-01" and v1["valid_to"] == "2022-12-31"
    assert by_key["control_zone@v2"]["valid_to"] is None
    assert v1["feature_count"] == 3 and v1["kind"] == "control_zone"
    assert v1["source_crs"] == "EPSG:4548" and v1["file_crs"] == "EPSG:4548"
    assert len(v1["sha256"]) == 64 and v1["warnings"] == []
    assert catalog.get("water").summary()["source_crs"] == "EPSG:4326"


def test_hash_is_stable_and_tracks_files(root: Path, catalog: Catalog, tmp_path: Path) -> None:
    assert load_catalog(root).hash == catalog.hash
    layers = clean_layers()
    find(layers, "parks").features[0] = ("p1", "pocket", find(layers, "residential").features[0][2])
    assert load_catalog(write_layerset(tmp_path / "other", layers)).hash != catalog.hash


def test_load_errors_name_file_and_field(tmp_path: Path) -> None:
    layers = clean_layers()
    find(layers, "redline").manifest["class_field"] = "klass"
    root = write_layerset(tmp_path / "set", layers)
    with pytest.raises(LayerLoadError) as exc:
        load_catalog(root)
    assert "data/redline_v1.gpkg" in exc.value.message and "'klass'" in exc.value.message


def test_crs_contradiction_raises(tmp_path: Path) -> None:
    layers = clean_layers()
    find(layers, "parks").source_crs = "EPSG:4490"
    with pytest.raises(LayerLoadError) as exc:
        load_catalog(write_layerset(tmp_path / "set", layers))
    assert "contradicts declared EPSG:4490" in exc.value.message


def _entry(**changes: object) -> dict[str, object]:
    entry: dict[str, object] = {
        "id": "redline",
        "kind": "redline",
        "title_zh": "红线",
        "title_en": "Red line",
        "file": "data/r.gpkg",
        "source_crs": "EPSG:4326",
        "version": "2021",
        "valid_from": date(2021, 1, 1),
        "source": "s",
        "licence": "l",
    }
    entry.update(changes)
    return {k: v for k, v in entry.items() if v is not None}


def _manifest(*entries: dict[str, object]) -> dict[str, object]:
    info = {"id": "x", "version": "1", "title_zh": "x", "title_en": "x"}
    return {"layerset": info, "layer": list(entries)}


@pytest.mark.parametrize(
    ("entries", "key", "problem"),
    [
        ([_entry(kind="forest")], "layer[0].kind", "Input should be"),
        ([_entry(valid_from="2021-02-30")], "layer[0].valid_from", "date"),
        ([_entry(title_en=None)], "layer[0].title_en", "Field required"),
        ([_entry(colour="red")], "layer[0].colour", "Extra inputs are not permitted"),
        ([_entry(id="Red Line")], "layer[0].id", "should match pattern"),
        ([_entry(source_crs="EPSG:1")], "layer[0].source_crs", "unknown CRS"),
        ([_entry(valid_to=date(2020, 1, 1))], "layer[0]", "before valid_from"),
        ([_entry(), _entry()], "<root>", "declares version '2021' twice"),
        ([_entry(), _entry(version="b", kind="park")], "<root>", "different kinds"),
        ([], "layer", "at least 1 item"),
    ],
)
def test_manifest_errors(entries: list[dict[str, object]], key: str, problem: str) -> None:
    with pytest.raises(ManifestError) as exc:
        parse_manifest(_manifest(*entries), "layers/manifest.toml")
    assert exc.value.message.startswith(f"layers/manifest.toml: {key}: ")
    assert problem in exc.value.message
    assert exc.value.detail["file"] == "layers/manifest.toml"


def test_manifest_versions_and_in_force() -> None:
    m = parse_manifest(
        _manifest(
            _entry(valid_to=date(2021, 12, 31)),
            _entry(version="2022", valid_from=date(2022, 1, 1)),
            _entry(id="parks", kind="park", version="1"),
        )
    )
    assert m.layer_ids() == ["redline", "parks"]
    first, second, _ = m.layer
    assert first.key == "redline@2021"
    assert first.in_force(date(2021, 12, 31)) and not first.in_force(date(2022, 1, 1))
    assert second.in_force(date(2100, 1, 1)) and not second.in_force(date(2021, 12, 31))


def test_load_manifest_missing(tmp_path: Path) -> None:
    with pytest.raises(ManifestError) as exc:
        load_manifest(tmp_path)
    assert "manifest.toml: manifest not found" in exc.value.message
