"""Challenges of report hits ("报告错误 / report an inaccuracy") and their admin triage.

Anyone may challenge a hit of a stored report (``POST /api/v1/reports/{id}/challenges``);
the challenge is committed before the answer (503 when the store cannot write). Admins
(named admin tokens, :mod:`api.deps`) list, triage and close them; closing may name the
version of the challenged layer that fixed it, which must exist in the catalog. The
report's stored bytes are never changed (:mod:`geozone.challenges`).
"""

from __future__ import annotations

import asyncio
from typing import Annotated, Any

from fastapi import APIRouter, Body, Query, Request

from api.deps import AdminDep, CatalogDep, ReportsDep, SettingsDep
from api.schemas_signed import (
    Challenge,
    ChallengeClose,
    ChallengeList,
    ChallengeMove,
    ChallengeRequest,
)
from geozone.challenges import ChallengeStore
from geozone.errors import InvalidInput, LayerNotFound

router = APIRouter(tags=["reports"])
admin_router = APIRouter(prefix="/api/v1/admin", tags=["admin"])

_AUTH: dict[int | str, dict[str, Any]] = {
    401: {"description": "No bearer token."},
    403: {"description": "Reader or unknown token, or admin switched off."},
}
_AUTH_ONE: dict[int | str, dict[str, Any]] = {**_AUTH, 404: {"description": "No such challenge."}}
"""Responses of every admin route on one challenge id."""


def store(request: Request) -> ChallengeStore:
    """The challenge store (opened in the app's lifespan)."""
    challenges: ChallengeStore = request.app.state.challenges
    return challenges


@router.post(
    "/api/v1/reports/{report_id}/challenges",
    summary="Report an inaccuracy in one hit of a stored report",
    status_code=201,
    response_model=Challenge,
    responses={
        404: {"description": "No report with that id."},
        422: {"description": "Not a hit of that report, bad comment or correction."},
        503: {"description": "The challenge store cannot write now (nothing stored)."},
    },
)
async def create_challenge(
    report_id: str,
    request: Request,
    reports: ReportsDep,
    settings: SettingsDep,
    body: Annotated[ChallengeRequest, Body()],
) -> dict[str, Any]:
    """Store a challenge of the hit ``(layer_id, version, feature_id)``; answered once committed."""

    def create() -> dict[str, Any]:
        report = reports.get(report_id)
        return (
            store(request)
            .create(
                report.answer(),
                layer_id=body.layer_id,
                version=body.version,
                feature_id=body.feature_id,
                comment=body.comment,
                correction=body.correction,
                settings=settings.query,
            )
            .to_dict()
        )

    return await asyncio.to_thread(create)


@admin_router.get(
    "/challenges",
    summary="Challenges of reports, newest first",
    response_model=ChallengeList,
    responses=_AUTH,
)
def list_challenges(
    request: Request,
    _admin: AdminDep,
    status: Annotated[
        str | None,
        Query(pattern="^(open|triaged|closed)$", description="Only this status."),
    ] = None,
    report_id: Annotated[str | None, Query(description="Only this report's.")] = None,
    limit: Annotated[int, Query(ge=1, le=10_000)] = 100,
) -> dict[str, Any]:
    """Every challenge (or those of one status / report) with its history."""
    found = store(request).find(status=status, report_id=report_id, limit=limit)
    return {"challenges": [c.to_dict() for c in found], "count": len(found)}


@admin_router.get(
    "/challenges/{challenge_id}",
    summary="One challenge",
    response_model=Challenge,
    responses=_AUTH_ONE,
)
def get_challenge(challenge_id: int, request: Request, _admin: AdminDep) -> dict[str, Any]:
    """The challenge with its history."""
    return store(request).get(challenge_id).to_dict()


@admin_router.post(
    "/challenges/{challenge_id}/triage",
    summary="Mark a challenge triaged",
    response_model=Challenge,
    responses={
        **_AUTH_ONE,
        409: {"description": "Not open."},
    },
)
def triage_challenge(
    challenge_id: int,
    request: Request,
    admin: AdminDep,
    body: Annotated[ChallengeMove | None, Body()] = None,
) -> dict[str, Any]:
    """``open -> triaged``, with an optional note."""
    note = body.note if body else None
    return store(request).move(challenge_id, "triaged", who=admin.name, note=note).to_dict()


@admin_router.post(
    "/challenges/{challenge_id}/close",
    summary="Close a challenge (optionally naming the layer version that fixed it)",
    response_model=Challenge,
    responses={
        **_AUTH_ONE,
        409: {"description": "Already closed."},
        422: {"description": "`fixed_in_version` is not a version of the layer."},
    },
)
def close_challenge(
    challenge_id: int,
    request: Request,
    admin: AdminDep,
    catalog: CatalogDep,
    body: Annotated[ChallengeClose | None, Body()] = None,
) -> dict[str, Any]:
    """``open|triaged -> closed``; ``fixed_in_version`` must be in the catalog."""
    challenges = store(request)
    fixed = body.fixed_in_version if body else None
    if fixed is not None:
        layer_id = challenges.get(challenge_id).layer_id
        try:
            catalog.get(layer_id, fixed)
        except LayerNotFound:
            raise InvalidInput(
                f"fixed_in_version: layer {layer_id} has no version {fixed!r} in the catalog",
                {"field": "fixed_in_version", "layer_id": layer_id, "version": fixed},
            ) from None
    note = body.note if body else None
    return challenges.move(
        challenge_id, "closed", who=admin.name, note=note, fixed_in_version=fixed
    ).to_dict()
