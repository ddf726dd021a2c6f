"""``GET /api/v1/reports/{report_id}/hits.geojson`` and ``/hits.csv``: a result's hits as files.

Drawn from the stored answer (:mod:`geozone.report_export`), so a file lists exactly the
hits the API answered under that id; GeoJSON geometry of a restricted layer only for a
reader or admin token, as OGC API Features.
"""

from __future__ import annotations

import json
from typing import Any

from fastapi import APIRouter
from fastapi.responses import Response

from api.deps import CatalogDep, PrincipalDep, ReportsDep
from geozone.report_export import hits_csv, hits_geojson

router = APIRouter(prefix="/api/v1", tags=["reports"])

_NOT_FOUND: dict[int | str, dict[str, Any]] = {
    404: {"description": "No report with that id (`report_not_found`)."}
}


def download(body: bytes, media: str, filename: str, *, inline: bool = False) -> Response:
    """A file response named ``filename``: saved by the browser, or shown when ``inline``."""
    disposition = "inline" if inline else "attachment"
    return Response(
        body,
        media_type=media,
        headers={"Content-Disposition": f'{disposition}; filename="{filename}"'},
    )


@router.get(
    "/reports/{report_id}/hits.geojson",
    summary="A stored answer's hits as GeoJSON (features with the hit properties)",
    responses={
        200: {
            "description": "FeatureCollection, one Feature per hit (WGS84).",
            "content": {"application/geo+json": {"schema": {"type": "object"}}},
        },
        **_NOT_FOUND,
    },
    response_class=Response,
)
def report_hits_geojson(
    report_id: str, reports: ReportsDep, catalog: CatalogDep, principal: PrincipalDep
) -> Response:
    """One Feature per hit with the hit's members as properties and the zone's geometry.

    A restricted layer's geometry is ``null`` without a reader or admin token.
    """
    report = reports.get(report_id)
    sees = principal is not None and principal.sees_restricted
    doc = hits_geojson(report.report_id, report.answer(), catalog, sees_restricted=sees)
    text = json.dumps(doc, ensure_ascii=False, separators=(",", ":"))
    return download(text.encode("utf-8"), "application/geo+json", f"geozone-{report_id}.geojson")


@router.get(
    "/reports/{report_id}/hits.csv",
    summary="A stored answer's hits as CSV (one row per hit and rule)",
    responses={
        200: {
            "description": "UTF-8 CSV with a byte-order mark; header row first.",
            "content": {"text/csv": {"schema": {"type": "string"}}},
        },
        **_NOT_FOUND,
    },
    response_class=Response,
)
def report_hits_csv(report_id: str, reports: ReportsDep) -> Response:
    """The hits, one row per hit and rule, with the verdict, rule id, condition and citation."""
    report = reports.get(report_id)
    text = hits_csv(report.report_id, report.answer())
    return download(text.encode("utf-8"), "text/csv; charset=utf-8", f"geozone-{report_id}.csv")
