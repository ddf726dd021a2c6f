"""Named bearer tokens: who is asking, and what they may do (admin, reader).

A token is a random secret handed to one person or system; the server keeps only its
SHA-256, with a name and a role, in a TOML file (``GEOZONE_TOKENS_FILE``)::

    [[token]]
    name = "li.wei"
    role = "admin"    # admin: change layers, read the audit log, see restricted layers
    sha256 = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"

    [[token]]
    name = "permit-system"
    role = "reader"   # reader: see restricted layers' geometry

``geozone token new NAME --role admin`` makes a token, stores its hash and prints the
token once. The legacy single ``GEOZONE_ADMIN_TOKEN`` still works as an admin token
named ``admin``. The file is read again when it changes (its size and modification time
are checked at most once a second), so a new token needs no restart.

Looking a token up hashes it and finds the digest in a dict: the secret itself is never
compared, so the lookup's timing says nothing about it. SHA-256 without a salt is right
here because tokens are 256-bit random strings, not passwords a person chose.
"""

from __future__ import annotations

import hashlib
import os
import re
import secrets
import threading
import time
import tomllib
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any

import tomli_w

from geozone.errors import GeozoneError, InvalidInput

TOKEN_NAME = re.compile(r"^[0-9A-Za-z._@-]{1,64}$")
_RECHECK_SECONDS = 1.0


class Role(StrEnum):
    """What a token may do."""

    ADMIN = "admin"
    READER = "reader"


@dataclass(frozen=True)
class Principal:
    """The holder of a known token.

    Attributes
    ----------
    name
        The token's name (who asked), as written in the audit log.
    role
        ``admin`` or ``reader``.
    """

    name: str
    role: Role

    @property
    def is_admin(self) -> bool:
        """May change layers and read the audit log."""
        return self.role is Role.ADMIN

    @property
    def sees_restricted(self) -> bool:
        """May see the geometry of restricted layers (admins and readers)."""
        return self.role in (Role.ADMIN, Role.READER)


def token_digest(token: str) -> str:
    """Hex SHA-256 of a token's UTF-8 bytes (what the tokens file stores)."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _parse(data: dict[str, Any], where: str) -> dict[str, Principal]:
    """Digest -> principal from a parsed tokens file; a bad entry names the problem."""
    found: dict[str, Principal] = {}
    names: set[str] = set()
    entries = data.get("token", [])
    if not isinstance(entries, list):
        raise GeozoneError(f"{where}: 'token' must be an array of tables ([[token]])")
    for i, entry in enumerate(entries):
        if not isinstance(entry, dict):
            raise GeozoneError(f"{where}: token {i + 1} is not a table")
        name, role, digest = entry.get("name"), entry.get("role"), entry.get("sha256")
        if not isinstance(name, str) or not TOKEN_NAME.match(name):
            raise GeozoneError(f"{where}: token {i + 1} needs a name of 1-64 [0-9A-Za-z._@-]")
        if role not in {r.value for r in Role}:
            raise GeozoneError(f"{where}: token {name!r} has role {role!r} (admin or reader)")
        if not isinstance(digest, str) or not re.fullmatch(r"[0-9a-f]{64}", digest):
            raise GeozoneError(f"{where}: token {name!r} needs sha256 = 64 lower-case hex digits")
        if name in names:
            raise GeozoneError(f"{where}: token name {name!r} appears twice")
        names.add(name)
        found[digest] = Principal(name, Role(role))
    return found


class TokenRegistry:
    """The known tokens: a tokens file and/or the legacy admin token.

    Parameters
    ----------
    tokens_file
        TOML file of named, hashed tokens (may not exist yet: no tokens).
    admin_token
        The legacy ``GEOZONE_ADMIN_TOKEN`` (an admin named ``admin``), or ``None``.

    Examples
    --------
    >>> reg = TokenRegistry(None, admin_token="s3cret")
    >>> reg.identify("s3cret")
    Principal(name='admin', role=<Role.ADMIN: 'admin'>)
    >>> reg.identify("guess") is None
    True
    """

    def __init__(self, tokens_file: Path | None, admin_token: str | None = None) -> None:
        self.tokens_file = tokens_file
        self._legacy = (
            {token_digest(admin_token): Principal("admin", Role.ADMIN)} if admin_token else {}
        )
        self._lock = threading.Lock()
        self._stamp: tuple[int, int] | None = None
        self._checked = 0.0
        self._by_digest: dict[str, Principal] = dict(self._legacy)
        self._refresh(force=True)

    def _refresh(self, force: bool = False) -> None:
        """Re-read the tokens file if it changed (checked at most once a second)."""
        if self.tokens_file is None:
            return
        now = time.monotonic()
        if not force and now - self._checked < _RECHECK_SECONDS:
            return
        with self._lock:
            self._checked = now
            try:
                st = self.tokens_file.stat()
            except FileNotFoundError:
                stamp = None
            else:
                stamp = (st.st_mtime_ns, st.st_size)
            if stamp == self._stamp and not force:
                return
            parsed: dict[str, Principal] = {}
            if stamp is not None:
                text = self.tokens_file.read_text(encoding="utf-8")
                try:
                    data = tomllib.loads(text)
                except tomllib.TOMLDecodeError as exc:
                    raise GeozoneError(f"tokens file {self.tokens_file.name}: {exc}") from None
                parsed = _parse(data, f"tokens file {self.tokens_file.name}")
            self._by_digest = {**parsed, **self._legacy}
            self._stamp = stamp

    def identify(self, token: str) -> Principal | None:
        """The principal a bearer token belongs to, or ``None`` for an unknown token."""
        self._refresh()
        return self._by_digest.get(token_digest(token))

    def has_admins(self) -> bool:
        """At least one admin token exists (admin is switched on)."""
        self._refresh()
        return any(p.is_admin for p in self._by_digest.values())

    def principals(self) -> list[Principal]:
        """Every known principal (names and roles only)."""
        self._refresh()
        return sorted(self._by_digest.values(), key=lambda p: p.name)


def new_token(tokens_file: Path, name: str, role: Role) -> str:
    """Make a random token for ``name``, store its hash in ``tokens_file``, return it.

    The file is rewritten atomically (temporary file, fsync, rename) with mode 0600.

    Raises
    ------
    InvalidInput
        A bad name, or a name already in the file.
    """
    if not TOKEN_NAME.match(name):
        raise InvalidInput(f"token name {name!r} must be 1-64 characters of [0-9A-Za-z._@-]")
    data: dict[str, Any] = {"token": []}
    if tokens_file.exists():
        data = tomllib.loads(tokens_file.read_text(encoding="utf-8"))
        _parse(data, f"tokens file {tokens_file.name}")
        data.setdefault("token", [])
    if any(e.get("name") == name for e in data["token"]):
        raise InvalidInput(f"a token named {name!r} exists already", {"name": name})
    token = secrets.token_urlsafe(32)
    data["token"].append({"name": name, "role": role.value, "sha256": token_digest(token)})
    tokens_file.parent.mkdir(parents=True, exist_ok=True)
    tmp = tokens_file.with_name(f".{tokens_file.name}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(tomli_w.dumps(data).encode("utf-8"))
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, tokens_file)
    return token
