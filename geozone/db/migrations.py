"""The database schema ``geozone``, built by numbered migrations (``geozone db init``).

Each migration runs once, in a transaction with its row in ``geozone.schema_migrations``;
:func:`migrate` takes an advisory lock first, so two processes starting at once do not
both migrate, and running it again is a no-op. A database migrated by a newer geozone
(a number this one does not know) is refused.

Tables (geometries in EPSG:4548, metres, and in WGS84 for output):

- ``layer_set``: one row (``id = 1``): the layer set id, ``manifest`` (JSON), the
  manifest's exact text ``manifest_toml`` (its bytes enter the layer-set hash), ``hash``
  (:attr:`~geozone.catalog.Catalog.hash`), ``generation`` (the change counter) and
  ``updated_at``;
- ``layer_versions``: one row per manifest entry: ``layer_id, version, position`` (order
  in the manifest), ``entry`` (the manifest entry, JSON), ``sha256`` and the original
  file ``data`` (bytes; exported as they were, so the hash survives a round trip),
  ``file_name``, ``file_crs``, ``valid_from``, ``valid_to``, ``columns`` (the normalised
  attribute columns and their pandas dtypes);
- ``features``: ``layer_id, version, ord`` (row in the frame), ``fid`` (``feature_id``),
  ``props`` (the attributes, JSON), ``geom`` (EPSG:4548) and ``geom_wgs84`` (EPSG:4326),
  GiST indexes on both;
- ``feature_parts``: ``layer_id, version, fid, ord, geom``: each feature's geometry cut
  by ``ST_Subdivide(geom, 256)`` (GiST index), for spatial SQL that must not test huge
  polygons; the originals stay in ``features``;
- ``rule_files``: ``name, body`` (bytes) of the rule table files;
- ``reports`` and ``asks``: the answered lookups, as in the SQLite report store;
- ``audit_log`` (migration 3): one row per admin layer change attempt, accepted or
  refused (``seq``, ``time``, ``entry`` as JSON: the entry the file audit log would hold,
  :mod:`geozone.db.audit`); an accepted change's row commits with the change.
"""

from __future__ import annotations

import logging
from typing import Any

import psycopg

from geozone.errors import GeozoneError

log = logging.getLogger(__name__)

LOCK_KEY = 0x67656F7A6F6E65  # "geozone": the advisory lock migrations take

