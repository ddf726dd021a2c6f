"""Signed reports: the public key, the server-made PDF, the signed download, verification.

Every stored report carries the server's Ed25519 signature of its id and stored answer
bytes (:mod:`geozone.signing`, made when the answer is stored). The public key is at
``/.well-known/geozone-signing-key``; ``GET /api/v1/reports/{id}/verify`` checks the
stored report, ``POST /api/v1/reports/verify`` checks an uploaded PDF report, signed
download or plain answer JSON (a plain answer carries no signature: it is checked against
the signature stored with that report id here).
"""

from __future__ import annotations

import asyncio
from typing import Annotated, Any

from fastapi import APIRouter, File, Query, Request, UploadFile
from fastapi.responses import JSONResponse, PlainTextResponse, Response

from api.deps import ReportsDep, public_base
from api.routes.report_exports import download
from api.schemas_signed import SignedReportFile, SigningKey, Verification
from geozone.errors import InvalidInput, ReportNotFound
from geozone.report_pdf import render_pdf
from geozone.report_store import StoredReport
from geozone.signing import (
    PREFIX,
    Signature,
    Signer,
    Verdict,
    envelope,
    public_jwk,
    public_pem,
    read_report_file,
)
from geozone.stores import ReportStore
from geozone.vocab import labels

router = APIRouter(tags=["reports"])

_KINDS = {k["code"]: k for k in labels()["kinds"]}
_NOT_FOUND: dict[int | str, dict[str, Any]] = {
    404: {"description": "No report with that id (`report_not_found`)."}
}


def signer(request: Request) -> Signer:
    """The server's signing key (loaded in the app's lifespan)."""
    key: Signer = request.app.state.signer
    return key


def stored_signature(report: StoredReport) -> Signature | None:
    """The signature stored with a report (``None`` for one stored before signing)."""
    if report.signature is None or report.key_id is None:
        return None
    return Signature(report.key_id, report.signature)


def permalink(request: Request, report_id: str) -> str:
    """The report's public page (``GEOZONE_PUBLIC_URL`` based): what the QR code encodes."""
    return f"{public_base(request)}/api/v1/reports/{report_id}?format=html"


@router.get(
    "/.well-known/geozone-signing-key",
    summary="The public key that signs every stored report",
    response_model=SigningKey,
    responses={200: {"content": {"application/x-pem-file": {"schema": {"type": "string"}}}}},
)
def signing_key(
    request: Request,
    format: Annotated[
        str | None, Query(pattern="^(json|pem)$", description="`json` (default) or `pem`.")
    ] = None,
) -> Any:
    """The Ed25519 public key (JWK and PEM) with its key id, and the signed message layout."""
    key = signer(request)
    if format == "pem":
        return PlainTextResponse(public_pem(key.public_key), media_type="application/x-pem-file")
    return {
        "key_id": key.key_id,
        "alg": "Ed25519",
        "jwk": public_jwk(key.public_key),
        "pem": public_pem(key.public_key),
        "signed_message": PREFIX.decode().replace("\n", "\\n")
        + "<report_id>\\n<answer bytes exactly as served by GET /api/v1/reports/{id}>",
    }


@router.get(
    "/api/v1/reports/{report_id}/pdf",
    summary="A stored report as a signed PDF made by the server",
    response_class=Response,
    responses={
        200: {"content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}}},
        **_NOT_FOUND,
    },
)
async def report_pdf(report_id: str, request: Request, reports: ReportsDep) -> Response:
    """The A4 PDF of the report: id, query, verdicts, hits, layer versions, signature, QR.

    The signed download (``/signed``) is embedded as an attachment and the id, key id and
    signature in the document information, so the PDF alone can be verified.
    """
    link = permalink(request, report_id)

    def make() -> bytes:
        report = reports.get(report_id)
        return render_pdf(
            report.answer(),
            report.answer_json,
            created_at=report.created_at,
            permalink=link,
            signature=stored_signature(report),
            kinds=_KINDS,
        )

    pdf = await asyncio.to_thread(make)
    return download(pdf, "application/pdf", f"geozone-report-{report_id}.pdf", inline=True)


@router.get(
    "/api/v1/reports/{report_id}/signed",
    summary="A stored report as a signed download (JSON)",
    response_model=SignedReportFile,
    responses=_NOT_FOUND,
)
def report_signed(report_id: str, reports: ReportsDep) -> Response:
    """The stored answer text with its report id, key id and signature, for offline checks."""
    report = reports.get(report_id)
    signed = envelope(report_id, report.answer_json, stored_signature(report))
    return download(signed, "application/json", f"geozone-report-{report_id}.json")


@router.get(
    "/api/v1/reports/{report_id}/verify",
    summary="Check the stored report's signature",
    response_model=Verification,
    responses=_NOT_FOUND,
)
def verify_stored(report_id: str, request: Request, reports: ReportsDep) -> dict[str, Any]:
    """Whether the stored answer bytes still match the signature stored with them."""
    report = reports.get(report_id)
    return (
        signer(request)
        .verify(report_id, report.answer_json, report.signature, report.key_id)
        .to_dict()
    )


def verify_upload(data: bytes, key: Signer, reports: ReportStore) -> Verdict:
    """Check an uploaded report file (PDF, signed download, or plain answer JSON)."""
    claim = read_report_file(data)
    if claim.report_id is None:
        raise InvalidInput("the file names no report id", {"field": "file"})
    signature, key_id = claim.signature, claim.key_id
    if signature is None:  # a plain answer: compare with what this server stored and signed
        try:
            stored = reports.get(claim.report_id)
        except ReportNotFound:
            return Verdict(
                False,
                claim.report_id,
                None,
                "the file carries no signature and this server has no report with its id",
            )
        signature, key_id = stored.signature, stored.key_id
    return key.verify(claim.report_id, claim.answer, signature, key_id)


@router.post(
    "/api/v1/reports/verify",
    summary="Check a downloaded report (PDF, signed JSON or answer JSON)",
    response_model=Verification,
    responses={422: {"description": "The file is not a geozone report."}},
)
async def verify_file(
    request: Request,
    reports: ReportsDep,
    file: Annotated[UploadFile, File(description="The downloaded report file.")],
) -> JSONResponse:
    """``{"valid", "report_id", "key_id", "reason"}``; one changed byte makes it invalid."""
    data = await file.read()
    verdict = await asyncio.to_thread(verify_upload, data, signer(request), reports)
    return JSONResponse(verdict.to_dict())
