"""geozone HTTP service: a thin FastAPI adapter over the :mod:`geozone` core."""
