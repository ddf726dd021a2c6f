"""Switching a SQLite file to write-ahead logging when other processes may hold it.

``PRAGMA journal_mode=WAL`` needs the file to itself for a moment and, unlike other
statements, does not wait on ``busy_timeout``: SQLite answers ``database is locked`` at
once while another connection holds a write transaction. Two workers starting on a new
store do exactly that (one creates the tables while the other asks for WAL), and the
second worker then failed to start. :func:`enable_wal` retries for a bounded time; WAL is
kept in the file, so only the first opening of a file ever waits.
"""

from __future__ import annotations

import sqlite3
import time

WAL_WAIT_SECONDS = 10.0
"""How long :func:`enable_wal` retries while another connection holds the file."""


def enable_wal(conn: sqlite3.Connection, wait_seconds: float = WAL_WAIT_SECONDS) -> None:
    """Put the file of ``conn`` in WAL mode, retrying while it is locked (start-up only).

    Raises
    ------
    sqlite3.OperationalError
        If the file is still locked after ``wait_seconds``, or on any other error.
    """
    deadline = time.monotonic() + wait_seconds
    pause = 0.005
    while True:
        try:
            conn.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() + pause > deadline:
                raise
        time.sleep(pause)  # start-up, never a request thread
        pause = min(pause * 2, 0.2)
