"""The report store: answers committed before save returns, asks counted, failures, schema 1."""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path

import pytest

from geozone.errors import GeozoneError, ReportNotFound
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
        "SELECT r.report_id, a.times_asked FROM reports r JOIN asks a USING (report_id) "
        "ORDER BY 1"
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
    second._writer.asks[rid] = ("2026-01-01T00:00:00Z", 1)  # an older clock, written last
    first.save(_answer(rid, '{"w":1}'))  # first has not committed it: inserted, ignored
    first.save(_answer(rid, '{"w":1}'))  # now known to first: only counted
    first.flush()
    second.flush()
    got = first.get(rid)
    assert got.times_asked == 4
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
    assert conn.execute("PRAGMA user_version").fetchone() == (2,)
    columns = {row[1] for row in conn.execute("PRAGMA table_info(reports)")}
    assert "times_asked" not in columns and "last_asked_at" not in columns
    store.close()
    assert ReportStore(path).get("a" * 32).times_asked == 4  # opened again: no second migration


def test_a_store_from_a_newer_geozone_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "new.sqlite"
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA user_version=3")
    conn.close()
    with pytest.raises(GeozoneError, match="schema 3"):
        ReportStore(path)
