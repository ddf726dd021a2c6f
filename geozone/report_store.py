"""An embedded SQLite store of answered lookups, so a report id can be cited and fetched later.

Every answered lookup (HTTP or CLI) is kept with what was asked, when, the answer JSON
verbatim, and the layer-set and rule-table versions that produced it. The report id is
the engine's deterministic ``report_id`` (a hash of the normalised query, the layer
versions used and the rule version): asking the same question of the same layers gives
the same id, so the store keeps the first time it was asked (table ``reports``, written
once per id) and the last time and a count (table ``asks``).

Uses only :mod:`sqlite3` from the standard library. One connection is shared by the
threads of a process behind a lock; the database runs in WAL mode so readers in other
processes (e.g. the CLI) are not blocked.

Writes are queued and written behind: :meth:`ReportStore.save` checks the answer, puts a
row on an in-memory queue and returns at once; one background thread writes the queue
in batches (one transaction per batch, every :data:`FLUSH_SECONDS` or sooner when
:data:`FLUSH_ROWS` rows wait) and runs the WAL checkpoints, so a request never waits for
SQLite, an fsync or a checkpoint. :meth:`~ReportStore.get` and :meth:`~ReportStore.count`
write the queue first, so an answer is retrievable as soon as it was served, and
:meth:`~ReportStore.close` (the API's shutdown) writes what is left.

Durability trade-off: an answer can be lost only if the process dies (a crash or a
kill -9, not a normal shutdown) within the batch interval after serving it. Nothing
else is lost: the report id is deterministic, so the same question asked again of the
same layers gives the same id and stores the answer again.
"""

from __future__ import annotations

import json
import re
import sqlite3
import threading
import time
import weakref
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

import orjson

from geozone.errors import GeozoneError, InvalidInput, ReportNotFound

SCHEMA_VERSION = 2
FLUSH_SECONDS = 0.2
"""Longest time a served answer waits in the queue before it is written."""
FLUSH_ROWS = 256
"""Queue length that wakes the writer before :data:`FLUSH_SECONDS` are up."""
CHECKPOINT_ROWS = 1000
"""Rows written after which the writer thread checkpoints the WAL into the database."""
KNOWN_IDS = 65_536
"""How many report ids a store remembers having queued (their answers need no rewrite)."""
REPORT_ID = re.compile(r"^[0-9a-f]{32}$")

# Answers are written once; how often and when last an id was asked lives in ``asks``, so
# a repeated question updates a 60-byte row instead of rewriting its 4 KB answer row
# (measured: ~24 -> ~6 us of writer time per repeat; schema 1 kept the counters in
# ``reports``).
_SCHEMA = (
    """
CREATE TABLE IF NOT EXISTS reports (
    report_id        TEXT PRIMARY KEY,
    created_at       TEXT NOT NULL,
    source           TEXT NOT NULL,
    query_json       TEXT NOT NULL,
    answer_json      TEXT NOT NULL,
    layerset_id      TEXT,
    layerset_version TEXT,
    layerset_hash    TEXT,
    rules_version    TEXT,
    layers_json      TEXT NOT NULL,
    synthetic        INTEGER NOT NULL,
    geozone_version  TEXT
)""",
    """
CREATE TABLE IF NOT EXISTS asks (
    report_id     TEXT PRIMARY KEY,
    last_asked_at TEXT NOT NULL,
    times_asked   INTEGER NOT NULL
)""",
)

_MIGRATE_FROM_1 = (
    _SCHEMA[1],
    "INSERT INTO asks SELECT report_id, last_asked_at, times_asked FROM reports",
    "ALTER TABLE reports DROP COLUMN last_asked_at",
    "ALTER TABLE reports DROP COLUMN times_asked",
)

_UPSERT_ROWS = 64
"""Rows per statement (12 parameters each, far below SQLite's 32,766)."""


@lru_cache(maxsize=8)
def _insert_reports(rows: int) -> str:
    """An insert of ``rows`` answers in one statement; an id already stored keeps its answer.

    ``executemany`` binds one row at a time and takes the GIL back after each row, which
    under load fought the request thread for it hundreds of times a batch; one statement
    per 64 rows takes it back a few times.
    """
    # the answer may come as UTF-8 bytes; SQLite turns them into TEXT (outside the GIL)
    values = ", ".join(["(?, ?, ?, ?, CAST(? AS TEXT), ?, ?, ?, ?, ?, ?, ?)"] * rows)
    return f"""
INSERT INTO reports (report_id, created_at, source, query_json, answer_json, layerset_id,
                     layerset_version, layerset_hash, rules_version, layers_json, synthetic,
                     geozone_version)
VALUES {values}
ON CONFLICT(report_id) DO NOTHING
"""


