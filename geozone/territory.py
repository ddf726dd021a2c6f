"""The territory of a lookup: whether a date can be answered, and the notes about it.

Outside the territory (no admin feature in force hit within the tolerance) every verdict
is ``outside`` (:mod:`geozone.decide`). A date on which no admin layer is in force has no
territory: the lookup is refused (:class:`~geozone.errors.NoLayersInForce`, naming the
dates that can be answered). A WGS84 query outside the territory that would fall inside
it read as GCJ-02 gets a warning saying so (the finder answers that, :mod:`geozone.hits`).
"""

from __future__ import annotations

from datetime import date

from geozone.catalog import Catalog
from geozone.crs import parse_crs
from geozone.errors import NoLayersInForce
from geozone.hits import HitFinder
from geozone.query import Query
from geozone.selection import Selection


def check_in_force(catalog: Catalog, selected: Selection, as_of: date) -> None:
    """Refuse a date on which no admin layer is in force (the territory is unknown then).

    A layer set with no admin layer at all is answered (with a warning, see
    :func:`territory_warnings`): it has no dates to offer instead.

    Raises
    ------
    NoLayersInForce
        Naming the date and the dates that can be answered (``detail``).
    """
    if selected.has_admin_layer:
        return
    refuse_date(catalog, as_of)


def refuse_date(catalog: Catalog, as_of: date) -> None:
    """Raise :class:`NoLayersInForce` for ``as_of`` (a date without an admin layer in force).

    Does nothing for a layer set with no admin layer at all (no dates to offer instead).
    """
    dates = catalog.answerable_dates()
    if dates is None:
        return
    start, end = dates["valid_from"], dates["valid_to"]
    span_en = f"from {start}" + (f" to {end}" if end else " on")
    span_zh = f"{start} 至 {end}" if end else f"{start} 及以后"
    raise NoLayersInForce(
        f"no administrative layer is in force on {as_of}, so the territory and the zones "
        f"of that date are unknown; ask for a date {span_en}",
        {
            "as_of": as_of.isoformat(),
            **dates,
            "message_zh": f"{as_of} 无生效的行政区划图层，无法判断该日的辖区与管控分区；"
            f"请选择 {span_zh} 的日期",
        },
    )


def territory_warnings(
    query: Query, selected: Selection, inside_territory: bool, finder: HitFinder
) -> list[str]:
    """The note that the territory is unknown, or that the query may be GCJ-02 (or none)."""
    if not selected.has_admin_layer:
        return [f"no admin layer is in force on {query.as_of}; the territory is unknown"]
    if not inside_territory and inside_if_gcj02(query, selected, finder):
        return [
            "the query lies outside the loaded territory but inside it once its coordinates "
            "are read as GCJ-02 (Amap/Tencent web-map coordinates, ~500 m east and ~130 m "
            "north of WGS84 in Beijing): declare crs='GCJ02' if they came from such a map"
        ]
    return []


def inside_if_gcj02(query: Query, selected: Selection, finder: HitFinder) -> bool:
    """True when a WGS84-declared query would fall inside an admin polygon if it were GCJ-02.

    Only a query declared in a geographic CRS without an offset can be a mislabelled GCJ-02
    one; the finder tests the shifted geometry (:meth:`HitFinder.inside_if_gcj02`).
    """
    declared = parse_crs(query.crs)
    if declared.offset is not None or not declared.is_geographic:
        return False
    return finder.inside_if_gcj02(selected, query)
