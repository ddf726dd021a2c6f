r"""Ed25519 signatures of stored reports: the server's key, the signed message, verification.

The signed message
------------------
A report is signed over its id and its stored answer bytes, exactly::

    message = b"geozone-report-v1\n" + report_id.encode("ascii") + b"\n" + answer_bytes

``report_id`` is the 32 lower-case hex digits of the report; ``answer_bytes`` are the
answer JSON exactly as stored and served by ``GET /api/v1/reports/{id}`` (UTF-8, not
re-serialised). The prefix names the scheme so a geozone signature can never be passed
off as a signature of some other kind of message. The signature is the 64-byte Ed25519
signature (RFC 8032, deterministic: the same key and message always give the same bytes)
of that message, written base64url without padding. The key id is the RFC 7638 JWK
thumbprint (SHA-256, base64url) of the public key, so anyone holding the public key can
compute it.

The key
-------
``GEOZONE_SIGNING_KEY_FILE`` names a private key file: PEM (PKCS#8, ``-----BEGIN PRIVATE
KEY-----``) or the 32 raw bytes of the Ed25519 seed. When it is unset the key is
``signing-key.pem`` beside the report store: generated once (by the first process that
needs it: written to a temporary file with mode 0600, then hard-linked into place, so two
workers starting at once end up with the same key) and read by every later process, so
report signatures stay verifiable across restarts and across ``--workers``.

Signed downloads
----------------
:func:`envelope` wraps one report in the JSON file a reviewer downloads
(``GET /api/v1/reports/{id}/signed``): ``{"format", "report_id", "alg", "key_id",
"signature", "answer"}`` where ``answer`` is the stored answer text as a JSON string, so
its UTF-8 bytes are exactly the signed ``answer_bytes``. The PDF report embeds the same
file as an attachment (:mod:`geozone.report_pdf`).

Uses the ``cryptography`` package.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import json
import os
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from geozone.errors import GeozoneError, InvalidInput

PREFIX = b"geozone-report-v1\n"
"""The first bytes of every signed message (names the scheme and its version)."""
ALG = "Ed25519"
ENVELOPE_FORMAT = "geozone-signed-report/1"
"""``format`` of a signed report download (:func:`envelope`)."""
_REPORT_ID = re.compile(r"^[0-9a-f]{32}$")
DEFAULT_KEY_NAME = "signing-key.pem"
"""File name of the generated key beside the report store."""


def b64url(data: bytes) -> str:
    """Base64url without padding (RFC 7515 §2)."""
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64url_decode(text: str) -> bytes:
    """Inverse of :func:`b64url`.

    Raises
    ------
    ValueError
        If ``text`` is not base64url.
    """
    if not isinstance(text, str) or not text.isascii():
        raise ValueError("not base64url")
    padded = text + "=" * (-len(text) % 4)
    return base64.urlsafe_b64decode(padded.encode("ascii"))


def signed_message(report_id: str, answer_bytes: bytes) -> bytes:
    r"""The exact bytes a report signature covers (see the module docstring).

    >>> signed_message("0" * 32, b"{}")[-36:]
    b'00000000000000000000000000000000\n{}'
    """
    return PREFIX + report_id.encode("ascii") + b"\n" + answer_bytes


def answer_bytes(answer_json: str | bytes) -> bytes:
    """The stored answer's bytes: bytes as they are, text as UTF-8."""
    return answer_json if isinstance(answer_json, bytes) else answer_json.encode("utf-8")


def _raw_public(public_key: Ed25519PublicKey) -> bytes:
    return public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def key_id(public_key: Ed25519PublicKey) -> str:
    """The RFC 7638 JWK thumbprint of an Ed25519 public key (43 base64url characters)."""
    canonical = json.dumps(
        {"crv": "Ed25519", "kty": "OKP", "x": b64url(_raw_public(public_key))},
        separators=(",", ":"),
        sort_keys=True,
    )
    return b64url(hashlib.sha256(canonical.encode("ascii")).digest())


def public_jwk(public_key: Ed25519PublicKey) -> dict[str, str]:
    """The public key as a JWK (RFC 8037 ``OKP``/``Ed25519``) with its ``kid``."""
    return {
        "kty": "OKP",
        "crv": "Ed25519",
        "x": b64url(_raw_public(public_key)),
        "kid": key_id(public_key),
        "alg": "EdDSA",
        "use": "sig",
    }


