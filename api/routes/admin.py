"""Layer administration behind a bearer token: upload a new layer version, retire one.

Admin tokens are named (:mod:`geozone.tokens`); with none configured admin is off (403
``forbidden`` saying so); no ``Authorization: Bearer`` header is 401, a wrong or reader
token 403. A change is validated
first (422 with the validation report, nothing written), then written atomically and
the reloaded catalog replaces ``app.state.catalog`` in one assignment.
"""

from __future__ import annotations

import asyncio
import threading
from typing import Annotated, Any

from fastapi import APIRouter, Body, File, Form, Request, UploadFile
from pydantic import BaseModel, Field

from api.deps import AdminDep
from api.layer_admin import NewVersion, add_version, retire_version, unknown_layer
from geozone.catalog import Catalog
from geozone.errors import InvalidDate
from geozone.lookup import prepare
from geozone.query import parse_as_of

router = APIRouter(prefix="/api/v1/admin", tags=["admin"])

_change_lock = threading.Lock()

_ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"description": "No bearer token."},
    403: {"description": "Wrong token, or admin switched off (no token configured)."},
    404: {"description": "Unknown layer or version."},
    413: {"description": "Upload over the body size limit."},
    422: {"description": "Invalid form field or upload; failing validation report in detail."},
}


def _parse_date(value: str | None, name: str) -> Any:
    if value is None or value == "":
        return None
    try:
        return parse_as_of(value)
    except InvalidDate as exc:
        raise InvalidDate(f"{name}: {exc.message}", {"field": name, "value": value}) from None


@router.post(
    "/layers/{layer_id}/versions",
    summary="Upload a new version of a layer (validated, then swapped in atomically)",
    status_code=201,
    responses=_ERRORS,
)
async def upload_version(
    layer_id: str,
    request: Request,
    _admin: AdminDep,
    file: Annotated[
        UploadFile, File(description="GeoJSON, GeoPackage or zipped shapefile of the layer.")
    ],
    version: Annotated[str, Form(description="Version label, e.g. 2027.", examples=["2027"])],
    valid_from: Annotated[
        str, Form(description="First day in force (YYYY-MM-DD).", examples=["2027-01-01"])
    ],
    source_crs: Annotated[
        str,
        Form(
            description="CRS of the file's coordinates: EPSG code, GCJ02, BD09.",
            examples=["EPSG:4326"],
        ),
    ],
    valid_to: Annotated[
        str | None, Form(description="Last day in force (inclusive); empty = open-ended.")
    ] = None,
    source: Annotated[
        str | None, Form(description="Provenance; default: previous version's.")
    ] = None,
    licence: Annotated[
        str | None, Form(description="Licence; default: previous version's.")
    ] = None,
) -> dict[str, Any]:
    """Validate the upload and add it as a new version, or refuse it (422) unchanged.

    The checks are those of ``geozone layers validate``; a refusal carries the report in
    ``detail``. A passing upload is written as ``data/<layer_id>_<version>.gpkg``, the
    manifest is rewritten atomically and the reloaded catalog is swapped in.
    """
    new = NewVersion(
        version=version.strip(),
        valid_from=_parse_date(valid_from, "valid_from"),
        valid_to=_parse_date(valid_to, "valid_to"),
        source_crs=source_crs.strip(),
        source=source or None,
        licence=licence or None,
    )
    data = await file.read()
    filename = file.filename or "upload"

    def change() -> dict[str, Any]:
        with _change_lock:
            catalog: Catalog = request.app.state.catalog
            if layer_id not in catalog.versions:
                raise unknown_layer(layer_id, catalog)
            fresh, report = add_version(catalog, layer_id, new, data, filename)
            prepare(fresh)  # every lane's index, before any request can see the catalog
            request.app.state.catalog = fresh  # one assignment: requests see old or new
        return {
            "layer_id": layer_id,
            "version": new.version,
            "layerset_hash": fresh.hash,
            "validation": report,
        }

    return await asyncio.to_thread(change)


class RetireRequest(BaseModel):
    """When a version stops being in force."""

    valid_to: str = Field(
        description="Last day in force (inclusive, YYYY-MM-DD).", examples=["2026-12-31"]
    )


@router.post(
    "/layers/{layer_id}/versions/{version}/retire",
    summary="Retire a layer version (kept for as-of queries)",
    responses=_ERRORS,
)
def retire(
    layer_id: str,
    version: str,
    request: Request,
    _admin: AdminDep,
    body: Annotated[RetireRequest, Body()],
) -> dict[str, Any]:
    """Set the version's ``valid_to``.

    The version stays available for lookups and OGC ``datetime`` queries before that date.
    """
    valid_to = _parse_date(body.valid_to, "valid_to")
    with _change_lock:
        fresh = retire_version(request.app.state.catalog, layer_id, version, valid_to)
        prepare(fresh)  # every lane's index, before any request can see the catalog
        request.app.state.catalog = fresh
    return {
        "layer_id": layer_id,
        "version": version,
        "valid_to": valid_to.isoformat(),
        "layerset_hash": fresh.hash,
    }
