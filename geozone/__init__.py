"""geozone: ecological zoning layers, compliance lookups and coverage metrics.

The core library. It never imports FastAPI; the HTTP service in ``api/`` is a thin
adapter over it. Analysis happens in metres in a projected CRS (EPSG:4548,
CGCS2000 / 3-degree Gauss-Krüger CM 117°E, for Beijing).
"""

__version__ = "0.1.0"

ANALYSIS_CRS = "EPSG:4548"
"""Projected CRS in metres used for every area, distance and buffer."""

OUTPUT_CRS = "EPSG:4326"
"""CRS of geometries returned to users (GeoJSON)."""

__all__ = ["ANALYSIS_CRS", "OUTPUT_CRS", "__version__"]
