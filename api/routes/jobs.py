"""Batch lookups: a FeatureCollection at once, or a large file as a background job.

``POST /api/v1/lookup/batch`` answers up to ``query.max_batch_features`` features in the
request; ``POST /api/v1/jobs`` → 202 with a job id, then poll and fetch the result.
"""

from __future__ import annotations

import dataclasses
import itertools
from collections import Counter
from pathlib import Path
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Body, File, Form, Query, Request, UploadFile
from fastapi.responses import FileResponse, JSONResponse, Response

from api.deps import (
    CatalogDep,
    JobsDep,
    PrincipalDep,
    ReportsDep,
    RulesDep,
    SettingsDep,
    public_base,
)
from api.geometry_pool import json_response, run_in_pool
from api.schemas import FEATURE_COLLECTION, BatchAnswer, JobState
from geozone.batch import BatchInput, BatchRow, count_rows, lookup_rows, read_batch, write_rows
from geozone.catalog import Catalog
from geozone.crs import parse_crs
from geozone.errors import InvalidGeoJSON, JobNotReady, QueryTooLarge
from geozone.lookup import resolve_activities
from geozone.query import parse_activities, parse_as_of, parse_tolerance
from geozone.rules import RuleTable
from geozone.settings import QuerySettings, Settings
from geozone.stores import ReportStore

router = APIRouter(prefix="/api/v1")  # tags per route: the batch lookup is listed under lookup

ACTIVITY_HELP = (
    "Activity codes: comma-separated, or the parameter repeated (`activity=a&activity=b` "
    "is `activity=a,b`); default all."
)

_FC_EXAMPLE = {
    "type": "FeatureCollection",
    "features": [
        {
            "type": "Feature",
            "id": "p1",
            "properties": {},
            "geometry": {"type": "Point", "coordinates": [116.95, 40.45]},
        },
    ],
}


def _inputs(fc: dict[str, Any]) -> list[BatchInput]:
    """Batch rows from a FeatureCollection; a malformed feature becomes an error row."""
    if not isinstance(fc, dict) or fc.get("type") != "FeatureCollection":
        raise InvalidGeoJSON("the body must be a GeoJSON FeatureCollection")
    features = fc.get("features")
    if not isinstance(features, list):
        raise InvalidGeoJSON("FeatureCollection.features must be a list")
    rows = []
    for i, feat in enumerate(features):
        if not isinstance(feat, dict) or not isinstance(feat.get("geometry"), dict):
            rows.append(BatchInput(i, None, None, None, "feature has no geometry object"))
            continue
        props = feat.get("properties") if isinstance(feat.get("properties"), dict) else {}
        fid = feat.get("id", (props or {}).get("id"))
        rows.append(BatchInput(i, None if fid is None else str(fid), feat["geometry"], None))
    return rows


def _check_options(
    crs: str | None, as_of: str | None, tolerance_m: float | None, query: QuerySettings
) -> None:
    """Refuse bad request-wide options (422 naming them) before any row is looked up."""
    parse_crs(crs)
    parse_as_of(as_of)
    parse_tolerance(tolerance_m, query)


def _row_json(row: BatchRow) -> dict[str, Any]:
    return {
        "row": row.row,
        "id": row.source_id,
        "status": row.status,
        "message": row.error,
        "report_id": row.report_id,
        "inside_territory": row.inside_territory,
        "verdicts": row.verdicts,
        "hits": list(row.hits),
        "result": row.result.to_dict() if row.result is not None else None,
    }


