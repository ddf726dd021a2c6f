"""The layer folder's change protocol without HTTP: lock + compare-and-swap, generations,
audit lines, undo on failure, and a follower that reloads off the request path."""

from __future__ import annotations

import hashlib
import json
import threading
import time
import tomllib
from pathlib import Path

import pytest
from layerset_builder import rect
from test_admin import make_layers, redline_geojson, tree_hash

from geozone.audit import AuditLog
from geozone.catalog import load_catalog
from geozone.errors import AuditUnavailable, GenerationConflict, InvalidInput, ValidationFailed
from geozone.layer_changes import (
    GENERATION_NAME,
    LOCK_NAME,
    LayerChanges,
    change_lock,
    disk_generation,
    ensure_lock_file,
    layerset_hash,
)
from geozone.layer_follower import LayerFollower, LayerState

UPLOAD = {"version": "v2", "valid_from": "2027-01-01", "source_crs": "EPSG:4326"}


@pytest.fixture
def root(tmp_path: Path) -> Path:
    folder = make_layers(tmp_path / "layers")
    ensure_lock_file(folder)  # as a server does at start-up: the lock file is not a change
    return folder


def changes_for(root: Path) -> LayerChanges:
    return LayerChanges(root, AuditLog(root.parent / "audit.jsonl"), lock_timeout_s=5)


def redline(root: Path) -> list[tuple[str, str | None]]:
    manifest = tomllib.loads((root / "manifest.toml").read_text(encoding="utf-8"))
    return [
        (e["version"], str(e["valid_to"]) if "valid_to" in e else None)
        for e in manifest["layer"]
        if e["id"] == "redline"
    ]


def test_layerset_hash_is_the_catalog_hash(root: Path) -> None:
    assert layerset_hash(root) == load_catalog(root).hash
    assert disk_generation(root).counter == 0


def test_change_via_a_stale_catalog_keeps_the_other_change(root: Path) -> None:
    # two workers loaded the same folder; A retires v1, then B (stale) uploads v2, which
    # overlaps v1 unless the retire is seen: B must apply on top of A's change
    a, b = load_catalog(root), load_catalog(root)
    changes = changes_for(root)
    first = changes.retire(a, "alice", "redline", "v1", "2026-12-31")
    assert first.generation.counter == 1
    assert first.before.counter == 0
    second = changes.upload(
        b, "bob", "redline", UPLOAD, redline_geojson([rect(1600, 200, 1800, 800)]), "r.geojson"
    )
    assert second.before.brief() == first.generation.brief()  # the folder, not B's copy
    assert second.generation.counter == 2
    assert redline(root) == [("v1", "2026-12-31"), ("v2", None)]
    assert second.catalog.get("redline", "v1").entry.valid_to is not None
    assert disk_generation(root).id == second.catalog.hash == load_catalog(root).hash
    assert json.loads((root / GENERATION_NAME).read_text())["counter"] == 2
    # and the other way round: a retire through the now stale A keeps B's upload
    changes.retire(a, "alice", "redline", "v2", "2027-12-31")
    assert redline(root) == [("v1", "2026-12-31"), ("v2", "2027-12-31")]


def test_precondition_mismatch_is_409_and_changes_nothing(root: Path) -> None:
    catalog = load_catalog(root)
    changes = changes_for(root)
    before = tree_hash(root)
    with pytest.raises(GenerationConflict) as err:
        changes.retire(catalog, "alice", "redline", "v1", "2026-12-31", expected="7")
    assert err.value.status == 409
    assert err.value.detail["current"] == {"id": catalog.hash, "counter": 0}
    assert tree_hash(root) == before
    # the current id or counter (quoted like an ETag too) is accepted
    done = changes.retire(catalog, "alice", "redline", "v1", "2026-12-31", expected=catalog.hash)
    changes.retire(done.catalog, "alice", "redline", "v1", "2026-11-30", expected='"1"')
    with pytest.raises(GenerationConflict):
        changes.retire(done.catalog, "alice", "redline", "v1", "2026-10-31", expected="1")