def public_pem(public_key: Ed25519PublicKey) -> str:
    """The public key as PEM (SubjectPublicKeyInfo)."""
    return public_key.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    ).decode("ascii")


@dataclass(frozen=True)
class Signature:
    """A report signature: which key, and the 64 signature bytes as base64url."""

    key_id: str
    signature: str


@dataclass(frozen=True)
class Verdict:
    """The outcome of a verification, JSON-ready with :meth:`to_dict`."""

    valid: bool
    report_id: str | None
    key_id: str | None
    reason: str

    def to_dict(self) -> dict[str, Any]:
        """``{"valid", "report_id", "key_id", "reason"}``."""
        return {
            "valid": self.valid,
            "report_id": self.report_id,
            "key_id": self.key_id,
            "reason": self.reason,
        }


class Verifier:
    """Checks report signatures against one Ed25519 public key."""

    def __init__(self, public_key: Ed25519PublicKey) -> None:
        self.public_key = public_key
        self.key_id = key_id(public_key)

    def verify(
        self, report_id: str, answer: str | bytes, signature: str | None, signer_key_id: str | None
    ) -> Verdict:
        """Whether ``signature`` is this key's signature of ``(report_id, answer)``.

        Also checks that the answer names ``report_id`` (so a genuine answer cannot be
        presented under another report's id even with a signature of that pairing).
        """
        if not _REPORT_ID.match(report_id or ""):
            return Verdict(False, None, signer_key_id, "no valid report id (32 hex digits)")
        if signature is None:
            return Verdict(False, report_id, signer_key_id, "the report carries no signature")
        if signer_key_id is not None and signer_key_id != self.key_id:
            return Verdict(
                False,
                report_id,
                signer_key_id,
                f"signed with key {signer_key_id}, not with this key ({self.key_id})",
            )
        try:
            raw = b64url_decode(signature)
        except ValueError:
            return Verdict(False, report_id, self.key_id, "the signature is not base64url")
        data = answer_bytes(answer)
        try:
            self.public_key.verify(raw, signed_message(report_id, data))
        except InvalidSignature:
            return Verdict(
                False,
                report_id,
                self.key_id,
                "the signature does not match: the report id or the answer bytes were changed",
            )
        try:
            named = json.loads(data).get("report_id")
        except (ValueError, AttributeError):
            named = None
        if named != report_id:
            return Verdict(False, report_id, self.key_id, "the answer names another report id")
        return Verdict(True, report_id, self.key_id, "signature valid")


class Signer(Verifier):
    """The server's signing key."""

    def __init__(self, private_key: Ed25519PrivateKey) -> None:
        super().__init__(private_key.public_key())
        self._private = private_key

    def sign(self, report_id: str, answer: str | bytes) -> Signature:
        """Sign ``(report_id, answer bytes)`` (:func:`signed_message`)."""
        raw = self._private.sign(signed_message(report_id, answer_bytes(answer)))
        return Signature(self.key_id, b64url(raw))

    def private_pem(self) -> bytes:
        """The private key as unencrypted PKCS#8 PEM (for writing the key file)."""
        return self._private.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )


def parse_private_key(data: bytes, where: str = "the signing key file") -> Ed25519PrivateKey:
    """An Ed25519 private key from PEM (PKCS#8) or 32 raw seed bytes.

    Raises
    ------
    GeozoneError
        If ``data`` is neither (the message names ``where``).
    """
    if len(data) == 32 and not data.startswith(b"-----"):
        return Ed25519PrivateKey.from_private_bytes(data)
    try:
        key = serialization.load_pem_private_key(data, password=None)
    except (ValueError, TypeError) as exc:
        raise GeozoneError(
            f"{where} is not an Ed25519 private key (PEM PKCS#8 or 32 raw bytes): {exc}"
        ) from None
    if not isinstance(key, Ed25519PrivateKey):
        raise GeozoneError(f"{where} holds a {type(key).__name__}, not an Ed25519 key")
    return key


