"""What a serving process reads and writes: a layer folder + SQLite, or the database.

:func:`open_storage` picks by ``GEOZONE_DATABASE_URL``:

- unset: the layer folder (``GEOZONE_LAYERS_DIR``) followed by
  :class:`~geozone.layer_follower.LayerFollower`, changed by
  :class:`~geozone.layer_changes.LayerChanges` with the audit log file, and the SQLite
  :class:`~geozone.report_store.ReportStore`;
- set: PostgreSQL/PostGIS: :class:`~geozone.db.layer_store.PostgisLayerStore` followed by
  :class:`~geozone.db.follower.DatabaseFollower` (LISTEN/NOTIFY), changed by
  :class:`~geozone.db.changes.DatabaseChanges` (audit log in the database) and the
  :class:`~geozone.db.report_store.PostgresReportStore`. No layer folder is read.

Either way the initial state is loaded and published before this returns (errors
propagate: a database that is down raises
:class:`~geozone.errors.DatabaseUnavailable`, one without a layer set
:class:`~geozone.db.layer_store.EmptyDatabase`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from geozone.layer_changes import Changes
from geozone.layer_follower import Follower, LayerState
from geozone.settings import Settings
from geozone.signing import Signer
from geozone.stores import ReportStore


@dataclass
class Storage:
    """The stores of one serving process and how to close them."""

    source: str
    """``folder <path>`` or ``database <host:port/db>`` (logs, never a password)."""
    follower: Follower
    changes: Changes
    reports: ReportStore
    database: Any = None
    """The :class:`~geozone.db.connection.Database` when on one, else ``None``."""
    layer_store: Any = None
    """The :class:`~geozone.db.layer_store.PostgisLayerStore` when on a database (e.g. for
    a hit finder that asks it by SQL), else ``None``."""
    _closers: list[Callable[[], None]] = field(default_factory=list)

    def health(self) -> dict[str, Any] | None:
        """``{"reachable", "error", "where"}`` of the database (a ``SELECT 1``); None without."""
        if self.database is None:
            return None
        result: dict[str, Any] = self.database.ping()
        return result

    def close(self) -> None:
        """Close the report store, the layer store and the database pool, in that order."""
        for close in self._closers:
            close()


def open_storage(
    settings: Settings, publish: Callable[[LayerState], None], signer: Signer | None = None
) -> Storage:
    """Open the stores ``settings`` name and publish the current layer state.

    ``signer`` signs every answer the report store keeps (:mod:`geozone.signing`).
    """
    if settings.database_url:
        return _database_storage(settings, publish, signer)
    from geozone.audit import AuditLog
    from geozone.layer_changes import LayerChanges
    from geozone.layer_follower import LayerFollower
    from geozone.report_store import ReportStore as SqliteReportStore

    follower = LayerFollower(settings.layers_dir, publish, settings.layer_poll_s)
    follower.load_initial()
    reports = SqliteReportStore(settings.report_store_path, signer=signer)
    return Storage(
        source=f"folder {follower.root}",
        follower=follower,
        changes=LayerChanges(follower.root, AuditLog(settings.audit_path)),
        reports=reports,
        _closers=[reports.close],
    )


def memory_max_features(settings: Settings) -> int | None:
    """Most features of a layer version loaded into memory (``None``: all; sql mode only)."""
    return settings.sql_memory_max_features if settings.lookup == "sql" else None


def _database_storage(
    settings: Settings, publish: Callable[[LayerState], None], signer: Signer | None
) -> Storage:
    from geozone.db.changes import DatabaseChanges
    from geozone.db.connection import Database
    from geozone.db.follower import DatabaseFollower
    from geozone.db.layer_store import PostgisLayerStore
    from geozone.db.report_store import PostgresReportStore

    assert settings.database_url
    db = Database(settings.database_url, min_size=1, max_size=10)
    try:
        store = PostgisLayerStore(db, memory_max_features=memory_max_features(settings))
        follower = DatabaseFollower(store, publish, settings.database_check_s)
        follower.load_initial()
        reports = PostgresReportStore(db, signer=signer)
    except BaseException:
        db.close()
        raise
    return Storage(
        source=f"database {db.where}",
        follower=follower,
        changes=DatabaseChanges(store, follower),
        reports=reports,
        database=db,
        layer_store=store,
        _closers=[reports.close, store.close, db.close],
    )
