"""The change protocol of a layer folder: add or retire layer versions, safe across processes.

Several processes (the workers of ``geozone serve --workers N``) serve one layer folder
and any of them may be asked to change it. Every change follows one protocol:

1. Heavy work that needs no shared state is done first, unlocked: an upload is unpacked,
   read and written as a GeoPackage into a staging folder outside the layer folder.
2. The exclusive **change lock** is taken: ``fcntl.flock`` on ``.geozone-change.lock``
   in the layer folder (held across processes and threads; waits at most
   ``lock_timeout_s``, then :class:`~geozone.errors.ChangeBusy`).
3. **Compare and swap**: the layer set's hash is recomputed from disk (the manifest's
   bytes and each data file's SHA-256, exactly :attr:`Catalog.hash`). When it is not the
   hash of the caller's catalog (another process changed the folder), the folder is
   loaded afresh and the change is applied on top of that, so nothing acknowledged is
   lost. An optional precondition (``expected``: a generation id or counter, the
   ``If-Match`` of HTTP) that does not name the current generation is refused with
   :class:`~geozone.errors.GenerationConflict`.
4. The change is validated against that current state (the checks of
   ``geozone layers validate``); a refusal writes nothing in the layer folder.
5. Writes are atomic and durable: temporary file, ``fsync``, ``os.replace``, ``fsync`` of
   the folder; data file first, then ``manifest.toml``, then the generation file
   ``.geozone-generation`` (``{"counter", "hash"}``, the counter up by one). The new
   catalog is loaded from disk; if that fails, everything is put back.
6. One line is appended to the audit log (:mod:`geozone.audit`) for every attempt,
   accepted or refused; if it cannot be written an accepted change is undone and
   :class:`~geozone.errors.AuditUnavailable` raised. Only then is the lock released.

A **generation** is what a process serves: the layer-set hash (its id) and the counter.
Readers follow it with :class:`geozone.layer_follower.LayerFollower`.

This module does not import FastAPI.
"""

from __future__ import annotations

import fcntl
import hashlib
import io
import json
import logging
import os
import re
import shutil
import tempfile
import threading
import tomllib
import zipfile
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from pathlib import Path
from typing import Any, Protocol

from pydantic import ValidationError

from geozone.audit import AuditLog, AuditReader, utc_now
from geozone.catalog import Catalog, LayerVersion, load_catalog, load_layer, read_layer_file
from geozone.errors import (
    AuditUnavailable,
    ChangeBusy,
    GenerationConflict,
    GeozoneError,
    InvalidDate,
    InvalidInput,
    LayerLoadError,
    LayerNotFound,
    QueryTooLarge,
    ValidationFailed,
)
from geozone.manifest import MANIFEST_NAME, LayerEntry, Manifest, load_manifest, parse_manifest
from geozone.query import parse_as_of
from geozone.validate import layer_facts, validate_layer_version
from geozone.validation import ERROR, WARNING, Issue, ValidationReport
from geozone.vocab import LayerKind

log = logging.getLogger(__name__)

LOCK_NAME = ".geozone-change.lock"
GENERATION_NAME = ".geozone-generation"
VERSION_LABEL = re.compile(r"[0-9A-Za-z._-]{1,64}")
_SAFE = re.compile(r"[^A-Za-z0-9._-]")


# --- generations ------------------------------------------------------------------------


@dataclass(frozen=True)
class Generation:
    """A state of a layer folder: its layer-set hash and its change counter.

    Attributes
    ----------
    id
        The layer-set hash (:attr:`Catalog.hash`: manifest bytes + data file hashes).
    counter
        Changes made through this protocol (0 before the first); never decreases.
    loaded_at
        When this process loaded it (RFC 3339 UTC); empty for a state read from disk.
    """

    id: str
    counter: int
    loaded_at: str = ""

    def matches(self, expected: str) -> bool:
        """True when ``expected`` (an id, a counter, ETag-quoted or not, or ``*``) names this."""
        token = expected.strip()
        token = token.removeprefix("W/").strip('"')
        return token == "*" or token in (self.id, str(self.counter), f"{self.counter}-{self.id}")

    def brief(self) -> dict[str, Any]:
        """``{"id", "counter"}``."""
        return {"id": self.id, "counter": self.counter}

    def to_dict(self) -> dict[str, Any]:
        """``{"id", "hash", "counter", "loaded_at"}`` (``hash`` repeats ``id``)."""
        return {
            "id": self.id,
            "hash": self.id,
            "counter": self.counter,
            "loaded_at": self.loaded_at,
        }


