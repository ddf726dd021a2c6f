"""Follow the database's layer-set generation: LISTEN/NOTIFY, reload off the request path.

Each serving process (every worker on every machine) holds one
:class:`~geozone.layer_follower.LayerState` and a :class:`DatabaseFollower` that replaces
it, the database counterpart of :class:`geozone.layer_follower.LayerFollower`:

- a background thread waits on ``LISTEN geozone_layers``
  (:meth:`PostgisLayerStore.wait_for_change`) for at most ``check_s`` seconds (1 s), and
  reads the ``layer_set`` row's generation before every wait: a notification lost while
  the LISTEN connection was down (a database restart, a network cut) is made up for by
  that periodic check, so a new generation is seen within ``check_s`` at worst;
- a new generation is loaded in that thread (:meth:`PostgisLayerStore.load`: one
  ``REPEATABLE READ`` transaction, unchanged versions reused), its lookup index prepared,
  and the whole state (catalog, rules, generation) published in one call: requests read
  either the old state or the new one, never a mix;
- the process that made a change (an admin upload) loads it at once
  (:meth:`publish_change`) instead of waiting for its own notification;
- while the database cannot be reached the old state keeps serving lookups and
  :attr:`database_error` says since when (``/healthz``); the thread retries every
  ``check_s`` and the LISTEN connection is opened again when the database is back.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable
from typing import Any

from geozone.audit import utc_now
from geozone.catalog import Catalog
from geozone.db.layer_store import PostgisLayerStore
from geozone.errors import DatabaseUnavailable, GeozoneError
from geozone.layer_changes import Generation
from geozone.layer_follower import LayerState
from geozone.lookup import prepare

log = logging.getLogger(__name__)


class DatabaseFollower:
    """Keep a process on the current generation of the database's layer set.

    Parameters
    ----------
    store
        The layer store (its pool and LISTEN connection).
    publish
        Called with each new :class:`LayerState` (e.g. assigns it on ``app.state``).
    check_s
        Longest wait for a notification before the generation is read anyway (seconds).
    """

    def __init__(
        self,
        store: PostgisLayerStore,
        publish: Callable[[LayerState], None],
        check_s: float = 1.0,
    ) -> None:
        self.store = store
        self.check_s = check_s
        self._publish_cb = publish
        self._load_lock = threading.Lock()
        self._current: LayerState | None = None
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.reload_error: dict[str, Any] | None = None
        self.database_error: dict[str, Any] | None = None
        self.checked_at: str | None = None

    @property
    def current(self) -> LayerState:
        """The state published last."""
        if self._current is None:
            raise RuntimeError("no layer state loaded yet")
        return self._current

    def load_initial(self) -> LayerState:
        """Load, prepare and publish the database's current state (errors propagate)."""
        with self._load_lock:
            state = self.store.load(None)
            prepare(state.catalog)
            self._set(state)
        return state

    def _set(self, state: LayerState) -> None:
        self._current = state
        self._publish_cb(state)

    def refresh(self) -> bool:
        """Load and publish the database's generation if it is not the one served.

        True if a new state was published. One load at a time: a second caller waits and
        then finds the state current.
        """
        with self._load_lock:
            now = self.store.generation()
            current = self._current
            if current is not None and (now.id, now.counter) == (
                current.generation.id,
                current.generation.counter,
            ):
                return False
            state = self.store.load(current)
            prepare(state.catalog)
            if current is not None and state.generation.counter < current.generation.counter:
                return False  # never go back (a counter only grows)
            self._set(state)
        log.info(
            "pid %d now serves generation %d (%s) from the database",
            os.getpid(),
            state.generation.counter,
            state.generation.id,
        )
        return True

    def publish_change(self, catalog: Catalog, generation: Generation) -> LayerState:
        """Serve at least ``generation``, committed by this process, before answering.

        ``catalog`` is not used: the state is read back from the database (what every
        other process will serve).
        """
        if self.current.generation.counter < generation.counter:
            self.refresh()
        return self.current

    # -- following

    def check(self) -> None:
        """Wait up to ``check_s`` for a new generation; load and publish it."""
        after = self.current.generation
        self.store.wait_for_change(after, self.check_s)
        self.checked_at = utc_now()
        self.refresh()

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                self.check()
                if self.database_error is not None:
                    log.info("database %s is back", self.store.db.where)
                self.database_error = None
                self.reload_error = None
            except DatabaseUnavailable as exc:
                if self.database_error is None:
                    log.error("%s; serving generation %d", exc.message, self._counter())
                    self.database_error = {"since": utc_now(), "message": exc.message}
                self._stop.wait(self.check_s)
            except Exception as exc:  # never let the follower die; the old state serves
                message = exc.message if isinstance(exc, GeozoneError) else str(exc)
                self.reload_error = {
                    "at": utc_now(),
                    "error": type(exc).__name__,
                    "message": message,
                }
                log.exception("the database's layer set does not load; the old one serves")
                self._stop.wait(self.check_s)

    def _counter(self) -> int:
        return self._current.generation.counter if self._current else -1

    def start(self) -> None:
        """Start the background thread (a daemon)."""
        if self._thread is None:
            self._stop.clear()
            self._thread = threading.Thread(
                target=self._run, name="geozone-db-follower", daemon=True
            )
            self._thread.start()

    def stop(self, timeout_s: float = 5.0) -> None:
        """Stop the background thread and wait for it (at most one wait of ``check_s``)."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout_s)
            self._thread = None

    def health(self) -> dict[str, Any]:
        """``{"source", "reload_error", "checked_at", "interval_s", "database_error"}``."""
        return {
            "source": "database",
            "reload_error": self.reload_error,
            "checked_at": self.checked_at,
            "interval_s": self.check_s,
            "database_error": self.database_error,
        }
