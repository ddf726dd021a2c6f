"""Add or retire layer versions in a layer folder, validated first, written atomically.

Adding a version
    The upload (GeoJSON, GeoPackage or zipped shapefile) is read and written as a
    GeoPackage into a staging folder outside the layer folder; a manifest entry pointing
    at it is loaded with :func:`geozone.catalog.load_layer` and checked with
    :func:`geozone.validate.validate_layer_version` (the checks of
    ``geozone layers validate``) against the catalog in force, and the whole new manifest
    is parsed. A failure raises :class:`~geozone.errors.ValidationFailed` carrying the
    report, and nothing in the layer folder has been touched. On success the file is
    moved to ``data/<layer_id>_<version>.gpkg`` (copy to a hidden temporary name, then
    ``os.replace``), ``manifest.toml`` is rewritten the same way, and the new catalog is
    loaded and returned for the caller to swap in with one assignment.

Retiring a version
    Sets its ``valid_to``; the version stays in the manifest for as-of queries.

Not thread-safe by itself: callers serialise changes (the HTTP adapter holds a lock).
This module does not import FastAPI.
"""

from __future__ import annotations

import io
import os
import re
import shutil
import tempfile
import tomllib
import zipfile
import zlib
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import tomli_w
from pydantic import ValidationError

from geozone.catalog import Catalog, load_catalog, load_layer, read_layer_file
from geozone.errors import (
    InvalidInput,
    LayerLoadError,
    LayerNotFound,
    QueryTooLarge,
    ValidationFailed,
)
from geozone.manifest import MANIFEST_NAME, LayerEntry, Manifest, parse_manifest
from geozone.validate import validate_layer_version

_SAFE = re.compile(r"[^A-Za-z0-9._-]")


@dataclass(frozen=True)
class NewVersion:
    """Form fields of an uploaded layer version."""

    version: str
    valid_from: date
    valid_to: date | None
    source_crs: str
    source: str | None = None
    licence: str | None = None


def _detect_kind(data: bytes, filename: str) -> str:
    """``"zip"``, ``"gpkg"`` or ``"geojson"`` from the bytes (name as a tie-breaker)."""
    if data[:4] == b"PK\x03\x04":
        return "zip"
    if data[:16] == b"SQLite format 3\x00":
        return "gpkg"
    if data.lstrip()[:1] == b"{":
        return "geojson"
    raise InvalidInput(
        f"upload {filename!r} is not GeoJSON, a GeoPackage or a zipped shapefile",
        {"filename": filename},
    )


MAX_ZIP_ENTRIES = 64
"""Most entries (files and folders) in an uploaded zip; a shapefile needs 3-8."""
MAX_UNZIPPED_BYTES = 100_000_000
"""Most bytes an uploaded zip may expand to (20x the default 5 MB body limit)."""
MAX_ZIP_RATIO = 200
"""Highest compression ratio of one entry; vector data rarely passes 20, zeros reach 1000."""
_COPY_CHUNK = 1 << 20


def _check_zip(zf: zipfile.ZipFile, filename: str, max_bytes: int) -> list[zipfile.ZipInfo]:
    """The entries to extract, after checking the archive's directory (nothing written yet).

    Refuses too many entries, a declared total over ``max_bytes``, an entry compressed
    more than :data:`MAX_ZIP_RATIO` times (a zip bomb) and two entries that flatten to
    one name (paths are dropped on extraction).

    Raises
    ------
    QueryTooLarge
        413 naming the entry or byte limit.
    InvalidInput
        422 for a suspicious compression ratio or clashing names.
    """
    infos = zf.infolist()
    if len(infos) > MAX_ZIP_ENTRIES:
        raise QueryTooLarge(
            f"zip {filename!r} holds {len(infos)} entries; the limit is {MAX_ZIP_ENTRIES}",
            {"entries": len(infos), "max_entries": MAX_ZIP_ENTRIES},
        )
    total = sum(i.file_size for i in infos)
    if total > max_bytes:
        raise QueryTooLarge(
            f"zip {filename!r} expands to {total:,} bytes; the limit is {max_bytes:,}",
            {"uncompressed_bytes": total, "max_uncompressed_bytes": max_bytes},
        )
    chosen: dict[str, zipfile.ZipInfo] = {}
    for info in infos:
        name = Path(info.filename).name  # flatten: no paths from the archive
        if info.is_dir() or not name or name.startswith("."):
            continue
        if info.file_size > MAX_ZIP_RATIO * max(info.compress_size, 1) and info.file_size > 1 << 20:
            raise InvalidInput(
                f"zip {filename!r}: entry {name!r} is compressed "
                f"{info.file_size // max(info.compress_size, 1)} times (limit {MAX_ZIP_RATIO}); "
                "refused as a likely zip bomb",
                {"entry": name, "max_ratio": MAX_ZIP_RATIO},
            )
        if name in chosen:
            raise InvalidInput(
                f"zip {filename!r} holds two files named {name!r} in different folders",
                {"entry": name},
            )
        chosen[name] = info
    return list(chosen.values())


