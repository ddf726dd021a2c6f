"""``GET/POST /api/v1/lookup``: verdicts for a point or a parcel, the engine's JSON verbatim.

The body is :meth:`geozone.lookup.LookupResult.to_json`, so an API answer is byte for
byte the CLI's ``geozone lookup --json``. Every answer is stored in the report store
under its ``report_id`` (``GET /api/v1/reports/{report_id}``).
"""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import Iterable
from typing import Annotated, Any, Literal
from urllib.parse import parse_qsl

from fastapi import APIRouter, Body, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator
from pydantic_core import PydanticCustomError
from starlette.types import Receive, Scope, Send

from api.deps import CatalogDep, ReportsDep, RulesDep, SettingsDep
from api.geometry_pool import run_in_pool
from api.openapi import DocumentedRoute, query_parameters
from api.schemas import LookupAnswer
from geozone.catalog import Catalog
from geozone.errors import InvalidGeoJSON, InvalidInput
from geozone.lookup import answer as core_answer
from geozone.lookup_mode import finder_waits
from geozone.query import Query as LookupQuery
from geozone.query import geojson_query, point_query
from geozone.rules import RuleTable
from geozone.stores import ReportStore

router = APIRouter(prefix="/api/v1", tags=["lookup"])

JSON = "application/json"

ANSWER_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "The lookup answer (the shared JSON of `geozone lookup --json`).",
        "model": LookupAnswer,
    },
    413: {"description": "Too many vertices, or the body is over the size limit."},
    422: {
        "description": "Bad input: GeoJSON, geometry, CRS, activity, date, tolerance; "
        "`parcel_too_large` (over `query.max_parcel_area_m2`); `no_layers_in_force` (no "
        "admin layer in force on `as_of`: `detail` gives `valid_from`/`valid_to`)."
    },
    503: {
        "description": "The report store cannot store the answer now (disk full, read-only): "
        "`report_store_unavailable`, with `Retry-After`. Nothing was stored or answered."
    },
}


GEOJSON_GEOMETRY_TYPES = (
    "Point",
    "MultiPoint",
    "LineString",
    "MultiLineString",
    "Polygon",
    "MultiPolygon",
    "GeometryCollection",
)
"""Every GeoJSON geometry type: a bare body of one is read as ``geometry`` (the query
then names the accepted ones: Point, Polygon, MultiPolygon)."""

BODY_SHAPES = (
    '{"geometry": <GeoJSON geometry>, ...options} or {"feature": <GeoJSON Feature>, '
    "...options} (options: activities, as_of, crs, tolerance_m, repair), or a bare GeoJSON "
    "Feature, FeatureCollection of one Feature, or geometry (Point, Polygon, MultiPolygon)"
)
"""The accepted shapes of a ``POST /api/v1/lookup`` body, for messages."""

_BARE_OPTIONS = ("activity", "activities", "as_of", "tolerance_m", "repair")
"""Lookup options a bare GeoJSON body may not carry (``crs`` only as a string: an
object is the legacy GeoJSON member, read as the CRS)."""


def _body_error(problem: str) -> PydanticCustomError:
    """A validation error (``loc`` ``body``) saying what is wrong and the accepted shapes."""
    return PydanticCustomError(
        "lookup_body", "{problem}; send {shapes}", {"problem": problem, "shapes": BODY_SHAPES}
    )


def _bare_geojson_field(data: dict[str, Any]) -> str | None:
    """``"feature"`` or ``"geometry"`` when ``data`` is a bare GeoJSON object, else None."""
    kind = data.get("type")
    if kind in ("Feature", "FeatureCollection"):
        return "feature"
    if kind in GEOJSON_GEOMETRY_TYPES:
        return "geometry"
    return None


def _json_kind(value: Any) -> str:
    """The JSON name of a parsed value's type (array, string, number, ...)."""
    if isinstance(value, list):
        return "array"
    if isinstance(value, str):
        return "string"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    return "null" if value is None else type(value).__name__


def _shown(value: Any, limit: int = 40) -> str:
    """``repr(value)`` cut to ``limit`` characters, for messages."""
    text = repr(value)
    return text if len(text) <= limit else f"{text[: limit - 3]}..."


