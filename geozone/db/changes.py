"""Admin layer changes on the database: :class:`DatabaseChanges`.

The :class:`~geozone.layer_changes.Changes` the admin routes call when the service runs
on ``GEOZONE_DATABASE_URL``: each upload or retire is one transaction of
:class:`~geozone.db.layer_store.PostgisLayerStore` (lock, ``If-Match`` compare, the
validation of ``geozone layers validate``, rows, audit entry, generation + NOTIFY), then
this process loads the committed state before it answers
(:meth:`DatabaseFollower.publish_change`); every other process follows on the NOTIFY.
The audit log is the database's (:mod:`geozone.db.audit`).
"""

from __future__ import annotations

import os
from typing import Any

from geozone.catalog import Catalog
from geozone.db.audit import DatabaseAuditLog
from geozone.db.follower import DatabaseFollower
from geozone.db.layer_store import PostgisLayerStore, StoredChange
from geozone.errors import GeozoneError
from geozone.layer_changes import ChangeResult, audit_entry


class DatabaseChanges:
    """Uploads and retires as database transactions (a :class:`~geozone.layer_changes.Changes`).

    Parameters
    ----------
    store
        The layer store the changes go to.
    follower
        This process's follower, which loads the change before the answer.
    """

    def __init__(self, store: PostgisLayerStore, follower: DatabaseFollower) -> None:
        self.store = store
        self.follower = follower

    @property
    def audit(self) -> DatabaseAuditLog:
        """The audit log in ``geozone.audit_log``."""
        return self.store.audit

    def _result(self, change: StoredChange) -> ChangeResult:
        state = self.follower.publish_change(self.follower.current.catalog, change.after)
        return ChangeResult(state.catalog, change.after, change.before, change.report)

    def upload(
        self,
        current: Catalog,
        who: str,
        layer_id: str,
        fields: dict[str, str | None],
        data: bytes,
        filename: str,
        expected: str | None = None,
    ) -> ChangeResult:
        """:meth:`PostgisLayerStore.upload`, validated against the committed state.

        ``current`` (what the caller serves) is not used: the database decides.
        """
        change = self.store.upload(layer_id, fields, data, filename, who=who, expected=expected)
        return self._result(change)

    def retire(
        self,
        current: Catalog,
        who: str,
        layer_id: str,
        version: str,
        valid_to: str,
        expected: str | None = None,
    ) -> ChangeResult:
        """:meth:`PostgisLayerStore.retire`, validated against the committed state."""
        change = self.store.retire(layer_id, version, valid_to, who=who, expected=expected)
        return self._result(change)

    def refused(self, record: dict[str, Any], exc: GeozoneError) -> None:
        """Record an attempt refused before it reached the database (401/403)."""
        self.audit.append(audit_entry(record, exc, 0, os.getpid()))
