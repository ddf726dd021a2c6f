"""The report store: answers committed before save returns, asks counted, failures, schema 1."""

from __future__ import annotations

import asyncio
import sqlite3
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from geozone import report_store
from geozone.errors import GeozoneError, ReportNotFound, ReportStoreUnavailable
from geozone.report_store import ReportStore


def _answer(rid: str, query: str = "{}") -> str:
    return '{"report_id":"' + rid + '","query":' + query + ',"layerset":{},"layers":[]}'


def test_report_store_upsert_and_reopen(tmp_path: Path) -> None:
    path = tmp_path / "store" / "r.sqlite"
    store = ReportStore(path)
    answer = (
        '{"report_id":"' + "ab" * 16 + '","query":{"type":"point"},"layerset":{"id":"x",'
        '"version":"1","hash":"h"},"layers":[{"key":"a@1"}],"rules_version":"r","synthetic":false}'
    )
    assert store.save(answer) == "ab" * 16
    store.save(answer, source="cli")
    store.close()
    again = ReportStore(path)
    got = again.get("ab" * 16)
    assert got.times_asked == 2
    assert got.source == "api"
    assert got.answer_json == answer
    assert got.layers == [{"key": "a@1"}]
    assert again.count() == 1
    with pytest.raises(ReportNotFound):
        again.get("cd" * 16)


def test_a_new_store_opens_while_another_worker_writes_to_the_file(tmp_path: Path) -> None:
    # two workers starting on a new store: one creates the tables while the other asks
    # for WAL, which SQLite refuses at once ("database is locked", no busy wait)
    path = tmp_path / "r.sqlite"
    other = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    other.execute("CREATE TABLE t (x)")
    other.execute("BEGIN IMMEDIATE")
    other.execute("INSERT INTO t VALUES (1)")
    release = threading.Timer(0.3, lambda: other.execute("COMMIT"))
    release.start()
    try:
        store = ReportStore(path)
    finally:
        release.join()
        other.close()
    assert store.save(_answer("ef" * 16)) == "ef" * 16
    store.close()
    mode = sqlite3.connect(path).execute("PRAGMA journal_mode").fetchone()[0]
    assert mode == "wal"


def test_save_returns_only_after_its_answer_is_committed(tmp_path: Path) -> None:
    # another connection (another worker, the CLI) sees each row the moment save returns;
    # repeats are counted (their counts are written behind, within FLUSH_SECONDS)
    path = tmp_path / "durable.sqlite"
    store = ReportStore(path)
    reader = sqlite3.connect(path)
    rids = [f"{n:032x}" for n in range(5)]
    for rid in rids:
        store.save(_answer(rid))
        row = reader.execute("SELECT answer_json FROM reports WHERE report_id = ?", (rid,))
        assert row.fetchone() == (_answer(rid),)
    for rid in rids[:2]:
        store.save(_answer(rid))
    store.flush()
    rows = reader.execute(
        "SELECT r.report_id, a.times_asked FROM reports r JOIN asks a USING (report_id) ORDER BY 1"
    ).fetchall()
    reader.close()
    assert rows == [(rid, 2 if rid in rids[:2] else 1) for rid in rids]
    store.save(_answer("f" * 32))
    store.close()
    with pytest.raises(GeozoneError, match="closed"):
        store.save(_answer("e" * 32))
    again = ReportStore(path)
    assert again.count() == 6
    assert again.get("f" * 32).synthetic is False
    again.close()


def test_report_store_batch_spans_several_statements(tmp_path: Path) -> None:
    # 150 distinct answers then 71 repeats: the flush writes 221 rows in one transaction as
    # multi-row upserts of 64, 64, 64 and 29 rows; a repeat in the same statement (rids[130],
    # rows 130 and 150) and in later ones (rids[:70]) is counted
    store = ReportStore(tmp_path / "many.sqlite")
    rids = [f"{n:032x}" for n in range(150)]
    for rid in [*rids, rids[130], *rids[:70]]:
        store.save('{"report_id":"' + rid + '","query":{"n":1},"layerset":{},"layers":[]}')
    store.flush()
    assert store.count() == 150
    assert store.get(rids[0]).times_asked == 2
    assert store.get(rids[69]).times_asked == 2
    assert store.get(rids[70]).times_asked == 1
    assert store.get(rids[130]).times_asked == 2
    assert store.get(rids[149]).query == {"n": 1}
    store.close()


def test_report_store_keeps_utf8_bytes_as_text(tmp_path: Path) -> None:
    answer = '{"report_id":"' + "c" * 32 + '","query":{"区":"通州区"},"layerset":{},"layers":[]}'
    store = ReportStore(tmp_path / "bytes.sqlite")
    store.save(answer.encode())
    got = store.get("c" * 32)
    assert got.answer_json == answer and got.query == {"区": "通州区"}
    kind = store._writer.reader.execute("SELECT typeof(answer_json) FROM reports").fetchone()
    assert kind == ("text",)
    store.close()