def _geojson_alternatives(schema: dict[str, Any]) -> None:
    """Describe the body as the wrapped object or a bare Feature / FeatureCollection / geometry."""
    wrapped = {k: schema.pop(k) for k in ("type", "properties", "additionalProperties")}
    geometry = {
        "title": "GeoJSON geometry",
        "type": "object",
        "required": ["type", "coordinates"],
        "properties": {
            "type": {"type": "string", "enum": ["Point", "Polygon", "MultiPolygon"]},
            "coordinates": {"type": "array", "items": {}},
        },
    }
    feature = {
        "title": "GeoJSON Feature",
        "type": "object",
        "required": ["type", "geometry"],
        "properties": {
            "type": {"type": "string", "enum": ["Feature"]},
            "geometry": geometry,
            "properties": {"type": "object", "nullable": True},
        },
    }
    collection = {
        "title": "GeoJSON FeatureCollection of one Feature",
        "type": "object",
        "required": ["type", "features"],
        "properties": {
            "type": {"type": "string", "enum": ["FeatureCollection"]},
            "features": {"type": "array", "items": feature, "minItems": 1, "maxItems": 1},
        },
    }
    props = wrapped["properties"]
    props["geometry"] = {**geometry, "nullable": True}
    props["feature"] = {**feature, "nullable": True}
    # exactly one of geometry and feature, neither null
    one_of = [
        {"required": [k], "properties": {k: {"type": "object"}}} for k in ("geometry", "feature")
    ]
    wrapped_one = {**wrapped, "oneOf": one_of}
    schema["anyOf"] = [{"title": "Lookup request", **wrapped_one}, feature, collection, geometry]


_SQUARE = {
    "type": "Polygon",
    "coordinates": [
        [[116.95, 40.45], [116.96, 40.45], [116.96, 40.46], [116.95, 40.46], [116.95, 40.45]]
    ],
}

BODY_EXAMPLES: dict[str, Any] = {
    "geometry": {
        "summary": "A parcel geometry with options",
        "value": {
            "geometry": _SQUARE,
            "activities": ["general_industry", "urban_housing"],
            "as_of": "2026-11-25",
            "tolerance_m": 5,
        },
    },
    "feature": {
        "summary": "A Feature with options",
        "value": {
            "feature": {"type": "Feature", "properties": {"name": "A-1"}, "geometry": _SQUARE},
            "activities": ["general_industry"],
        },
    },
    "bare_feature": {
        "summary": "A bare GeoJSON Feature (every activity, today, default tolerance)",
        "value": {"type": "Feature", "properties": {}, "geometry": _SQUARE},
    },
    "bare_geometry": {
        "summary": "A bare GeoJSON geometry",
        "value": {"type": "Point", "coordinates": [116.95, 40.45]},
    },
}


DETAIL_DESCRIPTION = (
    "`full` (default): every hit, control layers (red line, water zones, reservoir rings, "
    "control zones, control units) first, then context layers (admin, parks, residential). "
    "`summary`: the control-layer hits, and `context` counting the context layers' "
    "features (and their overlap area) per layer and class; the web map asks it for parcels."
)


