"""The PostGIS layer store against the folder: equal catalogs, same answers, atomic changes.

Every test runs on its own database of the session's throw-away cluster (``pg_url``).
"""

from __future__ import annotations

import json
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pandas as pd
import psycopg
import pytest
import shapely
from click.testing import CliRunner
from conftest import LAYERS
from pg_cluster import PgCluster, free_port
from test_golden import CASES, GOLDEN, engine
from tiny_layers import build_tiny_layers

from geozone.catalog import Catalog, load_catalog
from geozone.cli import cli
from geozone.db.connection import Database
from geozone.db.layer_store import CHANNEL, PostgisLayerStore
from geozone.db.migrations import MIGRATIONS
from geozone.db.transfer import ImportResult, export_dir, import_dir
from geozone.errors import GenerationConflict, GeozoneError, ValidationFailed
from geozone.rules import RuleTable, load_rules

COUNTED = ("layer_set", "layer_versions", "features", "feature_parts", "rule_files")


@pytest.fixture
def database(pg_url: str) -> Iterator[Database]:
    db = Database(pg_url)
    yield db
    db.close()


@pytest.fixture(scope="module")
def demo_catalog() -> Catalog:
    return load_catalog(LAYERS)


@pytest.fixture(scope="module")
def demo_db(pg_cluster: PgCluster, pg_template: str) -> Iterator[tuple[Database, ImportResult]]:
    """A database holding the demo layers, imported once for the module."""
    url = pg_cluster.create_database("geozone_demo", template=pg_template)
    db = Database(url)
    result = import_dir(db, LAYERS)
    yield db, result
    db.close()


@pytest.fixture(scope="module")
def demo_store(demo_db: tuple[Database, ImportResult]) -> Iterator[PostgisLayerStore]:
    store = PostgisLayerStore(demo_db[0])
    yield store
    store.close()


def rows(db: Database) -> dict[str, object]:
    """Row counts of the layer tables and the layer set row itself."""
    with db.connection() as conn:
        out: dict[str, object] = {
            t: conn.execute(f"SELECT count(*) FROM geozone.{t}").fetchone()[0]  # type: ignore[index]
            for t in COUNTED
        }
        out["head"] = conn.execute(
            "SELECT hash, generation, manifest_toml FROM geozone.layer_set"
        ).fetchall()
    return out


def assert_same_catalog(folder: Catalog, stored: Catalog) -> None:
    """Same manifest, hash, versions, frames (columns, dtypes, values, geometry bytes)."""
    assert stored.hash == folder.hash
    assert stored.manifest == folder.manifest
    assert [v.key for v in stored.all_versions()] == [v.key for v in folder.all_versions()]
    for v in folder.all_versions():
        d = stored.get(v.key)
        assert (d.entry, d.sha256, d.file_crs, d.warnings) == (
            v.entry,
            v.sha256,
            v.file_crs,
            v.warnings,
        )
        for a, b in ((v.frame, d.frame), (v.frame_wgs84, d.frame_wgs84)):
            assert list(a.columns) == list(b.columns)
            assert list(a.dtypes.astype(str)) == list(b.dtypes.astype(str))
            assert a.crs == b.crs
            pd.testing.assert_frame_equal(
                pd.DataFrame(a.drop(columns="geometry")),
                pd.DataFrame(b.drop(columns="geometry")),
                check_exact=True,
            )
            assert list(shapely.to_wkb(np.asarray(a.geometry.values))) == list(
                shapely.to_wkb(np.asarray(b.geometry.values))
            )


def test_demo_layers_load_from_the_database_equal_to_the_folder(
    demo_db: tuple[Database, ImportResult], demo_catalog: Catalog
) -> None:
    database, result = demo_db
    assert result.versions == len(demo_catalog.all_versions())
    assert result.features == sum(v.feature_count for v in demo_catalog.all_versions())
    assert result.generation.counter == 1 and result.generation.id == demo_catalog.hash
    store = PostgisLayerStore(database)
    state = store.load()
    assert_same_catalog(demo_catalog, state.catalog)
    assert state.generation.id == demo_catalog.hash and state.generation.counter == 1
    folder_rules = load_rules(demo_catalog.rules_dir)
    assert state.rules.hash == folder_rules.hash
    assert state.rules.to_dict() == folder_rules.to_dict()
    # every feature is cut into parts of at most 256 vertices, covering it exactly
    with database.connection() as conn:
        worst = conn.execute("SELECT max(ST_NPoints(geom)) FROM geozone.feature_parts").fetchone()
        assert worst is not None and worst[0] <= 256
        diff = conn.execute(
            "SELECT max(abs(ST_Area(f.geom) - p.area)) FROM geozone.features f JOIN"
            " (SELECT layer_id, version, ord, sum(ST_Area(geom)) AS area"
            "  FROM geozone.feature_parts GROUP BY 1, 2, 3) p USING (layer_id, version, ord)"
        ).fetchone()
        assert diff is not None and diff[0] < 1e-3  # m²


