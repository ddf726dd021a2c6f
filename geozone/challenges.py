"""Challenges to a report ("报告错误 / report an inaccuracy"): stored, triaged, closed.

A challenge names one hit of a stored report (layer id, layer version, feature id: the
hit must be in that report's answer), says what is wrong (a comment of
:data:`MIN_COMMENT`..:data:`MAX_COMMENT` characters) and may carry a corrected outline
(a GeoJSON Polygon or MultiPolygon in WGS84 or a declared CRS, checked like a lookup
parcel: :func:`geozone.query.geojson_query`; stored in WGS84). Admins move it
``open -> triaged -> closed`` (or ``open -> closed``), each step with an optional note
and who made it; closing may name the version of the challenged layer that fixed it (the
caller checks it exists in the catalog). The report itself is never touched: its stored
answer bytes and signature stay as they were, so it replays and verifies unchanged.

Storage: SQLite beside the report store (``challenges.sqlite``), WAL mode with
``synchronous=FULL`` (challenges are rare; each is fsynced before it is acknowledged),
a busy timeout and ``BEGIN IMMEDIATE`` per write so several worker processes share the
file. A write that fails raises :class:`~geozone.errors.ChallengeStoreUnavailable` (503,
nothing stored). Uses only :mod:`sqlite3` from the standard library.
"""

from __future__ import annotations

import json
import logging
import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from geozone.errors import (
    ChallengeConflict,
    ChallengeNotFound,
    ChallengeStoreUnavailable,
    InvalidInput,
)
from geozone.settings import QuerySettings
from geozone.sqlite_wal import enable_wal

log = logging.getLogger("geozone.challenges")

STATUSES = ("open", "triaged", "closed")
NEXT_STATUSES = {"open": ("triaged", "closed"), "triaged": ("closed",), "closed": ()}
"""Where a challenge may move from each status."""
MIN_COMMENT = 3
MAX_COMMENT = 2000
"""Characters a comment may have (after trimming white space)."""
MAX_NOTE = 2000
"""Characters an admin's note may have."""

_SCHEMA = (
    """
CREATE TABLE IF NOT EXISTS challenges (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    report_id        TEXT NOT NULL,
    layer_id         TEXT NOT NULL,
    version          TEXT NOT NULL,
    feature_id       TEXT NOT NULL,
    comment          TEXT NOT NULL,
    correction_json  TEXT,
    status           TEXT NOT NULL,
    fixed_in_version TEXT,
    created_at       TEXT NOT NULL,
    updated_at       TEXT NOT NULL
)""",
    "CREATE INDEX IF NOT EXISTS challenges_status ON challenges (status, id)",
    "CREATE INDEX IF NOT EXISTS challenges_report ON challenges (report_id)",
    """
CREATE TABLE IF NOT EXISTS challenge_events (
    challenge_id INTEGER NOT NULL REFERENCES challenges (id),
    at           TEXT NOT NULL,
    who          TEXT,
    status       TEXT NOT NULL,
    note         TEXT
)""",
)


def _now() -> str:
    return datetime.fromtimestamp(int(time.time()), UTC).isoformat().replace("+00:00", "Z")


