"""Distances to long boundaries from their part near the cell equal GEOS's on the whole."""

from __future__ import annotations

import random
from datetime import date

import numpy as np
import shapely

from geozone.boundary_distances import BUILD_AT, LONG_VERTICES, BoundarySegments, NearBoundaries
from geozone.catalog import load_catalog
from geozone.cell_candidates import build_point_grid
from geozone.lookup import selection


def _ring_square(side: float, per_side: int) -> shapely.LineString:
    """The outline of the square (0, 0)-(side, side), each side cut into ``per_side`` parts."""
    t = np.linspace(0.0, side, per_side + 1)[:-1]
    zero, full = np.zeros_like(t), np.full_like(t, side)
    xs = np.concatenate([t, full, side - t, zero, [0.0]])
    ys = np.concatenate([zero, t, full, side - t, [0.0]])
    return shapely.LineString(np.column_stack([xs, ys]))


def test_square_by_hand() -> None:
    # a 4 km square outline of 800 segments; 500 m cells. A point 300 m east of the west
    # side and 1,800 m up is 300 m from the boundary, and only segments near the cell
    # around it can be nearest: the west side near y = 1,800.
    outline = _ring_square(4000.0, 200)
    polygon = shapely.Polygon(outline)
    assert shapely.get_num_coordinates(outline) > LONG_VERTICES
    segments = BoundarySegments.of(np.array([outline]))
    assert len(segments.owner) == 800 and segments.first.sum() == 1
    grid = build_point_grid(np.array([polygon]), segments.bounds, segments.owner)
    near = NearBoundaries(np.array([outline]), grid, segments)
    point = shapely.points((300.0, 1800.0))
    for _ in range(BUILD_AT - 1):
        assert near.distances([0], point, 300.0, 1800.0) == [300.0]  # the whole outline
    assert not near.parts
    assert near.distances([0], point, 300.0, 1800.0) == [300.0]  # from the cell's part
    (part,) = near.parts.values()
    # one run of the west side, from ~950 m to ~2,350 m up: 20 m segments, of 800
    assert shapely.get_num_geometries(part) == 1
    assert 40 < shapely.get_num_coordinates(part) < 100
    assert shapely.distance(part, shapely.points((4000.0, 4000.0))) > 3000  # not the far side


def test_parts_give_the_same_floats_as_whole_boundaries() -> None:
    """Random points over the long features of the demo layers, and points by their vertices."""
    sel = selection(load_catalog("layers"), date(2026, 11, 25)).index
    long = sorted(sel.near.segments)
    assert len(long) >= 5
    rng = random.Random(3)
    points = []
    for p in long:
        minx, miny, maxx, maxy = shapely.bounds(sel.geoms[p])
        points += [(p, rng.uniform(minx, maxx), rng.uniform(miny, maxy)) for _ in range(300)]
        xy = shapely.get_coordinates(sel.boundaries[p])
        for _ in range(300):
            x, y = xy[rng.randrange(len(xy))]
            points.append((p, x + rng.uniform(-300, 300), y + rng.uniform(-300, 300)))
    for p, x, y in points:
        point = shapely.points((x, y))
        want = shapely.distance(sel.boundaries[[p, 0]], point).tolist()
        for _ in range(BUILD_AT):  # the whole boundary, then the cell's part
            assert sel.near.distances([p, 0], point, x, y) == want, (p, x, y)
    assert len(sel.near.parts) > 1000