@pytest.fixture(scope="module")
def demo_answers(
    demo_store: PostgisLayerStore, demo_catalog: Catalog
) -> tuple[tuple[Catalog, RuleTable], tuple[Catalog, RuleTable]]:
    """(catalog, rules) loaded from the database and from the folder."""
    state = demo_store.load()
    return (state.catalog, state.rules), (demo_catalog, load_rules(demo_catalog.rules_dir))


@pytest.mark.parametrize("name", list(CASES))
def test_golden_answers_are_the_same_bytes_from_the_database(
    name: str, demo_answers: tuple[tuple[Catalog, RuleTable], tuple[Catalog, RuleTable]]
) -> None:
    from_db, from_folder = demo_answers
    body = engine(from_db, CASES[name])
    assert (GOLDEN / f"{name}.json").read_bytes() == body + b"\n"
    assert engine(from_folder, CASES[name]) == body


def _tiny_with_attributes(root: Path) -> Path:
    """The tiny layer set, its red line file given attributes of several dtypes."""
    import geopandas as gpd

    build_tiny_layers(root)
    path = root / "data" / "redline.gpkg"
    frame = gpd.read_file(path)
    n = len(frame)
    frame["count"] = np.arange(n, dtype="int64") * 7
    frame["share"] = [0.1 + i / 3 if i % 2 == 0 else np.nan for i in range(n)]
    frame["checked"] = [i % 2 == 0 for i in range(n)]
    frame["note"] = [None if i % 2 else f"第{i}号" for i in range(n)]
    frame["surveyed"] = pd.to_datetime(["2024-03-05T10:20:30"] * n)
    frame.to_file(path, driver="GPKG")
    return root


def test_tiny_layer_set_with_typed_attributes_round_trips(
    database: Database, tmp_path: Path
) -> None:
    root = _tiny_with_attributes(tmp_path / "tiny")
    assert (root / "data" / "redline.gpkg").is_file()
    folder = load_catalog(root)
    import_dir(database, root)
    state = PostgisLayerStore(database).load()
    assert_same_catalog(folder, state.catalog)
    redline = state.catalog.get("redline")
    assert {"count", "share", "checked", "note", "surveyed"} <= set(redline.frame.columns)
    assert redline.frame["share"].isna().any()
    # export -> folder -> import again: same hash, same frames, same rules
    out = export_dir(database, tmp_path / "exported")
    assert load_catalog(out).hash == folder.hash
    import_dir(database, out)
    state2 = PostgisLayerStore(database).load()
    assert_same_catalog(folder, state2.catalog)
    assert state2.generation.counter == 2
    assert state2.rules.hash == load_rules(root / "rules").hash


def test_init_twice_is_a_no_op(pg_url: str) -> None:
    runner = CliRunner()
    first = runner.invoke(cli, ["db", "init", "--database-url", pg_url])
    assert first.exit_code == 0, first.output
    assert "nothing to do" in first.output  # pg_url is migrated already
    with psycopg.connect(pg_url) as conn:
        before = conn.execute("SELECT number, applied_at FROM geozone.schema_migrations").fetchall()
    second = runner.invoke(cli, ["db", "init", "--database-url", pg_url])
    assert second.exit_code == 0 and "nothing to do" in second.output
    with psycopg.connect(pg_url) as conn:
        after = conn.execute("SELECT number, applied_at FROM geozone.schema_migrations").fetchall()
    assert before == after and [r[0] for r in after] == [n for n, _, _ in MIGRATIONS]


def test_cli_init_import_status_export(pg_cluster: PgCluster, tmp_path: Path) -> None:
    url = pg_cluster.create_database("geozone_cli")
    runner = CliRunner()
    init = runner.invoke(cli, ["db", "init", "--database-url", url])
    applied = f"applied migrations {[n for n, _, _ in MIGRATIONS]}"
    assert init.exit_code == 0 and applied in init.output, init.output
    tiny = build_tiny_layers(tmp_path / "tiny")
    imported = runner.invoke(cli, ["db", "import", str(tiny), "--database-url", url])
    assert imported.exit_code == 0, imported.output
    assert "generation 1" in imported.output
    status = runner.invoke(cli, ["db", "status", "--json", "--database-url", url])
    assert status.exit_code == 0, status.output
    data = json.loads(status.output)
    folder = load_catalog(tiny)
    assert data["layer_set"]["hash"] == folder.hash and data["layer_set"]["generation"] == 1
    assert data["layer_versions"] == len(folder.all_versions())
    assert data["features"] == sum(v.feature_count for v in folder.all_versions())
    out = tmp_path / "out"
    exported = runner.invoke(cli, ["db", "export", str(out), "--database-url", url])
    assert exported.exit_code == 0, exported.output
    assert load_catalog(out).hash == folder.hash


