"""An embedded SQLite store of answered lookups, so a report id can be cited and fetched later.

Every answered lookup is kept with what was asked, when, the answer JSON verbatim, and
the layer-set and rule-table versions that produced it. The report id is the engine's
deterministic ``report_id`` (a hash of the normalised query, the layer versions used and
the rule version): asking the same question of the same layers gives the same id, so the
store keeps the first time it was asked (table ``reports``, written once per id) and the
last time and a count (table ``asks``).

Durability contract: a report id is handed out only once its answer is committed.
:meth:`ReportStore.save` (blocking, for threads: POST routes, batches) and
:meth:`ReportStore.save_async` (awaitable, for the event loop: ``GET /api/v1/lookup``)
return only after the answer row is committed, so every id a caller has seen can be
fetched, from any process on the file, even if the process is killed the next instant.

Group commit: one writer thread per store owns the writing connection. A save puts its
row on the open batch and waits; the writer takes everything queued and commits it in
one transaction, then wakes every waiter of that batch (threads
through an event, loop callers through their ``asyncio.Future``, resolved with
``loop.call_soon_threadsafe``, one callback per loop per batch). An idle writer commits
at once (no added latency); under load, saves arriving while a commit runs share the
next one (:attr:`ReportStore.commits` counts transactions). A batch of up to 64 answers
is one multi-row ``INSERT`` committed on its own (autocommit): the writer thread then
takes the GIL back once per commit, not four times, which matters because each time can
cost the interpreter's 5 ms switch interval while the event loop is busy with others.

``synchronous=NORMAL`` in WAL mode: a commit is a ``write()`` of the WAL frames with no
fsync (fsyncs happen at checkpoints), so a committed answer survives the process being
killed (``kill -9``: the OS holds the written pages) but the last commits before a power
loss or kernel crash can be lost (the file stays consistent). ``FULL`` fsyncs the WAL
at every commit, which covers power loss too: measured on the development VM, one save
took 3.3 ms instead of 0.14 ms, and 16 threads saving at once reached 2,000 instead of
8,300 saves/s, so a cold lookup would wait milliseconds for the disk. Set
:data:`SYNCHRONOUS` to ``"FULL"`` where a power loss must not lose answers.

Asks are counted behind. Asking an id again only counts the ask, and that fast path
trusts only ids this store has committed itself (:data:`KNOWN_IDS` of them). Every count
(the first ask's too) is written within :data:`FLUSH_SECONDS` (or after
:data:`FLUSH_ROWS` asks) in a ``BEGIN IMMEDIATE`` transaction, with the answers queued
then; until then :meth:`~ReportStore.get` adds this process's pending counts, and a
stored answer with no count yet reads as asked once. Losing a count (a crash in that
window, or a failing disk) is harmless: ``times_asked`` and ``last_asked_at`` are
statistics; the id and the answer bytes are what must be durable, and they already are.

Failure: when a commit fails (disk full, read-only or vanished file, I/O error, a lock
held too long) the transaction is rolled back, every save of the batch raises
:class:`~geozone.errors.ReportStoreUnavailable` (HTTP 503, nothing acknowledged) and the
store records that it cannot write (:meth:`ReportStore.health`, shown by ``/healthz``).
The connection is reopened when the error suggests it is no longer usable. The store
recovers by itself as soon as a commit succeeds again: the next save, or the writer's
probe (a one-row write every :data:`PROBE_SECONDS` while it cannot write, every
:data:`IDLE_PROBE_SECONDS` when idle and healthy, so a store that became read-only while
idle is noticed).

Reads (:meth:`~ReportStore.get`, :meth:`~ReportStore.count`) use their own connection
and never wait for another process: every id handed out is already committed. Several
processes (``geozone serve --workers N``, the CLI) share one file: WAL mode, a busy
timeout and ``BEGIN IMMEDIATE`` per batch. ``":memory:"`` works too (one connection).

Signatures: a store given a :class:`~geozone.signing.Signer` signs each new answer in
the writer thread, just before the batch is written (Ed25519 over the id and the answer
bytes, committed in the same row: ``key_id``, ``signature``), so a lookup on the event
loop never waits for it; asking an id again signs nothing. Signing a 4 KB answer costs
about 12 SHA-512 passes over it (``benchmarks/bench_signing.py``: 0.28 ms on the shared
2-core VM under a load of 11, where one save took 0.55 ms unsigned, 1.5 ms signed).

Uses :mod:`sqlite3` from the standard library.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import re
import sqlite3
import threading
import time
import weakref
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

import orjson

from geozone.errors import GeozoneError, InvalidInput, ReportNotFound, ReportStoreUnavailable
from geozone.signing import Signer
from geozone.sqlite_wal import enable_wal

log = logging.getLogger("geozone.report_store")

SCHEMA_VERSION = 3
SYNCHRONOUS = "NORMAL"
"""SQLite ``synchronous`` level of the writing connection (see the module docstring)."""
FLUSH_SECONDS = 1.0
"""Longest time the count of a repeated ask waits before it is written.

