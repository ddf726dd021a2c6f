"""The append-only audit log of admin layer changes: one JSON object per line.

Every change attempt (upload, retire; accepted or refused) appends one line, written
with ``O_APPEND`` and ``fsync`` before the caller answers, under the layer folder's change
lock (:mod:`geozone.layer_changes`). A line holds the time (UTC, RFC 3339), the token
name, the action, layer id and version, the upload's file name and SHA-256, the
validation result, the outcome (HTTP status and code) and the generation before and
after. Lines are never rewritten; readers skip a torn last line.
"""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol

from geozone.errors import AuditUnavailable


class AuditReader(Protocol):
    """An audit log as ``GET /api/v1/admin/audit`` reads it (file or database)."""

    def entries(self, *, limit: int = 100, since: str | None = None) -> list[dict[str, Any]]:
        """Entries newest first, at most ``limit``, only those at or after ``since``."""
        ...


def utc_now() -> str:
    """The current time as RFC 3339 UTC, e.g. ``2026-12-02T14:47:03.123456Z``."""
    return datetime.now(UTC).isoformat().replace("+00:00", "Z")


def parse_time(value: str) -> datetime:
    """An RFC 3339 time (or a date: its midnight) as an aware datetime, UTC if no offset."""
    parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


class AuditLog:
    """A JSON-lines file that only grows.

    Parameters
    ----------
    path
        The log file; its folder is created on first use.
    """

    def __init__(self, path: Path) -> None:
        self.path = Path(path)

    def open(self) -> int:
        """Open the log for appending (``O_APPEND``); the caller closes the descriptor.

        Raises
        ------
        AuditUnavailable
            When the file cannot be opened for writing.
        """
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            return os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o640)
        except OSError as exc:
            raise AuditUnavailable(
                f"the audit log cannot be written ({exc.strerror}); no change was made"
            ) from None

    def append(self, entry: dict[str, Any], fd: int | None = None) -> None:
        """Append one entry as a JSON line and ``fsync`` it.

        Raises
        ------
        AuditUnavailable
            When the line cannot be written durably.
        """
        line = (json.dumps(entry, ensure_ascii=False, sort_keys=True) + "\n").encode("utf-8")
        own = fd is None
        fd = self.open() if fd is None else fd
        try:
            written = os.write(fd, line)
            if written != len(line):
                raise OSError(0, f"short write ({written} of {len(line)} bytes)")
            os.fsync(fd)
        except OSError as exc:
            raise AuditUnavailable(
                f"the audit log cannot be written ({exc.strerror}); no change was made"
            ) from None
        finally:
            if own:
                os.close(fd)

    def entries(self, *, limit: int = 100, since: str | None = None) -> list[dict[str, Any]]:
        """Entries newest first, at most ``limit``, only those at or after ``since``.

        Parameters
        ----------
        limit
            Most entries returned.
        since
            An RFC 3339 time (a date alone means its midnight UTC).
        """
        if not self.path.is_file():
            return []
        after = parse_time(since) if since else None
        out: list[dict[str, Any]] = []
        lines = self.path.read_bytes().decode("utf-8", errors="replace").splitlines()
        for line in reversed(lines):
            if len(out) >= limit:
                break
            try:
                entry = json.loads(line)
            except json.JSONDecodeError:
                continue  # a torn line from a crash mid-write
            if after is not None and parse_time(str(entry.get("time", ""))) < after:
                continue
            out.append(entry)
        return out
