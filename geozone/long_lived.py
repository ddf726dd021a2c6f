"""Keep the layer data out of the cyclic garbage collector's full passes (``gc.freeze``).

A service holds ~280,000 GC-tracked objects of layer data on the demo layers (the
catalog's geometries, and per lane the prepared copies, their boundaries, ``Feature``
and ``FeatureRef`` objects). CPython's full (generation 2) collection walks every one of
them; under load it ran every few seconds and held the GIL for 100-200 ms each time
(measured with a ``gc.callbacks`` hook under ``benchmarks/bench_api.py``), which was the
point lookups' p99. None of that data is garbage while its generation is served.

:func:`enable` (the service's start-up) turns settling on; :func:`settle_soon` is called
when layer data was built (an index for a lane, :mod:`geozone.feature_index`) or a new
layer set generation was published. Once nothing has been built for
:data:`QUIET_SECONDS`, a daemon thread collects and then freezes what is alive
(``gc.freeze``): later full passes walk only objects made since. Frozen objects are still
freed by reference counting when dropped; only a reference cycle among them would stay.
So after a new generation is published the next settle first unfreezes everything and
makes one full pass (the old generation's cycles are collected): one pause per admin
change, instead of one every few seconds.

Objects made later (caches filling under load: answer templates, boundary parts) would
make each later full pass longer again, so while settling is on, what survives a full
pass is frozen right after it (a ``gc.callbacks`` hook; ``gc.freeze`` only moves lists):
each full pass walks only what was made since the previous one. Under the benchmark's
load these passes took 6-17 ms instead of 100-200 ms.

CLI runs and tests that never call :func:`enable` are not affected.
"""

from __future__ import annotations

import gc
import logging
import threading
import time

log = logging.getLogger(__name__)

QUIET_SECONDS = 1.0
"""How long after the last build or publish the live objects are frozen."""


class _Settler:
    """The one pending settle (a daemon thread); everything below is guarded by ``lock``."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.enabled = False
        self.due = 0.0  # monotonic time of the next settle
        self.full = False  # the next settle unfreezes first (a generation was replaced)
        self.thread: threading.Thread | None = None
        self.settles = 0

    def request(self, full: bool) -> None:
        with self.lock:
            if not self.enabled:
                return
            self.due = time.monotonic() + QUIET_SECONDS
            self.full = self.full or full
            if self.thread is None:
                self.thread = threading.Thread(target=self._run, name="geozone-gc", daemon=True)
                self.thread.start()

    def _run(self) -> None:
        while True:
            with self.lock:
                wait = self.due - time.monotonic()
                if wait <= 0 or not self.enabled:
                    full, self.full = self.full, False
                    self.thread = None
                    enabled = self.enabled
                    break
            time.sleep(wait)  # a daemon thread of its own, never a request's
        if enabled:
            settle(full)


_SETTLER = _Settler()


def _after_collection(phase: str, info: dict[str, int]) -> None:
    """Freeze the survivors of a full pass while settling is on (a ``gc.callbacks`` hook)."""
    if phase == "stop" and info["generation"] == 2 and _SETTLER.enabled:
        gc.freeze()


def enable() -> None:
    """Turn settling on for this process (a service, at start-up) and settle soon."""
    with _SETTLER.lock:
        _SETTLER.enabled = True
        if _after_collection not in gc.callbacks:
            gc.callbacks.append(_after_collection)
    _SETTLER.request(full=True)


def disable() -> None:
    """Turn settling off and unfreeze everything (a service's shutdown; tests)."""
    with _SETTLER.lock:
        _SETTLER.enabled = False
        if _after_collection in gc.callbacks:
            gc.callbacks.remove(_after_collection)
    gc.unfreeze()


def settle_soon(*, full: bool = False) -> None:
    """Settle once nothing was built for :data:`QUIET_SECONDS` (no-op unless enabled).

    ``full``: a layer set generation was replaced, unfreeze first so its cycles go.
    """
    _SETTLER.request(full)


def settle(full: bool = False) -> None:
    """Collect, then freeze what is alive; with ``full``, unfreeze and collect everything first."""
    started = time.perf_counter()
    if full:
        gc.unfreeze()
    collected = gc.collect()
    gc.freeze()
    _SETTLER.settles += 1
    log.debug(
        "froze %d objects (%s pass, %d collected) in %.0f ms",
        gc.get_freeze_count(),
        "full" if full else "young",
        collected,
        (time.perf_counter() - started) * 1e3,
    )


def settles() -> int:
    """How many times this process has settled (for tests)."""
    return _SETTLER.settles
