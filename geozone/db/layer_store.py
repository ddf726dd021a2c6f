"""The layer set in PostgreSQL/PostGIS: :class:`PostgisLayerStore`.

The database holds everything a service needs (schema in :mod:`geozone.db.migrations`):
the manifest's text, each version's file bytes, features and rule files. :meth:`load`
rebuilds a :class:`~geozone.catalog.Catalog` equal to what
:func:`~geozone.catalog.load_catalog` gives for the folder it was imported from (same
manifest, frames with the same columns, dtypes and bit-identical geometries, same
hash), read in one ``REPEATABLE READ`` transaction, so it never mixes two generations.

A catalog loaded from the database has no folder: its ``root`` is a label
``db:<host:port/db>`` (nothing is read from it) and its rule table comes with it in the
:class:`~geozone.layer_follower.LayerState`, read from the ``rule_files`` rows by
:func:`~geozone.rules.rules_from_files`.

Changes (:meth:`add_version`, :meth:`retire_version`, and :func:`geozone.db.transfer.import_dir`)
are one transaction each: the ``layer_set`` row is locked (``FOR UPDATE``), the change is
validated against the state in the database (the checks of ``geozone layers validate``),
rows are written, the generation counter goes up by one and ``NOTIFY geozone_layers``
(payload ``{"counter", "hash"}``) is sent, delivered at commit. A refusal writes nothing.
Uploads and retires (:meth:`upload`, :meth:`retire`) are audited in ``geozone.audit_log``
(:mod:`geozone.db.audit`): an accepted change's entry in its own transaction, a refusal's
in one of its own after the rollback.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import socket
import tempfile
import threading
import time
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import geopandas as gpd
import psycopg
import shapely
from psycopg.types.json import Jsonb

from geozone import ANALYSIS_CRS, OUTPUT_CRS
from geozone.audit import utc_now
from geozone.catalog import Catalog, LayerVersion, check_gcj02_shift, load_layer
from geozone.db.audit import DatabaseAuditLog
from geozone.db.connection import Database, connect, unavailable
from geozone.db.frames import columns_of, frame_from_rows, props_of, wkb_of
from geozone.db.migrations import require_schema
from geozone.errors import (
    GenerationConflict,
    GeozoneError,
    InvalidDate,
    InvalidInput,
    LayerNotFound,
    ValidationFailed,
)
from geozone.layer_changes import (
    Generation,
    NewVersion,
    _header,
    audit_entry,
    check_version_label,
    data_file_name,
    manifest_toml,
    parse_date,
    retire_report,
    stage_upload,
    unknown_layer,
    validation_summary,
)
from geozone.layer_follower import LayerState
from geozone.manifest import LayerEntry, Manifest, parse_manifest
from geozone.rules import RuleTable, rules_from_files
from geozone.stores import BBox, FeaturePage, page_of
from geozone.validate import validate_layer_version
from geozone.vocab import LayerKind

log = logging.getLogger(__name__)

CHANNEL = "geozone_layers"
"""The ``NOTIFY`` channel of new generations (payload ``{"counter": n, "hash": h}``)."""
SUBDIVIDE_VERTICES = 256
"""Most vertices of a piece in ``feature_parts`` (``ST_Subdivide``)."""


@dataclass(frozen=True)
class StoredChange:
    """An accepted change: the generation before and after it, the validation report."""

    before: Generation
    after: Generation
    report: dict[str, Any]


class EmptyDatabase(GeozoneError):
    """The database holds no layer set yet (``geozone db import DIR`` first)."""

    status = 503
    code = "no_layer_set"


def catalog_hash(manifest_text: str, sha256s: list[str]) -> str:
    """:attr:`Catalog.hash` of a manifest's text and its versions' file hashes (in order)."""
    digest = hashlib.sha256(manifest_text.encode("utf-8"))
    for sha in sha256s:
        digest.update(sha.encode())
    return digest.hexdigest()[:16]


def parse_manifest_text(text: str, source: str = "database manifest") -> Manifest:
    """The :class:`Manifest` of a ``manifest.toml`` text."""
    return parse_manifest(tomllib.loads(text), source)


# --- writing rows (also used by geozone.db.transfer) ------------------------------------------


def write_version(
    conn: psycopg.Connection[Any], lv: LayerVersion, position: int, data: bytes
) -> None:
    """Insert one layer version: its row, its features and their subdivided parts."""
    e = lv.entry
    conn.execute(
        "INSERT INTO geozone.layer_versions (layer_id, version, position, entry, sha256,"
        " file_name, data, file_crs, valid_from, valid_to, columns)"
        " VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
        (
            e.id,
            e.version,
            position,
            Jsonb(e.model_dump(mode="json")),
            lv.sha256,
            e.file,
            data,
            lv.file_crs,
            e.valid_from,
            e.valid_to,
            Jsonb(columns_of(lv.frame)),
        ),
    )
    props = props_of(lv.frame)
    analysis = wkb_of(lv.frame)
    wgs84 = wkb_of(lv.frame_wgs84)
    fids = lv.frame["feature_id"].tolist()
    with (
        conn.cursor() as cur,
        cur.copy(
            "COPY geozone.features (layer_id, version, ord, fid, props, geom, geom_wgs84)"
            " FROM STDIN"
        ) as copy,
    ):
        for i in range(len(props)):
            copy.write_row(
                (
                    e.id,
                    e.version,
                    i,
                    None if fids[i] is None else str(fids[i]),
                    Jsonb(props[i]),
                    _ewkb_hex(analysis[i], 4548),
                    _ewkb_hex(wgs84[i], 4326),
                )
            )
    conn.execute(
        "INSERT INTO geozone.feature_parts (layer_id, version, fid, ord, geom)"
        " SELECT layer_id, version, fid, ord, ST_Subdivide(geom, %s) FROM geozone.features"
        " WHERE layer_id = %s AND version = %s AND geom IS NOT NULL AND NOT ST_IsEmpty(geom)",
        (SUBDIVIDE_VERTICES, e.id, e.version),
    )


def _ewkb_hex(wkb: bytes | None, srid: int) -> str | None:
    """Hex EWKB with ``srid`` (the text form PostGIS's geometry input reads)."""
    if wkb is None:
        return None
    geom = shapely.set_srid(shapely.from_wkb(wkb), srid)
    return str(shapely.to_wkb(geom, hex=True, include_srid=True))


def write_rules(conn: psycopg.Connection[Any], files: Mapping[str, bytes]) -> None:
    """Replace the rule files."""
    conn.execute("DELETE FROM geozone.rule_files")
    for name, body in sorted(files.items()):
        conn.execute("INSERT INTO geozone.rule_files (name, body) VALUES (%s, %s)", (name, body))


def write_layer_set(
    conn: psycopg.Connection[Any], manifest_text: str, manifest: Manifest, digest: str
) -> Generation:
    """Set the layer set row (manifest, hash), bump the counter and NOTIFY; the generation.

    The caller holds the row lock (:func:`lock_layer_set`) and commits.
    """
    row = conn.execute(
        "INSERT INTO geozone.layer_set (id, layerset_id, manifest, manifest_toml, hash,"
        " generation, updated_at) VALUES (1, %s, %s, %s, %s, 1, now())"
        " ON CONFLICT (id) DO UPDATE SET layerset_id = excluded.layerset_id,"
        " manifest = excluded.manifest, manifest_toml = excluded.manifest_toml,"
        " hash = excluded.hash, generation = geozone.layer_set.generation + 1,"
        " updated_at = now() RETURNING generation",
        (
            manifest.layerset.id,
            Jsonb(manifest.model_dump(mode="json")),
            manifest_text,
            digest,
        ),
    ).fetchone()
    assert row is not None
    generation = Generation(digest, int(row[0]), utc_now())
    conn.execute(
        "SELECT pg_notify(%s, %s)", (CHANNEL, json.dumps(generation.brief(), sort_keys=True))
    )
    return generation


def lock_layer_set(conn: psycopg.Connection[Any]) -> Generation | None:
    """Lock the layer set row for a change (in the caller's transaction); its generation.

    ``None`` when the database holds no layer set yet (an advisory lock then serialises
    two first imports).
    """
    conn.execute("SELECT pg_advisory_xact_lock(%s)", (0x67656F6C61796572,))
    row = conn.execute(
        "SELECT hash, generation FROM geozone.layer_set WHERE id = 1 FOR UPDATE"
    ).fetchone()
    return None if row is None else Generation(str(row[0]), int(row[1]))


# --- the store -----------------------------------------------------------------------------------


class PostgisLayerStore:
    """A layer set kept in PostgreSQL/PostGIS (a :class:`~geozone.stores.LayerStore`).

    Parameters
    ----------
    db
        The database (its pool).
    check_shift
        Warn about layers that look like GCJ-02 (as :func:`load_catalog` does).
    memory_max_features
        ``None`` (default): :meth:`load` reads every version's features into memory.
        A number (``GEOZONE_LOOKUP=sql``: ``GEOZONE_SQL_MEMORY_MAX_FEATURES``): only admin
        layers and versions of at most that many features are read; the others get a
        :class:`~geozone.catalog.LayerVersion` kept in the database only
        (``in_memory`` false, ``feature_count`` from the database), served by SQL
        (:meth:`features`, :meth:`feature`) or refused with ``layer_in_database_only``.
    """

    def __init__(
        self, db: Database, *, check_shift: bool = True, memory_max_features: int | None = None
    ) -> None:
        self.db = db
        self.check_shift = check_shift
        self.memory_max_features = memory_max_features
        self._state: LayerState | None = None
        self._listener: psycopg.Connection[Any] | None = None
        self._listen_lock = threading.Lock()
        self.audit = DatabaseAuditLog(db)
        self._rules_cache: tuple[dict[str, bytes], Path, RuleTable] | None = None
        with db.connection() as conn:
            require_schema(conn)

    @property
    def label(self) -> str:
        """``db:<host:port/db>``, the ``root`` of catalogs loaded from this store."""
        return f"db:{self.db.where}"

    # -- reading

    def generation(self) -> Generation:
        """The current generation (hash and counter) from the ``layer_set`` row."""
        with self.db.connection() as conn:
            row = conn.execute(
                "SELECT hash, generation FROM geozone.layer_set WHERE id = 1"
            ).fetchone()
        if row is None:
            raise EmptyDatabase(
                f"the database {self.db.where} holds no layer set; run `geozone db import DIR`"
            )
        return Generation(str(row[0]), int(row[1]))

    def load(self, previous: LayerState | None = None) -> LayerState:
        """Catalog, rules and generation, read in one ``REPEATABLE READ`` transaction."""
        started = time.perf_counter()
        with self.db.connection() as conn:
            conn.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
            conn.read_only = True
            try:
                with conn.transaction():
                    state = self._read(conn, previous, started)
            finally:
                conn.isolation_level = None
                conn.read_only = None
        self._state = state
        return state

    def _read(
        self, conn: psycopg.Connection[Any], previous: LayerState | None, started: float
    ) -> LayerState:
        head = conn.execute(
            "SELECT manifest_toml, hash, generation FROM geozone.layer_set WHERE id = 1"
        ).fetchone()
        if head is None:
            raise EmptyDatabase(
                f"the database {self.db.where} holds no layer set; run `geozone db import DIR`"
            )
        manifest_text, digest, counter = str(head[0]), str(head[1]), int(head[2])
        manifest = parse_manifest_text(manifest_text)
        rows = conn.execute(
            "SELECT layer_id, version, sha256, file_crs, columns FROM geozone.layer_versions"
        ).fetchall()
        stored = {(r[0], r[1]): r for r in rows}
        counts: dict[tuple[str, str], int] = {}
        if self.memory_max_features is not None:
            counts = {
                (r[0], r[1]): int(r[2])
                for r in conn.execute(
                    "SELECT layer_id, version, count(*) FROM geozone.features"
                    " GROUP BY layer_id, version"
                )
            }
        old = {}
        if previous is not None and previous.catalog.root == Path(self.label):
            old = {(v.id, v.version): v for v in previous.catalog.all_versions()}
        versions: dict[str, list[LayerVersion]] = {}
        for entry in manifest.layer:
            row = stored.get((entry.id, entry.version))
            if row is None:
                raise GeozoneError(f"the database has no rows for layer version {entry.key}")
            reusable = old.get((entry.id, entry.version))
            if reusable is not None and reusable.sha256 == row[2] and _same_file(reusable, entry):
                lv = replace(reusable, entry=entry, warnings=[])
            elif self._in_memory(entry, counts.get((entry.id, entry.version), 0)):
                lv = self._read_version(conn, entry, row)
            else:
                lv = self._stored_version(conn, entry, row, counts[(entry.id, entry.version)])
            versions.setdefault(entry.id, []).append(lv)
        for vs in versions.values():
            vs.sort(key=lambda v: v.entry.valid_from)
        if self.check_shift:
            check_gcj02_shift(versions)
        catalog = Catalog(
            root=Path(self.label),
            manifest=manifest,
            versions=versions,
            hash=digest,
            load_seconds=time.perf_counter() - started,
        )
        rules = self._rules(conn, catalog)
        return LayerState(catalog, rules, Generation(digest, counter, utc_now()))

    def _in_memory(self, entry: LayerEntry, count: int) -> bool:
        """Whether a version's features are loaded (admin layers always; see the class)."""
        limit = self.memory_max_features
        return limit is None or entry.kind == LayerKind.ADMIN or count <= limit

    def _stored_version(
        self, conn: psycopg.Connection[Any], entry: LayerEntry, row: tuple[Any, ...], count: int
    ) -> LayerVersion:
        """A version kept in the database only: count, columns and bounds, no features."""
        box = conn.execute(
            "SELECT min(ST_XMin(geom_wgs84)), min(ST_YMin(geom_wgs84)),"
            " max(ST_XMax(geom_wgs84)), max(ST_YMax(geom_wgs84)) FROM geozone.features"
            " WHERE layer_id = %s AND version = %s AND geom_wgs84 IS NOT NULL"
            " AND NOT ST_IsEmpty(geom_wgs84)",
            (entry.id, entry.version),
        ).fetchone()
        bounds = None
        if box is not None and box[0] is not None:
            bounds = (float(box[0]), float(box[1]), float(box[2]), float(box[3]))
        schema = frame_from_rows(row[4], [], [], OUTPUT_CRS)
        return LayerVersion(
            entry,
            None,
            None,
            row[3],
            str(row[2]),
            stored_count=count,
            stored_schema=schema,
            stored_bounds=bounds,
        )

    def _read_version(
        self, conn: psycopg.Connection[Any], entry: LayerEntry, row: tuple[Any, ...]
    ) -> LayerVersion:
        features = conn.execute(
            "SELECT props, ST_AsBinary(geom), ST_AsBinary(geom_wgs84) FROM geozone.features"
            " WHERE layer_id = %s AND version = %s ORDER BY ord",
            (entry.id, entry.version),
        ).fetchall()
        columns = row[4]
        props = [f[0] for f in features]
        frame = frame_from_rows(columns, props, [_bytes(f[1]) for f in features], ANALYSIS_CRS)
        wgs84 = frame_from_rows(columns, props, [_bytes(f[2]) for f in features], OUTPUT_CRS)
        return LayerVersion(entry, frame, wgs84, row[3], str(row[2]))

    def _rules(self, conn: psycopg.Connection[Any], catalog: Catalog) -> RuleTable:
        """The rule table of the stored rule files; the last one again if they are unchanged.

        Parsing the rule files takes ~0.2 s; a layer change leaves them as they are, so a
        follower's reload after an upload does not pay for it.
        """
        files = {
            str(name): bytes(body)
            for name, body in conn.execute("SELECT name, body FROM geozone.rule_files")
        }
        where = Path(self.label) / catalog.info.rules
        cached = self._rules_cache
        if cached is not None and cached[0] == files and cached[1] == where:
            return cached[2]
        rules = rules_from_files(files, where)
        self._rules_cache = (files, where, rules)
        return rules

    def rule_files(self) -> dict[str, bytes]:
        """The stored rule files (name -> bytes)."""
        with self.db.connection() as conn:
            rows = conn.execute("SELECT name, body FROM geozone.rule_files").fetchall()
        return {str(r[0]): bytes(r[1]) for r in rows}

    def _current(self) -> LayerState:
        state = self._state
        if state is None or (state.generation.id, state.generation.counter) != (
            (now := self.generation()).id,
            now.counter,
        ):
            state = self.load(state)
        return state

    def features(
        self,
        layer_id: str,
        version: str,
        *,
        bbox: BBox | None = None,
        limit: int = 10,
        offset: int = 0,
    ) -> FeaturePage:
        """A page read by SQL (GiST index on ``geom_wgs84``), in the layer's order."""
        columns = self._columns(layer_id, version)
        where = "layer_id = %s AND version = %s"
        params: list[Any] = [layer_id, version]
        if bbox is not None:
            where += " AND ST_Intersects(geom_wgs84, ST_MakeEnvelope(%s, %s, %s, %s, 4326))"
            params.extend(bbox)
        with self.db.connection() as conn:
            count = conn.execute(
                f"SELECT count(*) FROM geozone.features WHERE {where}",
                params,
            ).fetchone()
            rows = conn.execute(
                f"SELECT props, ST_AsBinary(geom_wgs84) FROM geozone.features WHERE {where}"
                " ORDER BY ord LIMIT %s OFFSET %s",
                [*params, limit, offset],
            ).fetchall()
        frame = frame_from_rows(
            columns, [r[0] for r in rows], [_bytes(r[1]) for r in rows], OUTPUT_CRS
        )
        return FeaturePage(frame, int(count[0]) if count else 0)

    def feature(self, layer_id: str, version: str, feature_id: str) -> gpd.GeoDataFrame:
        """The features with that ``feature_id`` (WGS84, layer order; empty if none)."""
        columns = self._columns(layer_id, version)
        with self.db.connection() as conn:
            rows = conn.execute(
                "SELECT props, ST_AsBinary(geom_wgs84) FROM geozone.features"
                " WHERE layer_id = %s AND version = %s AND fid = %s ORDER BY ord",
                (layer_id, version, feature_id),
            ).fetchall()
        return frame_from_rows(
            columns, [r[0] for r in rows], [_bytes(r[1]) for r in rows], OUTPUT_CRS
        )

    def _columns(self, layer_id: str, version: str) -> list[list[str]]:
        with self.db.connection() as conn:
            row = conn.execute(
                "SELECT columns FROM geozone.layer_versions WHERE layer_id = %s AND version = %s",
                (layer_id, version),
            ).fetchone()
        if row is None:
            raise LayerNotFound(
                f"no layer version {layer_id}@{version}",
                {"layer_id": layer_id, "version": version},
            )
        return list(row[0])

    def page_in_memory(
        self, layer_id: str, version: str, bbox: BBox | None, limit: int, offset: int
    ) -> FeaturePage:
        """The same page from the loaded catalog (what the folder store answers)."""
        lv = self._current().catalog.get(layer_id, version)
        return page_of(lv.frame_wgs84, bbox, limit, offset)

    # -- changing

    def _change(
        self, record: dict[str, Any], expected: str | None, status: int, apply: Any
    ) -> StoredChange:
        """Run ``apply(conn, state)`` under the layer set lock; bump the generation.

        ``apply`` validates against the committed state and writes the rows; it returns
        ``(generation, validation report)``. The audit entry of the accepted change is
        written in the same transaction; a refusal rolls everything back and the caller
        records it (:meth:`_refused`).
        """
        with self.db.connection() as conn, conn.transaction():
            before = lock_layer_set(conn)
            if before is None:
                raise EmptyDatabase(f"the database {self.db.where} holds no layer set")
            record["generation_before"] = before.brief()
            if expected is not None and expected.strip() and not before.matches(expected):
                raise GenerationConflict(
                    f"the layer set is at generation {before.counter} ({before.id}), "
                    f"not {expected!r}; reload and retry",
                    {"expected": expected, "current": before.brief()},
                )
            state = self._state
            if state is None or (state.generation.id, state.generation.counter) != (
                before.id,
                before.counter,
            ):
                state = self.load(state)  # committed state; the lock keeps it current
                self._state = state
            generation, report = apply(conn, state)
            record["generation_after"] = generation.brief()
            record["validation"] = validation_summary(report)
            self.audit.append_in(conn, audit_entry(record, None, status, os.getpid()))
        return StoredChange(before, generation, report)

    def _refused(self, record: dict[str, Any], exc: GeozoneError) -> None:
        """Record a refused change in its own transaction (after the change rolled back)."""
        try:
            self.audit.append(audit_entry(record, exc, 0, os.getpid()))
        except GeozoneError:  # the database is down: the refusal stands, unrecorded
            log.exception("refused layer change not audited")

    def add_version(
        self,
        layer_id: str,
        fields: Mapping[str, str | None],
        data: bytes,
        filename: str,
        *,
        who: str = "cli",
        expected: str | None = None,
    ) -> Generation:
        """:meth:`upload`; the new generation."""
        return self.upload(layer_id, fields, data, filename, who=who, expected=expected).after

    def retire_version(
        self,
        layer_id: str,
        version: str,
        valid_to: str,
        *,
        who: str = "cli",
        expected: str | None = None,
    ) -> Generation:
        """:meth:`retire`; the new generation."""
        return self.retire(layer_id, version, valid_to, who=who, expected=expected).after

    def upload(
        self,
        layer_id: str,
        fields: Mapping[str, str | None],
        data: bytes,
        filename: str,
        *,
        who: str = "cli",
        expected: str | None = None,
    ) -> StoredChange:
        """Add an uploaded version (fields and file as in an admin upload), validated.

        One transaction: lock, compare ``expected``, validate against the committed state
        (the checks of ``geozone layers validate``), write the rows and the audit entry,
        bump the generation, NOTIFY. Every attempt is audited (``who``: token name).

        Raises
        ------
        LayerNotFound, InvalidInput, InvalidDate, LayerLoadError, ValidationFailed
            Refused, nothing written but the audit entry.
        GenerationConflict
            ``expected`` is not the current generation.
        DatabaseUnavailable
            The database failed; the transaction rolled back.
        """
        record: dict[str, Any] = {
            "action": "upload",
            "who": who,
            "layer_id": layer_id,
            "version": (fields.get("version") or "")[:80],
            "file": filename,
            "sha256": hashlib.sha256(data).hexdigest(),
            "bytes": len(data),
            "valid_from": fields.get("valid_from"),
            "valid_to": fields.get("valid_to") or None,
            "host": socket.gethostname(),
        }
        try:
            return self._upload(layer_id, fields, data, filename, record, expected)
        except GeozoneError as exc:
            self._refused(record, exc)
            raise

    def _upload(
        self,
        layer_id: str,
        fields: Mapping[str, str | None],
        data: bytes,
        filename: str,
        record: dict[str, Any],
        expected: str | None,
    ) -> StoredChange:
        new = NewVersion.parse(
            fields.get("version") or "",
            fields.get("valid_from") or "",
            fields.get("source_crs") or "",
            fields.get("valid_to"),
            fields.get("source"),
            fields.get("licence"),
        )
        with tempfile.TemporaryDirectory(prefix="geozone-upload-") as tmp:
            staged = stage_upload(layer_id, new, data, filename, Path(tmp))
            body = staged.read_bytes()

            def apply(
                conn: psycopg.Connection[Any], state: LayerState
            ) -> tuple[Generation, dict[str, Any]]:
                catalog = state.catalog
                if layer_id not in catalog.versions:
                    raise unknown_layer(layer_id, catalog)
                if any(v.version == new.version for v in catalog.versions_of(layer_id)):
                    raise _duplicate(layer_id, new.version)
                previous = catalog.versions_of(layer_id)[-1].entry
                entry_data = previous.model_dump()
                entry_data.update(
                    file=data_file_name(layer_id, new.version),
                    layer=None,
                    version=new.version,
                    valid_from=new.valid_from,
                    valid_to=new.valid_to,
                    source_crs=new.source_crs,
                    source=new.source or previous.source,
                    licence=new.licence or previous.licence,
                )
                manifest = parse_manifest(
                    {
                        "layerset": catalog.info.model_dump(),
                        "layer": [e.model_dump() for e in catalog.manifest.layer] + [entry_data],
                    },
                    "manifest + upload",
                )
                entry = manifest.layer[-1]
                candidate = load_layer(
                    entry.model_copy(update={"file": staged.name}), staged.parent
                )
                candidate = replace(candidate, entry=entry)
                report = validate_layer_version(catalog, candidate)
                if not report.ok:
                    raise ValidationFailed(
                        f"upload of {layer_id} {new.version} failed validation "
                        f"({len(report.errors)} errors)",
                        report.to_dict(),
                    )
                write_version(conn, candidate, len(manifest.layer) - 1, body)
                generation = self._write_manifest(conn, catalog, manifest, candidate.sha256)
                return generation, report.to_dict()

            change = self._change(record, expected, 201, apply)
        log.info(
            "%s added %s@%s: generation %d",
            record["who"],
            layer_id,
            new.version,
            change.after.counter,
        )
        return change

    def retire(
        self,
        layer_id: str,
        version: str,
        valid_to: str,
        *,
        who: str = "cli",
        expected: str | None = None,
    ) -> StoredChange:
        """End a version on ``valid_to``, validated as :func:`retire_report` does; audited.

        Raises
        ------
        LayerNotFound, InvalidInput, InvalidDate, ValidationFailed, GenerationConflict
            Refused, nothing written but the audit entry.
        DatabaseUnavailable
            The database failed; the transaction rolled back.
        """
        record: dict[str, Any] = {
            "action": "retire",
            "who": who,
            "layer_id": layer_id,
            "version": version[:80],
            "valid_to": valid_to,
            "host": socket.gethostname(),
        }
        try:
            return self._retire(layer_id, version, valid_to, record, expected)
        except GeozoneError as exc:
            self._refused(record, exc)
            raise

    def _retire(
        self,
        layer_id: str,
        version: str,
        valid_to: str,
        record: dict[str, Any],
        expected: str | None,
    ) -> StoredChange:
        check_version_label(version)
        end = parse_date(valid_to, "valid_to")
        if end is None:
            raise InvalidDate("valid_to: a date is required", {"field": "valid_to"})

        def apply(
            conn: psycopg.Connection[Any], state: LayerState
        ) -> tuple[Generation, dict[str, Any]]:
            catalog = state.catalog
            lv = catalog.get(layer_id, version)
            report = retire_report(catalog, lv, end)
            if not report.ok:
                raise ValidationFailed(
                    f"retiring {lv.key} on {end} failed validation ({len(report.errors)} errors)",
                    report.to_dict(),
                )
            manifest = parse_manifest(
                {
                    "layerset": catalog.info.model_dump(),
                    "layer": [
                        {**e.model_dump(), "valid_to": end} if e.key == lv.key else e.model_dump()
                        for e in catalog.manifest.layer
                    ],
                },
                "manifest",
            )
            conn.execute(
                "UPDATE geozone.layer_versions SET valid_to = %s, entry = %s"
                " WHERE layer_id = %s AND version = %s",
                (
                    end,
                    Jsonb(
                        next(e for e in manifest.layer if e.key == lv.key).model_dump(mode="json")
                    ),
                    layer_id,
                    version,
                ),
            )
            return self._write_manifest(conn, catalog, manifest, None), report.to_dict()

        change = self._change(record, expected, 200, apply)
        log.info("%s retired %s@%s on %s", record["who"], layer_id, version, valid_to)
        return change

    def _write_manifest(
        self,
        conn: psycopg.Connection[Any],
        catalog: Catalog,
        manifest: Manifest,
        new_sha: str | None,
    ) -> Generation:
        """Write the changed manifest (its header comments kept) and bump the generation."""
        with conn.cursor() as cur:
            row = cur.execute("SELECT manifest_toml FROM geozone.layer_set WHERE id = 1").fetchone()
        old_text = str(row[0]) if row else ""
        text = _header(old_text) + manifest_toml(manifest)
        parse_manifest_text(text)  # round-trip check
        shas = {(v.id, v.version): v.sha256 for v in catalog.all_versions()}
        ordered = [shas.get((e.id, e.version)) or new_sha or "" for e in manifest.layer]
        return write_layer_set(conn, text, manifest, catalog_hash(text, ordered))

    # -- following

    def wait_for_change(self, after: Generation, timeout_s: float) -> Generation | None:
        """Wait for ``NOTIFY geozone_layers`` (or a generation already newer); the new one."""
        deadline = time.monotonic() + timeout_s
        with self._listen_lock:
            if self._listener is None or self._listener.closed:
                self._listener = connect(self.db.url, autocommit=True)
                self._listener.execute(f"LISTEN {CHANNEL}")
            listener = self._listener
            while True:
                now = self.generation()
                if (now.id, now.counter) != (after.id, after.counter):
                    return now
                left = deadline - time.monotonic()
                if left <= 0:
                    return None
                try:
                    for _ in listener.notifies(timeout=left, stop_after=1):
                        break
                except psycopg.OperationalError as exc:
                    listener.close()
                    self._listener = None
                    raise unavailable(self.db.url, exc) from None

    def close(self) -> None:
        """Close the LISTEN connection (the pool belongs to the caller)."""
        with self._listen_lock:
            if self._listener is not None:
                self._listener.close()
                self._listener = None
        self._state = None


def _bytes(value: Any) -> bytes | None:
    return None if value is None else bytes(value)


def _same_file(old: LayerVersion, entry: LayerEntry) -> bool:
    same = ("file", "layer", "source_crs", "id_field", "class_field", "name_field", "synthetic")
    return old.entry.kind == entry.kind and all(
        getattr(old.entry, f) == getattr(entry, f) for f in same
    )


def _duplicate(layer_id: str, version: str) -> GeozoneError:
    return InvalidInput(
        f"layer {layer_id!r} already has a version {version!r}",
        {"layer_id": layer_id, "version": version, "field": "version"},
    )
