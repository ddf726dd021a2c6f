"""The selection in force: the layer versions a catalog has on one date, and their index.

:func:`selection` caches per catalog and date in the calling thread's lane
(:mod:`geozone.lanes`); :func:`prepare` builds it ahead for every lane, so no thread's
first lookup pays for the in-memory index (:mod:`geozone.feature_index`).
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from geozone.catalog import Catalog, LayerVersion
from geozone.feature_index import (
    SelectionIndex,
    build_layer_index,
    build_selection_index,
    gcj_reach,
    selection_index,
)
from geozone.hits import LayerMeta
from geozone.lanes import Lane, current_lane, primary_lanes, registered_lanes
from geozone.vocab import LayerKind


@dataclass(frozen=True)
class Selection:
    """What a lookup needs from a catalog on one date (cached per catalog and date).

    ``layers`` name the versions in force in catalog order (a feature's ``layer`` is a
    position in it); ``index`` is the in-memory finder's index over their features.
    """

    versions: tuple[LayerVersion, ...]
    index: SelectionIndex
    has_admin_layer: bool
    entry_synthetic: bool  # a layer version in force is synthetic as a whole
    layerset: dict[str, str]  # the catalog's id, version and hash
    memo: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)
    """Per-selection caches of other modules (:mod:`geozone.answer_templates`)."""

    @property
    def layers(self) -> tuple[LayerMeta, ...]:
        """The layer versions in force as the answer names them, in catalog order."""
        return self.index.layers


SELECTION_CACHE_SIZE = 256
"""Selections (catalog, date) kept per lane."""


def selection(catalog: Catalog, as_of: date, lane: Lane | None = None) -> Selection:
    """The layer versions in force on ``as_of`` and their index, cached per catalog and date.

    Cached in ``lane`` (default: the calling thread's, :func:`geozone.lanes.current_lane`),
    so no two threads share its prepared geometries, tree or memos. A loaded
    :class:`Catalog` is not changed in place (admin changes build a new one), so the
    versions in force on a date are fixed for the catalog's lifetime.
    """
    cache = (lane or current_lane()).cache("selection", SELECTION_CACHE_SIZE)
    found: Selection | None = cache.get1(catalog, as_of)
    if found is None:
        found = cache.put((catalog,), as_of, build_selection(catalog, as_of, lane))
    return found


def cached_selection(catalog: Catalog, as_of: date, lane: Lane) -> Selection | None:
    """The selection ``lane`` holds for ``catalog`` on ``as_of``, without building one."""
    found: Selection | None = lane.cache("selection", SELECTION_CACHE_SIZE).get1(catalog, as_of)
    return found


def build_selection(catalog: Catalog, as_of: date, lane: Lane | None) -> Selection:
    """Build the :class:`Selection` of ``catalog`` on ``as_of`` for ``lane``."""
    versions = tuple(catalog.select(as_of))
    if lane is None or lane is current_lane():
        index = selection_index(list(versions))
    else:
        # built for another thread's lane (a warm-up): from fresh layer indexes, reading
        # nothing that lane holds, and handed over only once finished (selection())
        layers = tuple(build_layer_index(v) for v in versions)
        index = build_selection_index(layers, versions)
    return Selection(
        versions,
        index,
        has_admin_layer=any(li.kind == LayerKind.ADMIN for li in index.layers),
        entry_synthetic=any(li.entry_synthetic for li in index.layers),
        layerset={"id": catalog.info.id, "version": catalog.info.version, "hash": catalog.hash},
    )


def prepare(
    catalog: Catalog, as_of: date | None = None, lanes: Iterable[Lane] | None = None
) -> None:
    """Build the index of the layer versions in force on ``as_of`` (default today) now.

    For every lane in ``lanes`` (default: every registered lane,
    :func:`geozone.lanes.registered_lanes`, or the caller's when none is), so that no
    thread's first lookup pays for its index. A service calls it at start-up, and a
    reloader calls it in a background thread with a new catalog before publishing it:
    the lanes' objects are built here and handed over, each used only by its own lane's
    thread once that thread sees the catalog (:mod:`geozone.lanes`).
    """
    day = as_of or date.today()
    targets = list(lanes) if lanes is not None else registered_lanes()
    for lane in targets or [current_lane()]:
        if cached_selection(catalog, day, lane) is None:
            built = build_selection(catalog, day, lane)
            gcj_reach(built)  # with the rest, so the lane's first point does not pay for it
            lane.cache("selection", SELECTION_CACHE_SIZE).put((catalog,), day, built)


def prepare_primary_first(catalog: Catalog) -> None:
    """Build the primary lanes' index now and every other lane's in a background thread.

    For a change made while a request waits (an admin upload or retire): the event
    loop's lane (:func:`geozone.lanes.primary_lanes`, which answers point lookups) has its
    index before the new catalog is served, and the caller does not also wait for the
    geometry pool's and the job runner's lanes (each ~0.3 s on the demo layers). A pool
    thread that asks before its index is handed over builds its own (the first one
    stored is kept, :meth:`~geozone.lanes.LaneCache.put`); no GEOS object is used by two
    threads either way.
    """
    primary = primary_lanes()
    prepare(catalog, lanes=primary or None)
    rest = [lane for lane in registered_lanes() if lane not in primary]
    if rest:
        threading.Thread(
            target=prepare, args=(catalog, None, rest), name="geozone-prepare", daemon=True
        ).start()
