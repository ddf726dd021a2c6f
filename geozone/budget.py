"""A work budget for parcel lookups, checked before any exact geometry work.

The exact part of a parcel lookup (intersection, distance, covers and the sliver test
against every zone feature near the parcel) costs about one unit of work per parcel
vertex per candidate feature, so it is estimated as::

    work = parcel vertices × candidate features

where the candidates are the features whose bounding boxes meet the parcel's bounding box
grown by the tolerance (the STRtree query the lookup makes next; a larger tolerance
brings in more candidates). Measured on the shipped layer set (6,268 features), one CPU:

==============================================  ==========  =========
parcel                                          work        CPU
==============================================  ==========  =========
10,000 vertices over Beijing, tolerance 500 m   6.0e7       6.0 s
1,000 vertices over Beijing, tolerance 500 m    6.0e6       0.7 s
10,000 vertices, 20 km across, tolerance 500 m  1.5e7       1.3 s
2,000 vertices, 20 km across, tolerance 50 m    2.9e6       0.2 s
a 4-vertex box over Beijing, tolerance 500 m    2.9e4       0.2 s
100 vertices, 2 km across, tolerance 5 m        5e2         2 ms
==============================================  ==========  =========

so the default budget ``query.max_parcel_work`` = 2e7 (about 2 s of CPU) lets every
realistic parcel through and refuses the 10,000-vertex parcel over Beijing with a 413
``query_too_large`` saying what to shrink. The check itself is one STRtree query.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from geozone.errors import QueryTooLarge

if TYPE_CHECKING:
    import shapely

    from geozone.query import Query

DEFAULT_MAX_PARCEL_WORK = 20_000_000
"""Default of ``QuerySettings.max_parcel_work`` (see the module docstring for the numbers)."""


def parcel_work(tree: shapely.STRtree, query: Query) -> dict[str, Any]:
    """Estimate the exact-geometry work of a parcel query against the features in ``tree``.

    Returns ``{"vertices", "candidates", "tolerance_m", "work"}``.
    """
    import shapely  # here, not at the top: geozone.settings reads this module's constant

    minx, miny, maxx, maxy = grown_bounds(query)
    return work_estimate(query, len(tree.query(shapely.box(minx, miny, maxx, maxy))))


def grown_bounds(query: Query) -> tuple[float, float, float, float]:
    """The query's bounding box grown by its tolerance (metres, EPSG:4548)."""
    t = float(query.tolerance_m)
    minx, miny, maxx, maxy = query.geometry.bounds
    return minx - t, miny - t, maxx + t, maxy + t


def work_estimate(query: Query, candidates: int) -> dict[str, Any]:
    """``{"vertices", "candidates", "tolerance_m", "work"}`` of a parcel and its candidates.

    ``candidates``: the features whose bounding boxes meet :func:`grown_bounds` (counted
    by the finder: an STRtree in memory, a GiST index in SQL).
    """
    import shapely

    vertices = int(shapely.get_num_coordinates(query.geometry))
    return {
        "vertices": vertices,
        "candidates": candidates,
        "tolerance_m": float(query.tolerance_m),
        "work": vertices * candidates,
    }


def check_parcel_budget(tree: shapely.STRtree, query: Query) -> None:
    """Refuse a parcel query whose estimated work exceeds its budget.

    The budget is ``query.max_parcel_work`` (from ``QuerySettings.max_parcel_work``; the
    default when the query was built without settings). Points are never refused.

    Raises
    ------
    QueryTooLarge
        413 ``query_too_large`` with the estimate and the budget in ``detail``.
    """
    if query.kind != "parcel":
        return
    check_work(query, parcel_work(tree, query))


def check_work(query: Query, estimate: dict[str, Any]) -> None:
    """Refuse a parcel whose :func:`work_estimate` exceeds ``query.max_parcel_work``.

    Raises
    ------
    QueryTooLarge
        413 ``query_too_large`` with the estimate and the budget in ``detail``.
    """
    budget = query.max_parcel_work or DEFAULT_MAX_PARCEL_WORK
    if estimate["work"] <= budget:
        return
    raise QueryTooLarge(
        f"the parcel is too costly to answer: {estimate['vertices']} vertices × "
        f"{estimate['candidates']} zone features within its extent (grown by the "
        f"{estimate['tolerance_m']:g} m tolerance) = {estimate['work']:,} units of work, over "
        f"the budget of {budget:,}; send fewer vertices (simplify the outline), a smaller "
        "area (split the parcel) or a smaller tolerance",
        {**estimate, "max_parcel_work": budget},
    )
