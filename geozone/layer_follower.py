"""Follow a layer folder's current generation: reload in the background, publish at once.

Each serving process holds one :class:`LayerState` (catalog, rules and generation,
immutable together) and a :class:`LayerFollower` that replaces it:

- a background thread looks at the folder every ``interval_s`` (0.5 s): a ``stat`` of
  ``manifest.toml``, of the generation file and of the rule files. When one changed it
  reads the layer-set hash and change counter under the shared change lock (never in
  the middle of a change), and if they differ from what it serves it loads the catalog
  and rules, calls :func:`geozone.lookup.prepare` on the new catalog and publishes the
  new state, all in that thread, off the request path;
- the process that made a change publishes its fresh catalog itself
  (:meth:`LayerFollower.publish_change`) without waiting for the thread;
- a reload that fails (a folder broken by hand) keeps the old state serving and is
  logged and kept in :attr:`LayerFollower.reload_error`, until a later change loads.

Publishing is one call of the ``publish`` callback with the whole state, under a lock,
and a background load that started before a newer state was published is dropped.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from geozone.audit import utc_now
from geozone.catalog import Catalog, load_catalog
from geozone.layer_changes import (
    GENERATION_NAME,
    Generation,
    disk_generation,
    ensure_lock_file,
    shared_lock,
)
from geozone.lookup import prepare
from geozone.manifest import MANIFEST_NAME
from geozone.rules import RuleTable, load_rules

log = logging.getLogger(__name__)

Stamp = tuple[tuple[str, int, int, int], ...]


@dataclass(frozen=True)
class LayerState:
    """What a process serves: a catalog, its rules and their generation, swapped together."""

    catalog: Catalog
    rules: RuleTable
    generation: Generation


class Follower(Protocol):
    """What keeps a serving process on the current generation of its layer store.

    :class:`LayerFollower` (a layer folder) and
    :class:`geozone.db.follower.DatabaseFollower` (PostgreSQL, LISTEN/NOTIFY) implement it.
    """

    @property
    def current(self) -> LayerState:
        """The state published last."""
        ...

    def load_initial(self) -> LayerState:
        """Load and publish the current state (start-up; errors propagate)."""
        ...

    def publish_change(self, catalog: Catalog, generation: Generation) -> LayerState:
        """Serve at least ``generation`` (just made by this process) now; the state served."""
        ...

    def start(self) -> None:
        """Start following in the background."""
        ...

    def stop(self, timeout_s: float = 5.0) -> None:
        """Stop following."""
        ...

    def health(self) -> dict[str, Any]:
        """What ``/healthz`` shows under ``layers``."""
        ...


def folder_stamp(root: Path, rules_dir: Path | None) -> Stamp:
    """``(name, mtime_ns, size, inode)`` of the manifest, generation file and rule files."""
    paths = [root / MANIFEST_NAME, root / GENERATION_NAME]
    if rules_dir is not None and rules_dir.is_dir():
        paths.extend(sorted(p for p in rules_dir.iterdir() if not p.name.startswith(".")))
    out = []
    for path in paths:
        try:
            st = path.stat()
        except OSError:
            out.append((path.name, 0, -1, 0))
            continue
        out.append((path.name, st.st_mtime_ns, st.st_size, st.st_ino))
    return tuple(out)


class LayerFollower:
    """Keep a process on the current generation of a layer folder.

    Parameters
    ----------
    root
        The layer folder.
    publish
        Called with each new :class:`LayerState` (e.g. assigns it on ``app.state``).
    interval_s
        Seconds between looks at the folder.
    """

    def __init__(
        self, root: Path, publish: Callable[[LayerState], None], interval_s: float = 0.5
    ) -> None:
        self.root = Path(root).resolve()
        self.interval_s = interval_s
        self._publish_cb = publish
        self._lock = threading.Lock()
        self._seq = 0
        self._current: LayerState | None = None
        self._seen: Stamp | None = None
        self._rules_seen: Stamp | None = None
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.reload_error: dict[str, Any] | None = None
        self.checked_at: str | None = None

    @property
    def current(self) -> LayerState:
        """The state published last."""
        if self._current is None:
            raise RuntimeError("no layer state loaded yet")
        return self._current

    # -- loading and publishing

    def _load(self, expected: Generation, rules_changed: bool = True) -> LayerState | None:
        """Load catalog and rules; None when the folder moved on meanwhile.

        Versions whose files did not change are taken from the catalog in force, and so
        are the rules when no rule file changed.
        """
        current = self._current
        catalog = load_catalog(self.root, previous=current.catalog if current else None)
        if catalog.hash != expected.id:
            return None
        if (
            current is not None
            and not rules_changed
            and catalog.rules_dir == current.catalog.rules_dir
        ):
            rules = current.rules
        else:
            rules = load_rules(catalog.rules_dir)
        prepare(catalog)
        return LayerState(catalog, rules, replace_loaded(expected))

    def load_initial(self, attempts: int = 5) -> LayerState:
        """Load and publish the folder's current state (start-up; errors propagate)."""
        ensure_lock_file(self.root)
        for _ in range(attempts):
            stamp = folder_stamp(self.root, self.root / "rules")
            with shared_lock(self.root, wait=True):
                generation = disk_generation(self.root)
            state = self._load(generation)
            if state is not None:
                self._publish(state, None)
                self._seen = stamp if stamp == self._stamp() else None
                self._rules_seen = stamp[2:]
                return state
        raise RuntimeError(f"{self.root} kept changing while it was loaded")

    def _publish(self, state: LayerState, based_on: int | None, not_older: bool = False) -> bool:
        with self._lock:
            if based_on is not None and based_on != self._seq:
                return False  # a newer state was published while this one loaded
            current = self._current
            if not_older and current and current.generation.counter > state.generation.counter:
                return False
            self._seq += 1
            self._current = state
            self._publish_cb(state)
            return True

    def publish_change(self, catalog: Catalog, generation: Generation) -> LayerState:
        """Publish the catalog a change of this process just wrote.

        A change never touches the rules: those in force are kept (the watcher reloads
        them when a rule file changes).
        """
        current = self.current
        if catalog.rules_dir == current.catalog.rules_dir:
            rules = current.rules
        else:
            rules = load_rules(catalog.rules_dir)
        prepare(catalog)
        state = LayerState(catalog, rules, replace_loaded(generation))
        # the watcher may already serve a later change of another process: keep that
        self._publish(state, None, not_older=True)
        self._seen = None  # the watcher looks again: the folder may have moved on since
        return self.current

    # -- watching

    def _stamp(self) -> Stamp:
        rules_dir = self._current.catalog.rules_dir if self._current else self.root / "rules"
        return folder_stamp(self.root, rules_dir)

    def check(self) -> bool:
        """Look at the folder once; load and publish a new generation. True if published."""
        stamp = self._stamp()
        self.checked_at = utc_now()
        if stamp == self._seen:
            return False
        seq = self._seq
        current = self._current
        try:
            with shared_lock(self.root, wait=False) as locked:
                if not locked:
                    return False  # a change is being written: look again next time
                stamp = self._stamp()
                generation = disk_generation(self.root)
            rules_changed = stamp[2:] != self._rules_seen
            if (
                current is not None
                and generation.id == current.generation.id
                and generation.counter == current.generation.counter
                and not rules_changed
            ):
                self._seen = stamp
                self.reload_error = None  # the folder is (again) what this process serves
                return False
            state = self._load(generation, rules_changed)
        except Exception as exc:
            self._seen = stamp  # retried when the folder changes again
            self.reload_error = {
                "at": utc_now(),
                "error": type(exc).__name__,
                "message": getattr(exc, "message", None) or str(exc),
            }
            log.exception("layer folder %s does not load; the old generation stays", self.root)
            return False
        if state is None or not self._publish(state, seq):
            return False  # moved on meanwhile: look again next time
        self._seen = stamp
        self._rules_seen = stamp[2:]
        self.reload_error = None
        log.info(
            "pid %d now serves generation %d (%s)",
            os.getpid(),
            state.generation.counter,
            state.generation.id,
        )
        return True

    def _run(self) -> None:
        while not self._stop.wait(self.interval_s):
            try:
                self.check()
            except Exception:  # never let the watcher die
                log.exception("layer follower check failed")

    def start(self) -> None:
        """Start the background thread (a daemon)."""
        if self._thread is None:
            self._stop.clear()
            self._thread = threading.Thread(
                target=self._run, name="geozone-layer-follower", daemon=True
            )
            self._thread.start()

    def stop(self, timeout_s: float = 5.0) -> None:
        """Stop the background thread and wait for it (a load in progress finishes)."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout_s)
            self._thread = None

    def health(self) -> dict[str, Any]:
        """``{"reload_error", "checked_at", "interval_s"}`` for ``/healthz``."""
        return {
            "reload_error": self.reload_error,
            "checked_at": self.checked_at,
            "interval_s": self.interval_s,
        }


def replace_loaded(generation: Generation) -> Generation:
    """The generation stamped as loaded now."""
    return Generation(generation.id, generation.counter, utc_now())