@lru_cache(maxsize=8)
def _upsert_asks(rows: int) -> str:
    """Add ``rows`` (report id, last asked, times) to the ask counters in one statement.

    Several processes may write the same id; the latest time wins whatever the order.
    """
    values = ", ".join(["(?, ?, ?)"] * rows)
    return f"""
INSERT INTO asks (report_id, last_asked_at, times_asked)
VALUES {values}
ON CONFLICT(report_id) DO UPDATE SET
    last_asked_at = max(asks.last_asked_at, excluded.last_asked_at),
    times_asked = asks.times_asked + excluded.times_asked
"""


def _write_rows(
    conn: sqlite3.Connection, sql: Callable[[int], str], rows: list[tuple[Any, ...]]
) -> None:
    """Write ``rows`` with the multi-row statements ``sql(n)``, 64 rows at a time."""
    for start in range(0, len(rows), _UPSERT_ROWS):
        chunk = rows[start : start + _UPSERT_ROWS]
        conn.execute(sql(len(chunk)), [value for row in chunk for value in row])


def _open_schema(conn: sqlite3.Connection) -> None:
    """Create the tables, or bring a schema 1 store to schema 2 (once, in one transaction).

    Raises
    ------
    GeozoneError
        If the file was written by a newer geozone (a schema this one does not know).
    """
    conn.execute("BEGIN IMMEDIATE")  # two workers starting at once: one migrates
    try:
        (version,) = conn.execute("PRAGMA user_version").fetchone()
        if version > SCHEMA_VERSION:
            raise GeozoneError(
                f"the report store has schema {version}; this geozone reads up to {SCHEMA_VERSION}"
            )
        for statement in _MIGRATE_FROM_1 if version == 1 else _SCHEMA:
            conn.execute(statement)
        conn.execute(f"PRAGMA user_version={SCHEMA_VERSION}")
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise


_COLUMNS = (
    "r.report_id, r.created_at, coalesce(a.last_asked_at, r.created_at), "
    "coalesce(a.times_asked, 1), r.source, r.query_json, r.answer_json, r.layerset_id, "
    "r.layerset_version, r.layerset_hash, r.rules_version, r.layers_json, r.synthetic, "
    "r.geozone_version"
)


@lru_cache(maxsize=4)
def _rfc3339(second: int) -> str:
    return datetime.fromtimestamp(second, UTC).isoformat().replace("+00:00", "Z")


def _now() -> str:
    """The current UTC time to the second, RFC 3339 (formatted once per second)."""
    return _rfc3339(int(time.time()))


def _json(data: Any) -> str:
    """Compact JSON with sorted keys (the query and layer columns)."""
    return orjson.dumps(data, option=orjson.OPT_SORT_KEYS).decode()


@dataclass(frozen=True)
class StoredReport:
    """One stored lookup answer.

    Attributes
    ----------
    report_id
        32 hex digits, the engine's deterministic id of the question and the layers used.
    created_at, last_asked_at
        UTC timestamps (RFC 3339) of the first and the latest time it was asked.
    times_asked
        How many times the same question was answered with the same layers.
    source
        ``"api"`` or ``"cli"`` (who asked first).
    answer_json
        The answer exactly as it was served (the shared lookup JSON).
    """

    report_id: str
    created_at: str
    last_asked_at: str
    times_asked: int
    source: str
    query: dict[str, Any]
    answer_json: str
    layerset: dict[str, Any]
    rules_version: str | None
    layers: list[dict[str, Any]]
    synthetic: bool
    geozone_version: str | None

    def answer(self) -> dict[str, Any]:
        """The stored answer as a dict."""
        data: dict[str, Any] = json.loads(self.answer_json)
        return data

    def to_dict(self) -> dict[str, Any]:
        """Metadata plus the answer, JSON-ready."""
        return {
            "report_id": self.report_id,
            "created_at": self.created_at,
            "last_asked_at": self.last_asked_at,
            "times_asked": self.times_asked,
            "source": self.source,
            "layerset": self.layerset,
            "rules_version": self.rules_version,
            "layers": self.layers,
            "synthetic": self.synthetic,
            "geozone_version": self.geozone_version,
            "answer": self.answer(),
        }