Asks of one id within it are written as one row: under ``bench_api`` (2,000 points at
~3,600 req/s) the writer thread's CPU went from ~9 to ~2.7 us per request when this
went from 0.2 s (and :data:`FLUSH_ROWS` from 256) to these values."""
FLUSH_ROWS = 4096
"""Counted asks that wake the writer before :data:`FLUSH_SECONDS` are up."""
CHECKPOINT_ROWS = 1000
"""Rows written after which the writer thread checkpoints the WAL into the database."""
KNOWN_IDS = 65_536
"""How many committed report ids a store remembers (asking them again only counts)."""
PROBE_SECONDS = 1.0
"""How often a store that cannot write tries a one-row commit to see if it can again."""
IDLE_PROBE_SECONDS = 10.0
"""How often an idle, healthy store checks that it can still write."""
SAVE_TIMEOUT = 60.0
"""Longest a blocking save waits for its commit before it gives up (503)."""
RETRY_AFTER = 5
"""Seconds a client is told to wait (``Retry-After``) when the store cannot write."""
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
    geozone_version  TEXT,
    key_id           TEXT,
    signature        TEXT
)""",
    """
CREATE TABLE IF NOT EXISTS asks (
    report_id     TEXT PRIMARY KEY,
    last_asked_at TEXT NOT NULL,
    times_asked   INTEGER NOT NULL
)""",
    # one row the writer rewrites to check that it can commit (PROBE_SECONDS)
    """
CREATE TABLE IF NOT EXISTS probe (
    id        INTEGER PRIMARY KEY CHECK (id = 1),
    probed_at TEXT NOT NULL,
    pad       BLOB NOT NULL
)""",
)

# schema 3 adds each answer's Ed25519 signature (geozone.signing); older rows keep NULL
_MIGRATE_FROM_2 = (
    "ALTER TABLE reports ADD COLUMN key_id TEXT",
    "ALTER TABLE reports ADD COLUMN signature TEXT",
)

_MIGRATE_FROM_1 = (
    _SCHEMA[1],
    _SCHEMA[2],
    "INSERT INTO asks SELECT report_id, last_asked_at, times_asked FROM reports",
    "ALTER TABLE reports DROP COLUMN last_asked_at",
    "ALTER TABLE reports DROP COLUMN times_asked",
    *_MIGRATE_FROM_2,
)

_UPSERT_ROWS = 64
"""Rows per statement (14 parameters each, far below SQLite's 32,766)."""


@lru_cache(maxsize=8)
def _insert_reports(rows: int) -> str:
    """An insert of ``rows`` answers in one statement; an id already stored keeps its answer.

    ``executemany`` binds one row at a time and takes the GIL back after each row, which
    under load fought the request thread for it hundreds of times a batch; one statement
    per 64 rows takes it back a few times.
    """
    # the answer may come as UTF-8 bytes; SQLite turns them into TEXT (outside the GIL)
    values = ", ".join(["(?, ?, ?, ?, CAST(? AS TEXT), ?, ?, ?, ?, ?, ?, ?, ?, ?)"] * rows)
    return f"""
INSERT INTO reports (report_id, created_at, source, query_json, answer_json, layerset_id,
                     layerset_version, layerset_hash, rules_version, layers_json, synthetic,
                     geozone_version, key_id, signature)
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
    """Create the tables, or bring an older store to schema 3 (once, in one transaction).

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
        migration = {1: _MIGRATE_FROM_1, 2: _MIGRATE_FROM_2}.get(version, _SCHEMA)
        for statement in migration:
            conn.execute(statement)
        conn.execute(f"PRAGMA user_version={SCHEMA_VERSION}")
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise


_COLUMNS = (
    "r.report_id, r.created_at, coalesce(a.last_asked_at, r.created_at), "
    "a.times_asked, r.source, r.query_json, r.answer_json, r.layerset_id, "
    "r.layerset_version, r.layerset_hash, r.rules_version, r.layers_json, r.synthetic, "
    "r.geozone_version, r.key_id, r.signature"
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


def answer_row(
    answer_json: str | bytes, source: str, answer: Mapping[str, Any] | None, now: str
) -> tuple[Any, ...]:
    """The ``reports`` row of an answer, in :data:`_COLUMNS` order less the ask counts.

    ``(report_id, created_at, source, query_json, answer_json, layerset_id,
    layerset_version, layerset_hash, rules_version, layers_json, synthetic (0/1),
    geozone_version)``; every report store writes these same values.

    Raises
    ------
    InvalidInput
        If ``answer_json`` is not a lookup answer with a 32-hex ``report_id``.
    """
    try:
        if answer is None:
            answer = json.loads(answer_json)
        report_id = str(answer["report_id"])
    except (ValueError, KeyError, TypeError):
        raise InvalidInput("not a lookup answer (no report_id)") from None
    if not REPORT_ID.match(report_id):
        raise InvalidInput(f"report id {report_id!r} is not 32 hex digits")
    layerset = answer.get("layerset") or {}
    return (
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
    key_id, signature
        The server's Ed25519 signature of ``(report_id, answer_json)`` made when the
        answer was stored (:mod:`geozone.signing`), base64url, and the signing key's id;
        ``None`` for answers stored before signing (schema < 3) or by an unsigned store.
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
    key_id: str | None = None
    signature: str | None = None

    @classmethod
    def from_row(cls, row: tuple[Any, ...], times: int, last: str) -> StoredReport:
        """A report from a ``reports`` row in the stores' column order, asked ``times`` times.

        Both stores (SQLite here, PostgreSQL in :mod:`geozone.db.report_store`) read the
        same columns; ``last`` is when it was last asked.
        """
        return cls(
            report_id=row[0],
            created_at=row[1],
            last_asked_at=last,
            times_asked=times,
            source=row[4],
            query=json.loads(row[5]) or {},
            answer_json=row[6],
            layerset={"id": row[7], "version": row[8], "hash": row[9]},
            rules_version=row[10],
            layers=json.loads(row[11]),
            synthetic=bool(row[12]),
            geozone_version=row[13],
            key_id=row[14],
            signature=row[15],
        )

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
            "key_id": self.key_id,
            "signature": self.signature,
            "answer": self.answer(),
        }


def _error_kind(exc: BaseException) -> str:
    """A short, path-free name for why a commit failed (shown by ``/healthz``)."""
    name = str(getattr(exc, "sqlite_errorname", "") or "")
    if name.startswith("SQLITE_FULL"):
        return "disk_full"
    if name.startswith("SQLITE_READONLY"):
        return "read_only"
    if name.startswith("SQLITE_IOERR"):
        return "io_error"
    if name.startswith(("SQLITE_BUSY", "SQLITE_LOCKED")):
        return "busy"
    if name.startswith("SQLITE_CANTOPEN"):
        return "cannot_open"
    if name.startswith(("SQLITE_CORRUPT", "SQLITE_NOTADB")):
        return "corrupt"
    if isinstance(exc, OSError):
        return "io_error"
    return "sqlite_error"


_REOPEN = frozenset({"read_only", "io_error", "cannot_open", "corrupt"})
"""Error kinds after which the writing connection is closed and opened again."""


def unavailable_error(kind: str) -> ReportStoreUnavailable:
    """The 503 a save raises when its commit failed (``kind``: a short, path-free reason)."""
    return ReportStoreUnavailable(
        f"the report store cannot store answers now ({kind.replace('_', ' ')}); "
        "nothing was stored, try again later",
        {"error": kind, "retry_after": RETRY_AFTER},
    )


def _connect(path: str, *, wal: bool) -> sqlite3.Connection:
    """A connection in autocommit mode (transactions are explicit) with the store's pragmas."""
    conn = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
    try:
        conn.execute("PRAGMA busy_timeout=5000")
        if wal:
            enable_wal(conn)  # waits while another worker creates the store
        conn.execute(f"PRAGMA synchronous={SYNCHRONOUS}")
        # 64 MiB of page cache (SQLite's default is 2 MiB): the report-id index of a large
        # store stays in memory; writing 36,000 new answers took ~40 instead of ~55 us each
        conn.execute("PRAGMA cache_size=-65536")
        # checkpoints run in the writer thread, never on the path of a commit
        conn.execute("PRAGMA wal_autocheckpoint=0")
    except BaseException:
        conn.close()
        raise
    return conn


def _settle(futures: list[asyncio.Future[None]], kind: str | None) -> None:
    """Resolve the futures of one batch on their loop (skipping cancelled callers)."""
    for future in futures:
        if not future.done():
            if kind is None:
                future.set_result(None)
            else:
                future.set_exception(unavailable_error(kind))


class CommitBatch:
    """The answers of one transaction and who waits for it (a group commit).

    Saving threads and event loops add rows under their store's lock and wait
    (:meth:`wait`, or the future of :meth:`future`); the store's writer thread commits
    the rows in one transaction and calls :meth:`settle` once. Used by the SQLite store
    and :class:`geozone.db.report_store.PostgresReportStore`.
    """

    __slots__ = ("done", "error", "forced", "futures", "rows")

    def __init__(self) -> None:
        self.rows: list[tuple[Any, ...]] = []
        self.done = threading.Event()
        self.error: str | None = None  # the error kind when the commit failed
        self.futures: dict[asyncio.AbstractEventLoop, list[asyncio.Future[None]]] = {}
        self.forced = False  # flush(): commit even with no answers

    def wait(self) -> None:
        """Block until the batch is committed; raise ReportStoreUnavailable if it failed."""
        if not self.done.wait(SAVE_TIMEOUT):
            raise unavailable_error("timeout")
        if self.error is not None:
            raise unavailable_error(self.error)

    def future(self, loop: asyncio.AbstractEventLoop) -> asyncio.Future[None]:
        """A future of ``loop`` resolved when the batch is committed (caller holds ``wake``)."""
        future = loop.create_future()
        self.futures.setdefault(loop, []).append(future)
        return future

    def settle(self, kind: str | None) -> None:
        """Record the outcome and wake every waiter (called once, by the writer)."""
        self.error = kind
        self.done.set()
        for loop, futures in self.futures.items():
            with contextlib.suppress(RuntimeError):  # a closed loop: nobody waits any more
                loop.call_soon_threadsafe(_settle, futures, kind)


@dataclass
class _Health:
    """Whether the last commit succeeded; when and why writing started failing."""

    error: str | None = None
    since: float | None = None  # time.time() of the first failure in a row
    failures: int = 0


class _GroupCommit:
    """The writing connection, the open batch, the ask counters and the writer thread.

    Everything queued is guarded by ``wake``; the connections by ``lock`` (writing) and
    ``read_lock`` (the reading connection; the same for ``":memory:"``).
    """

    def __init__(
        self, path: str, conn: sqlite3.Connection, wal: bool, signer: Signer | None = None
    ) -> None:
        self.path = path
        self.signer = signer
        self.wal = wal
        self.conn: sqlite3.Connection | None = conn
        self.lock = threading.Lock()
        self.reader = _connect(path, wal=True) if wal else conn
        self.read_lock = threading.Lock() if wal else self.lock
        self.batch = CommitBatch()
        self.asks: dict[str, tuple[str, int]] = {}
        self.counted = 0  # asks counted since the last commit
        self.counted_since = 0.0  # monotonic time of the first of them
        self.known: set[str] = set()
        self.health = _Health()
        self.commits = 0  # transactions committed (answers, counts or probes)
        self.closed = False
        self.wake = threading.Condition(threading.Lock())
        self.thread = threading.Thread(target=self.run, name="report-store-writer", daemon=True)
        self.thread.start()

    # -- called by saving threads and the event loop -------------------------------------

    def _count(self, report_id: str, now: str) -> None:
        """Count one ask (the caller holds ``wake``); wake the writer when enough wait."""
        if self.closed:
            raise GeozoneError("the report store is closed")
        seen = self.asks.get(report_id)
        self.asks[report_id] = (now, 1 if seen is None else seen[1] + 1)
        if not self.counted:
            self.counted_since = time.monotonic()
        self.counted += 1
        if self.counted == FLUSH_ROWS:
            self.wake.notify()

    def ask_again(self, report_id: str, now: str) -> bool:
        """Count an ask of an answer this store has committed; False if it has not."""
        with self.wake:
            if report_id not in self.known:
                return False
            self._count(report_id, now)
            return True

    def put(self, rows: Iterable[tuple[Any, ...]], now: str) -> CommitBatch:
        """Queue answer rows (``row[0]`` is the report id) and their asks; the open batch."""
        with self.wake:
            return self._put(rows, now)

    def put_async(self, row: tuple[Any, ...], now: str) -> asyncio.Future[None]:
        """Queue an answer row; a future of the running loop, resolved after COMMIT."""
        loop = asyncio.get_running_loop()
        with self.wake:
            # registered under the lock: the writer cannot take the batch before it is
            return self._put((row,), now).future(loop)

    def _put(self, rows: Iterable[tuple[Any, ...]], now: str) -> CommitBatch:
        batch = self.batch
        was_empty = not batch.rows
        for row in rows:
            self._count(row[0], now)
            batch.rows.append(row)
        if was_empty and batch.rows:  # the writer may be waiting: commit now
            self.wake.notify()
        return batch

    def force(self) -> CommitBatch:
        """The open batch, marked to be committed even if it holds only counts."""
        with self.wake:
            if self.closed:
                raise GeozoneError("the report store is closed")
            self.batch.forced = True
            self.wake.notify()
            return self.batch

    # -- the writer thread -----------------------------------------------------------------

    def _idle_timeout(self, last: float) -> float | None:
        """Seconds to wait for work (the caller holds ``wake``); ``None`` or <= 0: go now."""
        if self.closed or self.batch.rows or self.batch.forced or self.counted >= FLUSH_ROWS:
            return None
        now = time.monotonic()
        if self.counted:
            return self.counted_since + FLUSH_SECONDS - now
        every = PROBE_SECONDS if self.health.error is not None else IDLE_PROBE_SECONDS
        return last + every - now

    def _counts_due(self, batch: CommitBatch) -> bool:
        """Whether the counted asks go with this commit (the caller holds ``wake``)."""
        if not self.counted:
            return False
        return (
            batch.forced
            or self.counted >= FLUSH_ROWS
            or time.monotonic() >= self.counted_since + FLUSH_SECONDS
        )

    def run(self) -> None:
        """Commit whatever is queued, one transaction at a time, until closed."""
        written = 0
        last = time.monotonic()  # of the last commit attempt
        while True:
            with self.wake:
                while True:
                    timeout = self._idle_timeout(last)
                    if timeout is None or timeout <= 0:
                        break
                    self.wake.wait(timeout)
                batch, self.batch = self.batch, CommitBatch()
                closing = self.closed
                asks: dict[str, tuple[str, int]] = {}
                if self._counts_due(batch) or closing:
                    asks, self.asks = self.asks, {}
                    self.counted = 0
            try:
                if batch.rows or asks or batch.forced:
                    self.commit(batch, asks)
                    written += len(batch.rows) + len(asks)
                elif not closing:
                    self.probe()
                    written += 50  # a checkpoint every 20 probes: an idle WAL stays small
                last = time.monotonic()
                if self.wal and (written >= CHECKPOINT_ROWS or closing):
                    self.checkpoint_passive()
                    written = 0
            except Exception:  # never let the writer die: saves would wait forever
                log.exception("report store writer")
                if not batch.done.is_set():
                    batch.settle("sqlite_error")
            if closing:
                return

    def _connection(self) -> sqlite3.Connection:
        """The writing connection, opened again if a failure closed it."""
        if self.conn is None:
            self.conn = _connect(self.path, wal=self.wal)
        return self.conn

    def _transaction(
        self, write: Callable[[sqlite3.Connection], object], *, explicit: bool = True
    ) -> str | None:
        """Run ``write`` in one ``BEGIN IMMEDIATE ... COMMIT``; the error kind if it failed.

        ``explicit=False``: ``write`` is a single statement, committed on its own.
        """
        with self.lock:
            try:
                conn = self._connection()
                if explicit:
                    conn.execute("BEGIN IMMEDIATE")
                try:
                    write(conn)
                    if explicit:
                        conn.execute("COMMIT")
                except BaseException:
                    if conn.in_transaction:
                        with contextlib.suppress(sqlite3.Error):
                            conn.execute("ROLLBACK")
                    raise
            except (sqlite3.Error, OSError) as exc:
                kind = _error_kind(exc)
                self._failed(kind, exc)
                return kind
            self.commits += 1
        self._succeeded()
        return None

    def _failed(self, kind: str, exc: BaseException) -> None:
        """Record a failed commit (the caller holds ``lock``); drop a broken connection."""
        if self.conn is not None and self.wal and (kind in _REOPEN or self.conn.in_transaction):
            with contextlib.suppress(sqlite3.Error):
                self.conn.close()
            self.conn = None
        with self.wake:
            health = self.health
            if health.error is None:
                health.since = time.time()
                log.error("report store cannot write (%s): %s", kind, exc)
            health.error = kind
            health.failures += 1

    def _succeeded(self) -> None:
        with self.wake:
            health = self.health
            if health.error is not None:
                log.warning(
                    "report store writes again after %d failed commits (%s)",
                    health.failures,
                    health.error,
                )
                self.health = _Health()

    def commit(self, batch: CommitBatch, asks: dict[str, tuple[str, int]]) -> None:
        """Commit a batch of answers and counts in one transaction and wake its waiters.

        Unsigned rows (the last two columns ``None``) are signed here first, off the
        threads that wait for the commit.
        """
        if self.signer is not None:
            batch.rows[:] = [self._signed(row) for row in batch.rows]

        def write(conn: sqlite3.Connection) -> None:
            _write_rows(conn, _insert_reports, batch.rows)  # answers first, then counters
            _write_rows(conn, _upsert_asks, [(rid, at, n) for rid, (at, n) in asks.items()])

        if not asks and 0 < len(batch.rows) <= _UPSERT_ROWS:
            # the usual case: one INSERT in autocommit mode is its own transaction, so the
            # writer gives up and takes back the GIL once per commit instead of four times
            # (each time costs up to the interpreter's 5 ms switch interval while the event
            # loop is busy serving others)
            kind = self._transaction(write, explicit=False)
        else:
            kind = self._transaction(write)
        if kind is not None and batch.rows and not asks:
            with self.wake:  # not stored, so not counted (taken counts were rolled back)
                for row in batch.rows:
                    seen = self.asks.pop(row[0], None)
                    if seen is not None:
                        self.counted = max(0, self.counted - 1)
                        if seen[1] > 1:
                            self.asks[row[0]] = (seen[0], seen[1] - 1)
        if kind is None and batch.rows:
            with self.wake:
                if len(self.known) + len(batch.rows) > KNOWN_IDS:
                    self.known.clear()  # forgetting only costs a conflict-free insert
                self.known.update(row[0] for row in batch.rows)
        batch.settle(kind)

    def _signed(self, row: tuple[Any, ...]) -> tuple[Any, ...]:
        """The row with its ``key_id`` and ``signature`` (rows signed already unchanged)."""
        if row[-1] is not None or self.signer is None:
            return row
        signed = self.signer.sign(row[0], row[4])
        return (*row[:-2], signed.key_id, signed.signature)

    def probe(self) -> None:
        """Commit a one-row write, to notice a store that cannot write (or can again)."""
        self._transaction(
            lambda conn: conn.execute(
                "INSERT OR REPLACE INTO probe VALUES (1, ?, zeroblob(4096))", (_now(),)
            )
        )

    def checkpoint_passive(self) -> None:
        """Copy the WAL back into the database without waiting on readers."""
        with self.lock:
            if self.conn is None:
                return
            try:
                self.conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
            except sqlite3.Error as exc:  # the next commit will say whether writes work
                log.warning("report store checkpoint failed: %s", exc)

    def close(self) -> None:
        """Commit what is queued, stop the writer, close the connections."""
        with self.wake:
            if self.closed:
                return
            self.closed = True
            self.wake.notify()
        self.thread.join()
        with self.read_lock:
            if self.reader is not self.conn:
                self.reader.close()
        with self.lock:
            if self.conn is not None:
                self.conn.close()


class ReportStore:
    """SQLite store of lookup answers: a save returns once its answer is committed.

    Parameters
    ----------
    path
        Database file (its folder is created) or ``":memory:"``.
    signer
        Signs every answer as it is stored (:class:`geozone.signing.Signer`; the
        signature is committed with the answer); ``None`` stores answers unsigned.

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
    >>> store.health()["writable"]
    True
    >>> store.close()
    """

    def __init__(self, path: Path | str, signer: Signer | None = None) -> None:
        self.path = str(path)
        self.signer = signer
        wal = self.path != ":memory:"
        if wal:
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        conn = _connect(self.path, wal=wal)
        try:
            _open_schema(conn)
        except BaseException:
            conn.close()
            raise
        self._writer = _GroupCommit(self.path, conn, wal, signer)
        # a store dropped or left open at exit still writes its queued counts
        self._finalizer = weakref.finalize(self, self._writer.close)

    @property
    def commits(self) -> int:
        """Transactions this store has committed (a batch of saves shares one)."""
        return self._writer.commits

    def _row(
        self, answer_json: str | bytes, source: str, answer: Mapping[str, Any] | None, now: str
    ) -> tuple[Any, ...]:
        """The ``reports`` row of an answer (checked: it must carry a 32-hex report id)."""
        return (*answer_row(answer_json, source, answer, now), None, None)  # signed when written

    def _known(self, answer_json: str | bytes, answer: Mapping[str, Any] | None) -> str | None:
        """The report id when this store has committed its answer (the ask is counted)."""
        if answer is None:
            return None
        report_id = answer.get("report_id")
        if isinstance(report_id, str) and self._writer.ask_again(report_id, _now()):
            return report_id
        return None

    def save(
        self,
        answer_json: str | bytes,
        *,
        source: str = "api",
        answer: Mapping[str, Any] | None = None,
    ) -> str:
        """Store an answer (the shared lookup JSON); return its report id once committed.

        Blocks the calling thread until the answer is committed (in a transaction shared
        with the saves queued meanwhile). Every ask is counted (``last_asked_at``,
        ``times_asked``, written behind); the same report id stored again keeps the first
        answer.

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
        ReportStoreUnavailable
            If the commit failed (nothing of the answer was stored).
        GeozoneError
            If the store is closed.
        """
        known = self._known(answer_json, answer)
        if known is not None:
            return known
        now = _now()
        row = self._row(answer_json, source, answer, now)
        if self._writer.ask_again(row[0], now):
            return str(row[0])
        self._writer.put((row,), now).wait()
        return str(row[0])

    async def save_async(
        self,
        answer_json: str | bytes,
        *,
        source: str = "api",
        answer: Mapping[str, Any] | None = None,
    ) -> str:
        """:meth:`save` for the event loop: awaits the commit without blocking the loop.

        The writer thread resolves the future after COMMIT (``call_soon_threadsafe``).
        Same arguments and errors as :meth:`save`.
        """
        known = self._known(answer_json, answer)
        if known is not None:
            return known
        now = _now()
        row = self._row(answer_json, source, answer, now)
        if self._writer.ask_again(row[0], now):
            return str(row[0])
        await self._writer.put_async(row, now)
        return str(row[0])

    def save_many(self, answers: Iterable[str | bytes], *, source: str = "api") -> list[str]:
        """Store several answers in one commit (a synchronous batch); their report ids.

        Raises
        ------
        InvalidInput, ReportStoreUnavailable, GeozoneError
            As :meth:`save`; nothing is acknowledged if the commit fails.
        """
        now = _now()
        ids: list[str] = []
        rows = []
        for answer_json in answers:
            row = self._row(answer_json, source, None, now)
            ids.append(str(row[0]))
            if not self._writer.ask_again(row[0], now):
                rows.append(row)
        if rows:
            self._writer.put(rows, now).wait()
        return ids

    def flush(self) -> None:
        """Commit the counted asks now and wait for it (answers are committed already)."""
        self._writer.force().wait()

    def health(self) -> dict[str, Any]:
        """Whether the store can write: ``{"writable", "error", "since"}`` (JSON-ready).

        ``error`` is a short kind (``disk_full``, ``read_only``, ``io_error``, ``busy``,
        ...), ``since`` the UTC time (RFC 3339) of the first failed commit in a row; both
        ``None`` while commits succeed.
        """
        health = self._writer.health
        since = None if health.since is None else _rfc3339(int(health.since))
        return {"writable": health.error is None, "error": health.error, "since": since}

    def get(self, report_id: str) -> StoredReport:
        """Fetch a stored report.

        Every report id handed out is committed, so one that is not found is not stored
        (by any process on the file): no waiting, no retry.

        Raises
        ------
        ReportNotFound
            If no report has that id (or the id is not 32 hex digits).
        ReportStoreUnavailable
            If the file cannot be read.
        """
        if not REPORT_ID.match(report_id):
            raise ReportNotFound(
                f"no report {report_id!r} (report ids are 32 hex digits)", {"report_id": report_id}
            )
        row = self._select(report_id)
        if row is None:
            raise ReportNotFound(f"no report {report_id!r}", {"report_id": report_id})
        # asks this process counted and has not written yet (read after the row: a count
        # the writer commits meanwhile is missed for this once, never counted twice)
        with self._writer.wake:
            last, pending = self._writer.asks.get(report_id, (row[2], 0))
        if row[3] is None:  # no count written yet: the first ask is among the pending
            times, last = max(pending, 1), max(last, row[2])
        else:
            times, last = int(row[3]) + pending, max(last, row[2])
        return StoredReport.from_row(row, times, last)

    def _read(self, sql: str, params: tuple[Any, ...] = ()) -> tuple[Any, ...] | None:
        """One row from the reading connection (503 if the file cannot be read)."""
        writer = self._writer
        with writer.read_lock:
            if writer.closed:
                raise GeozoneError("the report store is closed")
            try:
                row: tuple[Any, ...] | None = writer.reader.execute(sql, params).fetchone()
            except sqlite3.Error as exc:
                log.error("report store read failed: %s", exc)
                raise unavailable_error(_error_kind(exc)) from None
        return row

    def _select(self, report_id: str) -> tuple[Any, ...] | None:
        """The row of ``report_id``, or ``None``."""
        return self._read(
            f"SELECT {_COLUMNS} FROM reports r LEFT JOIN asks a USING (report_id) "
            "WHERE r.report_id = ?",
            (report_id,),
        )

    def count(self) -> int:
        """Number of stored reports."""
        row = self._read("SELECT COUNT(*) FROM reports")
        assert row is not None
        return int(row[0])

    def close(self) -> None:
        """Commit the counted asks, stop the writer thread and close the connections."""
        self._finalizer()