class LookupRequest(BaseModel):
    """A parcel or point lookup: ``{"geometry": ...}`` or ``{"feature": ...}`` with options.

    A bare GeoJSON Feature, FeatureCollection of one Feature, or geometry is accepted
    too, and reads as the same question wrapped (same answer, same report id).
    """

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra=_geojson_alternatives,
    )

    geometry: dict[str, Any] | None = Field(
        None, description="GeoJSON Point, Polygon or MultiPolygon geometry."
    )
    feature: dict[str, Any] | None = Field(
        None, description="A GeoJSON Feature (or a FeatureCollection holding one Feature)."
    )
    activity: str | None = Field(
        None, description="One activity code (or a comma-separated list); default all."
    )
    activities: list[str] | None = Field(None, description="Activity codes; default all.")
    as_of: str | None = Field(
        None, description="Date (YYYY-MM-DD) whose layer versions answer; default today."
    )
    crs: str | None = Field(
        None, description="CRS of the coordinates: EPSG code, CGCS2000, GCJ02, BD09; default WGS84."
    )
    tolerance_m: float | None = Field(
        None,
        allow_inf_nan=False,
        strict=True,
        description="Boundary tolerance in metres (EPSG:4548); default from settings.",
    )
    repair: bool = Field(
        False,
        strict=True,
        description="Repair an invalid polygon (e.g. a bow-tie) instead of refusing it.",
    )
    detail: str | None = Field(
        None,
        description=DETAIL_DESCRIPTION,
        examples=["full", "summary"],
    )

    @model_validator(mode="before")
    @classmethod
    def _accept_bare_geojson(cls, data: Any) -> Any:
        """Wrap a bare GeoJSON body; refuse anything else with the accepted shapes."""
        if not isinstance(data, dict):
            raise _body_error(f"the body is a JSON {_json_kind(data)}, not an object")
        field = _bare_geojson_field(data)
        if field is not None:
            options = [k for k in _BARE_OPTIONS if k in data]
            if isinstance(data.get("crs"), str):  # a legacy GeoJSON crs member is an object
                options.append("crs")
            if options:
                raise _body_error(
                    f"a bare GeoJSON {data['type']} cannot carry lookup options "
                    f'({", ".join(options)}): wrap it as {{"{field}": ...}} beside them'
                )
            return {field: data}
        if "type" in data:
            raise _body_error(
                f"GeoJSON type {_shown(data['type'])} is not accepted as a lookup body"
            )
        unknown = [k for k in data if k not in cls.model_fields]
        if unknown:
            names = ", ".join(_shown(k) for k in unknown)
            raise _body_error(f"unknown field{'s' if len(unknown) > 1 else ''} {names}")
        return data

    def requested_activities(self) -> list[str]:
        """``activity`` and ``activities`` together, in order (comma lists split later)."""
        return [*([self.activity] if self.activity else []), *(self.activities or [])]


def compute(catalog: Catalog, rules: RuleTable, query: LookupQuery) -> tuple[bytes, dict[str, Any]]:
    """Run a lookup: its JSON (``LookupResult.to_json``, UTF-8) and the data it encodes.

    The core's one entry point, :func:`geozone.lookup.answer` (points reuse what the
    hits decide from earlier points that hit the same features).
    """
    return core_answer(catalog, rules, query)


def answer(catalog: Catalog, rules: RuleTable, reports: ReportStore, query: LookupQuery) -> bytes:
    """Run a lookup, store the answer and return its JSON once the answer is committed.

    Blocks the calling thread until the report store has committed the answer (a thread
    of the pool, not the event loop); a failing store raises ``ReportStoreUnavailable``
    (503) and nothing is answered.
    """
    body, data = compute(catalog, rules, query)
    reports.save(body, source="api", answer=data)
    return body


def query_values(raw: str) -> dict[str, str]:
    """What ``dict(request.query_params)`` holds, with repeated ``activity`` values merged.

    A repeated name keeps its last value, except ``activity``: ``activity=a&activity=b``
    reads as ``activity=a,b`` (in order; duplicates go in :func:`parse_activities`), so
    both spellings ask the same question and get the same report id.

    Without Starlette's multi-dict, and without ``parse_qsl``'s unquoting when there is
    nothing to unquote (the usual ``lon=116.95&lat=40.45&activity=...``): its per-field
    calls were ~30 us of a point lookup's ~450 us of CPU per request. A repeat is looked
    for only when ``activity`` occurs twice in the text (one C-level count).
    """
    if "%" in raw or "+" in raw:
        return _merged(parse_qsl(raw, keep_blank_values=True))
    values = {name: value for name, _, value in (f.partition("=") for f in raw.split("&") if f)}
    if "activity" in values and raw.count("activity") > 1:
        return _merged(
            (name, value) for name, _, value in (f.partition("=") for f in raw.split("&") if f)
        )
    return values


def _merged(pairs: Iterable[tuple[str, str]]) -> dict[str, str]:
    """Name → value, the last of a repeated name, except repeated ``activity`` joined by commas."""
    out: dict[str, str] = {}
    for name, value in pairs:
        if name == "activity" and name in out:
            out[name] = f"{out[name]},{value}"
        else:
            out[name] = value
    return out


GEOGRAPHIC_CRS = ("EPSG:4326", "EPSG:4490", "WGS84", "CRS84", "OGC:CRS84", "CGCS2000", "GCJ02")
"""CRS names accepted for every lon in [-180, 180] and lat in [-90, 90]."""