def test_concurrent_changes_from_stale_catalogs_all_land(root: Path) -> None:
    catalogs = [load_catalog(root) for _ in range(3)]
    changes = changes_for(root)
    jobs = [
        ("redline", "v1", "2026-12-31"),
        ("parks", "v1", "2030-12-31"),
        ("water", "v1", "2031-12-31"),
    ]
    errors: list[BaseException] = []

    def run(i: int) -> None:
        try:
            changes_for(root).retire(catalogs[i], f"admin{i}", *jobs[i])
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not errors
    fresh = load_catalog(root)
    assert {(lid, str(fresh.get(lid, v).entry.valid_to)) for lid, v, _ in jobs} == {
        (lid, end) for lid, _, end in jobs
    }
    assert disk_generation(root).counter == 3
    whos = {e["who"] for e in changes.audit.entries()}
    assert whos == {"admin0", "admin1", "admin2"}


def test_refused_changes_are_audited_and_write_nothing(root: Path) -> None:
    catalog = load_catalog(root)
    changes = changes_for(root)
    before = tree_hash(root)
    data = redline_geojson([rect(100, 200, 300, 800)])  # outside eco_control
    with pytest.raises(ValidationFailed):
        changes.upload(
            catalog, "alice", "redline", {**UPLOAD, "valid_from": "2027-01-01"}, data, "bad.geojson"
        )
    with pytest.raises(InvalidInput) as err:
        changes.upload(
            catalog, "bob", "redline", {**UPLOAD, "version": "x" * 300}, data, "b.geojson"
        )
    assert err.value.detail["field"] == "version"
    assert tree_hash(root) == before
    newest, oldest = changes.audit.entries()
    assert oldest["who"] == "alice" and oldest["outcome"] == {
        "status": 422,
        "code": "validation_failed",
    }
    assert oldest["validation"]["ok"] is False and oldest["validation"]["errors"] >= 1
    assert oldest["generation_before"] == {"id": catalog.hash, "counter": 0}
    assert oldest["generation_after"] is None
    assert oldest["sha256"] == hashlib.sha256(data).hexdigest()
    assert newest["who"] == "bob" and newest["outcome"]["code"] == "invalid_input"


def test_unwritable_audit_log_means_no_change(root: Path, tmp_path: Path) -> None:
    catalog = load_catalog(root)
    blocked = tmp_path / "audit-is-a-folder"
    blocked.mkdir()
    changes = LayerChanges(root, AuditLog(blocked))
    before = tree_hash(root)
    with pytest.raises(AuditUnavailable) as err:
        changes.retire(catalog, "alice", "redline", "v1", "2026-12-31")
    assert err.value.status == 503
    assert tree_hash(root) == before