@router.post(
    "/lookup/batch",
    tags=["lookup"],
    summary="Verdicts for every feature of a FeatureCollection (synchronous, bounded)",
    response_model=None,
    responses={
        200: {"description": "One row per feature.", "model": BatchAnswer},
        413: {"description": "More features than `query.max_batch_features`."},
        503: {"description": "The report store cannot store the answers now (`Retry-After`)."},
    },
)
async def lookup_batch(
    request: Request,
    catalog: CatalogDep,
    rules: RulesDep,
    reports: ReportsDep,
    settings: SettingsDep,
    body: Annotated[
        dict[str, Any],
        Body(
            description="A GeoJSON FeatureCollection of points/parcels.",
            examples=[_FC_EXAMPLE],
            json_schema_extra=FEATURE_COLLECTION,
        ),
    ],
    activity: Annotated[list[str] | None, Query(description=ACTIVITY_HELP)] = None,
    as_of: Annotated[str | None, Query(description="Date (YYYY-MM-DD); default today.")] = None,
    tolerance_m: Annotated[
        float | None, Query(allow_inf_nan=False, description="Tolerance in metres.")
    ] = None,
    crs: Annotated[str | None, Query(description="CRS of all features; default WGS84.")] = None,
    repair: Annotated[bool, Query(description="Repair invalid polygons.")] = False,
) -> Response:
    """One result per feature with its status and the full lookup answer.

    Status is ``ok``, ``edge`` (a zone boundary within tolerance) or ``error`` with its
    message. Larger files go to ``POST /api/v1/jobs``.
    """
    _check_options(crs, as_of, tolerance_m, settings.query)
    return await run_in_pool(
        request, _lookup_batch, catalog, rules, reports, settings, body,
        activity=activity, as_of=as_of, tolerance_m=tolerance_m, crs=crs, repair=repair,
    )  # fmt: skip


def _lookup_batch(
    catalog: Catalog,
    rules: RuleTable,
    reports: ReportStore,
    settings: Settings,
    body: dict[str, Any],
    *,
    activity: list[str] | None,
    as_of: str | None,
    tolerance_m: float | None,
    crs: str | None,
    repair: bool,
) -> Response:
    """:func:`lookup_batch`'s work, in a geometry-pool thread (its own lane)."""
    inputs = _inputs(body)
    limit = settings.query.max_batch_features
    if len(inputs) > limit:
        raise QueryTooLarge(
            f"{len(inputs)} features exceed the batch limit of {limit}; "
            "upload the file to POST /api/v1/jobs instead",
            {"features": len(inputs), "max_batch_features": limit},
        )
    codes = [a.code for a in resolve_activities(rules, parse_activities(activity))]
    rows = list(
        lookup_rows(
            catalog,
            rules,
            inputs,
            crs=crs,
            activities=codes,
            as_of=as_of,
            tolerance_m=tolerance_m,
            repair=repair,
            settings=settings.query,
            max_total_work=settings.query.max_batch_work,
        )
    )
    # one commit for the whole batch, before any of its report ids is handed out
    reports.save_many(
        (row.result.to_json() for row in rows if row.result is not None), source="api"
    )
    counts = Counter(r.status for r in rows)
    return json_response(
        {
            "count": len(rows),
            "counts": {k: counts.get(k, 0) for k in ("ok", "edge", "error")},
            "activities": codes,
            "results": [_row_json(r) for r in rows],
        }
    )


def _job_work(
    catalog: Catalog,
    rules: RuleTable,
    query: QuerySettings,
    codes: list[str],
    options: dict[str, Any],
    max_rows: int,
) -> Any:
    """The function a job runs on its upload: look up every row, write GeoJSON and CSV."""

    def work(upload: Path, folder: Path) -> dict[str, Any]:
        inputs = list(itertools.islice(read_batch(upload), max_rows + 1))
        if len(inputs) > max_rows:  # count_rows could not tell at submission
            raise QueryTooLarge(
                f"the file holds more than {max_rows} rows (jobs.max_rows); split it",
                {"max_rows": max_rows},
            )
        rows = [
            dataclasses.replace(r, result=None)
            for r in lookup_rows(
                catalog, rules, inputs, activities=codes, settings=query, **options
            )
        ]
        write_rows(rows, folder / "result.geojson", codes, fmt="geojson")
        write_rows(rows, folder / "result.csv", codes, fmt="csv")
        counts = Counter(r.status for r in rows)
        return {
            "rows": len(rows),
            "counts": {k: counts.get(k, 0) for k in ("ok", "edge", "error")},
            "activities": codes,
        }

    return work


def _job_links(request: Request, job_id: str) -> dict[str, str]:
    base = public_base(request) + f"/api/v1/jobs/{job_id}"
    return {
        "status": base,
        "geojson": f"{base}/result?format=geojson",
        "csv": f"{base}/result?format=csv",
    }