class _WriteBehind:
    """The connection, its lock and the queues one background thread writes.

    Two queues: answers not yet stored (one row each) and asks (per report id: the
    latest time and how many times since the last write). A store remembers the ids it
    has queued an answer for (up to :data:`KNOWN_IDS`), so asking one again only counts.
    """

    def __init__(self, conn: sqlite3.Connection, wal: bool) -> None:
        self.conn = conn
        self.lock = threading.Lock()  # guards the connection
        self.wal = wal
        self.answers: list[tuple[Any, ...]] = []
        self.asks: dict[str, tuple[str, int]] = {}
        self.known: set[str] = set()
        self.queued = 0  # saves since the last write
        self.wake = threading.Condition(threading.Lock())  # guards the queues and closed
        self.closed = False
        self.thread = threading.Thread(target=self.run, name="report-store-writer", daemon=True)
        self.thread.start()

    def _count(self, report_id: str, now: str) -> None:
        """Count one ask (the caller holds ``wake``); wake the writer when the batch is full."""
        if self.closed:
            raise GeozoneError("the report store is closed")
        seen = self.asks.get(report_id)
        self.asks[report_id] = (now, 1 if seen is None else seen[1] + 1)
        self.queued += 1
        if self.queued == FLUSH_ROWS:  # once, when the batch fills
            self.wake.notify()

    def ask_again(self, report_id: str, now: str) -> bool:
        """Count an ask of an answer this store has queued before; False if it has not."""
        with self.wake:
            if report_id not in self.known:
                return False
            self._count(report_id, now)
            return True

    def put(self, row: tuple[Any, ...], now: str) -> None:
        """Queue an answer row (``row[0]`` is its report id) and count its ask."""
        with self.wake:
            self._count(row[0], now)
            self.answers.append(row)
            if len(self.known) >= KNOWN_IDS:  # forgetting only costs a rewrite-free insert
                self.known.clear()
            self.known.add(row[0])

    def flush(self) -> None:
        """Write every queued answer and ask now (one transaction), in the calling thread."""
        with self.lock:
            with self.wake:
                answers, self.answers = self.answers, []
                asks, self.asks = self.asks, {}
                self.queued = 0
            if asks:
                with self.conn:  # BEGIN ... COMMIT; answers first, then their counters
                    _write_rows(self.conn, _insert_reports, answers)
                    rows = [(rid, last, n) for rid, (last, n) in asks.items()]
                    _write_rows(self.conn, _upsert_asks, rows)

    def run(self) -> None:
        """The writer thread: flush every FLUSH_SECONDS (or FLUSH_ROWS) until closed."""
        written = 0
        while True:
            with self.wake:
                if not self.closed and self.queued < FLUSH_ROWS:
                    self.wake.wait(FLUSH_SECONDS)
                closing = self.closed
                queued = self.queued
            if queued:
                self.flush()
                written += queued
            if self.wal and written >= CHECKPOINT_ROWS:
                self.checkpoint_passive()
                written = 0
            if closing:
                return

    def checkpoint_passive(self) -> None:
        """Copy the WAL back into the database without waiting on readers."""
        with self.lock:
            self.conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()

    def close(self) -> None:
        """Stop the writer, write what is queued, close the connection."""
        with self.wake:
            if self.closed:
                return
            self.closed = True
            self.wake.notify()
        self.thread.join()
        self.flush()
        with self.lock:
            if self.wal:
                self.conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
            self.conn.close()