def test_an_id_asked_again_keeps_its_first_answer(tmp_path: Path) -> None:
    # the second save is only counted: its (different) text is not written
    store = ReportStore(tmp_path / "again.sqlite")
    rid = "d" * 32
    store.save(_answer(rid, '{"n":1}'))
    store.flush()
    store.save(_answer(rid, '{"n":2}'), source="cli")
    store.save(_answer(rid, '{"n":3}'))
    assert store._writer.batch.rows == []  # only counted
    got = store.get(rid)
    assert (got.query, got.source, got.times_asked) == ({"n": 1}, "api", 3)
    assert store.count() == 1
    store.close()


def test_two_stores_on_one_file_count_every_ask(tmp_path: Path) -> None:
    # two API workers: each commits the answer it has not seen (the second insert is
    # ignored) and both count; the later time wins whichever count is written last
    path = tmp_path / "shared.sqlite"
    first, second = ReportStore(path), ReportStore(path)
    rid = "e" * 32
    second.save(_answer(rid, '{"w":2}'))  # committed: second's answer is the one kept
    second._writer.asks[rid] = ("2026-01-01T00:00:00Z", 1)  # its count: older clock, last
    first.save(_answer(rid, '{"w":1}'))  # first has not committed it: inserted, ignored
    first.save(_answer(rid, '{"w":1}'))  # now known to first: only counted
    first.flush()
    second.flush()
    got = first.get(rid)
    assert got.times_asked == 3
    assert got.query == {"w": 2}
    assert got.last_asked_at > "2026-01-01T00:00:00Z"
    first.close()
    second.close()


SCHEMA_1 = """
CREATE TABLE reports (
    report_id TEXT PRIMARY KEY, created_at TEXT NOT NULL, last_asked_at TEXT NOT NULL,
    times_asked INTEGER NOT NULL DEFAULT 1, source TEXT NOT NULL, query_json TEXT NOT NULL,
    answer_json TEXT NOT NULL, layerset_id TEXT, layerset_version TEXT, layerset_hash TEXT,
    rules_version TEXT, layers_json TEXT NOT NULL, synthetic INTEGER NOT NULL,
    geozone_version TEXT
)"""