def _unpack(data: bytes, filename: str, folder: Path, max_bytes: int = MAX_UNZIPPED_BYTES) -> Path:
    """Write the upload into ``folder``; return the path GDAL should open.

    A zip is checked before anything is extracted (:func:`_check_zip`), and the bytes
    actually written are counted while extracting, so an entry whose header lies about
    its size stops at the limit too.
    """
    kind = _detect_kind(data, filename)
    if kind == "gpkg":
        path = folder / "upload.gpkg"
        path.write_bytes(data)
        return path
    if kind == "geojson":
        path = folder / "upload.geojson"
        path.write_bytes(data)
        return path
    target = folder / "unzipped"
    target.mkdir()
    written = 0
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            for info in _check_zip(zf, filename, max_bytes):
                with zf.open(info) as src, (target / Path(info.filename).name).open("wb") as dst:
                    while chunk := src.read(_COPY_CHUNK):
                        written += len(chunk)
                        if written > max_bytes:
                            raise QueryTooLarge(
                                f"zip {filename!r} expands to more than {max_bytes:,} bytes "
                                "(its directory understates the sizes)",
                                {"max_uncompressed_bytes": max_bytes},
                            )
                        dst.write(chunk)
    except (
        zipfile.BadZipFile,
        zipfile.LargeZipFile,
        NotImplementedError,
        EOFError,
        zlib.error,
        RuntimeError,
    ):
        raise InvalidInput(f"upload {filename!r} is not a readable zip file") from None
    shps = sorted(target.glob("*.shp"))
    if len(shps) != 1:
        raise InvalidInput(
            f"zip {filename!r} must hold exactly one .shp (found {len(shps)})",
            {"shapefiles": [p.name for p in shps]},
        )
    return shps[0]


def data_file_name(layer_id: str, version: str) -> str:
    """``data/<layer_id>_<version>.gpkg`` (version made file-name safe)."""
    return f"data/{layer_id}_{_SAFE.sub('-', version)}.gpkg"


def manifest_toml(manifest: Manifest) -> str:
    """Serialise a manifest as TOML (``[layerset]`` then one ``[[layer]]`` per version)."""
    data: dict[str, Any] = {
        "layerset": manifest.layerset.model_dump(exclude_none=True),
        "layer": [
            {
                k: (v.value if hasattr(v, "value") else v)
                for k, v in e.model_dump().items()
                if v is not None
            }
            for e in manifest.layer
        ],
    }
    return tomli_w.dumps(data)


def _header(text: str) -> str:
    """The leading comment block of a manifest (kept on rewrite)."""
    lines: list[str] = []
    for line in text.splitlines():
        if line.startswith("#") or (not line.strip() and lines):
            lines.append(line)
        else:
            break
    return "\n".join(lines).rstrip() + "\n\n" if lines else ""


