"""Answered lookups in PostgreSQL: :class:`PostgresReportStore`.

The same rows as the SQLite :class:`geozone.report_store.ReportStore` (tables
``geozone.reports`` and ``geozone.asks``, values from
:func:`geozone.report_store.answer_row`), so :meth:`get` gives the same
:class:`~geozone.report_store.StoredReport` for the same answers. Every save is one
transaction that writes the answer (first time only) and counts the ask, and returns its
report id only after COMMIT: acknowledged means durable, on every machine that shares
the database. When the commit fails (database down, disk full, read-only) nothing is
acknowledged: :class:`~geozone.errors.ReportStoreUnavailable` (503) is raised and
:meth:`health` says the store cannot write until a commit succeeds again. Given a
:class:`~geozone.signing.Signer`, each new answer is stored with its Ed25519 signature
(migration 2), as the SQLite store does.
"""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from collections.abc import Iterable, Mapping
from typing import Any

import psycopg
from psycopg import errors as pg_errors

from geozone.db.connection import Database
from geozone.db.migrations import require_schema
from geozone.errors import DatabaseUnavailable, GeozoneError, ReportNotFound
from geozone.report_store import (
    REPORT_ID,
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
        with db.connection() as conn:
            require_schema(conn)

    def _signed(self, row: tuple[Any, ...], answer_json: str | bytes) -> tuple[Any, ...]:
        """``row`` with the key id and signature of its answer (``None`` without a signer)."""
        signed = self.signer.sign(row[0], answer_json) if self.signer else None
        return (*row, signed.key_id if signed else None, signed.signature if signed else None)

    def _write(self, rows: list[tuple[Any, ...]], now: str) -> None:
        """Insert ``rows`` and count their asks in one transaction (503 if it fails)."""
        if self._closed:
            raise GeozoneError("the report store is closed")
        try:
            with self.db.connection() as conn, conn.transaction(), conn.cursor() as cur:
                for row in rows:
                    values = list(row)
                    if isinstance(values[4], bytes):
                        values[4] = values[4].decode("utf-8")
                    values[10] = bool(values[10])
                    cur.execute(_INSERT, values)
                    cur.execute(_ASK, (row[0], now))
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
        row = self._signed(answer_row(answer_json, source, answer, now), answer_json)
        self._write([row], now)
        return str(row[0])

    async def save_async(
        self,
        answer_json: str | bytes,
        *,
        source: str = "api",
        answer: Mapping[str, Any] | None = None,
    ) -> str:
        """:meth:`save` in a worker thread, so the event loop is not blocked."""
        return await asyncio.to_thread(self.save, answer_json, source=source, answer=answer)

    def save_many(self, answers: Iterable[str | bytes], *, source: str = "api") -> list[str]:
        """Store several answers in one transaction; their report ids (all or none)."""
        now = _now()
        rows = [self._signed(answer_row(a, source, None, now), a) for a in answers]
        if rows:
            self._write(rows, now)
        return [str(r[0]) for r in rows]

    def flush(self) -> None:
        """Nothing to do: asks are counted in the transaction of their save."""

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
        """Refuse further use (the database pool belongs to the caller)."""
        self._closed = True
