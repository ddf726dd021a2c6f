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

A part costs ~300 µs to build (4 to 11 whole-boundary distances; measuring from it costs
~7 µs instead of 24-71 µs), so it is built the third time its (cell, boundary) is asked:
points that come one or two to a cell (a batch of scattered parcels' centroids, a
benchmark of 100,000 distinct points) are measured as before, and places asked again and
again are measured from their parts.

Coordinates and distances are EPSG:4548 metres.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import shapely
from shapely.geometry.base import BaseGeometry

from geozone.cell_candidates import PointGrid

ObjArray = npt.NDArray[np.object_]
FloatArray = npt.NDArray[np.float64]

LONG_VERTICES = 500
"""Boundaries with more vertices than this are measured by their part near the cell."""
SLACK_M = 1.0
"""Added to the reach of a cell, against rounding: more segments, never fewer."""
CACHE_PARTS = 16_384
"""(cell, boundary) parts kept; the cache is emptied beyond it (a part is ~1-10 KB)."""
BUILD_AT = 3
"""A (cell, boundary)'s part is built at its third ask."""
CACHE_SEEN = 65_536
"""(cell, boundary) pairs remembered as asked without a part (~70 bytes each)."""


@dataclass(frozen=True)
class BoundarySegments:
    """Every segment of a set of boundaries, in order: its ends, owner and line breaks.

    The point grid flags from the segments' envelopes which features have an edge near
    each cell; :class:`NearBoundaries` keeps the long boundaries' segments.
    """

    starts: FloatArray  # (k, 2)
    stops: FloatArray  # (k, 2)
    owner: npt.NDArray[np.intp]  # the boundary (its position) each segment belongs to
    first: npt.NDArray[np.bool_]  # the segment begins a line (ring) of its own

    @classmethod
    def of(cls, boundaries: ObjArray) -> BoundarySegments:
        """The segments of ``boundaries`` (LineStrings / MultiLineStrings)."""
        lines, line_owner = shapely.get_parts(boundaries, return_index=True)
        coords, line = shapely.get_coordinates(lines, return_index=True)
        same = line[1:] == line[:-1]
        line = line[:-1][same]
        first = np.ones(len(line), dtype=bool)
        first[1:] = line[1:] != line[:-1]
        owner = line_owner[line].astype(np.intp)
        return cls(coords[:-1][same], coords[1:][same], owner, first)

    @property
    def bounds(self) -> FloatArray:
        """``(k, 4)``: each segment's ``minx, miny, maxx, maxy``."""
        return np.column_stack(
            [np.minimum(self.starts, self.stops), np.maximum(self.starts, self.stops)]
        )


class NearBoundaries:
    """Distances from points to boundaries, long ones measured by their part near the cell.

    Parameters
    ----------
    boundaries : array of geometry
        Feature boundaries (LineString / MultiLineString), EPSG:4548 metres.
    grid : PointGrid
        The point grid whose cells the parts are kept for.
    segments : BoundarySegments
        The segments of ``boundaries``.
    """

    def __init__(self, boundaries: ObjArray, grid: PointGrid, segments: BoundarySegments) -> None:
        self.boundaries = boundaries
        self.grid = grid
        self.segments: dict[int, _Segments] = {}  # the long boundaries' segments by position
        # keyed by cell * len(boundaries) + position
        self.parts: dict[int, BaseGeometry] = {}
        self.seen: dict[int, int] = {}  # asks of a (cell, boundary) without a part yet
        counts = shapely.get_num_coordinates(boundaries)
        for p in np.flatnonzero(counts > LONG_VERTICES).tolist():
            lo, hi = np.searchsorted(segments.owner, [p, p + 1])  # owners are in order
            self.segments[p] = _Segments.of(segments, int(lo), int(hi))

    def distances(self, pos: list[int], point: BaseGeometry, x: float, y: float) -> list[float]:
        """Distance from ``point`` (at x, y) to the boundary of each feature in ``pos``."""
        geoms = self.boundaries[pos]
        cell = self.grid.cell_of(x, y)
        if cell >= 0 and self.segments:
            for k, p in enumerate(pos):
                if p in self.segments:
                    part = self._part(cell, p)
                    if part is not None:
                        geoms[k] = part
        dist: list[float] = shapely.distance(geoms, point).tolist()
        return dist

    def _part(self, cell: int, p: int) -> BaseGeometry | None:
        """The segments of boundary ``p`` that can be nearest to a point of ``cell``.

        ``None`` until the (cell, boundary) is asked for the :data:`BUILD_AT` th time:
        measure the whole boundary.
        """
        key = cell * len(self.boundaries) + p
        found = self.parts.get(key)
        if found is None:
            asked = self.seen.get(key, 0) + 1
            if asked < BUILD_AT:
                if len(self.seen) >= CACHE_SEEN:
                    self.seen.clear()
                self.seen[key] = asked
                return None
            self.seen.pop(key, None)
            g = self.grid
            x0 = g.x0 + (cell % g.nx) * g.cell
            y0 = g.y0 + (cell // g.nx) * g.cell
            centre = shapely.points((x0 + g.cell / 2, y0 + g.cell / 2))
            reach = shapely.distance(self.boundaries[p], centre) + g.cell * math.sqrt(0.5)
            found = self.segments[p].near_box(x0, y0, x0 + g.cell, y0 + g.cell, reach + SLACK_M)
            if found is None:  # cannot happen (the segment nearest the centre is within
                found = self.boundaries[p]  # reach), but then the whole boundary serves
            if len(self.parts) >= CACHE_PARTS:
                self.parts.clear()
            self.parts[key] = found
        return found


@dataclass(frozen=True)
class _Segments:
    """One long boundary's segments: ends, envelopes, and where a new line (ring) begins."""

    starts: FloatArray  # (k, 2)
    stops: FloatArray  # (k, 2)
    minx: FloatArray
    miny: FloatArray
    maxx: FloatArray
    maxy: FloatArray
    first: npt.NDArray[np.bool_]  # the segment starts a line of its own

    @classmethod
    def of(cls, segments: BoundarySegments, lo: int, hi: int) -> _Segments:
        """Segments ``lo:hi`` of ``segments`` (one boundary's)."""
        starts, stops = segments.starts[lo:hi], segments.stops[lo:hi]
        low, high = np.minimum(starts, stops), np.maximum(starts, stops)
        return cls(
            starts, stops, low[:, 0], low[:, 1], high[:, 0], high[:, 1], segments.first[lo:hi]
        )

    def near_box(
        self, x0: float, y0: float, x1: float, y1: float, reach: float
    ) -> BaseGeometry | None:
        """The segments whose envelope lies within ``reach`` of the box, as a MultiLineString.

        Runs of consecutive segments become one LineString each (the same segments: the
        same distances).
        """
        dx = np.maximum(np.maximum(self.minx - x1, x0 - self.maxx), 0.0)
        dy = np.maximum(np.maximum(self.miny - y1, y0 - self.maxy), 0.0)
        idx = np.flatnonzero(dx * dx + dy * dy <= reach * reach)
        if idx.size == 0:
            return None
        new_run = np.ones(len(idx), dtype=bool)
        new_run[1:] = (np.diff(idx) != 1) | self.first[idx[1:]]
        run = np.cumsum(new_run) - 1
        last = np.append(new_run[1:], True)  # the run's last segment adds its stop
        ids = np.concatenate([run, run[last]])
        order = np.argsort(ids, kind="stable")  # per run: the starts in order, then the stop
        coords = np.concatenate([self.starts[idx], self.stops[idx[last]]])[order]
        return shapely.multilinestrings(shapely.linestrings(coords, indices=ids[order]))