def parse_public_key(data: bytes, where: str = "the public key file") -> Ed25519PublicKey:
    """An Ed25519 public key from PEM, a JWK (JSON) or 32 raw bytes.

    Raises
    ------
    InvalidInput
        If ``data`` is none of them.
    """
    text = data.strip()
    try:
        if text.startswith(b"{"):
            jwk = json.loads(text)
            if jwk.get("kty") != "OKP" or jwk.get("crv") != "Ed25519":
                raise ValueError("not an OKP/Ed25519 JWK")
            return Ed25519PublicKey.from_public_bytes(b64url_decode(jwk["x"]))
        if len(data) == 32:
            return Ed25519PublicKey.from_public_bytes(data)
        key = serialization.load_pem_public_key(text)
    except (ValueError, TypeError, KeyError) as exc:
        raise InvalidInput(
            f"{where} is not an Ed25519 public key (PEM, JWK or 32 raw bytes): {exc}"
        ) from None
    if not isinstance(key, Ed25519PublicKey):
        raise InvalidInput(f"{where} holds a {type(key).__name__}, not an Ed25519 key")
    return key


def _create_key_file(path: Path) -> None:
    """Write a new key to ``path`` (mode 0600) unless another process got there first."""
    path.parent.mkdir(parents=True, exist_ok=True)
    pem = Signer(Ed25519PrivateKey.generate()).private_pem()
    fd, tmp = tempfile.mkstemp(prefix=".signing-key-", dir=path.parent)  # mode 0600
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(pem)
            out.flush()
            os.fsync(out.fileno())
        with contextlib.suppress(FileExistsError):  # another worker's key won: use it
            os.link(tmp, path)
    finally:
        os.unlink(tmp)


def load_signer(key_file: Path | None, default_path: Path) -> Signer:
    """The server's signer: ``key_file`` when set, else ``default_path`` (made once).

    Raises
    ------
    GeozoneError
        If the key file cannot be read or holds no Ed25519 private key.
    """
    path = key_file or default_path
    if key_file is None and not path.exists():
        _create_key_file(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise GeozoneError(
            f"cannot read the signing key file {path.name}: {exc.strerror}"
        ) from None
    return Signer(parse_private_key(data, f"signing key file {path.name}"))


def envelope(report_id: str, answer_json: str | bytes, signature: Signature | None) -> bytes:
    """The signed report download: the answer text with its id, key id and signature."""
    text = answer_json.decode("utf-8") if isinstance(answer_json, bytes) else answer_json
    doc = {
        "format": ENVELOPE_FORMAT,
        "report_id": report_id,
        "alg": ALG,
        "key_id": signature.key_id if signature else None,
        "signature": signature.signature if signature else None,
        "answer": text,
    }
    return json.dumps(doc, ensure_ascii=False, indent=1).encode("utf-8")


@dataclass(frozen=True)
class SignedReport:
    """What a downloaded file claims: a report id, its answer bytes and a signature."""

    report_id: str | None
    answer: bytes
    key_id: str | None
    signature: str | None


def read_envelope(data: bytes) -> SignedReport:
    """Parse a signed report download, or a plain answer JSON (no signature then).

    Raises
    ------
    InvalidInput
        If ``data`` is not JSON of either kind.
    """
    try:
        doc = json.loads(data)
    except ValueError:
        raise InvalidInput("the file is neither a PDF report nor JSON") from None
    if not isinstance(doc, dict):
        raise InvalidInput("the JSON file is not a geozone report (not an object)")
    if doc.get("format") == ENVELOPE_FORMAT:
        answer = doc.get("answer")
        if not isinstance(answer, str):
            raise InvalidInput("the signed report has no 'answer' text")
        return SignedReport(
            _str_or_none(doc.get("report_id")),
            answer.encode("utf-8"),
            _str_or_none(doc.get("key_id")),
            _str_or_none(doc.get("signature")),
        )
    if "report_id" in doc:  # a plain answer as served by GET /api/v1/reports/{id}
        return SignedReport(_str_or_none(doc.get("report_id")), data, None, None)
    raise InvalidInput("the JSON file is not a geozone report (no report_id)")


def _str_or_none(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def read_report_file(data: bytes) -> SignedReport:
    """What a downloaded report file claims: a PDF report, a signed download or an answer.

    Raises
    ------
    InvalidInput
        If the file is none of them.
    """
    if data.startswith(b"%PDF"):
        from geozone.report_pdf import signed_payload

        return read_envelope(signed_payload(data))
    return read_envelope(data)