def _write_atomic(path: Path, data: bytes) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    with tmp.open("wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)


def _write_manifest(root: Path, manifest: Manifest) -> bytes:
    """Rewrite ``manifest.toml`` atomically; return the previous bytes."""
    path = root / MANIFEST_NAME
    old = path.read_bytes()
    text = _header(old.decode("utf-8")) + manifest_toml(manifest)
    parse_manifest(tomllib.loads(text), str(path))  # round-trip check
    _write_atomic(path, text.encode("utf-8"))
    return old


def add_version(
    catalog: Catalog, layer_id: str, new: NewVersion, data: bytes, filename: str
) -> tuple[Catalog, dict[str, Any]]:
    """Validate an uploaded version of ``layer_id`` and add it to the catalog's folder.

    Parameters
    ----------
    catalog
        The catalog in force (its ``root`` is the layer folder that is changed).
    layer_id
        An existing layer id.
    new
        Version label, validity (inclusive dates), declared CRS, provenance.
    data, filename
        The uploaded file's bytes and name.

    Returns
    -------
    (Catalog, dict)
        The reloaded catalog and the validation report (``ok`` true, maybe warnings).

    Raises
    ------
    LayerNotFound
        Unknown layer id.
    InvalidInput, ManifestError, LayerLoadError
        Unreadable upload or an entry the manifest refuses (nothing written).
    ValidationFailed
        The candidate fails a check; ``detail`` is the validation report (nothing written).
    """
    root = catalog.root
    previous = catalog.versions_of(layer_id)[-1].entry
    target_rel = data_file_name(layer_id, new.version)
    target = root / target_rel
    if any(v.version == new.version for v in catalog.versions_of(layer_id)):
        raise InvalidInput(
            f"layer {layer_id!r} already has a version {new.version!r}",
            {"layer_id": layer_id, "version": new.version},
        )
    if target.exists():
        raise InvalidInput(f"{target_rel} already exists", {"file": target_rel})
    with tempfile.TemporaryDirectory(prefix="geozone-upload-") as tmp:
        staging = Path(tmp)
        source = _unpack(data, filename, staging)
        frame = read_layer_file(source)
        if len(frame) == 0:
            raise InvalidInput(f"upload {filename!r} holds no features")
        staged = staging / "data" / Path(target_rel).name
        staged.parent.mkdir()
        try:
            frame.to_file(
                staged, driver="GPKG", layer=f"{layer_id}_{new.version}", engine="pyogrio"
            )
        except Exception as exc:  # GDAL write errors (odd field types) become input errors
            raise LayerLoadError(
                f"upload {filename!r} cannot be stored as GeoPackage: {exc}"
            ) from None
        fields = previous.model_dump()
        fields.update(
            file=target_rel,
            layer=None,
            version=new.version,
            valid_from=new.valid_from,
            valid_to=new.valid_to,
            source_crs=new.source_crs,
            source=new.source or previous.source,
            licence=new.licence or previous.licence,
        )
        entry = parse_manifest(
            {"layerset": catalog.info.model_dump(), "layer": [fields]}, "upload"
        ).layer[0]
        manifest = parse_manifest(
            {
                "layerset": catalog.info.model_dump(),
                "layer": [e.model_dump() for e in catalog.manifest.layer] + [fields],
            },
            f"{MANIFEST_NAME} + upload",
        )
        candidate = load_layer(entry.model_copy(update={"file": str(staged)}), staging)
        report = validate_layer_version(catalog, candidate)
        if not report.ok:
            raise ValidationFailed(
                f"upload of {layer_id} {new.version} failed validation "
                f"({len(report.errors)} errors)",
                report.to_dict(),
            )
        tmp_target = target.with_name(f".{target.name}.tmp")
        shutil.copyfile(staged, tmp_target)
        os.replace(tmp_target, target)
    try:
        old = _write_manifest(root, manifest)
    except Exception:
        target.unlink(missing_ok=True)
        raise
    return _reload(root, old, target), report.to_dict()


def retire_version(catalog: Catalog, layer_id: str, version: str, valid_to: date) -> Catalog:
    """Set ``valid_to`` of one version (kept for as-of queries); return the reloaded catalog.

    Raises
    ------
    LayerNotFound
        Unknown layer or version.
    ManifestError
        When ``valid_to`` is before the version's ``valid_from``.
    """
    lv = catalog.get(layer_id, version)
    entries: list[LayerEntry] = []
    for e in catalog.manifest.layer:
        if e.key == lv.key:
            entries.append(_entry_with({**e.model_dump(), "valid_to": valid_to}))
        else:
            entries.append(e)
    manifest = parse_manifest(
        {"layerset": catalog.info.model_dump(), "layer": [e.model_dump() for e in entries]},
        MANIFEST_NAME,
    )
    old = _write_manifest(catalog.root, manifest)
    return _reload(catalog.root, old, None)


def _entry_with(data: dict[str, Any]) -> LayerEntry:
    """A manifest entry from a dict; a refused value names the problem."""
    try:
        return LayerEntry.model_validate(data)
    except ValidationError as exc:
        problem = exc.errors()[0]
        raise InvalidInput(
            f"{'.'.join(str(p) for p in problem['loc']) or 'entry'}: {problem['msg']}",
            {"layer": data.get("id"), "version": data.get("version")},
        ) from None


def _reload(root: Path, old_manifest: bytes, new_file: Path | None) -> Catalog:
    """Load the changed folder; on failure put the old manifest back and drop the new file."""
    try:
        return load_catalog(root)
    except Exception:
        _write_atomic(root / MANIFEST_NAME, old_manifest)
        if new_file is not None:
            new_file.unlink(missing_ok=True)
        raise


def unknown_layer(layer_id: str, catalog: Catalog) -> LayerNotFound:
    """The error for an upload to a layer id the catalog does not have."""
    return LayerNotFound(
        f"no layer {layer_id!r}; upload versions of an existing layer",
        {"layer_id": layer_id, "known": catalog.layer_ids()},
    )
