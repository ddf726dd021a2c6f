"""What-if analysis: coverage with candidate parks, and greedy park-site suggestions.

Both work on an existing :class:`~geozone.coverage.result.CoverageResult` and only touch
the residential land that is not yet fully covered, so they are exact and cheap. Areas are
m² in EPSG:4548; gains in percentage points (pp) are of the result's total residential land.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import geopandas as gpd
import numpy as np
import numpy.typing as npt
import pandas as pd
import shapely
from shapely.geometry.base import BaseGeometry

from geozone import ANALYSIS_CRS
from geozone.coverage.engine import QUAD_SEGS, classify, service_union
from geozone.coverage.io import VectorInput, read_vector, to_geojson_wgs84
from geozone.coverage.metric import park_table
from geozone.coverage.result import CoverageResult
from geozone.errors import InvalidInput, QueryTooLarge

ObjArray = npt.NDArray[np.object_]
MAX_CANDIDATES = 5_000


@dataclass
class WhatIf:
    """Coverage before and after adding candidate parks.

    Attributes
    ----------
    before, after
        Coverage ratios (``None`` when there is no residential land).
    covered_before_m2, covered_after_m2, total_m2
        Areas in m² (EPSG:4548).
    candidates
        The candidate parks with ``area_m2`` and the ``radius_m`` they got (0 = not counted).
    newly_covered
        Residential land the candidates cover that was not covered before (EPSG:4548).
    """

    before: float | None
    after: float | None
    covered_before_m2: float
    covered_after_m2: float
    total_m2: float
    candidates: gpd.GeoDataFrame
    newly_covered: gpd.GeoDataFrame

    @property
    def gain_m2(self) -> float:
        """Residential land newly covered, m²."""
        return self.covered_after_m2 - self.covered_before_m2

    @property
    def gain_pp(self) -> float:
        """Gain in percentage points of total residential land."""
        return 100.0 * self.gain_m2 / self.total_m2 if self.total_m2 > 0 else 0.0

    def to_dict(self, include_geometry: bool = False) -> dict[str, Any]:
        """JSON-ready summary (newly covered land as WGS84 GeoJSON if asked)."""
        out: dict[str, Any] = {
            "before": self.before,
            "after": self.after,
            "gain_m2": round(self.gain_m2, 2),
            "gain_pp": round(self.gain_pp, 4),
            "candidates": [
                {k: (v.item() if hasattr(v, "item") else v) for k, v in row.items()}
                for row in self.candidates.drop(columns="geometry").to_dict(orient="records")
            ],
        }
        if include_geometry:
            out["newly_covered"] = to_geojson_wgs84(self.newly_covered)
        return out


def what_if(
    base: CoverageResult,
    candidates: VectorInput | BaseGeometry,
    *,
    crs: str | int | None = None,
    radius_m: float | None = None,
) -> WhatIf:
    """Coverage if candidate parks were added (files, GeoJSON or drawn polygons).

    Parameters
    ----------
    base
        The current coverage.
    candidates
        Candidate park polygons: GeoDataFrame, GeoJSON dict, path, or a shapely polygon
        (EPSG:4548). Their class/``historic`` columns are used like real parks'.
    crs
        Declared CRS of ``candidates`` (default: their own, else WGS84).
    radius_m
        Give every candidate this radius instead of the preset's.

    Examples
    --------
    >>> import shapely
    >>> from geozone.coverage import park_coverage
    >>> from geozone.coverage.examples import X0, Y0, example_parks, example_residential
    >>> base = park_coverage(example_parks(), example_residential(), preset="radius500")
    >>> w = what_if(base, shapely.box(X0 + 1000, Y0, X0 + 1100, Y0 + 100), radius_m=500)
    >>> round(w.before, 3), round(w.after, 3), round(w.gain_m2)
    (0.5, 1.0, 15000)
    """
    cand = read_vector(candidates, crs=crs, what="candidates")
    table = park_table(cand, base.preset)
    if radius_m is not None:
        if radius_m <= 0:
            raise InvalidInput("radius_m must be > 0")
        table["radius_m"] = float(radius_m)
    zone = service_union(np.asarray(table.geometry.values, dtype=object), table["radius_m"])
    union = shapely.union_all([base.service_area, zone])
    shapely.prepare(union)
    parcels = base.parcels
    open_ = (parcels["status"] != "full").to_numpy()
    geoms = np.asarray(parcels.geometry.values, dtype=object)
    after = classify(union, geoms[open_])
    gain = after.covered_m2 - parcels["covered_m2"].to_numpy()[open_]
    grew = gain > 1e-9
    new_geoms = (
        shapely.difference(shapely.intersection(geoms[open_][grew], zone), base.service_area)
        if grew.any()
        else np.zeros(0, dtype=object)
    )
    # a gain of a few nm² can leave no polygon: such parts are counted, not drawn
    drawn = ~shapely.is_empty(new_geoms) if len(new_geoms) else np.zeros(0, dtype=bool)
    newly = gpd.GeoDataFrame(
        {
            "feature_id": parcels["feature_id"].to_numpy()[open_][grew][drawn],
            "gain_m2": gain[grew][drawn],
        },
        geometry=gpd.GeoSeries(new_geoms[drawn], crs=ANALYSIS_CRS),
    )
    covered_after = base.covered_m2 + float(gain.sum())
    total = base.total_m2
    return WhatIf(
        base.ratio,
        covered_after / total if total > 0 else None,
        base.covered_m2,
        covered_after,
        total,
        table,
        newly,
    )


@dataclass
class SiteSuggestions:
    """Greedy park sites, best first, with the gain of each given the earlier ones.

    ``sites`` columns: ``rank``, ``x``, ``y`` (EPSG:4548), ``lon``, ``lat``, ``gain_m2``,
    ``gain_pp``, ``ratio_after``, geometry (the service disc).
    """

    radius_m: float
    sites: gpd.GeoDataFrame
    before: float | None

    def to_dict(self, include_geometry: bool = False) -> dict[str, Any]:
        """JSON-ready summary."""
        rows = self.sites.drop(columns="geometry").to_dict(orient="records")
        out: dict[str, Any] = {
            "radius_m": self.radius_m,
            "before": self.before,
            "sites": [{k: (v.item() if hasattr(v, "item") else v) for k, v in r.items()}
                      for r in rows],
        }  # fmt: skip
        if include_geometry:
            out["geojson"] = to_geojson_wgs84(self.sites)
        return out


def candidate_points(blind: ObjArray, spacing_m: float) -> ObjArray:
    """Candidate sites: a point inside each blind spot plus a grid over them at ``spacing_m``."""
    reps = shapely.point_on_surface(blind)
    x0, y0, x1, y1 = shapely.total_bounds(blind)
    nx = int((x1 - x0) // spacing_m) + 1
    ny = int((y1 - y0) // spacing_m) + 1
    if nx * ny > 4 * MAX_CANDIDATES:
        raise QueryTooLarge(f"{nx * ny} grid candidates; use a larger spacing")
    gx, gy = np.meshgrid(x0 + spacing_m * np.arange(nx), y0 + spacing_m * np.arange(ny))
    grid = shapely.points(gx.ravel(), gy.ravel())
    near = shapely.STRtree(blind).query(grid, predicate="dwithin", distance=spacing_m)
    grid = grid[np.unique(near[0])] if near.size else grid[:0]
    pts = np.concatenate([reps, grid])
    if len(pts) > MAX_CANDIDATES:
        order = np.argsort(-shapely.area(blind))
        pts = np.concatenate([reps[order][: MAX_CANDIDATES // 2], grid[: MAX_CANDIDATES // 2]])
    return np.asarray(pts, dtype=object)


def _gains(discs: ObjArray, blind: ObjArray, idx: npt.NDArray[np.int64]) -> npt.NDArray[Any]:
    """Uncovered area inside each disc ``discs[idx]``."""
    out = np.zeros(len(idx), dtype=np.float64)
    live = ~shapely.is_empty(blind)
    if not live.any() or len(idx) == 0:
        return out
    tree = shapely.STRtree(blind)
    pairs = tree.query(discs[idx], predicate="intersects")
    if pairs.size:
        areas = shapely.area(shapely.intersection(discs[idx][pairs[0]], blind[pairs[1]]))
        np.add.at(out, pairs[0], areas)
    return out


def suggest_sites(
    base: CoverageResult,
    n: int = 5,
    radius: float = 500.0,
    *,
    spacing_m: float | None = None,
    candidates: npt.ArrayLike | None = None,
) -> SiteSuggestions:
    """Greedily propose ``n`` park sites that cover the most uncovered residential land.

    Candidates are a point inside each blind spot and a grid (``spacing_m``, default
    ``radius / 2``) near them, or the given points (EPSG:4548). Each step picks the site
    whose disc of ``radius`` metres covers the most still-uncovered land, then removes that
    land; each site's gain (m², percentage points) is counted after the earlier sites.

    Examples
    --------
    >>> from geozone.coverage import park_coverage
    >>> from geozone.coverage.examples import example_parks, example_residential
    >>> base = park_coverage(example_parks(), example_residential(), preset="radius500")
    >>> s = suggest_sites(base, n=1, radius=600)
    >>> round(float(s.sites["gain_m2"].iloc[0])), round(float(s.sites["ratio_after"].iloc[0]), 3)
    (15000, 1.0)
    """
    if n < 1 or radius <= 0:
        raise InvalidInput("n must be >= 1 and radius > 0")
    # a copy: the greedy loop below cuts it, and ``base`` (a cached result) must stay whole
    blind = np.array(base.blind_spots.geometry.values, dtype=object, copy=True)
    empty = gpd.GeoDataFrame(
        pd.DataFrame(columns=["rank", "x", "y", "lon", "lat", "gain_m2", "gain_pp", "ratio_after"]),
        geometry=gpd.GeoSeries([], crs=ANALYSIS_CRS),
    )
    if len(blind) == 0 or base.total_m2 <= 0:
        return SiteSuggestions(radius, empty, base.ratio)
    pts = (
        candidate_points(blind, spacing_m or radius / 2.0)
        if candidates is None
        else np.asarray(candidates, dtype=object)
    )
    discs = shapely.buffer(pts, radius, quad_segs=QUAD_SEGS)
    gains = _gains(discs, blind, np.arange(len(discs)))
    rows, covered = [], base.covered_m2
    for rank in range(1, n + 1):
        best = int(np.argmax(gains))
        if gains[best] <= 0:
            break
        disc = discs[best]
        hit = shapely.intersects(blind, disc)
        blind[hit] = shapely.difference(blind[hit], disc)
        covered += gains[best]
        rows.append((rank, pts[best], disc, float(gains[best])))
        near = np.flatnonzero(shapely.dwithin(pts, pts[best], 2 * radius))
        gains[near] = _gains(discs, blind, near)
    if not rows:
        return SiteSuggestions(radius, empty, base.ratio)
    xy = shapely.get_coordinates(np.asarray([r[1] for r in rows], dtype=object))
    lonlat = gpd.GeoSeries(shapely.points(xy), crs=ANALYSIS_CRS).to_crs("EPSG:4326")
    gain = np.asarray([r[3] for r in rows])
    frame = pd.DataFrame(
        {
            "rank": [r[0] for r in rows],
            "x": xy[:, 0],
            "y": xy[:, 1],
            "lon": lonlat.x.round(7).to_numpy(),
            "lat": lonlat.y.round(7).to_numpy(),
            "gain_m2": gain,
            "gain_pp": 100.0 * gain / base.total_m2,
            "ratio_after": (base.covered_m2 + np.cumsum(gain)) / base.total_m2,
        }
    )
    discs_out = np.asarray([r[2] for r in rows], dtype=object)
    return SiteSuggestions(
        radius, gpd.GeoDataFrame(frame, geometry=gpd.GeoSeries(discs_out, crs=ANALYSIS_CRS)),
        base.ratio,
    )  # fmt: skip
