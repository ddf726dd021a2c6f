"""Connections to the geozone database: a pool opened from ``GEOZONE_DATABASE_URL``.

A database that cannot be reached raises :class:`~geozone.errors.DatabaseUnavailable`
(HTTP 503) whose message names ``host:port/db`` and the reason, never the password.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import psycopg
from psycopg.conninfo import conninfo_to_dict
from psycopg_pool import ConnectionPool, PoolTimeout

from geozone.errors import DatabaseUnavailable, GeozoneError

log = logging.getLogger(__name__)

CONNECT_TIMEOUT_S = 5
"""Seconds a new connection may take before the database counts as down."""
POOL_TIMEOUT_S = 5.0
"""Seconds a caller waits for a pooled connection before 503 (default of ``wait_s``)."""


def describe(url: str) -> str:
    """``host:port/db`` of a database URL or conninfo string, without user or password.

    >>> describe("postgresql://geozone:secret@db.example:5433/zones")
    'db.example:5433/zones'
    """
    try:
        info = conninfo_to_dict(url)
    except psycopg.ProgrammingError:
        return "<unparsable database URL>"
    host = str(info.get("host") or info.get("hostaddr") or "localhost")
    return f"{host}:{info.get('port') or 5432}/{info.get('dbname') or info.get('user') or ''}"


def _reason(exc: BaseException, url: str) -> str:
    """The first line of a driver error, with the password cut out if it appears."""
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    try:
        password = conninfo_to_dict(url).get("password")
    except psycopg.ProgrammingError:
        password = None
    if password:
        text = text.replace(str(password), "***")
    return text


def unavailable(url: str, exc: BaseException | None = None) -> DatabaseUnavailable:
    """The 503 error for a database that cannot be used (``host:port/db`` and why)."""
    where = describe(url)
    reason = _reason(exc, url) if exc is not None else "no connection"
    return DatabaseUnavailable(
        f"the database {where} is unavailable: {reason}", {"database": where}
    )


def check_url(url: str) -> str:
    """``url`` if it parses as a PostgreSQL URL or conninfo; else a clear error."""
    try:
        conninfo_to_dict(url)
    except psycopg.ProgrammingError as exc:
        raise GeozoneError(f"GEOZONE_DATABASE_URL is not a PostgreSQL URL: {exc}") from None
    return url


def connect(url: str, *, autocommit: bool = False) -> psycopg.Connection[Any]:
    """One connection outside any pool (LISTEN, the CLI); 503 if the database is down."""
    try:
        return psycopg.connect(
            check_url(url), autocommit=autocommit, connect_timeout=CONNECT_TIMEOUT_S
        )
    except psycopg.OperationalError as exc:
        raise unavailable(url, exc) from None


class Database:
    """A connection pool to one database, with errors that name it safely.

    Parameters
    ----------
    url
        ``postgresql://user:password@host:port/db`` (or a conninfo string).
    min_size, max_size
        Pool bounds.
    check
        Open one connection now, so a database that is down fails at start.
    wait_s
        Longest wait for a pooled connection (the database down: 503 after it).

    Raises
    ------
    DatabaseUnavailable
        If ``check`` and the database cannot be reached.
    """

    def __init__(
        self,
        url: str,
        *,
        min_size: int = 1,
        max_size: int = 8,
        check: bool = True,
        wait_s: float = POOL_TIMEOUT_S,
    ) -> None:
        self.url = check_url(url)
        self.wait_s = wait_s
        self.where = describe(url)
        if check:  # fails at once (connection refused) instead of after the pool timeout
            connect(self.url).close()
        self.pool = ConnectionPool(
            self.url,
            min_size=min_size,
            max_size=max_size,
            kwargs={"connect_timeout": CONNECT_TIMEOUT_S},
            check=ConnectionPool.check_connection,
            open=False,
            name=f"geozone {self.where}",
        )
        self.pool.open(wait=False)

    @contextmanager
    def connection(self) -> Iterator[psycopg.Connection[Any]]:
        """A pooled connection; a transaction committed on success, rolled back on error.

        Raises
        ------
        DatabaseUnavailable
            If no connection can be had, or it breaks (the transaction is rolled back).
        """
        try:
            with self.pool.connection(timeout=self.wait_s) as conn:
                yield conn
        except PoolTimeout as exc:
            raise unavailable(self.url, exc) from None
        except psycopg.OperationalError as exc:
            raise unavailable(self.url, exc) from None

    def ping(self, timeout_s: float = 1.0) -> dict[str, Any]:
        """``{"reachable", "error", "where"}``: one ``SELECT 1`` on a pooled connection.

        Waits at most ``timeout_s`` for a connection (``/healthz`` must answer quickly
        while the database is down); never raises.
        """
        try:
            with self.pool.connection(timeout=timeout_s) as conn:
                conn.execute("SELECT 1")
        except (PoolTimeout, psycopg.Error) as exc:
            return {"reachable": False, "error": unavailable(self.url, exc).message,
                    "where": self.where}  # fmt: skip
        return {"reachable": True, "error": None, "where": self.where}

    def close(self) -> None:
        """Close every connection of the pool."""
        self.pool.close()

    def __enter__(self) -> Database:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def open_database(url: str | None = None, **kwargs: Any) -> Database:
    """A :class:`Database` for ``url`` or else the ``GEOZONE_DATABASE_URL`` setting.

    Raises
    ------
    GeozoneError
        If neither is set.
    DatabaseUnavailable
        If the database cannot be reached.
    """
    if url is None:
        from geozone.settings import Settings

        url = Settings().database_url
    if not url:
        raise GeozoneError("no database: set GEOZONE_DATABASE_URL (postgresql://...)")
    return Database(url, **kwargs)
