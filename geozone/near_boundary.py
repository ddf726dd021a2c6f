"""Exact point-to-boundary distances for long boundaries, from the part near the point.

Every hit of a point lookup reports its distance to the feature's boundary. GEOS
measures a point against every segment of a boundary: ~55 µs for the shipped layer set's
longest outline (6,192 vertices), and the eleven boundaries over 500 vertices hold 78 %
of the vertices the benchmark's points are measured against.

For a point ``p`` in a grid cell with centre ``c`` and half-diagonal ``h``, the boundary
is at most ``d(c, B) + h`` away, so a segment whose envelope lies farther than that from
the cell can never be the nearest one. :class:`NearBoundaries` keeps, per (cell, long
boundary) once asked, the other segments as one MultiLineString. GEOS then measures the
point against the same segments that can win, with the same arithmetic, so the distance
is the same float as against the whole boundary (the tests compare them with ``==``).

Coordinates and distances are EPSG:4548 metres.
"""

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt
import shapely
from shapely.geometry.base import BaseGeometry

from geozone.point_grid import PointGrid

ObjArray = npt.NDArray[np.object_]
FloatArray = npt.NDArray[np.float64]

LONG_VERTICES = 500
"""Boundaries with more vertices than this are measured by their part near the cell."""
SLACK_M = 1.0
"""Added to the reach of a cell, against rounding: more segments, never fewer."""
CACHE_PARTS = 16_384
"""(cell, boundary) parts kept; the cache is emptied beyond it (a part is ~1-10 KB)."""


class NearBoundaries:
    """Distances from points to boundaries, long ones measured by their part near the cell.

    Parameters
    ----------
    boundaries : array of geometry
        Feature boundaries (LineString / MultiLineString), EPSG:4548 metres.
    grid : PointGrid
        The point grid whose cells the parts are kept for.
    """

    def __init__(self, boundaries: ObjArray, grid: PointGrid) -> None:
        self.boundaries = boundaries
        self.grid = grid
        self.segments: dict[int, FloatArray] = {}  # position -> (k, 2, 2) segment ends
        self.parts: dict[tuple[int, int], BaseGeometry] = {}
        counts = shapely.get_num_coordinates(boundaries)
        for p in np.flatnonzero(counts > LONG_VERTICES).tolist():
            self.segments[p] = _segments(boundaries[p])

    def distances(self, pos: list[int], point: BaseGeometry, x: float, y: float) -> list[float]:
        """Distance from ``point`` (at x, y) to the boundary of each feature in ``pos``."""
        geoms = self.boundaries[pos]
        cell = self.grid.cell_of(x, y)
        if cell >= 0 and self.segments:
            for k, p in enumerate(pos):
                if p in self.segments:
                    geoms[k] = self._part(cell, p)
        dist: list[float] = shapely.distance(geoms, point).tolist()
        return dist

    def _part(self, cell: int, p: int) -> BaseGeometry:
        """The segments of boundary ``p`` that can be nearest to a point of ``cell``."""
        found = self.parts.get((cell, p))
        if found is None:
            g = self.grid
            x0 = g.x0 + (cell % g.nx) * g.cell
            y0 = g.y0 + (cell // g.nx) * g.cell
            centre = shapely.points((x0 + g.cell / 2, y0 + g.cell / 2))
            reach = shapely.distance(self.boundaries[p], centre) + g.cell * math.sqrt(0.5)
            ends = self.segments[p]
            lo, hi = ends.min(axis=1), ends.max(axis=1)  # segment envelopes
            dx = np.maximum(0.0, np.maximum(lo[:, 0] - (x0 + g.cell), x0 - hi[:, 0]))
            dy = np.maximum(0.0, np.maximum(lo[:, 1] - (y0 + g.cell), y0 - hi[:, 1]))
            near = np.hypot(dx, dy) <= reach + SLACK_M
            found = shapely.multilinestrings(shapely.linestrings(ends[near]))
            if len(self.parts) >= CACHE_PARTS:
                self.parts.clear()
            self.parts[(cell, p)] = found
        return found


def _segments(boundary: BaseGeometry) -> FloatArray:
    """Every segment of a (multi)linestring as a ``(k, 2, 2)`` array of its two ends."""
    coords, part = shapely.get_coordinates(shapely.get_parts(boundary), return_index=True)
    same = part[1:] == part[:-1]
    return np.stack([coords[:-1][same], coords[1:][same]], axis=1)