def test_a_schema_1_store_is_migrated_with_its_counts(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite"
    old = sqlite3.connect(path)
    old.execute(SCHEMA_1)
    old.execute(
        "INSERT INTO reports VALUES (?, '2026-01-02T03:04:05Z', '2026-02-03T04:05:06Z', 3, "
        "'cli', '{\"n\":7}', ?, 'demo', '1', 'h', 'r1', '[]', 1, '0.1.0')",
        ("a" * 32, _answer("a" * 32, '{"n":7}')),
    )
    old.execute("PRAGMA user_version=1")
    old.commit()
    old.close()
    store = ReportStore(path)
    got = store.get("a" * 32)
    assert (got.created_at, got.last_asked_at, got.times_asked) == (
        "2026-01-02T03:04:05Z",
        "2026-02-03T04:05:06Z",
        3,
    )
    assert (got.source, got.query, got.rules_version, got.synthetic) == (
        "cli",
        {"n": 7},
        "r1",
        True,
    )
    store.save(_answer("a" * 32))
    assert store.get("a" * 32).times_asked == 4
    conn = store._writer.reader
    assert conn.execute("PRAGMA user_version").fetchone() == (3,)
    columns = {row[1] for row in conn.execute("PRAGMA table_info(reports)")}
    assert "times_asked" not in columns and "last_asked_at" not in columns
    assert {"key_id", "signature"} <= columns  # schema 3: signatures (geozone/signing.py)
    store.close()
    assert ReportStore(path).get("a" * 32).times_asked == 4  # opened again: no second migration


def test_a_store_from_a_newer_geozone_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "new.sqlite"
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA user_version=4")
    conn.close()
    with pytest.raises(GeozoneError, match="schema 4"):
        ReportStore(path)


def _fill_to_the_brim(store: ReportStore) -> None:
    """Make the writer's next insert fail with SQLITE_FULL (a full disk, in one file)."""
    conn = store._writer.conn
    assert conn is not None
    (pages,) = conn.execute("PRAGMA page_count").fetchone()
    conn.execute(f"PRAGMA max_page_count={pages}")


def test_a_failing_commit_is_a_503_and_the_store_recovers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "full.sqlite"
    store = ReportStore(path)
    store.save(_answer("1" * 32))
    assert store.health() == {"writable": True, "error": None, "since": None}
    _fill_to_the_brim(store)
    big = '{"report_id":"' + "2" * 32 + '","query":{},"layerset":{},"layers":[],"pad":"'
    big += "x" * 20_000 + '"}'
    with pytest.raises(ReportStoreUnavailable) as raised:
        store.save(big)
    assert raised.value.status == 503 and raised.value.code == "report_store_unavailable"
    assert raised.value.detail["error"] == "disk_full"
    assert str(path) not in raised.value.message
    health = store.health()
    assert health["writable"] is False and health["error"] == "disk_full"
    assert health["since"] is not None
    with pytest.raises(ReportStoreUnavailable):  # the loop's entry point fails alike
        asyncio.run(store.save_async(big.replace("2" * 32, "3" * 32)))
    reader = sqlite3.connect(path)
    assert reader.execute("SELECT COUNT(*) FROM reports").fetchone() == (1,)  # nothing stored
    assert store.get("1" * 32).times_asked == 1  # what was committed is still served
    # room again: the next save commits, the store is healthy (same connection, rolled back)
    conn = store._writer.conn
    assert conn is not None and not conn.in_transaction
    conn.execute("PRAGMA max_page_count=1073741823")
    assert store.save(big) == "2" * 32
    assert store.health()["writable"] is True
    assert reader.execute("SELECT COUNT(*) FROM reports").fetchone() == (2,)
    # with no saves at all, the writer's probe notices that it can write again
    monkeypatch.setattr(report_store, "PROBE_SECONDS", 0.05)
    _fill_to_the_brim(store)
    with pytest.raises(ReportStoreUnavailable):
        store.save(big.replace("2" * 32, "4" * 32))
    assert store.health()["writable"] is False
    conn.execute("PRAGMA max_page_count=1073741823")
    deadline = time.monotonic() + 10
    while not store.health()["writable"] and time.monotonic() < deadline:
        time.sleep(0.02)
    assert store.health()["writable"] is True
    reader.close()
    store.close()


def test_concurrent_saves_share_one_commit(tmp_path: Path) -> None:
    # the writer is kept busy with one save (its connection lock held here) while 24
    # threads, then 40 coroutines, queue theirs: each group is committed in one transaction
    store = ReportStore(tmp_path / "group.sqlite")
    writer = store._writer

    def writer_busy(n: int) -> threading.Thread:
        """Hold the writer in the commit of one save (the caller holds ``writer.lock``)."""
        batch = writer.batch
        thread = threading.Thread(target=store.save, args=(_answer(f"{n:032x}"),))
        thread.start()
        assert _until(lambda: writer.batch is not batch)  # taken: waiting for the lock
        return thread

    before = store.commits
    with writer.lock:
        busy = writer_busy(0)
        threads = [
            threading.Thread(target=store.save, args=(_answer(f"{n + 1:032x}"),)) for n in range(24)
        ]
        for thread in threads:
            thread.start()
        assert _until(lambda: len(writer.batch.rows) == 24)
    for thread in [busy, *threads]:
        thread.join(10)
    assert store.commits - before == 2
    assert store.count() == 25

    async def many() -> list[str]:
        tasks = [
            asyncio.ensure_future(store.save_async(_answer(f"{n + 100:032x}"))) for n in range(40)
        ]
        deadline = time.monotonic() + 10
        while len(writer.batch.rows) < 40 and time.monotonic() < deadline:
            await asyncio.sleep(0.005)
        writer.lock.release()
        return list(await asyncio.gather(*tasks))

    before = store.commits
    writer.lock.acquire()
    busy = writer_busy(99)
    ids = asyncio.run(many())
    busy.join(10)
    assert ids == [f"{n + 100:032x}" for n in range(40)]
    assert store.commits - before == 2
    reader = sqlite3.connect(tmp_path / "group.sqlite")
    assert reader.execute("SELECT COUNT(*) FROM reports").fetchone() == (66,)
    reader.close()
    store.close()


def _until(predicate: Callable[[], bool], seconds: float = 10) -> bool:
    deadline = time.monotonic() + seconds
    while not predicate() and time.monotonic() < deadline:
        time.sleep(0.002)
    return predicate()


def test_saves_from_many_threads_and_the_loop_all_commit(tmp_path: Path) -> None:
    # unforced: 8 threads x 40 saves and 200 coroutines, each id committed before its
    # save returned, in fewer transactions than saves; repeats are counted
    path = tmp_path / "busy.sqlite"
    store = ReportStore(path)
    before = store.commits

    def worker(k: int) -> None:
        for n in range(40):
            store.save(_answer(f"{k:08x}{n:024x}"))
            store.save(_answer(f"{k:08x}{n:024x}"))  # known: only counted

    threads = [threading.Thread(target=worker, args=(k,)) for k in range(8)]
    for thread in threads:
        thread.start()

    async def loop_saves() -> None:
        await asyncio.gather(*(store.save_async(_answer(f"{99:08x}{n:024x}")) for n in range(200)))

    asyncio.run(loop_saves())
    for thread in threads:
        thread.join(30)
    assert store.count() == 8 * 40 + 200
    assert store.commits - before < 8 * 40 + 200
    store.flush()
    assert store.get(f"{3:08x}{7:024x}").times_asked == 2
    store.close()