class PointParams(BaseModel):
    """The query parameters of ``GET /api/v1/lookup``; also the source of their OpenAPI entries."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    lon: float = Field(
        allow_inf_nan=False,
        description="Longitude in degrees (or easting in metres when `crs` is projected, "
        "e.g. EPSG:4548: the schema's range is that of the geographic CRSs it lists).",
        examples=[116.95],
        json_schema_extra={"minimum": -180, "maximum": 180},
    )
    lat: float = Field(
        allow_inf_nan=False,
        description="Latitude in degrees (or northing in metres when `crs` is projected).",
        examples=[40.45],
        json_schema_extra={"minimum": -90, "maximum": 90},
    )
    activity: str | None = Field(
        None,
        description=(
            "Activity code, or several: comma-separated or the parameter repeated "
            "(`activity=a&activity=b` is `activity=a,b`); default all."
        ),
        examples=["general_industry"],
    )
    as_of: str | None = Field(
        None,
        description="Date (YYYY-MM-DD) whose layer versions answer; default today. A date "
        "before the first administrative layer is refused (422 `no_layers_in_force`).",
        examples=["2026-11-25"],
    )
    tolerance_m: float | None = Field(
        None,
        allow_inf_nan=False,
        description="Boundary tolerance in metres; default from settings, at most "
        "`query.max_tolerance_m`.",
        examples=[5],
        json_schema_extra={"minimum": 0},
    )
    crs: str | None = Field(
        None,
        description="CRS of lon/lat; default WGS84. Any EPSG code pyproj knows is "
        "accepted (e.g. EPSG:4548, metres), and BD09 inside China; the schema lists the "
        "geographic CRSs valid over the whole lon/lat range.",
        examples=["EPSG:4326", "GCJ02"],
        json_schema_extra={"enum": list(GEOGRAPHIC_CRS)},
    )
    detail: Literal["full", "summary"] | None = Field(
        None, description=DETAIL_DESCRIPTION, examples=["full"]
    )

    @classmethod
    def from_query_string(cls, raw: bytes) -> PointParams:
        """Validate a query string (422 ``invalid_request`` naming the field)."""
        try:
            return cls.model_validate(query_values(raw.decode("latin-1")))
        except ValidationError as exc:
            raise RequestValidationError(
                [{**e, "loc": ("query", *e["loc"])} for e in exc.errors(include_url=False)]
            ) from None


class PointLookup:
    """Zones covering the point (or within tolerance), their rules, a verdict per activity.

    Each verdict names the deciding zone and its legal citation.
    """

    async def body(self, scope: Scope) -> bytes:
        """The answer's JSON for the request in ``scope``, once its report is committed.

        Raises what the app's exception handlers render: 422 for bad parameters, 503
        ``report_store_unavailable`` when the answer could not be committed, ...
        """
        params = PointParams.from_query_string(scope.get("query_string", b""))
        # items, not attributes: Starlette's State answers an attribute only after a failed
        # lookup has built an AttributeError (~1 us each, three per request)
        state = scope["app"].state
        query = point_query(
            params.lon,
            params.lat,
            crs=params.crs,
            activities=params.activity or (),
            as_of=params.as_of,
            tolerance_m=params.tolerance_m,
            settings=state["settings"].query,
            detail=params.detail,
        )
        layers = state["layers"]  # one read: catalog and rules of the same generation
        if finder_waits():  # GEOZONE_LOOKUP=sql: a database round trip, off the loop
            work = state["geometry_pool"].submit(compute, layers.catalog, layers.rules, query)
            body, data = await asyncio.wrap_future(work)
        else:
            body, data = compute(layers.catalog, layers.rules, query)
        # the report id is handed out only once its answer is committed: await the writer
        # thread's group commit on the loop (no thread hop); 503 if it fails
        await state["reports"].save_async(body, source="api", answer=data)
        return body

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Answer one request: the answer's JSON, as ``Response(body, media_type=JSON)``."""
        await send_answer(send, await self.body(scope))


async def send_answer(
    send: Send, body: bytes, extra_headers: Iterable[tuple[bytes, bytes]] = ()
) -> None:
    """Send ``body`` as a 200 JSON response, as Starlette's ``Response`` would."""
    headers = [(b"content-length", b"%d" % len(body)), (b"content-type", JSON.encode())]
    headers += extra_headers
    await send({"type": "http.response.start", "status": 200, "headers": headers})
    await send({"type": "http.response.body", "body": body})


POINT_LOOKUP = PointLookup()
"""The one ``GET /api/v1/lookup`` endpoint: its route's app and :mod:`api.fast_lookup`'s."""


