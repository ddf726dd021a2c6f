"""Answered lookups in PostgreSQL: :class:`PostgresReportStore`.

The same rows as the SQLite :class:`geozone.report_store.ReportStore` (tables
``geozone.reports`` and ``geozone.asks``, values from
:func:`geozone.report_store.answer_row`), so :meth:`get` gives the same
:class:`~geozone.report_store.StoredReport` for the same answers. A new answer is one
transaction that writes the answer and counts its ask, and its report id is returned
only after COMMIT: acknowledged means durable, on every machine that shares the
database. New answers arriving together share one transaction (a group commit, as in the
SQLite store): a writer thread signs them and commits them in one round trip, and the
event loop awaits a future the writer resolves, with no worker-thread hop per answer.
Asking again an id this process committed only counts the ask: the counts are
written behind, within :data:`~geozone.report_store.FLUSH_SECONDS`, by a background
thread (as the SQLite store does; ``times_asked`` and ``last_asked_at`` are statistics,
the id and the answer bytes are what must be durable, and they already are). Without it
every repeated lookup paid a database round trip and a signature: over HTTP the service
on PostGIS answered ~0.3x the requests of the same service on files
(``benchmarks/bench_postgis.py``). When the commit fails (database down, disk full,
read-only) nothing is acknowledged: :class:`~geozone.errors.ReportStoreUnavailable`
(503) is raised and :meth:`health` says the store cannot write until a commit succeeds
again. Given a :class:`~geozone.signing.Signer`, each new answer is stored with its
Ed25519 signature (migration 2), as the SQLite store does.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
import time
from collections.abc import Iterable, Mapping
from typing import Any

import psycopg
from psycopg import errors as pg_errors

from geozone.db.connection import Database
from geozone.db.migrations import require_schema
from geozone.errors import (
    DatabaseUnavailable,
    GeozoneError,
    ReportNotFound,
    ReportStoreUnavailable,
)
from geozone.report_store import (
    FLUSH_SECONDS,
    KNOWN_IDS,
    REPORT_ID,
    CommitBatch,
    StoredReport,
    _now,
    _rfc3339,
    answer_row,
    unavailable_error,
)
from geozone.signing import Signer

log = logging.getLogger(__name__)

_INSERT = """
INSERT INTO geozone.reports (report_id, created_at, source, query_json, answer_json,
    layerset_id, layerset_version, layerset_hash, rules_version, layers_json, synthetic,
    geozone_version, key_id, signature)
VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)
ON CONFLICT (report_id) DO NOTHING
"""
_ASK = """
INSERT INTO geozone.asks (report_id, last_asked_at, times_asked) VALUES (%s, %s, 1)
ON CONFLICT (report_id) DO UPDATE SET
    last_asked_at = greatest(geozone.asks.last_asked_at, excluded.last_asked_at),
    times_asked = geozone.asks.times_asked + 1
"""
_ASKS = """
INSERT INTO geozone.asks (report_id, last_asked_at, times_asked)
SELECT * FROM unnest(%s::text[], %s::text[], %s::bigint[])
ON CONFLICT (report_id) DO UPDATE SET
    last_asked_at = greatest(geozone.asks.last_asked_at, excluded.last_asked_at),
    times_asked = geozone.asks.times_asked + excluded.times_asked
"""
_PROBE = "UPDATE geozone.asks SET times_asked = times_asked WHERE false"
_SELECT = """
SELECT r.report_id, r.created_at, coalesce(a.last_asked_at, r.created_at), a.times_asked,
    r.source, r.query_json, r.answer_json, r.layerset_id, r.layerset_version,
    r.layerset_hash, r.rules_version, r.layers_json, r.synthetic, r.geozone_version,
    r.key_id, r.signature
