"""Layer administration behind named admin tokens: upload, retire, read the audit log.

Admin tokens are named (:mod:`geozone.tokens`); with none configured admin is off (403
``forbidden`` saying so); no ``Authorization: Bearer`` header is 401, a wrong or reader
token 403. A change follows the layer folder's change protocol
(:mod:`geozone.layer_changes`): file lock, compare-and-swap on the layer-set hash (a
change sent to a stale worker is applied on top of the folder's current state),
validation (422 with the report, nothing written), durable atomic writes, one audit line
per attempt. The answer comes after all of that; this worker publishes the new
generation at once and the others follow within a second
(:mod:`geozone.layer_follower`). With ``GEOZONE_DATABASE_URL`` a change is one database
transaction instead (:mod:`geozone.db.changes`: lock, compare, the same validation, rows
and audit entry committed together, NOTIFY) and every worker on every machine follows
the NOTIFY (:mod:`geozone.db.follower`); the audit log is then in the database.
``If-Match: <generation>`` (or ``expected_generation``) makes a change conditional: 409
``generation_conflict`` when the layer set moved on.
"""

from __future__ import annotations

import asyncio
import logging
import os
from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, File, Form, Header, Query, Request, UploadFile
from fastapi import Path as PathParam
from fastapi.security import HTTPAuthorizationCredentials
from pydantic import BaseModel, Field

from api.deps import AdminDep, bearer, require_admin
from api.schemas import DATE, DATE_TIME, AdminChange
from api.schemas import AuditLog as AuditLogDocument
from geozone.audit import AuditReader
from geozone.errors import Forbidden, GeozoneError, InvalidInput, Unauthorized
from geozone.layer_changes import ChangeResult, Changes
from geozone.layer_follower import Follower
from geozone.tokens import Principal

log = logging.getLogger(__name__)

router = APIRouter(prefix="/api/v1/admin", tags=["admin"])

_ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"description": "No bearer token."},
    403: {"description": "Reader or unknown token, or admin switched off (no admin token)."},
    404: {"description": "Unknown layer or version."},
    409: {"description": "`If-Match` / `expected_generation` names an older generation."},
    413: {"description": "Upload over the body size limit."},
    422: {"description": "Invalid form field or upload; failing validation report in detail."},
    503: {
        "description": "Audit log not writable, another change held the lock too long, "
        "or the database is unavailable."
    },
}

_IF_MATCH = Header(
    alias="If-Match",
    description="Generation id or counter the change is based on (from /healthz).",
)


