"""``GET /api/v1/reports/{report_id}``: a stored lookup answer, as JSON or a printable page.

JSON returns the answer exactly as it was served (the stored text), so a cited report id
fetches byte-identical data later. ``?format=html`` (or ``/html``, or a browser's
``Accept: text/html``) renders a map-free A4 page with the verdicts, citations, hits,
layer versions, date, id and permalink.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response
from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup
from starlette.convertors import StringConvertor, register_url_convertor

from api.deps import ReportsDep, public_base
from geozone.report_store import StoredReport
from geozone.signing import Signer, Verdict
from geozone.vocab import labels

router = APIRouter(prefix="/api/v1", tags=["reports"])


class ReportIdConvertor(StringConvertor):
    """A report id path segment, never ``verify``.

    ``POST /api/v1/reports/verify`` is its own resource, so its ``Allow`` header names POST
    only (``api/routes/signed.py``).
    """

    regex = "(?!verify$)[^/]+"


register_url_convertor("report_id", ReportIdConvertor())

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
_env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html"]))
# zh/en names of the layer kinds a report shows (geozone.vocab), as kinds["redline"].zh
_env.globals["kinds"] = {k["code"]: k for k in labels()["kinds"]}

VERDICT_ZH = {
    "prohibited": "禁止",
    "conditional": "有条件允许",
    "permitted": "允许",
    "outside": "范围外",
}

_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "The stored answer (JSON, as served) or its printable HTML page.",
        "content": {
            # the stored bytes are the lookup answer's (api.schemas.LookupAnswer)
            "application/json": {"schema": {"$ref": "#/components/schemas/LookupAnswer"}},
            "text/html": {"schema": {"type": "string"}},
        },
    },
    404: {"description": "No report with that id (`report_not_found`)."},
}


def qr_svg(text: str) -> str:
    """``text`` as an inline SVG QR code (``segno``; error level M, 4-module quiet zone)."""
    import segno

    buf = io.BytesIO()
    segno.make(text, error="m", micro=False).save(
        buf, kind="svg", xmldecl=False, svgns=True, scale=3, border=4, svgclass="gz-qr"
    )
    return buf.getvalue().decode("utf-8")


def render_html(
    report: StoredReport, permalink: str, json_url: str, verification: Verdict | None = None
) -> str:
    """The printable report page (with its signature, verify status and permalink QR)."""
    answer = report.answer()
    geometry = (answer.get("query") or {}).get("geometry") or {}
    point = None
    if geometry.get("type") == "Point":
        lon, lat = geometry["coordinates"][:2]
        point = f"{lon}, {lat} (WGS84)"
    return _env.get_template("report.html").render(
        report=report,
        answer=answer,
        permalink=permalink,
        json_url=json_url,
        point=point,
        verdict_zh=VERDICT_ZH,
        verification=verification,
        qr=Markup(qr_svg(permalink)),
    )


def _html(request: Request, report: StoredReport) -> HTMLResponse:
    base = public_base(request)
    json_url = f"{base}/api/v1/reports/{report.report_id}"
    signer: Signer = request.app.state.signer
    verdict = signer.verify(report.report_id, report.answer_json, report.signature, report.key_id)
    return HTMLResponse(render_html(report, f"{json_url}?format=html", json_url, verdict))


def _quality(ranges: list[tuple[str, float]], media: str) -> float:
    """The ``q`` the most specific matching range of an Accept header gives ``media``."""
    kind = media.split("/")[0]
    best, specificity = 0.0, 0
    for pattern, q in ranges:
        rank = (
            3 if pattern == media else 2 if pattern == f"{kind}/*" else 1 if pattern == "*/*" else 0
        )
        if rank > specificity:
            best, specificity = q, rank
    return best


def prefers_html(accept: str | None) -> bool:
    """True when an Accept header ranks ``text/html`` above ``application/json``.

    A browser's ``text/html,...,*/*;q=0.8`` does; ``application/json``, ``*/*``, no header
    and a tie keep JSON, the answer as served.

    >>> prefers_html("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8")
    True
    >>> prefers_html("*/*"), prefers_html(None), prefers_html("application/json, text/html")
    (False, False, False)
    """
    if not accept:
        return False
    ranges = []
    for part in accept.split(","):
        pattern, *params = (p.strip() for p in part.split(";"))
        q = 1.0
        for param in params:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        ranges.append((pattern.lower(), q))
    return _quality(ranges, "text/html") > _quality(ranges, "application/json")


@router.get(
    "/reports/{report_id:report_id}", summary="A stored lookup answer", responses=_RESPONSES
)
def get_report(
    report_id: str,
    request: Request,
    reports: ReportsDep,
    format: Annotated[
        Literal["json", "html"] | None,
        Query(
            description=(
                "`json` (the answer as served) or `html` (printable A4 page); default by the "
                "Accept header: HTML when it prefers `text/html` (a browser), else JSON."
            )
        ),
    ] = None,
) -> Response:
    """The answer stored under ``report_id`` when the lookup was answered.

    ``?format=`` chooses; without it the Accept header does (``Vary: Accept``).
    """
    report = reports.get(report_id)
    if format is None:
        format = "html" if prefers_html(request.headers.get("accept")) else "json"
    response: Response
    if format == "html":
        response = _html(request, report)
    else:
        response = Response(report.answer_json, media_type="application/json")
    response.headers["Vary"] = "Accept"
    return response


@router.get(
    "/reports/{report_id}/html",
    summary="A stored lookup answer as a printable page",
    response_class=HTMLResponse,
    responses={404: {"description": "No report with that id."}},
)
def get_report_html(report_id: str, request: Request, reports: ReportsDep) -> HTMLResponse:
    """The printable A4 page of a stored answer (synthetic-data banner when synthetic)."""
    return _html(request, reports.get(report_id))
