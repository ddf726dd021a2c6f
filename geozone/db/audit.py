"""The audit log of admin layer changes in PostgreSQL: :class:`DatabaseAuditLog`.

When the layer set lives in the database (``GEOZONE_DATABASE_URL``) its audit log lives
there too, in ``geozone.audit_log``, for two reasons:

- several machines change one layer set: a file per machine would split its history,
  and ``GET /api/v1/admin/audit`` on any machine must show every change;
- an accepted change and its entry are written in **one transaction**
  (:meth:`DatabaseAuditLog.append_in`), so there is never a change without its entry
  nor an entry of a change that did not commit (what the folder protocol gets by undoing
  a change whose audit line cannot be written).

A refused attempt is written in a transaction of its own after the change rolled back.
Entries are the JSON objects the file log (:mod:`geozone.audit`) holds, one per row.
"""

from __future__ import annotations

from typing import Any

import psycopg
from psycopg.types.json import Jsonb

from geozone.audit import parse_time
from geozone.db.connection import Database
from geozone.errors import AuditUnavailable, DatabaseUnavailable


class DatabaseAuditLog:
    """Rows of ``geozone.audit_log`` (an :class:`~geozone.audit.AuditReader`).

    Parameters
    ----------
    db
        The database; the log does not close it.
    """

    def __init__(self, db: Database) -> None:
        self.db = db

    @staticmethod
    def append_in(conn: psycopg.Connection[Any], entry: dict[str, Any]) -> None:
        """Insert ``entry`` in the caller's transaction (it commits with the change)."""
        conn.execute(
            "INSERT INTO geozone.audit_log (time, entry) VALUES (%s, %s)",
            (parse_time(str(entry["time"])), Jsonb(entry)),
        )

    def append(self, entry: dict[str, Any]) -> None:
        """Insert ``entry`` in a transaction of its own.

        Raises
        ------
        AuditUnavailable
            When it cannot be committed (the database is down).
        """
        try:
            with self.db.connection() as conn, conn.transaction():
                self.append_in(conn, entry)
        except (psycopg.Error, DatabaseUnavailable) as exc:
            raise AuditUnavailable(
                f"the audit log cannot be written (database {self.db.where}: {type(exc).__name__})"
            ) from None

    def entries(self, *, limit: int = 100, since: str | None = None) -> list[dict[str, Any]]:
        """Entries newest first, at most ``limit``, only those at or after ``since``.

        Raises
        ------
        ValueError
            If ``since`` is not an RFC 3339 time.
        DatabaseUnavailable
            If the database cannot be read (503).
        """
        after = parse_time(since) if since else None
        sql = "SELECT entry FROM geozone.audit_log"
        params: list[Any] = []
        if after is not None:
            sql += " WHERE time >= %s"
            params.append(after)
        sql += " ORDER BY seq DESC LIMIT %s"
        params.append(limit)
        with self.db.connection() as conn:
            rows = conn.execute(sql, params).fetchall()  # type: ignore[arg-type]
        return [dict(r[0]) for r in rows]