FROM geozone.reports r LEFT JOIN geozone.asks a USING (report_id)
WHERE r.report_id = %s
"""


def _error_kind(exc: BaseException) -> str:
    """A short name for why a commit failed (shown by ``/healthz``)."""
    if isinstance(exc, pg_errors.DiskFull):
        return "disk_full"
    if isinstance(exc, pg_errors.ReadOnlySqlTransaction):
        return "read_only"
    if isinstance(exc, DatabaseUnavailable | psycopg.OperationalError):
        return "database_unavailable"
    return "database_error"


class PostgresReportStore:
    """Lookup answers in PostgreSQL (a :class:`~geozone.stores.ReportStore`).

    Parameters
    ----------
    db
        The database; the store does not close it.
    """

    def __init__(self, db: Database, signer: Signer | None = None) -> None:
        self.db = db
        self.signer = signer
        self.commits = 0
        self._lock = threading.Lock()
        self._error: str | None = None
        self._since: float | None = None
        self._closed = False
        self._known: set[str] = set()  # ids this process has committed
        self._asks: dict[str, tuple[str, int]] = {}  # counted, not yet written
        self._stop = threading.Event()
        self._wake = threading.Condition(threading.Lock())
        self._batch = CommitBatch()  # new answers waiting for the writer (under _wake)
        with db.connection() as conn:
            require_schema(conn)
        self._flusher = threading.Thread(
            target=self._flush_loop, name="report-store-asks", daemon=True
        )
        self._flusher.start()
        self._writer = threading.Thread(
            target=self._write_loop, name="report-store-writer", daemon=True
        )
        self._writer.start()

    def _ask_again(self, answer: Mapping[str, Any] | None, now: str) -> str | None:
        """Count an ask of an answer this process committed; its id, else ``None``."""
        report_id = answer.get("report_id") if answer is not None else None
        if not isinstance(report_id, str):
            return None
        with self._lock:
            if self._closed or report_id not in self._known:
                return None
            seen = self._asks.get(report_id)
            self._asks[report_id] = (now, 1 if seen is None else seen[1] + 1)
        return report_id

    def _flush_loop(self) -> None:
        while not self._stop.wait(FLUSH_SECONDS):
            try:
                self.flush()
            except Exception:  # counts are statistics: never let the thread die
                log.exception("report store: writing ask counts failed")

    def _signed(self, row: tuple[Any, ...]) -> tuple[Any, ...]:
        """``row`` with the key id and signature of its answer (``None`` without a signer)."""
        signed = self.signer.sign(row[0], row[4]) if self.signer else None
        return (*row, signed.key_id if signed else None, signed.signature if signed else None)

    def _put(self, row: tuple[Any, ...]) -> CommitBatch:
        """Queue an unsigned answer row for the writer; the batch it will be committed in."""
        with self._wake:
            return self._queue(row)

    def _put_async(self, row: tuple[Any, ...]) -> asyncio.Future[None]:
        """:meth:`_put`, with a future of the running loop resolved after COMMIT."""
        loop = asyncio.get_running_loop()
        with self._wake:  # registered under the lock: the writer cannot take it before
            return self._queue(row).future(loop)

    def _queue(self, row: tuple[Any, ...]) -> CommitBatch:
        """Add ``row`` to the open batch (the caller holds ``_wake``)."""
        if self._closed:
            raise GeozoneError("the report store is closed")
        batch = self._batch
        batch.rows.append(row)
        if len(batch.rows) == 1:
            self._wake.notify()
        return batch

    def _write_loop(self) -> None:
        """Commit the queued answers, one transaction per batch, until closed."""
        while True:
            with self._wake:
                while not self._batch.rows and not self._closed:
                    self._wake.wait()
                batch, self._batch = self._batch, CommitBatch()
                closing = self._closed
            if batch.rows:
                kind: str | None = None
                try:
                    self._write([self._signed(row) for row in batch.rows], _now())
                except ReportStoreUnavailable as exc:
                    kind = str(exc.detail.get("error", "database_error"))
                except Exception:  # never let the writer die: saves would wait forever
                    log.exception("report store writer")
                    kind = "database_error"
                batch.settle(kind)
            if closing:
                return

    def _write(self, rows: list[tuple[Any, ...]], now: str) -> None:
        """Insert signed ``rows`` and count their asks in one transaction (503 if it fails)."""
        try:
            with self.db.connection() as conn, conn.transaction(), conn.cursor() as cur:
                values = []
                for row in rows:
                    value = list(row)
                    if isinstance(value[4], bytes):
                        value[4] = value[4].decode("utf-8")
                    value[10] = bool(value[10])
                    values.append(value)
                cur.executemany(_INSERT, values)
                cur.executemany(_ASK, [(row[0], now) for row in rows])
        except (psycopg.Error, DatabaseUnavailable) as exc:
            kind = _error_kind(exc)
            log.error("report store commit failed: %s", exc)
            with self._lock:
                if self._error is None:
                    self._since = time.time()
                self._error = kind
            raise unavailable_error(kind) from None
        with self._lock:
            self.commits += 1
            self._error = None
            self._since = None
            if len(self._known) + len(rows) > KNOWN_IDS:
                self._known.clear()  # forgetting only costs a conflict-free insert
            self._known.update(str(row[0]) for row in rows)

    def save(
        self,
        answer_json: str | bytes,
        *,
        source: str = "api",
        answer: Mapping[str, Any] | None = None,
    ) -> str:
        """Store an answer and count the ask; its report id once committed.

        Raises
        ------
        InvalidInput
            If ``answer_json`` is not a lookup answer with a 32-hex ``report_id``.
        ReportStoreUnavailable
            If the commit failed (nothing of the answer was stored).
        """
        now = _now()
        known = self._ask_again(answer, now)
        if known is not None:
            return known
        row = answer_row(answer_json, source, answer, now)
        self._put(row).wait()
        return str(row[0])

    async def save_async(
        self,
        answer_json: str | bytes,
        *,
        source: str = "api",
        answer: Mapping[str, Any] | None = None,
    ) -> str:
        """:meth:`save` for the event loop: awaits the writer's commit without blocking.

        An id this process committed is counted on the loop (no thread, no round trip).
        """
        now = _now()
        known = self._ask_again(answer, now)
        if known is not None:
            return known
        row = answer_row(answer_json, source, answer, now)
        await self._put_async(row)
        return str(row[0])

    def save_many(self, answers: Iterable[str | bytes], *, source: str = "api") -> list[str]:
        """Store several answers in one transaction; their report ids (all or none)."""
        now = _now()
        rows = [self._signed(answer_row(a, source, None, now)) for a in answers]
        if rows:
            if self._closed:
                raise GeozoneError("the report store is closed")
            self._write(rows, now)
        return [str(r[0]) for r in rows]

    def flush(self) -> None:
        """Write the counted asks now (one transaction); kept for the next try if it fails.

        While the store cannot write, the background thread's flush probes it instead (a
        write that changes no row), so :meth:`health` clears once it can write again.
        """
        with self._lock:
            asks, self._asks = self._asks, {}
            failing = self._error is not None
        if not asks and not failing:
            return
        try:
            with self.db.connection() as conn, conn.transaction(), conn.cursor() as cur:
                if asks:  # one statement, the counts as three arrays: one round trip
                    ids = list(asks)
                    cur.execute(_ASKS, (ids, [asks[i][0] for i in ids], [asks[i][1] for i in ids]))
                else:  # a write that changes nothing: can the store write again?
                    cur.execute(_PROBE)
        except (psycopg.Error, DatabaseUnavailable) as exc:
            with self._lock:  # put them back, merged with those counted meanwhile
                for rid, (at, n) in asks.items():
                    seen = self._asks.get(rid)
                    self._asks[rid] = (at, n) if seen is None else (max(at, seen[0]), n + seen[1])
                if self._error is None:
                    self._since = time.time()
                self._error = _error_kind(exc)
            raise
        with self._lock:
            self._error = None
            self._since = None

    def health(self) -> dict[str, Any]:
        """``{"writable", "error", "since"}`` as the SQLite store gives them."""
        with self._lock:
            error, since = self._error, self._since
        return {
            "writable": error is None,
            "error": error,
            "since": None if since is None else _rfc3339(int(since)),
        }

    def get(self, report_id: str) -> StoredReport:
        """Fetch a stored report.

        Raises
        ------
        ReportNotFound
            If no report has that id (or the id is not 32 hex digits).
        ReportStoreUnavailable
            If the database cannot be read.
        """
        if not REPORT_ID.match(report_id):
            raise ReportNotFound(
                f"no report {report_id!r} (report ids are 32 hex digits)", {"report_id": report_id}
            )
        # the counts of this process's asks first, so the report shows them; if that
        # fails, the read below says whether the database can be read
        with contextlib.suppress(psycopg.Error, DatabaseUnavailable):
            self.flush()
        row = self._read(_SELECT, (report_id,))
        if row is None:
            raise ReportNotFound(f"no report {report_id!r}", {"report_id": report_id})
        return StoredReport.from_row(row, 1 if row[3] is None else int(row[3]), row[2])

    def _read(self, sql: str, params: tuple[Any, ...] = ()) -> tuple[Any, ...] | None:
        if self._closed:
            raise GeozoneError("the report store is closed")
        try:
            with self.db.connection() as conn:
                row: tuple[Any, ...] | None = conn.execute(sql, params).fetchone()  # type: ignore[arg-type]
        except (psycopg.Error, DatabaseUnavailable) as exc:
            log.error("report store read failed: %s", exc)
            raise unavailable_error(_error_kind(exc)) from None
        return row

    def count(self) -> int:
        """Number of stored reports."""
        row = self._read("SELECT count(*) FROM geozone.reports")
        assert row is not None
        return int(row[0])

    def close(self) -> None:
        """Commit what is queued, write the pending counts, refuse further use.

        The pool is the caller's.
        """
        with self._wake:
            self._closed = True  # new saves are refused; the writer commits what is queued
            self._wake.notify()
        self._writer.join(30)
        self._stop.set()
        self._flusher.join(5)
        try:
            self.flush()
        except Exception:
            log.exception("report store: ask counts lost at close")
        self._closed = True
