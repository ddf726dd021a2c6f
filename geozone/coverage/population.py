"""Population-weighted coverage: the share of people on residential land inside service areas.

People are read from a population raster (GeoTIFF, any CRS; cell values = people per cell).
Covered and uncovered residential land is reprojected to the raster CRS and burnt into a
finer grid (``supersample`` × ``supersample`` sub-cells per raster cell) with
:func:`rasterio.features.rasterize`; each cell's people are split between covered and
uncovered land in proportion to the residential sub-cells of each kind, assuming people
are spread evenly over the residential land of a cell. People on cells with no residential
land are reported apart and not counted in the share.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import rasterio
import rasterio.features
import rasterio.windows
import shapely
from rasterio.transform import Affine
from shapely.geometry.base import BaseGeometry

from geozone import ANALYSIS_CRS
from geozone.coverage.result import CoverageResult
from geozone.crs import geometries_to, parse_crs
from geozone.errors import InvalidInput, LayerLoadError

FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True)
class PopulationCoverage:
    """People inside / outside service areas, on residential land of the extent.

    Attributes
    ----------
    people_covered, people_uncovered
        People on covered / uncovered residential land.
    people_off_residential
        People in raster cells of the extent's bounding window with no residential land.
    share
        ``people_covered / (people_covered + people_uncovered)``; ``None`` with no people.
    raster_crs, cell_size
        The raster's CRS and cell size (in its own units).
    synthetic
        True when the raster is tagged ``SYNTHETIC=true``.
    """

    people_covered: float
    people_uncovered: float
    people_off_residential: float
    share: float | None
    raster_crs: str
    cell_size: tuple[float, float]
    synthetic: bool

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready summary."""
        return {
            "people_covered": round(self.people_covered, 1),
            "people_uncovered": round(self.people_uncovered, 1),
            "people_on_residential": round(self.people_covered + self.people_uncovered, 1),
            "people_off_residential": round(self.people_off_residential, 1),
            "share": self.share,
            "raster_crs": self.raster_crs,
            "cell_size": list(self.cell_size),
            "synthetic": self.synthetic,
        }


def _to_raster_crs(geoms: npt.ArrayLike, crs_text: str) -> npt.NDArray[np.object_]:
    return geometries_to(np.asarray(geoms, dtype=object), ANALYSIS_CRS, crs_text)


def _crs_text(src: rasterio.DatasetReader) -> str:
    if src.crs is None:
        raise LayerLoadError("population raster has no CRS")
    epsg = src.crs.to_epsg()
    return f"EPSG:{epsg}" if epsg else parse_crs(src.crs.to_wkt()).name


def _window_and_fine(
    src: rasterio.DatasetReader, bounds: tuple[float, float, float, float], factor: int
) -> tuple[rasterio.windows.Window, Affine, Affine, tuple[int, int]]:
    raw = rasterio.windows.from_bounds(*bounds, transform=src.transform)
    col0, row0 = math.floor(raw.col_off), math.floor(raw.row_off)
    col1 = math.ceil(raw.col_off + raw.width)
    row1 = math.ceil(raw.row_off + raw.height)
    col0, row0 = max(col0, 0), max(row0, 0)
    col1, row1 = min(col1, src.width), min(row1, src.height)
    win = rasterio.windows.Window(col0, row0, max(col1 - col0, 0), max(row1 - row0, 0))
    transform = src.window_transform(win)
    fine = transform @ Affine.scale(1.0 / factor)
    return win, transform, fine, (int(win.height), int(win.width))


def _burn(geoms: npt.NDArray[np.object_], shape: tuple[int, int], transform: Affine) -> Any:
    geoms = geoms[~shapely.is_empty(geoms)]
    if len(geoms) == 0:
        return np.zeros(shape, dtype=np.uint8)
    return rasterio.features.rasterize(
        ((g, 1) for g in geoms), out_shape=shape, transform=transform, fill=0, dtype="uint8"
    )


def _cell_sums(fine: npt.NDArray[np.uint8], shape: tuple[int, int], factor: int) -> FloatArray:
    h, w = shape
    return fine.reshape(h, factor, w, factor).sum(axis=(1, 3)).astype(np.float64)


def population_coverage(
    result: CoverageResult, raster: Path | str, *, supersample: int = 10, band: int = 1
) -> PopulationCoverage:
    """Share of people on residential land who live inside the parks' service areas.

    Parameters
    ----------
    result
        A coverage result (its covered land and blind spots are used).
    raster
        Population GeoTIFF in any CRS, values = people per cell (nodata ignored).
    supersample
        Sub-cells per raster cell edge used to split each cell's people between covered
        and uncovered land (10 → 100 sub-cells per cell).
    band
        Raster band holding the counts.

    Raises
    ------
    LayerLoadError
        If the raster cannot be read or has no CRS.
    """
    if supersample < 1:
        raise InvalidInput("supersample must be >= 1")
    try:
        src = rasterio.open(raster)
    except rasterio.errors.RasterioIOError as exc:
        raise LayerLoadError(f"cannot read population raster: {exc}") from None
    with src:
        crs_text = _crs_text(src)
        covered = _to_raster_crs(result.covered_land.geometry.values, crs_text)
        uncovered = _to_raster_crs(result.blind_spots.geometry.values, crs_text)
        both = np.concatenate([covered, uncovered])
        synthetic = str(src.tags().get("SYNTHETIC", "")).casefold() == "true"
        cell = (abs(src.transform.a), abs(src.transform.e))
        if len(both) == 0:
            return PopulationCoverage(0.0, 0.0, 0.0, None, crs_text, cell, synthetic)
        win, _, fine_tf, shape = _window_and_fine(
            src, tuple(shapely.total_bounds(both)), supersample
        )
        if shape[0] == 0 or shape[1] == 0:
            return PopulationCoverage(0.0, 0.0, 0.0, None, crs_text, cell, synthetic)
        people = src.read(band, window=win, masked=True).astype(np.float64).filled(0.0)
    fine_shape = (shape[0] * supersample, shape[1] * supersample)
    n_cov = _cell_sums(_burn(covered, fine_shape, fine_tf), shape, supersample)
    n_unc = _cell_sums(_burn(uncovered, fine_shape, fine_tf), shape, supersample)
    n_res = n_cov + n_unc
    on_res = n_res > 0
    frac = np.divide(n_cov, n_res, out=np.zeros_like(n_cov), where=on_res)
    p_cov = float((people * frac)[on_res].sum())
    p_res = float(people[on_res].sum())
    off = float(people[~on_res].sum())
    share = p_cov / p_res if p_res > 0 else None
    return PopulationCoverage(p_cov, p_res - p_cov, off, share, crs_text, cell, synthetic)


def people_in(raster: Path | str, area: BaseGeometry, *, band: int = 1) -> float:
    """People in raster cells whose centres lie inside ``area`` (EPSG:4548 polygon)."""
    with rasterio.open(raster) as src:
        crs_text = _crs_text(src)
        geom = _to_raster_crs([area], crs_text)[0]
        win, transform, _, shape = _window_and_fine(src, tuple(geom.bounds), 1)
        if shape[0] == 0 or shape[1] == 0:
            return 0.0
        people = src.read(band, window=win, masked=True).astype(np.float64).filled(0.0)
    inside = rasterio.features.geometry_mask([geom], shape, transform, invert=True)
    return float(people[inside].sum())
