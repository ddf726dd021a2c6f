"""The point grid: hand-computed cells and flags, and agreement with the STRtree path."""

from __future__ import annotations

import dataclasses
import random
from datetime import date

import numpy as np
import pytest
import shapely

from geozone.catalog import Catalog, load_catalog
from geozone.cell_candidates import build_point_grid
from geozone.lookup import SelectionIndex, selection


def test_cells_and_near_flags_by_hand() -> None:
    # feature 0: the square (0, 0)-(2000, 2000), four boundary segments along its sides;
    # feature 1: a 10 m square at (3000, 3000). Cells of 500 m, margin 50 m: the grid
    # starts at (-50, -50), so cell (col 2, row 2) spans 950..1450 in x and y.
    geoms = shapely.box([0.0, 3000.0], [0.0, 3000.0], [2000.0, 3010.0], [2000.0, 3010.0])
    sides = [(0, 0, 2000, 0), (2000, 0, 2000, 2000), (0, 2000, 2000, 2000), (0, 0, 0, 2000)]
    segment_bounds = np.array([*sides, (3000, 3000, 3010, 3010)], dtype=float)
    owner = np.array([0, 0, 0, 0, 1], dtype=np.intp)
    grid = build_point_grid(geoms, segment_bounds, owner, cell=500, margin=50)
    assert (grid.x0, grid.y0, grid.nx, grid.ny) == (-50, -50, 7, 7)  # up to 3060 / 500
    cand, near = grid.candidates(1000, 1000)  # the middle: every side is >= 950 m away
    assert cand.tolist() == [0] and near.tolist() == [False]
    assert grid.split(1000, 1000)[0] == (0,) and grid.split(1000, 1000)[1].size == 0
    cand, near = grid.candidates(1000, 10)  # the cell along the bottom side
    assert cand.tolist() == [0] and near.tolist() == [True]
    assert grid.split(1000, 10)[0] == () and grid.split(1000, 10)[1].tolist() == [0]
    cand, near = grid.candidates(-40, 1000)  # 40 m west of the square: still listed
    assert cand.tolist() == [0] and near.tolist() == [True]
    assert grid.candidates(-60, 1000)[0].size == 0  # beyond the margin: off the grid
    cand, near = grid.candidates(3005, 3005)
    assert cand.tolist() == [1] and near.tolist() == [True]
    assert grid.candidates(2500, 2500)[0].size == 0  # between the two
    assert grid.candidates(1e7, 1e7)[0].size == 0
    assert grid.split(1e7, 1e7)[0] == () and grid.split(1e7, 1e7)[1].size == 0


def test_far_features_are_kept_only_where_they_cover_the_cell() -> None:
    # an L: the square (0, 0)-(2000, 2000) without its top-right quarter. Its envelope
    # holds the cell around (1700, 1700), but the L misses it by more than the margin:
    # the pair is dropped. The cell around (700, 200) is inside the L, far from its edges.
    ell = shapely.Polygon([(0, 0), (2000, 0), (2000, 1000), (1000, 1000), (1000, 2000), (0, 2000)])
    coords = shapely.get_coordinates(ell.exterior)
    starts, ends = coords[:-1], coords[1:]
    segment_bounds = np.column_stack([np.minimum(starts, ends), np.maximum(starts, ends)])
    owner = np.zeros(len(segment_bounds), dtype=np.intp)
    grid = build_point_grid(np.array([ell]), segment_bounds, owner, cell=500, margin=50)
    # cells start at -50: (1700, 1700) is in the cell 1450..1950, 450 m from the L's corner
    assert grid.candidates(1700, 1700)[0].size == 0
    assert grid.split(700, 200)[0] == () and grid.split(700, 200)[1].tolist() == [0]  # 50 m
    assert grid.split(700, 700) == ((0,), grid.split(700, 700)[1])  # 450..950: inside
    assert grid.split(700, 700)[1].size == 0


def test_empty_grid() -> None:
    grid = build_point_grid(np.empty(0, dtype=object), np.zeros((0, 4)), np.zeros(0, dtype=np.intp))
    assert grid.candidates(0, 0)[0].size == 0
    assert grid.split(0, 0)[0] == ()


@pytest.fixture(scope="module")
def demo_selection() -> SelectionIndex:
    catalog: Catalog = load_catalog("layers")
    return selection(catalog, date(2026, 11, 25)).index


def test_grid_and_tree_find_the_same_hits(demo_selection: SelectionIndex) -> None:
    """Random points and points beside feature vertices, tolerances the grid serves."""
    sel = demo_selection
    tree_only = dataclasses.replace(sel, grid=dataclasses.replace(sel.grid, margin=-1.0))
    rng = random.Random(5)
    minx, miny, maxx, maxy = shapely.total_bounds(sel.geoms)
    points = [(rng.uniform(minx, maxx), rng.uniform(miny, maxy)) for _ in range(1500)]
    for _ in range(1500):  # near boundaries, where the near flags and dwithin matter
        xy = shapely.get_coordinates(sel.geoms[rng.randrange(len(sel.geoms))])
        x, y = xy[rng.randrange(len(xy))]
        points.append((x + rng.uniform(-60, 60), y + rng.uniform(-60, 60)))
    checked = 0
    for x, y in points:
        for t in (0.0, 5.0, 30.0, 50.0):
            got_pos, got_in = sel.point_hits(x, y, t)
            want_pos, want_in = tree_only.point_hits(x, y, t)
            got = dict(zip(got_pos, got_in, strict=True))
            assert got == dict(zip(want_pos, want_in, strict=True)), (x, y, t)
            checked += len(got)
    assert checked > 10_000  # the points do hit things