def test_audit_failing_after_the_write_undoes_the_change(
    root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    catalog = load_catalog(root)
    changes = changes_for(root)
    before = tree_hash(root)

    def broken(self: AuditLog, entry: dict, fd: int | None = None) -> None:
        raise AuditUnavailable("disk full")

    monkeypatch.setattr(AuditLog, "append", broken)
    data = redline_geojson([rect(1600, 200, 1800, 800)])
    with pytest.raises(AuditUnavailable):
        changes.upload(
            catalog,
            "alice",
            "redline",
            {**UPLOAD, "valid_from": "2019-06-01", "valid_to": "2019-12-31"},
            data,
            "r.geojson",
        )
    assert tree_hash(root) == before
    assert not (root / "data" / "redline_v2.gpkg").exists()


def test_lock_is_exclusive_across_descriptors(root: Path) -> None:
    from geozone.errors import ChangeBusy

    with change_lock(root), pytest.raises(ChangeBusy), change_lock(root, timeout_s=0.2):
        pass
    assert (root / LOCK_NAME).is_file()


def test_a_waiting_change_gets_the_lock_when_it_is_freed_and_gives_up_cleanly(root: Path) -> None:
    import threading

    from geozone.errors import ChangeBusy

    order: list[str] = []
    holding = threading.Event()
    release = threading.Event()

    def holder() -> None:
        with change_lock(root):
            holding.set()
            release.wait(10)
            order.append("holder done")

    t = threading.Thread(target=holder)
    t.start()
    assert holding.wait(10)
    # one waiter gives up after 0.2 s; its abandoned helper must not keep the lock later
    with pytest.raises(ChangeBusy), change_lock(root, timeout_s=0.2):
        pass
    threading.Timer(0.3, release.set).start()
    with change_lock(root, timeout_s=10):  # blocks until the holder lets go, no polling
        order.append("waiter in")
    t.join(10)
    assert order == ["holder done", "waiter in"]
    with change_lock(root, timeout_s=2):  # free again: nobody kept it
        pass


def test_follower_loads_new_generations_and_survives_a_broken_folder(root: Path) -> None:
    published: list[LayerState] = []
    follower = LayerFollower(root, published.append, interval_s=0.05)
    first = follower.load_initial()
    assert first.generation.counter == 0 and published == [first]
    assert follower.check() is False  # nothing changed
    other = load_catalog(root)
    changes_for(root).retire(other, "alice", "redline", "v1", "2026-12-31")
    assert follower.check() is True
    assert follower.current.generation.counter == 1
    assert follower.current.catalog.get("redline", "v1").entry.valid_to is not None
    assert follower.current.rules is not None
    # a manifest broken by hand: the old generation keeps serving, the error is kept
    manifest = root / "manifest.toml"
    good = manifest.read_bytes()
    manifest.write_text("[layerset]\nid = 'x'\n")
    assert follower.check() is False
    assert follower.reload_error is not None
    assert follower.current.generation.counter == 1
    assert follower.check() is False  # not retried until the folder changes again
    manifest.write_bytes(good + b"\n# touched\n")
    assert follower.check() is True
    assert follower.reload_error is None
    # the background thread does the same on its own
    follower.start()
    try:
        changes_for(root).retire(follower.current.catalog, "bob", "redline", "v1", "2026-11-30")
        deadline = time.monotonic() + 5
        while follower.current.generation.counter != 2:
            assert time.monotonic() < deadline
            time.sleep(0.05)
    finally:
        follower.stop()


def test_reload_reusing_unchanged_versions_equals_a_fresh_load(root: Path) -> None:
    from conftest import LAYERS

    demo = load_catalog(LAYERS)
    again = load_catalog(LAYERS, previous=demo)
    assert again.summary() == demo.summary()  # warnings (GCJ-02 look-alikes) included
    assert all(
        a.frame is b.frame for a, b in zip(again.all_versions(), demo.all_versions(), strict=True)
    )
    before = load_catalog(root)
    done = changes_for(root).retire(before, "alice", "redline", "v1", "2026-12-31")
    assert done.catalog.summary() == load_catalog(root).summary()
    assert done.catalog.get("redline", "v1").frame is before.get("redline", "v1").frame
    assert str(done.catalog.get("redline", "v1").entry.valid_to) == "2026-12-31"
    assert before.get("redline", "v1").entry.valid_to is None  # the old catalog unchanged


def test_a_failing_generation_write_undoes_the_change(
    root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    catalog = load_catalog(root)
    changes = changes_for(root)
    before = tree_hash(root)

    def broken(self: LayerChanges, generation: object) -> bytes | None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(LayerChanges, "_write_generation", broken)
    with pytest.raises(OSError):
        changes.retire(catalog, "alice", "redline", "v1", "2026-12-31")
    assert tree_hash(root) == before
    [entry] = changes.audit.entries()
    assert entry["outcome"] == {"status": 500, "code": "internal"}
