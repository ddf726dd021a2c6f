"""Versions of geozone and the libraries it stands on, for bug reports and ``/healthz``."""

from __future__ import annotations

import platform

import geopandas
import pyogrio
import pyproj
import shapely

from geozone import __version__


def library_versions() -> dict[str, str]:
    """Return versions of geozone, Python, shapely, GEOS, GDAL, PROJ, pyproj and geopandas."""
    return {
        "geozone": __version__,
        "python": platform.python_version(),
        "shapely": shapely.__version__,
        "geos": shapely.geos_version_string,
        "geopandas": geopandas.__version__,
        "pyogrio": pyogrio.__version__,
        "gdal": pyogrio.__gdal_version_string__,
        "pyproj": pyproj.__version__,
        "proj": pyproj.proj_version_str,
    }
