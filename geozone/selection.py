"""The selection in force: the layer versions a catalog has on one date, and their index.

:func:`selection` caches per catalog and date in the calling thread's lane
(:mod:`geozone.lanes`); :func:`prepare` builds it ahead for every lane, so no thread's
first lookup pays for the in-memory index (:mod:`geozone.feature_index`). The index is
built only when read (:attr:`Selection.index`): with ``GEOZONE_LOOKUP=sql``
(:mod:`geozone.lookup_mode`) the hits come from the database and no index is built.
"""

from __future__ import annotations

import threading
import weakref
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
    position in it); :attr:`index` is the in-memory finder's index over their features,
    built on first read (in the lane's own thread) unless :func:`prepare` built it ahead.
    """

    versions: tuple[LayerVersion, ...]
    layers: tuple[LayerMeta, ...]
    has_admin_layer: bool
    entry_synthetic: bool  # a layer version in force is synthetic as a whole
    layerset: dict[str, str]  # the catalog's id, version and hash
    memo: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)
    """Per-selection caches of other modules (:mod:`geozone.answer_templates`)."""
    owner: weakref.ref[Lane] | None = field(default=None, compare=False, repr=False)
    """The lane the selection was built for (its index is built in that lane's caches)."""

    @property
    def index(self) -> SelectionIndex:
        """The in-memory index over the features in force (built on first read).

        A selection belongs to one lane (:mod:`geozone.lanes`): only that lane's thread
        reads it, so the index built here is that thread's own.
        """
        found: SelectionIndex | None = self.memo.get("index")
        if found is None:
            lane = self.owner() if self.owner is not None else None
            found = self.memo["index"] = selection_index(list(self.versions), lane)
        return found


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


def build_selection(
    catalog: Catalog, as_of: date, lane: Lane | None, *, with_index: bool = False
) -> Selection:
    """Build the :class:`Selection` of ``catalog`` on ``as_of`` for ``lane``.

    ``with_index`` builds the in-memory index now (else on first read of ``index``).
    """
    versions = tuple(catalog.select(as_of))
    layers = tuple(LayerMeta.of(v) for v in versions)
    built = Selection(
        versions,
        layers,
        has_admin_layer=any(li.kind == LayerKind.ADMIN for li in layers),
        entry_synthetic=any(li.entry_synthetic for li in layers),
        layerset={"id": catalog.info.id, "version": catalog.info.version, "hash": catalog.hash},
        owner=weakref.ref(lane or current_lane()),
    )
    if with_index:
        if lane is None or lane is current_lane():
            built.memo["index"] = selection_index(list(versions))
        else:
            # built for another thread's lane (a warm-up): from fresh layer indexes,
            # reading nothing that lane holds, and handed over only once finished
            indexes = tuple(build_layer_index(v) for v in versions)
            built.memo["index"] = build_selection_index(indexes, versions)
    return built


def prepare(
    catalog: Catalog,
    as_of: date | None = None,
    lanes: Iterable[Lane] | None = None,
    *,
    with_index: bool | None = None,
) -> None:
    """Build the index of the layer versions in force on ``as_of`` (default today) now.

    ``with_index`` (default: when the lookup mode reads it, :mod:`geozone.lookup_mode`)
    builds the in-memory index too; in ``sql`` mode only the selection is built.

    For every lane in ``lanes`` (default: every registered lane,
    :func:`geozone.lanes.registered_lanes`, or the caller's when none is), so that no
    thread's first lookup pays for its index. A service calls it at start-up, and a
    reloader calls it in a background thread with a new catalog before publishing it:
    the lanes' objects are built here and handed over, each used only by its own lane's
    thread once that thread sees the catalog (:mod:`geozone.lanes`).
    """
    from geozone.lookup_mode import memory_index_wanted

    day = as_of or date.today()
    index = memory_index_wanted() if with_index is None else with_index
    targets = list(lanes) if lanes is not None else registered_lanes()
    for lane in targets or [current_lane()]:
        if cached_selection(catalog, day, lane) is None:
            built = build_selection(catalog, day, lane, with_index=index)
            if index:
                gcj_reach(built)  # with the rest, so the lane's first point does not pay
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
