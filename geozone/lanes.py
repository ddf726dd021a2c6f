"""Lanes: one thread and the GEOS index objects only that thread uses.

GEOS prepared geometries and STRtrees build internal state lazily, on first use, and
are not safe to use from two threads at once: concurrent parcel lookups sharing one
prepared zone array crashed the service (a segfault in libgeos). Plain (unprepared)
geometries that nobody prepares or modifies may be read by many threads.

A *lane* is one thread plus its own caches of such objects: the lookup's layer and
selection indexes (own copies of the zone geometries, prepared, with their STRtree,
point grid and near-boundary parts), the OGC bbox trees. :func:`current_lane` returns
the calling thread's lane, created on first use; it is a thread-local attribute read,
no lock, so the point path stays as fast as with module-level caches.

Every lane is registered process-wide (:func:`registered_lanes`, weakly: a finished
thread's lane leaves the registry), so :func:`geozone.lookup.prepare` can build the
index of a new catalog for every lane before that catalog is published. Building a
lane's objects in another thread is a hand-over, not sharing: the builder stores them
in the lane's cache only when it has finished with them, and the lane's own thread is
their only user from then on (the catalog they belong to is not yet visible to it).

A service bounds the number of lanes by running geometry work on a fixed pool of
threads (``api.main``: the event loop thread plus ``geometry_threads`` pool threads,
each registered at start with :func:`register_current_thread`).
"""

from __future__ import annotations

import threading
import weakref
from collections import OrderedDict
from collections.abc import Hashable
from typing import Any, Generic, TypeVar

V = TypeVar("V")

__all__ = [
    "Lane",
    "LaneCache",
    "current_lane",
    "primary_lanes",
    "register_current_thread",
    "registered_lanes",
]


class LaneCache(Generic[V]):
    """Values keyed by objects (held weakly, matched by identity) and a hashable extra.

    The oldest entry goes beyond ``size``; an entry goes when an object of its key is
    collected. Reads take no lock (one dict read); writes take the lane's lock, since
    :func:`geozone.lookup.prepare` may store into another thread's lane.
    """

    def __init__(self, lock: threading.RLock, size: int) -> None:
        self._lock = lock
        self._size = size
        self._data: OrderedDict[tuple[Any, ...], tuple[tuple[weakref.ref[Any], ...], V]] = (
            OrderedDict()
        )

    def __len__(self) -> int:
        return len(self._data)

    def get(self, objs: tuple[object, ...], extra: Hashable = None) -> V | None:
        """The value stored for these very objects and ``extra``, or ``None``."""
        hit = self._data.get((*map(id, objs), extra))
        if hit is not None and all(r() is o for r, o in zip(hit[0], objs, strict=True)):
            return hit[1]
        return None

    def get1(self, obj: object, extra: Hashable = None) -> V | None:
        """:meth:`get` for a key of one object (the hot path of a point lookup)."""
        hit = self._data.get((id(obj), extra))
        if hit is not None and hit[0][0]() is obj:
            return hit[1]
        return None

    def put(self, objs: tuple[object, ...], extra: Hashable, value: V) -> V:
        """Store ``value`` unless one is already stored for the key; return the one kept."""
        key = (*map(id, objs), extra)

        def forget(ref: weakref.ref[Any]) -> None:
            with self._lock:
                hit = self._data.get(key)
                if hit is not None and any(r is ref for r in hit[0]):
                    del self._data[key]

        with self._lock:
            found = self.get(objs, extra)
            if found is not None:
                return found
            self._data[key] = (tuple(weakref.ref(o, forget) for o in objs), value)
            while len(self._data) > self._size:
                self._data.popitem(last=False)
        return value

    def clear(self) -> None:
        """Drop every entry."""
        with self._lock:
            self._data.clear()


class Lane:
    """One thread's GEOS index objects, in named caches (see the module docstring)."""

    __slots__ = ("__weakref__", "_caches", "lock", "thread_ident", "thread_name")

    def __init__(self, thread: threading.Thread) -> None:
        self.thread_name = thread.name
        self.thread_ident = thread.ident
        self.lock = threading.RLock()
        self._caches: dict[str, LaneCache[Any]] = {}

    def cache(self, name: str, size: int = 64) -> LaneCache[Any]:
        """The lane's cache called ``name`` (created with ``size`` on first use)."""
        found = self._caches.get(name)
        if found is None:
            with self.lock:
                found = self._caches.setdefault(name, LaneCache(self.lock, size))
        return found

    def __repr__(self) -> str:
        return f"<Lane of thread {self.thread_name!r} ({self.thread_ident})>"


_local = threading.local()
_registry: weakref.WeakSet[Lane] = weakref.WeakSet()
_registry_lock = threading.Lock()
_primary: weakref.WeakSet[Lane] = weakref.WeakSet()


def _new_lane() -> Lane:
    lane = Lane(threading.current_thread())
    _local.lane = lane  # the thread-local holds the only strong reference
    with _registry_lock:
        _registry.add(lane)
    return lane


def current_lane() -> Lane:
    """The calling thread's lane (created and registered on first use)."""
    try:
        lane: Lane = _local.lane
    except AttributeError:
        return _new_lane()
    return lane


def register_current_thread(primary: bool = False) -> Lane:
    """Register the calling thread's lane now, so warm-ups build for it before it asks.

    For a thread pool's ``initializer=`` and a service's event loop thread. ``primary``
    marks the lane whose index a new catalog must have before it is served (the event
    loop's, which answers point lookups): :func:`primary_lanes`.
    """
    lane = current_lane()
    if primary:
        with _registry_lock:
            _primary.add(lane)
    return lane


def primary_lanes() -> list[Lane]:
    """The lanes registered with ``primary=True`` that are still alive."""
    with _registry_lock:
        return list(_primary)


def registered_lanes() -> list[Lane]:
    """Every lane of a live thread."""
    with _registry_lock:
        return list(_registry)