def read_counter(root: Path) -> int:
    """The change counter stored in the layer folder's generation file (0 without one)."""
    try:
        data = json.loads((root / GENERATION_NAME).read_text(encoding="utf-8"))
        return int(data["counter"])
    except FileNotFoundError:
        return 0
    except (OSError, ValueError, KeyError, TypeError) as exc:
        log.warning("%s: unreadable generation file (%s); counter taken as 0", root, exc)
        return 0


def _file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def layerset_hash(root: Path) -> str:
    """The hash :func:`load_catalog` would give the folder, without loading any layer.

    Raises
    ------
    ManifestError, LayerLoadError
        A broken manifest, or a data file it names is missing.
    """
    manifest = load_manifest(root)
    digest = hashlib.sha256((root / MANIFEST_NAME).read_bytes())
    for entry in manifest.layer:
        path = (root / entry.file).resolve()
        if not path.is_file():
            raise LayerLoadError(f"{entry.file}: file not found", {"file": entry.file})
        digest.update(_file_sha256(path).encode())
    return digest.hexdigest()[:16]


def disk_generation(root: Path) -> Generation:
    """The generation stored in the folder now (call under a lock for a consistent pair)."""
    return Generation(layerset_hash(root), read_counter(root))


# --- locks and durable writes -----------------------------------------------------------


def ensure_lock_file(root: Path) -> bool:
    """Create the change lock file if it is missing; False when the folder is read-only."""
    try:
        os.close(os.open(root / LOCK_NAME, os.O_RDWR | os.O_CREAT, 0o644))
    except OSError:
        return False
    return True


def _wait_for_flock(fd: int, timeout_s: float) -> bool:
    """Take ``flock(fd, LOCK_EX)`` within ``timeout_s`` seconds, without polling.

    ``flock`` has no timeout, and a request thread must not sleep in a polling loop: a
    helper thread blocks in ``flock`` on a duplicate of the descriptor (the lock belongs
    to the open file, shared by both) while this thread waits on an event. On a time-out
    the helper is abandoned: once it gets the lock it closes its descriptor, which, the
    caller's being closed by then, releases the lock again.
    """
    helper_fd = os.dup(fd)
    got = threading.Event()
    lock = threading.Lock()
    abandoned = False

    def take() -> None:
        nonlocal abandoned
        try:
            fcntl.flock(helper_fd, fcntl.LOCK_EX)
        except OSError:
            os.close(helper_fd)
            return
        with lock:
            if abandoned:
                os.close(helper_fd)
                return
            got.set()

    threading.Thread(target=take, name="geozone-change-lock", daemon=True).start()
    if got.wait(timeout_s):
        os.close(helper_fd)  # the lock stays with the open file, held through ``fd``
        return True
    with lock:
        if got.is_set():
            os.close(helper_fd)
            return True
        abandoned = True
    return False


@contextmanager
def change_lock(root: Path, timeout_s: float = 60.0) -> Iterator[None]:
    """Hold the exclusive change lock of a layer folder (``flock``, across processes).

    Raises
    ------
    ChangeBusy
        When another change held it for more than ``timeout_s`` seconds.
    """
    fd = os.open(root / LOCK_NAME, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            if not _wait_for_flock(fd, timeout_s):
                raise ChangeBusy("another layer change is in progress; try again shortly") from None
        yield
    finally:
        os.close(fd)  # closing the descriptor releases the lock


@contextmanager
def shared_lock(root: Path, *, wait: bool) -> Iterator[bool]:
    """Hold the change lock shared (no change in progress meanwhile).

    Yields False, holding nothing, when ``wait`` is false and a change is in progress.
    A folder without a lock file that cannot be created (read-only) is read unlocked.
    """
    ensure_lock_file(root)
    try:
        fd = os.open(root / LOCK_NAME, os.O_RDONLY)
    except OSError:
        yield True  # read-only folder without a lock file: no change can be in progress
        return
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_SH | (0 if wait else fcntl.LOCK_NB))
        except BlockingIOError:
            yield False
            return
        yield True
    finally:
        os.close(fd)