# GET /api/v1/lookup is the reviewers' busiest call, so it is a bare ASGI app behind a
# plain Starlette route (api.openapi.DocumentedRoute) rather than a FastAPI path
# operation. Measured per request:
# - FastAPI's handling of six ``Query`` arguments cost ~0.17 ms (wrk), half a hello-world
#   request: PointParams validates the query string in one pydantic call instead;
# - FastAPI's remaining request machinery cost ~0.1 ms more (wrk);
# - Starlette's Request and Response objects and per-route exception wrapper cost ~7 %
#   of a point lookup's instructions (callgrind: 554k -> 517k per request).
# Errors raised here reach the app's exception handlers as from any other route (its
# ExceptionMiddleware); the answer is sent as Starlette's Response would send it.
# A plain GET's answer does not pass the middleware stack at all (~50 us in process):
# api.fast_lookup asks POINT_LOOKUP.body() ahead of it, and an error goes through it.
# It runs on the event loop: a point lookup is a fraction of a millisecond of CPU, and a
# thread-pool hop per request halved throughput. Its one wait, the report store's commit,
# is awaited (a future the writer thread resolves), so the loop serves others meanwhile.
# With GEOZONE_LOOKUP=sql the hits come from a database round trip: that lookup runs in
# the geometry pool instead (its threads have their own SQL finder caches).
point_route = DocumentedRoute(
    "/api/v1/lookup",
    POINT_LOOKUP,
    method="GET",
    operation={
        "tags": ["lookup"],
        "summary": "Verdicts for a point",
        "description": inspect.cleandoc(PointLookup.__doc__ or ""),
        "operationId": "lookup_point_api_v1_lookup_get",
        "parameters": query_parameters(PointParams),
        "responses": {
            # the answer's bytes are the engine's: LookupAnswer describes them, it does not
            # serialise them (tests/test_schemas.py validates real answers against it)
            "200": {
                "description": ANSWER_RESPONSES[200]["description"],
                "content": {JSON: {"schema": {"$ref": "#/components/schemas/LookupAnswer"}}},
            },
            **{str(c): r for c, r in ANSWER_RESPONSES.items() if c not in (200, 413)},
        },
    },
)


@router.post(
    "/lookup",
    summary="Verdicts for a parcel (or a point) given as GeoJSON",
    response_class=Response,
    responses=ANSWER_RESPONSES,
)
# Run in the geometry pool (api.geometry_pool): a large parcel can take longer than a
# point, and on the event loop it would stall every other request meanwhile; the pool's
# threads have lanes of their own (geozone.lanes), so no GEOS index is shared.
async def lookup_geometry(
    request: Request,
    catalog: CatalogDep,
    rules: RulesDep,
    reports: ReportsDep,
    settings: SettingsDep,
    body: Annotated[LookupRequest, Body(openapi_examples=BODY_EXAMPLES)],
) -> Response:
    """Zones a parcel overlaps or comes within tolerance of, their rules, verdicts.

    Overlap area and share are in m², measured in EPSG:4548. Options go in the body
    (``activities``, ``as_of``, ``crs``, ``tolerance_m``, ``repair``), not the query string.
    """
    in_query = [k for k in (*_BARE_OPTIONS, "crs") if k in request.query_params]
    if in_query:  # they would be ignored: say where they go instead
        raise InvalidInput(
            f"POST /api/v1/lookup reads its options from the JSON body, not the query string "
            f"({', '.join(in_query)}); send "
            '{"geometry" or "feature": <GeoJSON>, "activities": [...], "as_of": ..., '
            '"crs": ..., "tolerance_m": ..., "repair": ...}',
            {"query_parameters": in_query},
        )
    if (body.geometry is None) == (body.feature is None):
        raise InvalidGeoJSON(
            "give exactly one of 'geometry' (a GeoJSON geometry) or 'feature' (a GeoJSON "
            f"Feature); send {BODY_SHAPES}",
            {"fields": ["geometry", "feature"]},
        )
    obj = body.geometry if body.geometry is not None else body.feature
    assert obj is not None

    def work() -> bytes:
        query = geojson_query(
            obj,
            crs=body.crs,
            activities=body.requested_activities(),
            as_of=body.as_of,
            tolerance_m=body.tolerance_m,
            repair=body.repair,
            settings=settings.query,
            detail=body.detail,
        )
        return answer(catalog, rules, reports, query)

    return Response(await run_in_pool(request, work), media_type=JSON)
