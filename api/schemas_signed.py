"""Documents of signed reports and challenges (OpenAPI schemas)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class _Closed(BaseModel):
    model_config = ConfigDict(extra="forbid")


class SigningKeyJWK(_Closed):
    """The server's Ed25519 public key as a JWK (RFC 8037)."""

    kty: str = Field(description="`OKP`.")
    crv: str = Field(description="`Ed25519`.")
    x: str = Field(description="The 32-byte public key, base64url.")
    kid: str = Field(description="Key id: the RFC 7638 JWK thumbprint.")
    alg: str = Field(description="`EdDSA`.")
    use: str = Field(description="`sig`.")


class SigningKey(_Closed):
    """The key that signs every stored report, and what exactly it signs."""

    key_id: str
    alg: str = Field(description="`Ed25519`.")
    jwk: SigningKeyJWK
    pem: str = Field(description="The public key, PEM SubjectPublicKeyInfo.")
    signed_message: str = Field(description="How the signed bytes are built.")


class Verification(_Closed):
    """Whether a report's signature checks out, and why not."""

    valid: bool
    report_id: str | None
    key_id: str | None
    reason: str


class SignedReportFile(_Closed):
    """A signed report download: the stored answer text with its id and signature."""

    format: str = Field(description="`geozone-signed-report/1`.")
    report_id: str
    alg: str
    key_id: str | None
    signature: str | None = Field(description="Ed25519 signature, base64url; null if unsigned.")
    answer: str = Field(description="The answer JSON exactly as stored (signed as UTF-8).")


class ChallengeRequest(BaseModel):
    """A challenge of one hit of a report (the hit must be in the report)."""

    model_config = ConfigDict(extra="forbid")

    layer_id: str = Field(
        min_length=1,
        max_length=200,
        description="Layer of the challenged hit.",
        examples=["redline"],
    )
    version: str = Field(
        min_length=1,
        max_length=200,
        description="That layer's version in the report.",
        examples=["2026"],
    )
    feature_id: str | int = Field(description="The challenged feature's id (a hit of the report).")
    comment: str = Field(
        min_length=3,
        max_length=2000,
        description="What is wrong, 3 to 2000 characters "
        "(white space at either end is not counted).",
    )
    correction: dict[str, Any] | None = Field(
        None,
        description="Optional corrected outline: GeoJSON Polygon/MultiPolygon (WGS84 unless "
        "a legacy `crs` member says otherwise), checked like a lookup parcel.",
    )


class ChallengeEvent(_Closed):
    """One status change of a challenge."""

    at: str
    who: str | None
    status: str
    note: str | None


class Challenge(_Closed):
    """A stored challenge."""

    id: int
    report_id: str
    layer_id: str
    version: str
    feature_id: str
    comment: str
    correction: dict[str, Any] | None
    status: str = Field(description="`open`, `triaged` or `closed`.")
    fixed_in_version: str | None
    created_at: str
    updated_at: str
    events: list[ChallengeEvent]


class ChallengeList(_Closed):
    """Challenges, newest first."""

    challenges: list[Challenge]
    count: int


class ChallengeMove(BaseModel):
    """A triage or close step."""

    model_config = ConfigDict(extra="forbid")

    note: str | None = Field(None, description="Why, up to 2000 characters.")


class ChallengeClose(ChallengeMove):
    """Closing, optionally naming the layer version that fixed it."""

    fixed_in_version: str | None = Field(
        None, description="A version of the challenged layer in the catalog that fixed it."
    )
