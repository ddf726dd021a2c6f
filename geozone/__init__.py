"""geozone: ecological zoning layers, compliance lookups and coverage metrics.

The core library. It never imports FastAPI; the HTTP service in ``api/`` is a thin
adapter over it. Analysis happens in metres in a projected CRS (EPSG:4548,
CGCS2000 / 3-degree Gauss-Krüger CM 117°E, for Beijing).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from geozone.catalog import Catalog

__version__ = "0.1.0"

ANALYSIS_CRS = "EPSG:4548"
"""Projected CRS in metres used for every area, distance and buffer."""

OUTPUT_CRS = "EPSG:4326"
"""CRS of geometries returned to users (GeoJSON)."""


def open_layers(path: str | Path | None = None) -> Catalog:
    """Load a layer set: the shipped demo layers, or the folder ``path`` (its manifest.toml).

    Without ``path`` the folder is ``GEOZONE_LAYERS_DIR`` when set, else the shipped
    ``layers/`` (synthetic demo data). Layer frames are in EPSG:4548 (metres).

    Raises
    ------
    ManifestError, LayerLoadError
        For a missing or invalid manifest or an unreadable layer file.

    Examples
    --------
    >>> layers = open_layers()
    >>> from geozone.coverage import coverage_for_catalog
    >>> r = coverage_for_catalog(layers, "通州区", preset="radius500", by=None)
    >>> f"{r.ratio:.2%}", r.headline()["label_en"]
    ('93.12%', 'Tongzhou park 500 m coverage 96 % by 2030')
    """
    from geozone.catalog import load_catalog
    from geozone.settings import Settings

    return load_catalog(Path(path) if path is not None else Settings().layers_dir)


__all__ = ["ANALYSIS_CRS", "OUTPUT_CRS", "__version__", "open_layers"]