def fsync_dir(path: Path) -> None:
    """``fsync`` a folder, making renames and new names in it durable."""
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_atomic(path: Path, data: bytes) -> None:
    """Replace ``path`` by ``data`` atomically and durably (tmp, fsync, rename, fsync dir)."""
    tmp = path.with_name(f".{path.name}.tmp")
    with tmp.open("wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)
    fsync_dir(path.parent)


def _copy_atomic(source: Path, target: Path) -> None:
    tmp = target.with_name(f".{target.name}.tmp")
    with source.open("rb") as src, tmp.open("wb") as dst:
        shutil.copyfileobj(src, dst)
        dst.flush()
        os.fsync(dst.fileno())
    os.replace(tmp, target)
    fsync_dir(target.parent)


# --- inputs -----------------------------------------------------------------------------


def check_version_label(version: str) -> str:
    """The label, if it matches ``[0-9A-Za-z._-]{1,64}``.

    Raises
    ------
    InvalidInput
        Naming the field ``version``.
    """
    if not VERSION_LABEL.fullmatch(version):
        raise InvalidInput(
            "version: a version label is 1 to 64 of the characters 0-9 A-Z a-z . _ -",
            {"field": "version", "value": version[:80], "pattern": VERSION_LABEL.pattern},
        )
    return version


def parse_date(value: str | None, name: str) -> date | None:
    """``YYYY-MM-DD`` or empty (None); an error names the field."""
    if value is None or value.strip() == "":
        return None
    try:
        return parse_as_of(value.strip())
    except InvalidDate as exc:
        raise InvalidDate(f"{name}: {exc.message}", {"field": name, "value": value}) from None


@dataclass(frozen=True)
class NewVersion:
    """Form fields of an uploaded layer version."""

    version: str
    valid_from: date
    valid_to: date | None
    source_crs: str
    source: str | None = None
    licence: str | None = None

    @classmethod
    def parse(
        cls,
        version: str,
        valid_from: str,
        source_crs: str,
        valid_to: str | None = None,
        source: str | None = None,
        licence: str | None = None,
    ) -> NewVersion:
        """From raw form strings; errors name the field."""
        label = check_version_label(version.strip())
        start = parse_date(valid_from, "valid_from")
        if start is None:
            raise InvalidDate("valid_from: a date is required", {"field": "valid_from"})
        return cls(
            label,
            start,
            parse_date(valid_to, "valid_to"),
            source_crs.strip(),
            source or None,
            licence or None,
        )


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
    except (  # what zipfile raises for broken, Zip64-refused or unsupported archives
        zipfile.BadZipFile,
        zipfile.LargeZipFile,
        NotImplementedError,  # a compression method zipfile cannot decode
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


def stage_upload(layer_id: str, new: NewVersion, data: bytes, filename: str, staging: Path) -> Path:
    """Unpack and read the upload, write it as a GeoPackage under ``staging``; its path."""
    source = _unpack(data, filename, staging)
    frame = read_layer_file(source)
    if len(frame) == 0:
        raise InvalidInput(f"upload {filename!r} holds no features")
    staged = staging / "data" / Path(data_file_name(layer_id, new.version)).name
    staged.parent.mkdir()
    try:
        frame.to_file(staged, driver="GPKG", layer=f"{layer_id}_{new.version}", engine="pyogrio")
    except Exception as exc:  # GDAL write errors (odd field types) become input errors
        raise LayerLoadError(f"upload {filename!r} cannot be stored as GeoPackage: {exc}") from None
    return staged


# --- manifests --------------------------------------------------------------------------


def manifest_toml(manifest: Manifest) -> str:
    """Serialise a manifest as TOML (``[layerset]`` then one ``[[layer]]`` per version)."""
    import tomli_w

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


def _write_manifest(root: Path, manifest: Manifest) -> bytes:
    """Rewrite ``manifest.toml`` atomically and durably; return the previous bytes."""
    path = root / MANIFEST_NAME
    old = path.read_bytes()
    text = _header(old.decode("utf-8")) + manifest_toml(manifest)
    parse_manifest(tomllib.loads(text), str(path))  # round-trip check
    write_atomic(path, text.encode("utf-8"))
    return old


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


def unknown_layer(layer_id: str, catalog: Catalog) -> LayerNotFound:
    """The error for an upload to a layer id the catalog does not have."""
    return LayerNotFound(
        f"no layer {layer_id!r}; upload versions of an existing layer",
        {"layer_id": layer_id, "known": catalog.layer_ids()},
    )


# --- validation of a retire ---------------------------------------------------------------


def retire_report(catalog: Catalog, lv: LayerVersion, valid_to: date) -> ValidationReport:
    """Validate the layer set as it would be once ``lv`` ends on ``valid_to``.

    Errors: ``valid_to`` before ``valid_from``; no admin layer in force the day after
    when ``lv`` is an admin layer; any check of ``geozone layers validate`` that fails
    for the changed version. Warning: the layer has no version in force the day after.
    """
    entry = lv.entry
    if valid_to < entry.valid_from:
        issue = Issue(
            "version_ranges",
            ERROR,
            lv.key,
            None,
            None,
            f"valid_to {valid_to} is before valid_from {entry.valid_from}",
        )
        return ValidationReport(
            issues=[issue], layers=[layer_facts(lv)], checks=["version_ranges"], source=lv.key
        )
    candidate = replace(lv, entry=entry.model_copy(update={"valid_to": valid_to}))
    report = validate_layer_version(catalog, candidate)
    merged = {
        k: [candidate if v.key == lv.key else v for v in vs] for k, vs in catalog.versions.items()
    }
    after = valid_to + timedelta(days=1)
    if lv.kind == LayerKind.ADMIN:
        admins = [v for vs in merged.values() for v in vs if v.kind == LayerKind.ADMIN]
        if not any(v.entry.in_force(after) for v in admins):
            report.issues.insert(
                0,
                Issue(
                    "in_force",
                    ERROR,
                    lv.key,
                    None,
                    None,
                    f"retiring {lv.key} on {valid_to} leaves no admin layer in force from {after}",
                ),
            )
    elif not any(v.entry.in_force(after) for v in merged.get(lv.id, [])):
        report.issues.append(
            Issue(
                "in_force",
                WARNING,
                lv.key,
                None,
                None,
                f"layer {lv.id!r} has no version in force from {after}",
            )
        )
    report.checks.append("in_force")
    return report


# --- changes ------------------------------------------------------------------------------


@dataclass
class _Applied:
    catalog: Catalog
    report: dict[str, Any]
    undo: Callable[[], None]


@dataclass(frozen=True)
class ChangeResult:
    """An accepted change: the new catalog, its generation, the one before, the report."""

    catalog: Catalog
    generation: Generation
    before: Generation
    report: dict[str, Any]


def validation_summary(report: Any) -> dict[str, Any] | None:
    """``{"ok", "errors", "warnings"}`` of a validation report's dict, else None."""
    if isinstance(report, dict) and "ok" in report:
        return {
            "ok": bool(report["ok"]),
            "errors": int(report.get("error_count", 0)),
            "warnings": int(report.get("warning_count", 0)),
        }
    return None


def audit_entry(
    record: dict[str, Any], exc: GeozoneError | None, status: int, pid: int
) -> dict[str, Any]:
    """The audit log entry of a change attempt: ``record`` with time, outcome and worker.

    ``exc`` is the refusal (its status and code are the outcome), or ``None`` for an
    accepted change answered with ``status``.
    """
    entry = {"time": utc_now(), **record, "worker_pid": pid}
    entry.setdefault("generation_before", None)
    entry.setdefault("generation_after", None)
    if exc is not None:
        entry["outcome"] = {"status": exc.status, "code": exc.code}
        entry.setdefault("validation", validation_summary(exc.detail))
    else:
        entry["outcome"] = {"status": status, "code": "ok"}
    entry.setdefault("validation", None)
    return entry


class Changes(Protocol):
    """Admin changes of a layer set, as the admin routes use them.

    :class:`LayerChanges` (a layer folder) and :class:`geozone.db.changes.DatabaseChanges`
    (PostgreSQL) implement it.
    """

    @property
    def audit(self) -> AuditReader:
        """Where the attempts are recorded (read by ``GET /api/v1/admin/audit``)."""
        ...

    def upload(
        self,
        current: Catalog,
        who: str,
        layer_id: str,
        fields: dict[str, str | None],
        data: bytes,
        filename: str,
        expected: str | None = None,
    ) -> ChangeResult:
        """Add an uploaded version of ``layer_id`` (see :meth:`LayerChanges.upload`)."""
        ...

    def retire(
        self,
        current: Catalog,
        who: str,
        layer_id: str,
        version: str,
        valid_to: str,
        expected: str | None = None,
    ) -> ChangeResult:
        """End a version on ``valid_to`` (see :meth:`LayerChanges.retire`)."""
        ...

    def refused(self, record: dict[str, Any], exc: GeozoneError) -> None:
        """Record an attempt refused before it reached the layer set (401/403)."""
        ...


@dataclass
class LayerChanges:
    """Changes to one layer folder, following the protocol of this module.

    Parameters
    ----------
    root
        The layer folder.
    audit
        Where every attempt is recorded.
    lock_timeout_s
        Longest wait for another process's change.
    """

    root: Path
    audit: AuditLog
    lock_timeout_s: float = 60.0
    _pid: int = field(default_factory=os.getpid)

    def upload(
        self,
        current: Catalog,
        who: str,
        layer_id: str,
        fields: dict[str, str | None],
        data: bytes,
        filename: str,
        expected: str | None = None,
    ) -> ChangeResult:
        """Add an uploaded version of ``layer_id`` (form ``fields`` as sent).

        Parameters
        ----------
        current
            The catalog the caller serves (may be stale: the folder decides).
        who
            Token name, for the audit log.
        layer_id
            An existing layer id.
        fields
            ``version``, ``valid_from``, ``source_crs``, optional ``valid_to``,
            ``source``, ``licence`` as strings.
        data, filename
            The upload (GeoJSON, GeoPackage or zipped shapefile).
        expected
            Generation the caller believes current (id or counter), or None.

        Raises
        ------
        LayerNotFound, InvalidInput, ManifestError, LayerLoadError, ValidationFailed
            Refused, nothing written (422 with the report for a failed validation).
        GenerationConflict, ChangeBusy, AuditUnavailable
            Refused, nothing written.
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
        }
        with tempfile.TemporaryDirectory(prefix="geozone-upload-") as tmp:
            try:
                new = NewVersion.parse(
                    fields.get("version") or "",
                    fields.get("valid_from") or "",
                    fields.get("source_crs") or "",
                    fields.get("valid_to"),
                    fields.get("source"),
                    fields.get("licence"),
                )
                if layer_id not in current.versions and layer_id not in self._layer_ids():
                    raise unknown_layer(layer_id, current)
                staged = stage_upload(layer_id, new, data, filename, Path(tmp))
            except GeozoneError as exc:
                self.refused(record, exc)
                raise
            return self._run(
                record, current, expected, 201, lambda cat: self._add(cat, layer_id, new, staged)
            )

    def retire(
        self,
        current: Catalog,
        who: str,
        layer_id: str,
        version: str,
        valid_to: str,
        expected: str | None = None,
    ) -> ChangeResult:
        """Set ``valid_to`` of a version after validating the resulting layer set.

        Raises
        ------
        LayerNotFound, InvalidInput, InvalidDate, ValidationFailed
            Refused, nothing written.
        GenerationConflict, ChangeBusy, AuditUnavailable
            Refused, nothing written.
        """
        record: dict[str, Any] = {
            "action": "retire",
            "who": who,
            "layer_id": layer_id,
            "version": version[:80],
            "valid_to": valid_to,
        }
        try:
            check_version_label(version)
            end = parse_date(valid_to, "valid_to")
            if end is None:
                raise InvalidDate("valid_to: a date is required", {"field": "valid_to"})
        except GeozoneError as exc:
            self.refused(record, exc)
            raise
        return self._run(
            record, current, expected, 200, lambda cat: self._retire(cat, layer_id, version, end)
        )

    # -- the protocol

    def _layer_ids(self) -> list[str]:
        try:
            return load_manifest(self.root).layer_ids()
        except GeozoneError:
            return []

    def refused(self, record: dict[str, Any], exc: GeozoneError) -> None:
        """Record a change refused before it reached the folder (under the lock).

        ``record`` holds ``action``, ``who``, ``layer_id``, ``version`` and whatever else
        is known; the outcome is ``exc``'s status and code.
        """
        with change_lock(self.root, self.lock_timeout_s):
            self._append(record, exc, None)

    def _append(
        self, record: dict[str, Any], exc: GeozoneError | None, fd: int | None, status: int = 0
    ) -> None:
        self.audit.append(audit_entry(record, exc, status, self._pid), fd)

    def _run(
        self,
        record: dict[str, Any],
        current: Catalog,
        expected: str | None,
        status: int,
        apply: Callable[[Catalog], _Applied],
    ) -> ChangeResult:
        with change_lock(self.root, self.lock_timeout_s):
            fd = self.audit.open()  # AuditUnavailable here: nothing done, nothing to record
            try:
                try:
                    before = disk_generation(self.root)
                    record["generation_before"] = before.brief()
                    if expected is not None and expected.strip() and not before.matches(expected):
                        raise GenerationConflict(
                            f"the layer set is at generation {before.counter} ({before.id}), "
                            f"not {expected!r}; reload and retry",
                            {"expected": expected, "current": before.brief()},
                        )
                    catalog = current
                    if catalog.hash != before.id:  # stale: apply on top of what is on disk
                        log.info("layer folder changed elsewhere (%s); reloading", before.id)
                        catalog = load_catalog(self.root)
                    applied = apply(catalog)
                    after = Generation(applied.catalog.hash, before.counter + 1, utc_now())
                    try:
                        old_generation = self._write_generation(after)
                    except BaseException:
                        applied.undo()
                        raise
                except GeozoneError as exc:
                    self._append(record, exc, fd)
                    raise
                except Exception:
                    record["outcome_detail"] = "internal error"
                    self._append(record, _Internal("internal error"), fd)
                    raise
                record["generation_after"] = after.brief()
                record["validation"] = validation_summary(applied.report)
                try:
                    self._append(record, None, fd, status)
                except AuditUnavailable:
                    applied.undo()
                    self._restore_generation(old_generation)
                    raise
            finally:
                os.close(fd)
        return ChangeResult(applied.catalog, after, before, applied.report)

    def _write_generation(self, generation: Generation) -> bytes | None:
        path = self.root / GENERATION_NAME
        old = path.read_bytes() if path.is_file() else None
        body = {"counter": generation.counter, "hash": generation.id, "changed_at": utc_now()}
        write_atomic(path, (json.dumps(body) + "\n").encode("utf-8"))
        return old

    def _restore_generation(self, old: bytes | None) -> None:
        path = self.root / GENERATION_NAME
        if old is None:
            path.unlink(missing_ok=True)
            fsync_dir(self.root)
        else:
            write_atomic(path, old)

    def _reload(
        self, old_manifest: bytes, new_file: Path | None, previous: Catalog
    ) -> tuple[Catalog, Callable[[], None]]:
        """Load the changed folder; on failure put the old manifest back, drop the new file."""

        def undo() -> None:
            write_atomic(self.root / MANIFEST_NAME, old_manifest)
            if new_file is not None:
                new_file.unlink(missing_ok=True)
                fsync_dir(new_file.parent)

        try:
            return load_catalog(self.root, previous=previous), undo
        except Exception:
            undo()
            raise

    def _add(self, catalog: Catalog, layer_id: str, new: NewVersion, staged: Path) -> _Applied:
        if layer_id not in catalog.versions:
            raise unknown_layer(layer_id, catalog)
        root = self.root
        previous = catalog.versions_of(layer_id)[-1].entry
        target_rel = data_file_name(layer_id, new.version)
        target = root / target_rel
        if any(v.version == new.version for v in catalog.versions_of(layer_id)):
            raise InvalidInput(
                f"layer {layer_id!r} already has a version {new.version!r}",
                {"layer_id": layer_id, "version": new.version, "field": "version"},
            )
        if target.exists():
            raise InvalidInput(f"{target_rel} already exists", {"file": target_rel})
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
        candidate = load_layer(entry.model_copy(update={"file": str(staged)}), staged.parent)
        report = validate_layer_version(catalog, candidate)
        if not report.ok:
            raise ValidationFailed(
                f"upload of {layer_id} {new.version} failed validation "
                f"({len(report.errors)} errors)",
                report.to_dict(),
            )
        _copy_atomic(staged, target)
        try:
            old = _write_manifest(root, manifest)
        except Exception:
            target.unlink(missing_ok=True)
            raise
        fresh, undo = self._reload(old, target, catalog)
        return _Applied(fresh, report.to_dict(), undo)

    def _retire(self, catalog: Catalog, layer_id: str, version: str, valid_to: date) -> _Applied:
        lv = catalog.get(layer_id, version)
        report = retire_report(catalog, lv, valid_to)
        if not report.ok:
            raise ValidationFailed(
                f"retiring {lv.key} on {valid_to} failed validation ({len(report.errors)} errors)",
                report.to_dict(),
            )
        entries = [
            _entry_with({**e.model_dump(), "valid_to": valid_to}) if e.key == lv.key else e
            for e in catalog.manifest.layer
        ]
        manifest = parse_manifest(
            {"layerset": catalog.info.model_dump(), "layer": [e.model_dump() for e in entries]},
            MANIFEST_NAME,
        )
        old = _write_manifest(self.root, manifest)
        fresh, undo = self._reload(old, None, catalog)
        return _Applied(fresh, report.to_dict(), undo)


class _Internal(GeozoneError):
    """An unexpected failure, as recorded in the audit log."""

    status = 500
    code = "internal"
