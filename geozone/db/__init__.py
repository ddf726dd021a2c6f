"""PostgreSQL/PostGIS storage: the layer store and the report store in one database.

- :mod:`geozone.db.connection`: a connection pool from ``GEOZONE_DATABASE_URL``;
- :mod:`geozone.db.migrations`: the schema ``geozone``, versioned (``geozone db init``);
- :mod:`geozone.db.layer_store`: :class:`~geozone.db.layer_store.PostgisLayerStore`;
- :mod:`geozone.db.report_store`: :class:`~geozone.db.report_store.PostgresReportStore`;
- :mod:`geozone.db.transfer`: ``geozone db import DIR`` / ``export DIR``.

Uses psycopg 3 and psycopg_pool; nothing here imports FastAPI.
"""
