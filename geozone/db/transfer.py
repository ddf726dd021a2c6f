"""Move a layer folder into the database and back: ``geozone db import DIR`` / ``export DIR``.

:func:`import_dir` loads the folder with the same code as the service
(:func:`~geozone.catalog.load_catalog`, :func:`~geozone.rules.load_rules`) and validates it
(:func:`~geozone.validate.validate_catalog`, the checks of ``geozone layers validate``)
before it writes anything; then it replaces the database's layer set in ONE transaction:
a failure at any point (a broken file, a refused check, the database going away) changes
no row. :func:`export_dir` writes ``manifest.toml`` (its exact text), every data file (its
exact bytes) and the rule files, so the folder loads to the same catalog hash.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from geozone.catalog import load_catalog
from geozone.db.connection import Database
from geozone.db.layer_store import (
    catalog_hash,
    lock_layer_set,
    parse_manifest_text,
    write_layer_set,
    write_rules,
    write_version,
)
from geozone.db.migrations import require_schema
from geozone.errors import GeozoneError, ValidationFailed
from geozone.layer_changes import Generation
from geozone.manifest import MANIFEST_NAME
from geozone.rules import load_rules, rule_files
from geozone.validate import validate_catalog

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ImportResult:
    """What an import wrote: the new generation and counts."""

    generation: Generation
    versions: int
    features: int
    rule_files: int

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready summary."""
        return {
            "generation": self.generation.brief(),
            "versions": self.versions,
            "features": self.features,
            "rule_files": self.rule_files,
        }


def import_dir(db: Database, folder: Path | str, *, validate: bool = True) -> ImportResult:
    """Replace the database's layer set with the folder's, validated first, in one transaction.

    Raises
    ------
    ManifestError, LayerLoadError
        The folder does not load (nothing written).
    ValidationFailed
        A validation check failed (422 with the report; nothing written).
    DatabaseUnavailable
        The database failed (the transaction is rolled back).
    """
    root = Path(folder).resolve()
    catalog = load_catalog(root)
    load_rules(catalog.rules_dir)  # refuse a broken rule table before writing
    files = rule_files(catalog.rules_dir)
    if validate:
        report = validate_catalog(catalog)
        if not report.ok:
            raise ValidationFailed(
                f"{root.name}: the layer set failed validation ({len(report.errors)} errors)",
                report.to_dict(),
            )
    manifest_text = (root / MANIFEST_NAME).read_bytes().decode("utf-8")
    if parse_manifest_text(manifest_text) != catalog.manifest:
        raise GeozoneError(f"{root.name}: manifest.toml changed while it was imported")
    positions = {e.key: i for i, e in enumerate(catalog.manifest.layer)}
    with db.connection() as conn, conn.transaction():
        require_schema(conn)
        lock_layer_set(conn)
        conn.execute("DELETE FROM geozone.feature_parts")
        conn.execute("DELETE FROM geozone.features")
        conn.execute("DELETE FROM geozone.layer_versions")
        features = 0
        for lv in catalog.all_versions():
            data = (root / lv.entry.file).resolve().read_bytes()
            write_version(conn, lv, positions[lv.key], data)
            features += lv.feature_count
        write_rules(conn, files)
        digest = catalog_hash(
            manifest_text, [catalog.get(e.key).sha256 for e in catalog.manifest.layer]
        )
        if digest != catalog.hash:
            raise GeozoneError(f"{root.name}: a data file changed while it was imported")
        generation = write_layer_set(conn, manifest_text, catalog.manifest, digest)
    log.info("imported %s: %s", root, generation.brief())
    return ImportResult(generation, len(catalog.all_versions()), features, len(files))


def export_dir(db: Database, folder: Path | str) -> Path:
    """Write the database's layer set as a layer folder (created; must be empty if it exists).

    Returns the folder. Its :func:`~geozone.catalog.load_catalog` hash equals the
    database's: the manifest text and the data files are the bytes that were imported.
    """
    root = Path(folder)
    if root.exists() and any(root.iterdir()):
        raise GeozoneError(f"{root}: the export folder is not empty")
    with db.connection() as conn, conn.transaction():
        require_schema(conn)
        head = conn.execute("SELECT manifest_toml FROM geozone.layer_set WHERE id = 1").fetchone()
        if head is None:
            raise GeozoneError("the database holds no layer set to export")
        manifest_text = str(head[0])
        manifest = parse_manifest_text(manifest_text)
        files: dict[str, bytes] = {}
        for file_name, data in conn.execute(
            "SELECT file_name, data FROM geozone.layer_versions ORDER BY position"
        ):
            files[str(file_name)] = bytes(data)
        rules = {
            str(n): bytes(b) for n, b in conn.execute("SELECT name, body FROM geozone.rule_files")
        }
    root.mkdir(parents=True, exist_ok=True)
    base = root.resolve()
    for rel, data in files.items():
        _write(base, rel, data)
    for name, body in rules.items():
        _write(base, f"{manifest.layerset.rules}/{name}", body)
    _write(base, MANIFEST_NAME, manifest_text.encode("utf-8"))
    return root


def _write(base: Path, rel: str, data: bytes) -> None:
    """Write ``base/rel``, refusing a path that leaves ``base``."""
    target = (base / rel).resolve()
    if not target.is_relative_to(base):
        raise GeozoneError(f"{rel}: a stored file name leaves the export folder")
    target.parent.mkdir(parents=True, exist_ok=True)
    with target.open("wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())