@dataclass(frozen=True)
class Challenge:
    """One challenge and its history (``events``: status changes, oldest first)."""

    id: int
    report_id: str
    layer_id: str
    version: str
    feature_id: str
    comment: str
    correction: dict[str, Any] | None
    status: str
    fixed_in_version: str | None
    created_at: str
    updated_at: str
    events: list[dict[str, Any]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready."""
        return {
            "id": self.id,
            "report_id": self.report_id,
            "layer_id": self.layer_id,
            "version": self.version,
            "feature_id": self.feature_id,
            "comment": self.comment,
            "correction": self.correction,
            "status": self.status,
            "fixed_in_version": self.fixed_in_version,
            "created_at": self.created_at,
            "updated_at": self.updated_at,
            "events": self.events,
        }


def _text(value: Any, name: str, low: int, high: int) -> str:
    if not isinstance(value, str):
        raise InvalidInput(f"{name} must be text", {"field": name})
    text = value.strip()
    if not low <= len(text) <= high:
        raise InvalidInput(
            f"{name} must have {low} to {high} characters (has {len(text)})",
            {"field": name, "length": len(text), "min": low, "max": high},
        )
    return text


def check_hit(answer: dict[str, Any], layer_id: str, version: str, feature_id: str) -> None:
    """Refuse (422) a challenged feature that is not a hit of the report's answer."""
    for hit in answer.get("hits") or []:
        if (
            hit.get("layer_id") == layer_id
            and str(hit.get("layer_version")) == version
            and str(hit.get("feature_id")) == feature_id
        ):
            return
    raise InvalidInput(
        f"{layer_id} v{version} feature {feature_id!r} is not a hit of report "
        f"{answer.get('report_id')}",
        {"field": "feature_id", "layer_id": layer_id, "version": version},
    )


def check_correction(geometry: Any, settings: QuerySettings | None = None) -> dict[str, Any]:
    """A corrected outline checked like a lookup parcel; the polygon in WGS84 GeoJSON.

    Raises
    ------
    InvalidInput
        (or a subclass: invalid GeoJSON, self-intersection, too many vertices, outside
        EPSG:4548, too large) naming the problem, with ``field`` = ``correction``.
    """
    from geozone.query import geojson_query, geojson_rounded

    query = geojson_query(geometry, settings=settings)
    if query.kind != "parcel" or query.shapes is None:
        raise InvalidInput(
            "correction must be a Polygon or MultiPolygon (the corrected outline)",
            {"field": "correction"},
        )
    return geojson_rounded(query.shapes[1])


class ChallengeStore:
    """SQLite store of challenges (see the module docstring).

    Parameters
    ----------
    path
        Database file (its folder is created) or ``":memory:"``.
    """

    def __init__(self, path: Path | str) -> None:
        self.path = str(path)
        if self.path != ":memory:":
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self._conn = self._connect()

    def _connect(self) -> sqlite3.Connection:
        conn = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
        try:
            conn.execute("PRAGMA busy_timeout=5000")
            if self.path != ":memory:":
                enable_wal(conn)  # waits while another worker creates the store
            conn.execute("PRAGMA synchronous=FULL")
            conn.execute("BEGIN IMMEDIATE")
            for statement in _SCHEMA:
                conn.execute(statement)
            conn.execute("COMMIT")
        except BaseException:
            conn.close()
            raise
        return conn

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        """One ``BEGIN IMMEDIATE`` transaction; any SQLite failure is a 503, rolled back."""
        with self._lock:
            conn = self._conn
            try:
                conn.execute("BEGIN IMMEDIATE")
                yield conn
                conn.execute("COMMIT")
            except sqlite3.Error as exc:
                log.error("challenge store write failed: %s", exc)
                if conn.in_transaction:
                    with suppress(sqlite3.Error):
                        conn.execute("ROLLBACK")
                raise ChallengeStoreUnavailable(
                    "the challenge store cannot store challenges now; nothing was stored, "
                    "try again later",
                    {"error": type(exc).__name__, "retry_after": 5},
                ) from None
            except BaseException:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                raise

    def _read(self, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        with self._lock:
            try:
                return self._conn.execute(sql, params).fetchall()
            except sqlite3.Error as exc:
                log.error("challenge store read failed: %s", exc)
                raise ChallengeStoreUnavailable(
                    "the challenge store cannot be read now", {"error": type(exc).__name__}
                ) from None

    def create(
        self,
        answer: dict[str, Any],
        *,
        layer_id: Any,
        version: Any,
        feature_id: Any,
        comment: Any,
        correction: Any = None,
        settings: QuerySettings | None = None,
    ) -> Challenge:
        """Store a challenge of one hit of ``answer`` (a stored report's answer).

        Returns once it is committed.

        Raises
        ------
        InvalidInput
            The hit is not in the answer, the comment is too short or long, or the
            correction is not a valid polygon.
        ChallengeStoreUnavailable
            If the commit failed (nothing stored).
        """
        layer_id = _text(layer_id, "layer_id", 1, 200)
        version = _text(version, "version", 1, 200)
        feature_id = _text(
            str(feature_id) if isinstance(feature_id, int) else feature_id, "feature_id", 1, 200
        )
        comment = _text(comment, "comment", MIN_COMMENT, MAX_COMMENT)
        check_hit(answer, layer_id, version, feature_id)
        fixed = None if correction is None else check_correction(correction, settings)
        now = _now()
        with self._write() as conn:
            cursor = conn.execute(
                "INSERT INTO challenges (report_id, layer_id, version, feature_id, comment, "
                "correction_json, status, created_at, updated_at) "
                "VALUES (?, ?, ?, ?, ?, ?, 'open', ?, ?)",
                (
                    answer["report_id"],
                    layer_id,
                    version,
                    feature_id,
                    comment,
                    None if fixed is None else json.dumps(fixed),
                    now,
                    now,
                ),
            )
            cid = int(cursor.lastrowid or 0)
            conn.execute(
                "INSERT INTO challenge_events VALUES (?, ?, NULL, 'open', NULL)", (cid, now)
            )
        return self.get(cid)

    def get(self, challenge_id: int) -> Challenge:
        """One challenge with its history.

        Raises
        ------
        ChallengeNotFound
            If there is none with that id.
        """
        rows = self._read(
            "SELECT id, report_id, layer_id, version, feature_id, comment, correction_json, "
            "status, fixed_in_version, created_at, updated_at FROM challenges WHERE id = ?",
            (challenge_id,),
        )
        if not rows:
            raise ChallengeNotFound(f"no challenge {challenge_id}", {"id": challenge_id})
        return self._with_events(rows)[0]

    def find(
        self, status: str | None = None, report_id: str | None = None, limit: int = 100
    ) -> list[Challenge]:
        """Challenges, newest first, optionally of one status and/or one report.

        Raises
        ------
        InvalidInput
            If ``status`` is not one of :data:`STATUSES`.
        """
        if status is not None and status not in STATUSES:
            raise InvalidInput(
                f"status must be one of {', '.join(STATUSES)} (got {status!r})",
                {"field": "status"},
            )
        where, params = [], []
        if status is not None:
            where.append("status = ?")
            params.append(status)
        if report_id is not None:
            where.append("report_id = ?")
            params.append(report_id)
        sql = (
            "SELECT id, report_id, layer_id, version, feature_id, comment, correction_json, "
            "status, fixed_in_version, created_at, updated_at FROM challenges"
            + (" WHERE " + " AND ".join(where) if where else "")
            + " ORDER BY id DESC LIMIT ?"
        )
        return self._with_events(self._read(sql, (*params, limit)))

    def _with_events(self, rows: list[tuple[Any, ...]]) -> list[Challenge]:
        if not rows:
            return []
        ids = [row[0] for row in rows]
        marks = ", ".join("?" * len(ids))
        events: dict[int, list[dict[str, Any]]] = {cid: [] for cid in ids}
        for cid, at, who, status, note in self._read(
            "SELECT challenge_id, at, who, status, note FROM challenge_events "
            f"WHERE challenge_id IN ({marks}) ORDER BY rowid",
            tuple(ids),
        ):
            events[cid].append({"at": at, "who": who, "status": status, "note": note})
        return [
            Challenge(
                id=row[0],
                report_id=row[1],
                layer_id=row[2],
                version=row[3],
                feature_id=row[4],
                comment=row[5],
                correction=None if row[6] is None else json.loads(row[6]),
                status=row[7],
                fixed_in_version=row[8],
                created_at=row[9],
                updated_at=row[10],
                events=events[row[0]],
            )
            for row in rows
        ]

    def move(
        self,
        challenge_id: int,
        status: str,
        *,
        who: str,
        note: str | None = None,
        fixed_in_version: str | None = None,
    ) -> Challenge:
        """Move a challenge to ``status`` (``triaged`` or ``closed``) with a note.

        ``fixed_in_version`` (closing only) names the version of the challenged layer
        that fixed it; the caller checks that the catalog has it.

        Raises
        ------
        ChallengeNotFound
            No such challenge.
        ChallengeConflict
            The move is not allowed from the current status (e.g. a closed challenge).
        InvalidInput
            Unknown status, a note too long, or ``fixed_in_version`` when not closing.
        ChallengeStoreUnavailable
            If the commit failed.
        """
        if status not in STATUSES[1:]:
            raise InvalidInput(
                f"status must be triaged or closed (got {status!r})", {"field": "status"}
            )
        if note is not None:
            note = _text(note, "note", 0, MAX_NOTE) or None
        if fixed_in_version is not None and status != "closed":
            raise InvalidInput(
                "fixed_in_version is given only when closing", {"field": "fixed_in_version"}
            )
        now = _now()
        with self._write() as conn:
            row = conn.execute(
                "SELECT status FROM challenges WHERE id = ?", (challenge_id,)
            ).fetchone()
            if row is None:
                raise ChallengeNotFound(f"no challenge {challenge_id}", {"id": challenge_id})
            if status not in NEXT_STATUSES[row[0]]:
                raise ChallengeConflict(
                    f"challenge {challenge_id} is {row[0]}; it cannot become {status}",
                    {"id": challenge_id, "status": row[0]},
                )
            conn.execute(
                "UPDATE challenges SET status = ?, updated_at = ?, "
                "fixed_in_version = coalesce(?, fixed_in_version) WHERE id = ?",
                (status, now, fixed_in_version, challenge_id),
            )
            conn.execute(
                "INSERT INTO challenge_events VALUES (?, ?, ?, ?, ?)",
                (challenge_id, now, who, status, note),
            )
        return self.get(challenge_id)

    def close(self) -> None:
        """Close the connection."""
        with self._lock:
            self._conn.close()