class ReportStore:
    """SQLite store of lookup answers, written behind by a background thread.

    Parameters
    ----------
    path
        Database file (its folder is created) or ``":memory:"``.

    Examples
    --------
    >>> store = ReportStore(":memory:")
    >>> answer = ('{"report_id": "' + "a" * 32 + '", "query": {"type": "point"}, '
    ...           '"layerset": {"id": "demo", "version": "1", "hash": "h"}, "layers": [], '
    ...           '"rules_version": "r1", "synthetic": true}')
    >>> store.save(answer)
    'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa'
    >>> store.get("a" * 32).times_asked
    1
    >>> store.close()
    """

    def __init__(self, path: Path | str) -> None:
        self.path = str(path)
        wal = self.path != ":memory:"
        if wal:
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
        if wal:
            conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=NORMAL")
        # 64 MiB of page cache (SQLite's default is 2 MiB): the report-id index of a large
        # store stays in memory; writing 36,000 new answers took ~40 instead of ~55 us each
        conn.execute("PRAGMA cache_size=-65536")
        conn.execute("PRAGMA busy_timeout=5000")
        # checkpoints run in the writer thread, never on the path of a commit
        conn.execute("PRAGMA wal_autocheckpoint=0")
        try:
            _open_schema(conn)
        except BaseException:
            conn.close()
            raise
        conn.isolation_level = "DEFERRED"  # ``with conn:`` wraps a batch in one transaction
        self._writer = _WriteBehind(conn, wal)
        # a store dropped or left open at exit still writes its queue
        self._finalizer = weakref.finalize(self, self._writer.close)

    def save(
        self,
        answer_json: str | bytes,
        *,
        source: str = "api",
        answer: Mapping[str, Any] | None = None,
    ) -> str:
        """Queue an answer (the shared lookup JSON) for storing and return its report id.

        The same report id stored again updates ``last_asked_at`` and ``times_asked``
        and keeps the first answer. The row is written by the background writer within
        :data:`FLUSH_SECONDS`; :meth:`get` and :meth:`count` see it at once.

        Parameters
        ----------
        answer_json
            The answer text (or its UTF-8 bytes, stored as the same text), verbatim.
        source
            Who asked: ``"api"`` or ``"cli"``.
        answer
            The data ``answer_json`` encodes, when the caller has it at hand (e.g.
            :meth:`~geozone.lookup.LookupResult.to_dict`); saves parsing the text again.

        Raises
        ------
        InvalidInput
            If ``answer_json`` is not a lookup answer with a 32-hex ``report_id``.
        GeozoneError
            If the store is closed.
        """
        try:
            if answer is None:
                answer = json.loads(answer_json)
            report_id = str(answer["report_id"])
        except (ValueError, KeyError, TypeError):
            raise InvalidInput("not a lookup answer (no report_id)") from None
        if not REPORT_ID.match(report_id):
            raise InvalidInput(f"report id {report_id!r} is not 32 hex digits")
        now = _now()
        if self._writer.ask_again(report_id, now):  # its answer is stored or queued
            return report_id
        layerset = answer.get("layerset") or {}
        row = (
            report_id,
            now,
            source,
            _json(answer.get("query")),
            answer_json,
            layerset.get("id"),
            layerset.get("version"),
            layerset.get("hash"),
            answer.get("rules_version"),
            _json(answer.get("layers") or []),
            1 if answer.get("synthetic") else 0,
            answer.get("geozone_version"),
        )
        self._writer.put(row, now)
        return report_id

    def flush(self) -> None:
        """Write the queued answers now, in the calling thread."""
        self._writer.flush()

    def get(self, report_id: str) -> StoredReport:
        """Fetch a stored report (queued answers included).

        Answers queued in this store are written first. Another process on the same
        file (another API worker) writes its queue within :data:`FLUSH_SECONDS`, so an
        id not found is looked up once more after that long before it is reported
        missing: an answer one worker served can be fetched from any other at once.

        Raises
        ------
        ReportNotFound
            If no report has that id (or the id is not 32 hex digits).
        """
        if not REPORT_ID.match(report_id):
            raise ReportNotFound(
                f"no report {report_id!r} (report ids are 32 hex digits)", {"report_id": report_id}
            )
        row = self._select(report_id)
        if row is None and self._writer.wal:  # ":memory:" has no other writers
            time.sleep(FLUSH_SECONDS * 1.5)
            row = self._select(report_id)
        if row is None:
            raise ReportNotFound(f"no report {report_id!r}", {"report_id": report_id})
        return StoredReport(
            report_id=row[0],
            created_at=row[1],
            last_asked_at=row[2],
            times_asked=int(row[3]),
            source=row[4],
            query=json.loads(row[5]) or {},
            answer_json=row[6],
            layerset={"id": row[7], "version": row[8], "hash": row[9]},
            rules_version=row[10],
            layers=json.loads(row[11]),
            synthetic=bool(row[12]),
            geozone_version=row[13],
        )

    def _select(self, report_id: str) -> tuple[Any, ...] | None:
        """The row of ``report_id`` after writing this store's queue, or ``None``."""
        self._writer.flush()
        with self._writer.lock:
            row: tuple[Any, ...] | None = self._writer.conn.execute(
                f"SELECT {_COLUMNS} FROM reports r LEFT JOIN asks a USING (report_id) "
                "WHERE r.report_id = ?",
                (report_id,),
            ).fetchone()
        return row

    def count(self) -> int:
        """Number of stored reports (queued answers included)."""
        self._writer.flush()
        with self._writer.lock:
            (n,) = self._writer.conn.execute("SELECT COUNT(*) FROM reports").fetchone()
        return int(n)

    def close(self) -> None:
        """Write the queued answers, stop the writer thread and close the connection."""
        self._finalizer()