async def change_admin(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> Principal:
    """:func:`api.deps.require_admin` for change routes: a refusal is audited too."""
    try:
        return await require_admin(request, credentials)
    except (Unauthorized, Forbidden) as exc:
        principal = None
        if credentials is not None:
            principal = request.app.state.tokens.identify(credentials.credentials)
        record = {
            "action": "retire" if request.url.path.endswith("/retire") else "upload",
            "who": principal.name if principal else None,
            "layer_id": request.path_params.get("layer_id"),
            "version": str(request.path_params.get("version", ""))[:80] or None,
        }
        changes: Changes = request.app.state.changes
        try:
            await asyncio.to_thread(changes.refused, record, exc)
        except GeozoneError:  # no change is made either way; the caller learns only 401/403
            log.exception("refused admin attempt not audited")
        raise


ChangeAdminDep = Annotated[Principal, Depends(change_admin)]


def _publish(request: Request, result: ChangeResult) -> None:
    """Serve the new generation in this worker now (the others follow on their own)."""
    follower: Follower = request.app.state.follower
    follower.publish_change(result.catalog, result.generation)


def _answer(result: ChangeResult) -> dict[str, Any]:
    return {
        "layerset_hash": result.catalog.hash,
        "generation": result.generation.brief(),
        "generation_before": result.before.brief(),
        "validation": result.report,
        "worker_pid": os.getpid(),
    }


@router.post(
    "/layers/{layer_id}/versions",
    summary="Upload a new version of a layer (validated, then written atomically)",
    status_code=201,
    response_model=None,
    responses={201: {"description": "The new version.", "model": AdminChange}, **_ERRORS},
)
async def upload_version(
    layer_id: str,
    request: Request,
    admin: ChangeAdminDep,
    file: Annotated[
        UploadFile, File(description="GeoJSON, GeoPackage or zipped shapefile of the layer.")
    ],
    version: Annotated[
        str,
        Form(
            description="Version label, [0-9A-Za-z._-]{1,64}, e.g. 2027.",
            examples=["2027"],
            pattern=r"^[0-9A-Za-z._-]{1,64}$",
        ),
    ],
    valid_from: Annotated[
        str,
        Form(
            description="First day in force (YYYY-MM-DD).",
            examples=["2027-01-01"],
            json_schema_extra=DATE,
        ),
    ],
    source_crs: Annotated[
        str,
        Form(
            description="CRS of the file's coordinates: EPSG code, GCJ02, BD09.",
            examples=["EPSG:4326"],
        ),
    ],
    valid_to: Annotated[
        str | None,
        Form(
            description="Last day in force (inclusive, YYYY-MM-DD); absent = open-ended.",
            json_schema_extra=DATE,
        ),
    ] = None,
    source: Annotated[
        str | None, Form(description="Provenance; default: previous version's.")
    ] = None,
    licence: Annotated[
        str | None, Form(description="Licence; default: previous version's.")
    ] = None,
    expected_generation: Annotated[
        str | None, Form(description="Like If-Match: the generation this change is based on.")
    ] = None,
    if_match: Annotated[str | None, _IF_MATCH] = None,
) -> dict[str, Any]:
    """Validate the upload and add it as a new version, or refuse it (422) unchanged.

    The checks are those of ``geozone layers validate``, run against the layer folder as
    it is on disk; a refusal carries the report in ``detail``. A passing upload is
    written as ``data/<layer_id>_<version>.gpkg``, the manifest is rewritten atomically,
    and the answer names the new generation.
    """
    data = await file.read()
    filename = file.filename or "upload"
    fields = {
        "version": version,
        "valid_from": valid_from,
        "valid_to": valid_to,
        "source_crs": source_crs,
        "source": source,
        "licence": licence,
    }
    changes: Changes = request.app.state.changes

    def change() -> dict[str, Any]:
        result = changes.upload(
            request.app.state.layers.catalog,
            admin.name,
            layer_id,
            fields,
            data,
            filename,
            if_match or expected_generation,
        )
        _publish(request, result)
        return {"layer_id": layer_id, "version": version.strip(), **_answer(result)}

    return await asyncio.to_thread(change)


class RetireRequest(BaseModel):
    """When a version stops being in force."""

    valid_to: str = Field(
        description="Last day in force (inclusive, YYYY-MM-DD).", examples=["2026-12-31"]
    )
    expected_generation: str | None = Field(
        None, description="Like If-Match: the generation this change is based on."
    )


@router.post(
    "/layers/{layer_id}/versions/{version}/retire",
    summary="Retire a layer version (validated; kept for as-of queries)",
    response_model=None,
    responses={200: {"description": "The retired version.", "model": AdminChange}, **_ERRORS},
)
def retire(
    layer_id: str,
    version: Annotated[str, PathParam(json_schema_extra={"pattern": r"^[0-9A-Za-z._-]{1,64}$"})],
    request: Request,
    admin: ChangeAdminDep,
    body: Annotated[RetireRequest, Body()],
    if_match: Annotated[str | None, _IF_MATCH] = None,
) -> dict[str, Any]:
    """Set the version's ``valid_to`` once the resulting layer set validates.

    Refused (422 with the report) when ``valid_to`` is before ``valid_from`` or the
    retire leaves no admin layer in force; the version stays available for lookups and
    OGC ``datetime`` queries before that date.
    """
    changes: Changes = request.app.state.changes
    result = changes.retire(
        request.app.state.layers.catalog,
        admin.name,
        layer_id,
        version,
        body.valid_to,
        if_match or body.expected_generation,
    )
    _publish(request, result)
    end = result.catalog.get(layer_id, version).entry.valid_to
    return {
        "layer_id": layer_id,
        "version": version,
        "valid_to": end.isoformat() if end else None,
        **_answer(result),
    }


@router.get(
    "/audit",
    summary="The audit log of layer changes, newest first",
    response_model=None,
    responses={
        200: {"description": "The entries.", "model": AuditLogDocument},
        401: _ERRORS[401],
        403: _ERRORS[403],
    },
)
def audit(
    request: Request,
    _admin: AdminDep,
    limit: Annotated[int, Query(ge=1, le=10_000, description="Most entries returned.")] = 100,
    since: Annotated[
        str | None,
        Query(
            description="Only entries at or after this RFC 3339 time.", json_schema_extra=DATE_TIME
        ),
    ] = None,
) -> dict[str, Any]:
    """Every admin change attempt (accepted or refused): who, what, file hash, outcome."""
    log: AuditReader = request.app.state.changes.audit
    try:
        entries = log.entries(limit=limit, since=since)
    except ValueError:
        raise InvalidInput(
            "since: not an RFC 3339 time", {"field": "since", "value": since}
        ) from None
    return {"entries": entries, "count": len(entries)}
