"""A raster cross-check of the exact coverage figure (burn parcels and service areas).

Residential land and the service-area union are burnt at ``cell_size`` metres (cell
centres, EPSG:4548) with :func:`rasterio.features.rasterize`; the raster ratio is covered
cells ÷ residential cells. ``engineering.md`` measured 10 m cells within 2×10⁻⁵ of the
exact ratio. Two error figures are reported: ``error_bound``, a worst case (every cell
crossed by a parcel edge or by the service-area boundary misclassified whole), and
``expected_error``, three standard deviations of the error when each boundary cell's
centre-sampling error is independent and uniform in ±cell²/2 (edges not aligned with the
grid), which is the realistic size of the difference.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import rasterio.features
import shapely
from rasterio.transform import from_origin

from geozone.coverage.result import CoverageResult
from geozone.errors import InvalidInput, QueryTooLarge

MAX_CELLS = 400_000_000


@dataclass(frozen=True)
class RasterCheck:
    """Raster estimate of the coverage ratio against the exact figure.

    Attributes
    ----------
    cell_size_m
        Cell size in metres.
    ratio_raster, ratio_exact
        Raster and exact ratios; ``difference`` = raster − exact.
    error_bound
        Worst-case absolute error of the raster ratio for this cell size.
    expected_error
        Three standard deviations of the ratio error (independent boundary cells).
    cells
        Grid size (rows × columns).
    """

    cell_size_m: float
    ratio_raster: float | None
    ratio_exact: float | None
    difference: float | None
    error_bound: float | None
    expected_error: float | None
    cells: int

    @property
    def within_bound(self) -> bool | None:
        """Whether ``|difference| <= error_bound``."""
        if self.difference is None or self.error_bound is None:
            return None
        return abs(self.difference) <= self.error_bound

    @property
    def within_expected(self) -> bool | None:
        """Whether ``|difference| <= expected_error``."""
        if self.difference is None or self.expected_error is None:
            return None
        return abs(self.difference) <= self.expected_error

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready summary."""
        return {
            "cell_size_m": self.cell_size_m,
            "ratio_raster": self.ratio_raster,
            "ratio_exact": self.ratio_exact,
            "difference": self.difference,
            "error_bound": self.error_bound,
            "expected_error": self.expected_error,
            "within_bound": self.within_bound,
            "within_expected": self.within_expected,
            "cells": self.cells,
        }


def raster_crosscheck(result: CoverageResult, cell_size_m: float = 10.0) -> RasterCheck:
    """Rasterise residential land and the service areas at ``cell_size_m`` and compare.

    Raises
    ------
    InvalidInput
        If ``cell_size_m`` is not positive.
    QueryTooLarge
        If the grid would exceed 4×10⁸ cells.
    """
    if not cell_size_m > 0:
        raise InvalidInput("cell_size_m must be > 0")
    geoms = np.asarray(result.parcels.geometry.values, dtype=object)
    if len(geoms) == 0:
        return RasterCheck(cell_size_m, None, result.ratio, None, None, None, 0)
    x0, y0, x1, y1 = shapely.total_bounds(geoms)
    cols = int(np.ceil((x1 - x0) / cell_size_m))
    rows = int(np.ceil((y1 - y0) / cell_size_m))
    if rows * cols > MAX_CELLS:
        raise QueryTooLarge(f"{rows} × {cols} cells at {cell_size_m} m; use a larger cell size")
    transform = from_origin(x0, y1, cell_size_m, cell_size_m)
    shape = (rows, cols)
    res = rasterio.features.rasterize(
        ((g, 1) for g in geoms), out_shape=shape, transform=transform, dtype="uint8"
    )
    svc_geom = shapely.clip_by_rect(result.service_area, x0, y0, x1, y1)
    svc = (
        rasterio.features.rasterize([(svc_geom, 1)], out_shape=shape, transform=transform,
                                    dtype="uint8")
        if not svc_geom.is_empty
        else np.zeros(shape, dtype=np.uint8)
    )  # fmt: skip
    n_res = int(res.sum())
    n_cov = int((res & svc).sum())
    ratio = n_cov / n_res if n_res else None
    diff = None if ratio is None or result.ratio is None else ratio - result.ratio
    bound, expected = _errors(result, cell_size_m)
    return RasterCheck(cell_size_m, ratio, result.ratio, diff, bound, expected, rows * cols)


def _errors(result: CoverageResult, cell: float) -> tuple[float | None, float | None]:
    """Worst-case and 3-sigma ratio errors from cells crossed by edges (see module notes)."""
    total = result.total_m2
    if total <= 0:
        return None, None
    geoms = np.asarray(result.parcels.geometry.values, dtype=object)
    edges = float(shapely.length(geoms).sum())
    svc_edge = shapely.intersection(shapely.boundary(result.service_area), shapely.union_all(geoms))
    svc_len = float(shapely.length(svc_edge))
    # an edge of length L crosses at most (L / cell + 1) · √2 cells
    n_total = np.sqrt(2.0) * (edges / cell + len(geoms))
    n_cov = n_total + np.sqrt(2.0) * (svc_len / cell + 1)
    r = result.covered_m2 / total
    lo = max(total - n_total * cell * cell, 1e-9)
    worst = min(1.0, (n_cov + r * n_total) * cell * cell / lo)
    sigma_cov = cell * cell * np.sqrt(n_cov / 12.0)
    sigma_tot = cell * cell * np.sqrt(n_total / 12.0)
    expected = 3.0 * np.hypot(sigma_cov, r * sigma_tot) / total
    return float(worst), float(min(1.0, expected))