MIGRATIONS: tuple[tuple[int, str, str], ...] = (
    (
        1,
        "layer set, layer versions, features, feature parts, rule files, reports",
        """
CREATE EXTENSION IF NOT EXISTS postgis;

CREATE TABLE geozone.layer_set (
    id            integer PRIMARY KEY CHECK (id = 1),
    layerset_id   text NOT NULL,
    manifest      jsonb NOT NULL,
    manifest_toml text NOT NULL,
    hash          text NOT NULL,
    generation    bigint NOT NULL DEFAULT 0,
    updated_at    timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE geozone.layer_versions (
    layer_id   text NOT NULL,
    version    text NOT NULL,
    position   integer NOT NULL,
    entry      jsonb NOT NULL,
    sha256     text NOT NULL,
    file_name  text NOT NULL,
    data       bytea NOT NULL,
    file_crs   text,
    valid_from date NOT NULL,
    valid_to   date,
    columns    jsonb NOT NULL,
    PRIMARY KEY (layer_id, version)
);

CREATE TABLE geozone.features (
    layer_id   text NOT NULL,
    version    text NOT NULL,
    ord        integer NOT NULL,
    fid        text,
    props      jsonb NOT NULL,
    geom       geometry(Geometry, 4548),
    geom_wgs84 geometry(Geometry, 4326),
    PRIMARY KEY (layer_id, version, ord),
    FOREIGN KEY (layer_id, version) REFERENCES geozone.layer_versions ON DELETE CASCADE
);
CREATE INDEX features_fid ON geozone.features (layer_id, version, fid);
CREATE INDEX features_geom ON geozone.features USING gist (geom);
CREATE INDEX features_geom_wgs84 ON geozone.features USING gist (geom_wgs84);

CREATE TABLE geozone.feature_parts (
    layer_id text NOT NULL,
    version  text NOT NULL,
    fid      text,
    ord      integer NOT NULL,
    geom     geometry(Geometry, 4548) NOT NULL,
    FOREIGN KEY (layer_id, version) REFERENCES geozone.layer_versions ON DELETE CASCADE
);
CREATE INDEX feature_parts_geom ON geozone.feature_parts USING gist (geom);
CREATE INDEX feature_parts_version ON geozone.feature_parts (layer_id, version);

CREATE TABLE geozone.rule_files (
    name text PRIMARY KEY,
    body bytea NOT NULL
);

CREATE TABLE geozone.reports (
    report_id        text PRIMARY KEY,
    created_at       text NOT NULL,
    source           text NOT NULL,
    query_json       text NOT NULL,
    answer_json      text NOT NULL,
    layerset_id      text,
    layerset_version text,
    layerset_hash    text,
    rules_version    text,
    layers_json      text NOT NULL,
    synthetic        boolean NOT NULL,
    geozone_version  text
);

CREATE TABLE geozone.asks (
    report_id     text PRIMARY KEY REFERENCES geozone.reports,
    last_asked_at text NOT NULL,
    times_asked   bigint NOT NULL
);
""",
    ),
    (
        2,
        "report signatures: the Ed25519 signature and key id of each answer (geozone.signing)",
        """
ALTER TABLE geozone.reports ADD COLUMN key_id text, ADD COLUMN signature text;
""",
    ),
    (
        3,
        "audit log of admin layer changes",
        """
CREATE TABLE geozone.audit_log (
    seq   bigserial PRIMARY KEY,
    time  timestamptz NOT NULL,
    entry jsonb NOT NULL
);
CREATE INDEX audit_log_time ON geozone.audit_log (time);
""",
    ),
)
"""(number, what it does, SQL): applied in order, each once."""

LATEST = MIGRATIONS[-1][0]


def applied(conn: psycopg.Connection[Any]) -> list[int]:
    """Numbers of the migrations applied to the database (empty before ``init``)."""
    exists = conn.execute("SELECT to_regclass('geozone.schema_migrations') IS NOT NULL").fetchone()
    if not exists or not exists[0]:
        return []
    rows = conn.execute("SELECT number FROM geozone.schema_migrations ORDER BY number").fetchall()
    return [int(r[0]) for r in rows]


def migrate(conn: psycopg.Connection[Any]) -> list[int]:
    """Bring the schema to :data:`LATEST`; the numbers applied now (empty: nothing to do).

    ``conn`` must not be in a transaction; the pending migrations commit together.

    Raises
    ------
    GeozoneError
        If the database holds a migration this geozone does not know (a newer geozone).
    """
    done: list[int] = []
    with conn.transaction():
        conn.execute("SELECT pg_advisory_xact_lock(%s)", (LOCK_KEY,))
        conn.execute("CREATE SCHEMA IF NOT EXISTS geozone")
        conn.execute(
            "CREATE TABLE IF NOT EXISTS geozone.schema_migrations ("
            " number integer PRIMARY KEY, description text NOT NULL,"
            " applied_at timestamptz NOT NULL DEFAULT now())"
        )
        have = set(applied(conn))
        unknown = sorted(n for n in have if n > LATEST)
        if unknown:
            raise GeozoneError(
                f"the database has schema migration {unknown[-1]}; this geozone knows up to "
                f"{LATEST} (upgrade geozone)"
            )
        for number, description, sql in MIGRATIONS:
            if number in have:
                continue
            log.info("applying migration %d: %s", number, description)
            conn.execute(sql)  # type: ignore[arg-type]  # our own literal SQL
            conn.execute(
                "INSERT INTO geozone.schema_migrations (number, description) VALUES (%s, %s)",
                (number, description),
            )
            done.append(number)
    return done


def require_schema(conn: psycopg.Connection[Any]) -> None:
    """Refuse a database that ``geozone db init`` has not brought to :data:`LATEST`."""
    have = applied(conn)
    if not have or max(have) < LATEST:
        raise GeozoneError(
            f"the database schema is at migration {max(have) if have else 0}, not {LATEST}: "
            "run `geozone db init`"
        )