def test_a_database_that_is_down_is_named_without_the_password() -> None:
    port = free_port()
    url = f"postgresql://geozone:hunter2secret@127.0.0.1:{port}/nowhere"
    result = CliRunner().invoke(cli, ["db", "status", "--database-url", url])
    assert result.exit_code != 0
    text = result.output + str(result.exception)
    assert f"127.0.0.1:{port}/nowhere" in text and "hunter2secret" not in text
    assert "unavailable" in text


def _broken_copy(tmp_path: Path, how: str) -> Path:
    root = shutil.copytree(LAYERS, tmp_path / how, ignore=shutil.ignore_patterns("*.tif"))
    manifest = root / "manifest.toml"
    if how == "broken_file":  # the 2nd layer's data file is not a GeoPackage
        (root / "data" / "redline_2021.gpkg").write_bytes(b"not a geopackage at all")
    elif how == "invalid_manifest":  # the 2nd layer's dates are backwards
        text = manifest.read_text("utf-8")
        manifest.write_text(
            text.replace("valid_from = 2021-06-01", "valid_from = 2026-06-01", 1), "utf-8"
        )
    elif how == "missing_field":
        text = manifest.read_text("utf-8")
        first = text.index('id = "redline"')
        cut = text.index('class_field = "zone_class"', first)
        manifest.write_text(
            text[:cut] + 'class_field = "no_such_field"' + text[cut + 26 :], "utf-8"
        )
    return root


@pytest.mark.parametrize("how", ["broken_file", "invalid_manifest", "missing_field"])
def test_a_failed_import_changes_no_row(database: Database, tmp_path: Path, how: str) -> None:
    tiny = build_tiny_layers(tmp_path / "tiny")
    import_dir(database, tiny)
    before = rows(database)
    with pytest.raises(GeozoneError) as raised:
        import_dir(database, _broken_copy(tmp_path, how))
    assert raised.value.status == 422, raised.value
    assert rows(database) == before