@router.post(
    "/jobs",
    tags=["jobs"],
    status_code=202,
    summary="Start a batch lookup job on an uploaded file",
    responses={
        202: {"description": "The job is queued: poll `links.status`.", "model": JobState},
        413: {"description": "More rows than `jobs.max_rows`, or the body is too large."},
        429: {"description": "Quota of active jobs or jobs per hour used up (Retry-After)."},
        507: {"description": "The jobs folder is full (`jobs.max_total_bytes`)."},
    },
)
async def create_job(
    request: Request,
    principal: PrincipalDep,
    jobs: JobsDep,
    catalog: CatalogDep,
    rules: RulesDep,
    settings: SettingsDep,
    file: Annotated[
        UploadFile,
        File(description="GeoJSON, GeoPackage, zipped shapefile or CSV (lon/lat or WKT columns)."),
    ],
    activity: Annotated[list[str] | None, Form(description=ACTIVITY_HELP)] = None,
    as_of: Annotated[str | None, Form(description="Date (YYYY-MM-DD); default today.")] = None,
    tolerance_m: Annotated[
        float | None, Form(allow_inf_nan=False, description="Tolerance in metres.")
    ] = None,
    crs: Annotated[str | None, Form(description="CRS overriding the file's.")] = None,
    repair: Annotated[bool, Form(description="Repair invalid polygons.")] = False,
) -> JSONResponse:
    """Queue the file; poll ``GET /api/v1/jobs/{job_id}``, then fetch the result.

    Anonymous clients (by IP) and token holders (``Authorization: Bearer``, a higher
    quota) have a quota of active jobs and jobs per hour (429 ``quota_exceeded`` with
    ``Retry-After``); a file may hold ``jobs.max_rows`` rows (413); results are kept
    ``jobs.retention_hours`` (then 410 ``job_expired``).
    """
    _check_options(crs, as_of, tolerance_m, settings.query)
    codes = [a.code for a in resolve_activities(rules, parse_activities(activity))]
    filename = Path(file.filename or "upload.geojson").name
    read_batch(Path(filename))  # refuses an unsupported file type before queueing
    options = {"as_of": as_of, "tolerance_m": tolerance_m, "crs": crs, "repair": repair}
    client = f"token:{principal.name}" if principal else f"ip:{_client_ip(request)}"
    job = jobs.submit(
        filename,
        await file.read(),
        _job_work(catalog, rules, settings.query, codes, options, settings.jobs.max_rows),
        client=client,
        privileged=principal is not None,
        count_rows=count_rows,
    )
    return JSONResponse(
        {**job.to_dict(), "links": _job_links(request, job.job_id)}, status_code=202
    )


def _client_ip(request: Request) -> str:
    """The client's address (the socket peer; a proxy in front should pass its own)."""
    return request.client.host if request.client else "unknown"


@router.get(
    "/jobs/{job_id}",
    tags=["jobs"],
    summary="State of a batch job",
    response_model=None,
    responses={
        200: {"description": "The job's state.", "model": JobState},
        410: {"description": "The job's results were deleted after retention."},
    },
)
def get_job(job_id: str, request: Request, jobs: JobsDep) -> dict[str, Any]:
    """``queued``, ``running``, ``done`` (with row counts) or ``failed`` (with a message)."""
    return {**jobs.get(job_id).to_dict(), "links": _job_links(request, job_id)}


@router.get(
    "/jobs/{job_id}/result",
    tags=["jobs"],
    summary="Result of a finished batch job (GeoJSON or CSV)",
    response_class=FileResponse,
    responses={
        409: {"description": "The job has not finished (or failed)."},
        410: {"description": "The job's results were deleted after the retention period."},
    },
)
def job_result(
    job_id: str,
    jobs: JobsDep,
    format: Annotated[Literal["geojson", "csv"], Query(description="Output format.")] = "geojson",
) -> FileResponse:
    """One row per input feature with status, verdict per activity, hits and geometry."""
    job = jobs.get(job_id)
    if job.status != "done":
        raise JobNotReady(
            f"job {job_id} is {job.status}" + (f": {job.message}" if job.message else ""),
            {"status": job.status},
        )
    path = jobs.job_dir(job_id) / f"result.{format}"
    media = "application/geo+json" if format == "geojson" else "text/csv"
    return FileResponse(path, media_type=media, filename=f"geozone-{job_id}.{format}")
