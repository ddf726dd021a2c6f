"""The SQL hit finder (``GEOZONE_LOOKUP=sql``): candidates by spatial SQL over PostGIS.

For layer sets too large for memory. Each query asks ``geozone.feature_parts`` (every
feature cut by ``ST_Subdivide(geom, 256)``, GiST index) for the pieces within the
query's tolerance (``ST_DWithin``, which takes the index with the grown bounding box),
keeps those of the layer versions in force, and takes the distinct features' ORIGINAL
rows from ``geozone.features``. Those rows become :class:`~geozone.hits.Feature` objects
through the same code as the in-memory finder (:func:`~geozone.db.frames.column_values`
types the stored attributes as the layer frame's columns, :func:`~geozone.hits.analysis_geometries`
and :func:`~geozone.hits.columns_of_values` prepare them), so the shared measuring code
(:mod:`geozone.measure`) gives byte-identical answers.

A superset is harmless (the measuring stage decides) and a subset is impossible: a
feature covering the point, or whose boundary lies within ``t`` of the query, has a
piece within ``t`` of it. The SQL tolerance is padded by :data:`SLACK_M` so PostGIS's
own distance rounding can never drop a feature GEOS measures at exactly ``t``.

Features fetched are kept per thread in a bounded LRU (:data:`FEATURE_CACHE_SIZE`),
keyed by (layer id, version, row): prepared GEOS objects are never shared between
threads (:mod:`geozone.lanes`). A point asks for the pieces near its whole grid cell
(:data:`CELL_M` squares), not near the point, and the cell's candidate keys are kept per
thread too (:data:`CELL_CACHE_SIZE`, keyed by the versions in force with their file
hashes, the cell and the tolerance): a point asked again, or another in the same cell,
is answered with no database round trip. The keys are a superset for every point of
the cell (a feature within ``t`` of the point has a piece within ``t`` of the cell), and
the measuring stage tests each candidate exactly, so the answers stay the same bytes.
Connections come from the finder's own pool (psycopg_pool, autocommit, statements
prepared on first use). A parcel's work budget
(:mod:`geozone.budget`) counts the features whose bounding box meets its grown bounding
box with the GiST index on ``geozone.features.geom``, before any geometry is fetched.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import replace
from typing import TYPE_CHECKING, Any

import numpy as np
import psycopg
import shapely
from psycopg_pool import ConnectionPool, PoolTimeout

from geozone.budget import check_work, grown_bounds, work_estimate
from geozone.catalog import LayerVersion
from geozone.db.connection import (
    CONNECT_TIMEOUT_S,
    POOL_TIMEOUT_S,
    check_url,
    describe,
    unavailable,
)
from geozone.db.frames import column_values
from geozone.errors import DatabaseUnavailable, LayerNotFound
from geozone.hits import (
    FEATURE_ATTRIBUTES,
    Candidates,
    Feature,
    analysis_geometries,
    columns_of_values,
    gcj02_guess,
    layer_features,
)
from geozone.query import Query
from geozone.vocab import LayerKind

if TYPE_CHECKING:
    from geozone.selection import Selection

FEATURE_CACHE_SIZE = 20_000
"""Features (original geometries, prepared) kept per thread; a Beijing-sized zone set
fits, and a 1M-polygon set keeps its busiest parts."""
CELL_M = 100.0
"""Side of the grid cells (EPSG:4548 metres) whose candidates a point lookup asks for."""
CELL_CACHE_SIZE = 20_000
"""Cells whose candidate keys are kept per thread (a few keys each)."""
SLACK_M = 1e-3
"""Metres added to the tolerance in SQL (a superset; the measuring stage is exact)."""

Key = tuple[str, str, int]
"""(layer id, version, row ``ord``): one feature of one layer version."""
CacheKey = tuple[str, str, str, int]
"""A :data:`Key` with the version's file hash: a layer set imported again under the same
version labels (``geozone db import``) never reuses features cached from the old one."""

PARTS_NEAR = (
    "SELECT DISTINCT layer_id, version, ord FROM geozone.feature_parts"
    " WHERE ST_DWithin(geom, ST_GeomFromWKB(%(g)s, 4548), %(t)s)"
    " AND layer_id = ANY(%(layers)s)"
)
PARTS_NEAR_CELL = (
    "SELECT DISTINCT layer_id, version, ord FROM geozone.feature_parts"
    " WHERE ST_DWithin(geom, ST_MakeEnvelope(%(x0)s, %(y0)s, %(x1)s, %(y1)s, 4548), %(t)s)"
    " AND layer_id = ANY(%(layers)s)"
)
FEATURE_ROWS = (
    "SELECT f.layer_id, f.version, f.ord, f.props, ST_AsBinary(f.geom)"
    " FROM unnest(%(ids)s::text[], %(versions)s::text[], %(ords)s::int[]) AS k(l, v, o)"
    " JOIN geozone.features f ON f.layer_id = k.l AND f.version = k.v AND f.ord = k.o"
)
ENVELOPES_MEETING = (
    "SELECT layer_id, version, count(*) FROM geozone.features"
    " WHERE geom && ST_MakeEnvelope(%(x0)s, %(y0)s, %(x1)s, %(y1)s, 4548)"
    " AND layer_id = ANY(%(layers)s) GROUP BY layer_id, version"
)
COLUMNS = "SELECT columns FROM geozone.layer_versions WHERE layer_id = %s AND version = %s"
VERSIONS = "SELECT layer_id, version, sha256 FROM geozone.layer_versions"


class _FeatureCache(threading.local):
    """One thread's features by :data:`Key` and cells' candidate keys (LRU both)."""

    def __init__(self) -> None:
        self.items: OrderedDict[CacheKey, Feature] = OrderedDict()
        self.cells: OrderedDict[tuple[Any, ...], list[Key]] = OrderedDict()


class SqlFinder:
    """A :class:`~geozone.hits.HitFinder` over the database's subdivided feature parts.

    Parameters
    ----------
    url
        The database (``postgresql://...``), holding the layer set the catalog was loaded
        from (``geozone db import``; :class:`~geozone.db.layer_store.PostgisLayerStore`).
    max_connections
        Pool size (one per lookup thread is enough).
    cache_size
        Features kept per thread (:data:`FEATURE_CACHE_SIZE`).
    """

    def __init__(
        self, url: str, *, max_connections: int = 8, cache_size: int = FEATURE_CACHE_SIZE
    ) -> None:
        self.url = check_url(url)
        self.where = describe(url)
        self.cache_size = cache_size
        self._cache = _FeatureCache()
        self._columns: dict[tuple[str, str, str], list[list[str]]] = {}
        self._checked: set[tuple[str, str, str]] = set()  # versions seen in the database
        self.pool = ConnectionPool(
            self.url,
            min_size=1,
            max_size=max_connections,
            kwargs={
                "autocommit": True,
                "connect_timeout": CONNECT_TIMEOUT_S,
                "prepare_threshold": 0,  # server-side prepared statements from the first use
            },
            # no check per checkout (a round trip per lookup): a connection broken by a
            # database restart fails its one request (503) and the pool replaces it
            open=False,
            name=f"geozone sql lookup {self.where}",
        )
        self.pool.open(wait=False)

    def close(self) -> None:
        """Close the pool's connections."""
        self.pool.close()

    # -- the HitFinder protocol

    def candidates(self, selected: Selection, query: Query) -> Candidates:
        """The features with a piece within ``query.tolerance_m`` of the query.

        Raises :class:`~geozone.errors.QueryTooLarge` for a parcel over its work budget
        and :class:`~geozone.errors.DatabaseUnavailable` (503) if the database fails.
        """
        t = float(query.tolerance_m) + SLACK_M
        in_force = _positions(selected.versions)
        layers = sorted({k[0] for k in in_force})
        if query.kind == "point":
            x, y, _, _ = query.point_coords
            cell = (_versions_key(selected), int(x // CELL_M), int(y // CELL_M), t)
            keys = self._cache.cells.get(cell)
            if keys is not None:  # asked before: the features are likely cached too
                self._cache.cells.move_to_end(cell)
                feats = self._cached_features(selected.versions, in_force, keys)
                if feats is not None:
                    return Candidates(feats)
        with self._connection() as conn:
            self._check_versions(conn, selected.versions)
            if query.kind == "point":
                if keys is None:
                    x0, y0 = cell[1] * CELL_M, cell[2] * CELL_M
                    params: dict[str, Any] = {
                        "x0": x0,
                        "y0": y0,
                        "x1": x0 + CELL_M,
                        "y1": y0 + CELL_M,
                        "t": t,
                        "layers": layers,
                    }
                    keys = self._keys(conn.execute(PARTS_NEAR_CELL, params).fetchall(), in_force)
                    cells = self._cache.cells
                    cells[cell] = keys
                    if len(cells) > CELL_CACHE_SIZE:
                        cells.popitem(last=False)
            else:
                self._check_budget(conn, in_force, layers, query)
                g = shapely.to_wkb(query.geometry)
                rows = conn.execute(PARTS_NEAR, {"g": g, "t": t, "layers": layers}).fetchall()
                keys = self._keys(rows, in_force)
            feats = self._features(conn, selected.versions, in_force, keys)
        return Candidates(feats)

    @staticmethod
    def _keys(rows: list[tuple[Any, ...]], in_force: dict[tuple[str, str], int]) -> list[Key]:
        """The feature keys of part rows, of the versions in force, in catalog order."""
        return sorted(
            ((str(r[0]), str(r[1]), int(r[2])) for r in rows if (r[0], r[1]) in in_force),
            key=lambda k: (in_force[(k[0], k[1])], k[2]),
        )

    def inside_if_gcj02(self, selected: Selection, query: Query) -> bool:
        """Whether an admin polygon covers the query read as GCJ-02 (one inverse step)."""
        in_force = {
            k: i
            for k, i in _positions(selected.versions).items()
            if selected.versions[i].kind == LayerKind.ADMIN
        }
        if not in_force:
            return False
        guess = gcj02_guess(query)
        layers = sorted({k[0] for k in in_force})
        with self._connection() as conn:
            self._check_versions(conn, selected.versions)
            rows = conn.execute(
                PARTS_NEAR, {"g": shapely.to_wkb(guess), "t": 0.0, "layers": layers}
            ).fetchall()
            keys = sorted(
                (str(r[0]), str(r[1]), int(r[2])) for r in rows if (r[0], r[1]) in in_force
            )
            feats = self._features(conn, selected.versions, in_force, keys)
        return any(shapely.intersects(f.geometry, guess) for f in feats)

    # -- budget, for a batch's summed work too

    def parcel_work(self, selected: Selection, query: Query) -> dict[str, Any]:
        """:func:`geozone.budget.work_estimate` of a parcel, its candidates counted in SQL."""
        in_force = _positions(selected.versions)
        with self._connection() as conn:
            return self._work(conn, in_force, sorted({k[0] for k in in_force}), query)

    def _work(
        self,
        conn: psycopg.Connection[Any],
        in_force: dict[tuple[str, str], int],
        layers: list[str],
        query: Query,
    ) -> dict[str, Any]:
        x0, y0, x1, y1 = grown_bounds(query)
        params = {"x0": x0, "y0": y0, "x1": x1, "y1": y1, "layers": layers}
        counts = conn.execute(ENVELOPES_MEETING, params).fetchall()
        return work_estimate(query, sum(int(n) for lid, v, n in counts if (lid, v) in in_force))

    def _check_budget(
        self,
        conn: psycopg.Connection[Any],
        in_force: dict[tuple[str, str], int],
        layers: list[str],
        query: Query,
    ) -> None:
        check_work(query, self._work(conn, in_force, layers, query))

    # -- features

    def _check_versions(
        self, conn: psycopg.Connection[Any], versions: Sequence[LayerVersion]
    ) -> None:
        """Refuse to answer for layer versions the database does not hold as loaded.

        The catalog (from the folder or the database) names the versions in force; their
        features come from the database. A version missing there, or stored from another
        file (another layer set imported under the same labels, before this process
        reloaded), would give other answers: 503 naming it, never a silent mix.
        """
        wanted = {(v.id, v.version, v.sha256) for v in versions}
        if wanted <= self._checked:
            return
        stored = {(str(r[0]), str(r[1]), str(r[2])) for r in conn.execute(VERSIONS)}
        self._checked |= wanted & stored
        missing = sorted(wanted - stored)
        if missing:
            keys = ", ".join(f"{lid}@{ver}" for lid, ver, _ in missing)
            raise DatabaseUnavailable(
                f"the database {self.where} does not hold the layer versions in force as "
                f"loaded ({keys}): the lookups of GEOZONE_LOOKUP=sql read their features "
                "from it; import that layer set (`geozone db import`) or serve from the database",
                {"database": self.where, "layer_versions": [f"{m[0]}@{m[1]}" for m in missing]},
            )

    @contextmanager
    def _connection(self) -> Iterator[psycopg.Connection[Any]]:
        try:
            with self.pool.connection(timeout=POOL_TIMEOUT_S) as conn:
                yield conn
        except (PoolTimeout, psycopg.OperationalError, psycopg.InterfaceError) as exc:
            raise unavailable(self.url, exc) from None

    def _features(
        self,
        conn: psycopg.Connection[Any],
        versions: Sequence[LayerVersion],
        in_force: dict[tuple[str, str], int],
        keys: list[Key],
    ) -> list[Feature]:
        """The features of ``keys`` (in that order), from the cache or the database."""
        cache = self._cache.items
        ckeys = _cache_keys(versions, in_force, keys)
        missing = [k for k, c in zip(keys, ckeys, strict=True) if c not in cache]
        if missing:
            self._fetch(conn, versions, in_force, missing)
        return self._from_cache(in_force, ckeys)

    def _cached_features(
        self,
        versions: Sequence[LayerVersion],
        in_force: dict[tuple[str, str], int],
        keys: list[Key],
    ) -> list[Feature] | None:
        """The features of ``keys`` if this thread holds every one, else ``None``."""
        ckeys = _cache_keys(versions, in_force, keys)
        cache = self._cache.items
        if not all(c in cache for c in ckeys):
            return None
        return self._from_cache(in_force, ckeys)

    def _from_cache(
        self, in_force: dict[tuple[str, str], int], ckeys: list[CacheKey]
    ) -> list[Feature]:
        """The cached features of ``ckeys`` (held), placed in the selection's layer order."""
        cache = self._cache.items
        out = []
        for c in ckeys:
            f = cache.get(c)
            if f is None:  # an empty geometry: never measured (as in memory)
                continue
            cache.move_to_end(c)
            layer = in_force[(c[0], c[1])]
            out.append(f if f.layer == layer else replace(f, layer=layer))
        while len(cache) > self.cache_size:
            cache.popitem(last=False)
        return out

    def _fetch(
        self,
        conn: psycopg.Connection[Any],
        versions: Sequence[LayerVersion],
        in_force: dict[tuple[str, str], int],
        keys: list[Key],
    ) -> None:
        """Read the original rows of ``keys`` and cache them as prepared features."""
        rows = conn.execute(
            FEATURE_ROWS,
            {
                "ids": [k[0] for k in keys],
                "versions": [k[1] for k in keys],
                "ords": [k[2] for k in keys],
            },
        ).fetchall()
        by_version: dict[tuple[str, str], list[tuple[Any, ...]]] = {}
        for r in rows:
            by_version.setdefault((str(r[0]), str(r[1])), []).append(r)
        cache = self._cache.items
        for (layer_id, version), got in by_version.items():
            got.sort(key=lambda r: int(r[2]))
            layer = in_force[(layer_id, version)]
            lv = versions[layer]
            columns = self._layer_columns(conn, lv)
            raw = np.empty(len(got), dtype=object)
            raw[:] = [None if r[4] is None else bytes(r[4]) for r in got]
            kept, geoms = analysis_geometries(shapely.from_wkb(raw))
            shapely.prepare(geoms)
            bounds = shapely.boundary(geoms)
            shapely.prepare(bounds)
            props = [got[i][3] for i in kept.tolist()]
            values = {
                name: column_values(props, name, dtype)
                for name, dtype in columns
                if name in FEATURE_ATTRIBUTES
            }
            cols = columns_of_values(lv.kind, values, len(kept))
            made = layer_features(lv, layer, cols, geoms, bounds)
            for i, f in zip(kept.tolist(), made, strict=True):
                cache[(layer_id, version, lv.sha256, int(got[i][2]))] = f

    def _layer_columns(self, conn: psycopg.Connection[Any], lv: LayerVersion) -> list[list[str]]:
        layer_id, version = lv.id, lv.version
        found = self._columns.get((layer_id, version, lv.sha256))
        if found is None:
            row = conn.execute(COLUMNS, (layer_id, version)).fetchone()
            if row is None:
                raise LayerNotFound(
                    f"the database {self.where} has no layer version {layer_id}@{version}",
                    {"layer_id": layer_id, "version": version},
                )
            found = self._columns.setdefault((layer_id, version, lv.sha256), list(row[0]))
        return found


def _cache_keys(
    versions: Sequence[LayerVersion], in_force: dict[tuple[str, str], int], keys: list[Key]
) -> list[CacheKey]:
    """``keys`` with their version's file hash (the feature cache's keys)."""
    return [(k[0], k[1], versions[in_force[(k[0], k[1])]].sha256, k[2]) for k in keys]


def _versions_key(selected: Selection) -> tuple[tuple[str, str, str], ...]:
    """The versions in force with their file hashes (kept in the selection's memo)."""
    found: tuple[tuple[str, str, str], ...] | None = selected.memo.get("sql_versions")
    if found is None:
        found = tuple((v.id, v.version, v.sha256) for v in selected.versions)
        selected.memo["sql_versions"] = found
    return found


def _positions(versions: Sequence[LayerVersion]) -> dict[tuple[str, str], int]:
    """(layer id, version) -> position in the selection (catalog order)."""
    return {(v.id, v.version): i for i, v in enumerate(versions)}