def test_an_import_failing_inside_the_transaction_changes_no_row(
    database: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A failure after rows were written (the 2nd layer) rolls the whole import back."""
    import geozone.db.transfer as transfer

    tiny = build_tiny_layers(tmp_path / "tiny")
    import_dir(database, tiny)
    before = rows(database)
    real = transfer.write_version
    calls = []

    def failing(conn: object, lv: object, position: int, data: bytes) -> None:
        calls.append(position)
        if len(calls) == 2:
            raise RuntimeError("disk went away")
        real(conn, lv, position, data)  # type: ignore[arg-type]

    monkeypatch.setattr(transfer, "write_version", failing)
    with pytest.raises(RuntimeError):
        import_dir(database, LAYERS)
    assert len(calls) == 2
    assert rows(database) == before


def _listen(url: str, got: list[dict[str, object]], ready: threading.Event) -> None:
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f"LISTEN {CHANNEL}")
        ready.set()
        for note in conn.notifies(timeout=30, stop_after=2):
            got.append(json.loads(note.payload))


def test_add_and_retire_bump_the_generation_and_notify(database: Database, tmp_path: Path) -> None:
    tiny = build_tiny_layers(tmp_path / "tiny")
    import_dir(database, tiny)
    store = PostgisLayerStore(database)
    first = store.load()
    got: list[dict[str, object]] = []
    ready = threading.Event()
    listener = threading.Thread(target=_listen, args=(database.url, got, ready))
    listener.start()
    assert ready.wait(10)

    data = (tiny / "data" / "redline.gpkg").read_bytes()
    fields = {"version": "2027", "valid_from": "2027-01-01", "source_crs": "EPSG:4548"}
    with pytest.raises(GenerationConflict):
        store.retire_version("redline", "1", "2026-12-31", expected="999")
    assert (store.generation().id, store.generation().counter) == (first.generation.id, 1)
    retired = store.retire_version("redline", "1", "2026-12-31", expected="1")
    assert retired.counter == 2 and retired.id != first.generation.id
    added = store.add_version("redline", fields, data, "redline.gpkg", expected=retired.id)
    assert added.counter == 3
    listener.join(30)
    assert got == [retired.brief(), added.brief()]

    state = store.load(first)
    assert state.generation.counter == 3 and state.catalog.hash == added.id
    assert str(state.catalog.get("redline", "1").entry.valid_to) == "2026-12-31"
    new = state.catalog.get("redline", "2027")
    assert new.entry.file == "data/redline_2027.gpkg" and new.entry.valid_to is None
    assert new.feature_count == first.catalog.get("redline").feature_count
    # the stored layer set exports to a folder that loads to the same hash and frames
    out = export_dir(database, tmp_path / "out")
    assert_same_catalog(load_catalog(out), state.catalog)
    # refused changes write nothing
    before = rows(database)
    with pytest.raises(ValidationFailed):
        store.retire_version("redline", "2027", "2026-01-01")  # before its valid_from
    with pytest.raises(ValidationFailed):  # overlaps the open-ended 2027 version
        store.add_version("redline", {**fields, "version": "2028"}, data, "redline.gpkg")
    assert rows(database) == before
    store.close()


def test_wait_for_change_returns_the_new_generation(database: Database, tmp_path: Path) -> None:
    tiny = build_tiny_layers(tmp_path / "tiny")
    import_dir(database, tiny)
    store = PostgisLayerStore(database)
    now = store.generation()
    assert store.wait_for_change(now, 0.2) is None
    result: list[object] = []
    waiter = threading.Thread(target=lambda: result.append(store.wait_for_change(now, 20)))
    waiter.start()
    other = PostgisLayerStore(database)
    changed = other.retire_version("units", "2025", "2030-12-31")
    waiter.join(25)
    assert [g.brief() for g in result] == [changed.brief()]  # type: ignore[attr-defined]
    store.close()
    other.close()


def test_feature_pages_match_the_in_memory_frames(demo_store: PostgisLayerStore) -> None:
    store = demo_store
    bbox = (116.6, 39.8, 116.8, 39.95)
    for limit, offset in ((5, 0), (7, 3), (1000, 0)):
        sql = store.features("parks", "2024", bbox=bbox, limit=limit, offset=offset)
        mem = store.page_in_memory("parks", "2024", bbox, limit, offset)
        assert sql.matched == mem.matched > 0
        assert list(sql.frame["feature_id"]) == list(mem.frame["feature_id"])
        assert list(shapely.to_wkb(np.asarray(sql.frame.geometry.values))) == list(
            shapely.to_wkb(np.asarray(mem.frame.geometry.values))
        )
    everything = store.features("admin", "2023", limit=10_000)
    assert everything.matched == len(everything.frame) == 64
    one = store.feature("parks", "2024", "PK-110112-0001")
    assert list(one["feature_id"]) == ["PK-110112-0001"] and one.crs == "EPSG:4326"
    assert len(store.feature("parks", "2024", "no-such-id")) == 0


def test_folder_and_database_stores_answer_alike(database: Database, tmp_path: Path) -> None:
    """The two LayerStore implementations: same state, pages and changes on one layer set."""
    from geozone.audit import AuditLog
    from geozone.stores import FolderLayerStore, LayerStore

    tiny = build_tiny_layers(tmp_path / "tiny")
    import_dir(database, tiny)
    folder = FolderLayerStore(tiny, AuditLog(tmp_path / "audit.jsonl"), poll_s=0.05)
    stored = PostgisLayerStore(database)
    assert isinstance(folder, LayerStore) and isinstance(stored, LayerStore)
    a, b = folder.load(), stored.load()
    assert_same_catalog(a.catalog, b.catalog)
    assert a.rules.hash == b.rules.hash and a.generation.id == b.generation.id
    for bbox in (None, (116.99, 39.9, 117.03, 39.95)):
        pa = folder.features("zones", "1", bbox=bbox, limit=2, offset=1)
        pb = stored.features("zones", "1", bbox=bbox, limit=2, offset=1)
        assert pa.matched == pb.matched and list(pa.frame["feature_id"]) == list(
            pb.frame["feature_id"]
        )
    assert list(folder.feature("zones", "1", "CZ-ECO")["feature_id"]) == ["CZ-ECO"]
    assert list(stored.feature("zones", "1", "CZ-ECO")["feature_id"]) == ["CZ-ECO"]
    # the same retire through each store: the same new layer-set hash, counter up by one
    g_folder = folder.retire_version("units", "2025", "2030-12-31")
    g_stored = stored.retire_version("units", "2025", "2030-12-31")
    assert g_folder.id == g_stored.id
    assert (g_folder.counter, g_stored.counter) == (1, 2)  # the import was the database's 1st
    assert folder.wait_for_change(a.generation, 0.1) is not None
    assert folder.wait_for_change(folder.generation(), 0.1) is None
    assert_same_catalog(folder.load().catalog, stored.load().catalog)
    stored.close()
    folder.close()
