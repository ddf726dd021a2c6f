"""Which hit finder answers lookups: ``GEOZONE_LOOKUP=memory|sql``.

``memory`` (default)
    :data:`~geozone.feature_index.MEMORY_FINDER`: an in-memory index of the layer
    versions in force, built per lane (:mod:`geozone.lanes`). The fastest; every feature
    in force is held in memory by every lookup thread.
``sql``
    :class:`~geozone.db.sql_finder.SqlFinder` over ``GEOZONE_DATABASE_URL``: spatial SQL
    against the subdivided feature parts, original geometries fetched per hit and kept in
    a bounded per-thread cache. For layer sets too large for memory; the same answers.
    No in-memory index is built (:func:`memory_index_wanted`).

The process-wide finder is chosen once, from the settings (:func:`configure`, or on first
use from the environment); :func:`geozone.lookup.lookup`, :func:`geozone.lookup.answer`
and :func:`geozone.batch.lookup_rows` use it when no finder is passed.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Any

from geozone.errors import GeozoneError
from geozone.feature_index import MEMORY_FINDER, MemoryFinder
from geozone.hits import HitFinder

if TYPE_CHECKING:
    from geozone.query import Query
    from geozone.selection import Selection
    from geozone.settings import Settings


class _Chosen:
    """The process-wide finder (``None``: not chosen yet)."""

    lock = threading.Lock()
    finder: HitFinder | None = None


def finder_for(settings: Settings) -> HitFinder:
    """A new finder for ``settings.lookup`` (``sql`` opens a pool to the database).

    Raises
    ------
    GeozoneError
        ``sql`` without ``GEOZONE_DATABASE_URL``.
    """
    if settings.lookup == "memory":
        return MEMORY_FINDER
    if not settings.database_url:
        raise GeozoneError(
            "GEOZONE_LOOKUP=sql needs GEOZONE_DATABASE_URL (postgresql://...): the hits come "
            "from the database's feature parts"
        )
    from geozone.db.sql_finder import SqlFinder

    return SqlFinder(settings.database_url, max_connections=settings.geometry_threads + 2)


def configure(settings: Settings) -> HitFinder:
    """Choose the process-wide finder from ``settings`` (closing an SQL finder replaced)."""
    finder = finder_for(settings)
    use_finder(finder)
    return finder


def use_finder(finder: HitFinder | None) -> HitFinder | None:
    """Make ``finder`` the process-wide one (``None``: choose again on next use)."""
    with _Chosen.lock:
        old, _Chosen.finder = _Chosen.finder, finder
    if old is not None and old is not finder and hasattr(old, "close"):
        old.close()
    return finder


def default_finder() -> HitFinder:
    """The process-wide finder (chosen from ``GEOZONE_LOOKUP`` on first use)."""
    found = _Chosen.finder
    if found is None:
        from geozone.settings import Settings

        with _Chosen.lock:
            if _Chosen.finder is None:
                _Chosen.finder = finder_for(Settings())
            found = _Chosen.finder
    return found


def finder_waits() -> bool:
    """Whether the process-wide finder waits on I/O (``sql``: a database round trip per lookup).

    A service answers point lookups on its event loop only with a finder that does not
    (the in-memory index); a waiting one runs in the geometry pool, so a slow database
    never holds up the other requests.
    """
    return not isinstance(default_finder(), MemoryFinder)


def memory_index_wanted() -> bool:
    """Whether lookups read the in-memory index (so :func:`~geozone.selection.prepare` builds it).

    Reads ``GEOZONE_LOOKUP`` without opening the database when no finder is chosen yet.
    """
    found = _Chosen.finder
    if found is not None:
        return isinstance(found, MemoryFinder)
    from geozone.settings import Settings

    return Settings().lookup == "memory"


def parcel_work(finder: HitFinder, selected: Selection, query: Query) -> dict[str, Any]:
    """A parcel's work estimate (:mod:`geozone.budget`) as ``finder`` counts candidates."""
    counter = getattr(finder, "parcel_work", None)
    if counter is not None:
        found: dict[str, Any] = counter(selected, query)
        return found
    from geozone.budget import parcel_work as tree_work

    return tree_work(selected.index.tree, query)
