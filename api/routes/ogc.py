"""OGC API Features Part 1 under ``/ogc``: landing page, conformance, collections, items.

Collection ids are documented in :mod:`api.ogc_features`: ``<layer_id>`` serves the
version in force (``datetime`` selects another), ``<layer_id>__<version>`` one fixed
version. Unknown query parameters are ignored; ``f=json`` is accepted everywhere.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response
from fastapi.responses import JSONResponse

from api.deps import CatalogDep, PrincipalDep, public_base, public_request_url
from api.geometry_pool import run_in_pool
from api.ogc_features import (
    CONFORMANCE,
    DEFAULT_LIMIT,
    GEOJSON,
    JSON,
    MAX_LIMIT,
    MAX_SIMPLIFY_M,
    Collection,
    check_access,
    collection_doc,
    collection_ids,
    feature,
    find_feature,
    matching_rows,
    now_rfc3339,
    parse_bbox,
    parse_datetime,
    resolve,
    select_version,
    simplify_degrees,
)
from geozone.errors import FeatureNotFound, InvalidInput
from geozone.tokens import Principal

router = APIRouter(prefix="/ogc", tags=["OGC API Features"])

_FORMATS = {"json", "geojson", "application/json", "application/geo+json"}

FormatParam = Annotated[
    str | None,
    Query(
        alias="f",
        description="Response format; only JSON/GeoJSON is served (`json`, `geojson`).",
        openapi_examples={"json": {"summary": "JSON", "value": "json"}},
        json_schema_extra={"enum": sorted(_FORMATS)},
    ),
]


class GeoJSONResponse(JSONResponse):
    """A JSON response with the GeoJSON media type."""

    media_type = GEOJSON


def _check_format(f: str | None) -> None:
    if f is not None and f.lower() not in _FORMATS:
        raise InvalidInput(
            f"format f={f!r} is not served; use f=json",
            {"parameter": "f", "allowed": sorted(_FORMATS)},
        )


def _base(request: Request) -> str:
    return public_base(request) + "/ogc"


def _root(request: Request) -> str:
    return public_base(request)


def _sees_restricted(principal: Principal | None) -> bool:
    return principal is not None and principal.sees_restricted


_RESTRICTED_RESPONSES: dict[int | str, dict[str, Any]] = {
    401: {
        "description": "The collection is a restricted layer: its features need a reader "
        "or admin token (`restricted_layer`)."
    },
    403: {"description": "Unknown token (`forbidden`)."},
}
_PRIVATE = {"Cache-Control": "private, no-store", "Vary": "Authorization"}


_LANDING_EXAMPLE = {
    "title": "geozone OGC API Features",
    "links": [
        {"href": "http://127.0.0.1:8000/ogc", "rel": "self", "type": JSON},
        {"href": "http://127.0.0.1:8000/ogc/collections", "rel": "data", "type": JSON},
    ],
}


@router.get(
    "",
    summary="OGC API landing page",
    responses={200: {"content": {JSON: {"example": _LANDING_EXAMPLE}}}},
)
def landing(request: Request, catalog: CatalogDep, f: FormatParam = None) -> dict[str, Any]:
    """Links to the API definition, conformance declaration and the collections."""
    _check_format(f)
    base, root = _base(request), _root(request)
    tag = " (synthetic demo data)" if catalog.synthetic else ""
    return {
        "title": f"geozone OGC API Features: {catalog.info.title_en}{tag}",
        "description": (
            f"Every layer of layer set {catalog.info.id} {catalog.info.version} "
            f"({catalog.info.title_zh}) as OGC API Features collections, GeoJSON in CRS84."
        ),
        "links": [
            {"href": base, "rel": "self", "type": JSON, "title": "this document"},
            {
                "href": f"{root}/openapi.json",
                "rel": "service-desc",
                "type": "application/vnd.oai.openapi+json;version=3.0",
                "title": "the API definition (OpenAPI 3.0)",
            },
            {
                "href": f"{root}/docs",
                "rel": "service-doc",
                "type": "text/html",
                "title": "the API documentation",
            },
            {
                "href": f"{base}/conformance",
                "rel": "conformance",
                "type": JSON,
                "title": "conformance classes",
            },
            {"href": f"{base}/collections", "rel": "data", "type": JSON, "title": "collections"},
        ],
    }


@router.get(
    "/conformance",
    summary="OGC API conformance declaration",
    responses={200: {"content": {JSON: {"example": {"conformsTo": CONFORMANCE}}}}},
)
def conformance(f: FormatParam = None) -> dict[str, Any]:
    """The conformance classes implemented: Features core, GeoJSON, OpenAPI 3.0."""
    _check_format(f)
    return {"conformsTo": CONFORMANCE}


@router.get("/collections", summary="All feature collections (every layer and layer version)")
def collections(
    request: Request,
    response: Response,
    catalog: CatalogDep,
    principal: PrincipalDep,
    f: FormatParam = None,
) -> dict[str, Any]:
    """Every layer in force today (id = layer id) and every version (``<id>__<version>``).

    Each has its spatial (CRS84) and temporal extent. A restricted layer is listed with
    ``"access": "restricted"`` and, without a reader token, no spatial extent.
    """
    _check_format(f)
    base = _base(request)
    sees = _sees_restricted(principal)
    if sees and catalog.restricted_ids():
        response.headers.update(_PRIVATE)  # extents of restricted layers: not for caches
    docs = [
        collection_doc(catalog, resolve(catalog, cid), base, sees_restricted=sees)
        for cid in collection_ids(catalog)
    ]
    return {
        "links": [{"href": f"{base}/collections", "rel": "self", "type": JSON}],
        "collections": docs,
    }


@router.get("/collections/{collection_id}", summary="One feature collection")
def collection(
    collection_id: str,
    request: Request,
    response: Response,
    catalog: CatalogDep,
    principal: PrincipalDep,
    f: FormatParam = None,
) -> dict[str, Any]:
    """A collection's title, extent (bbox in CRS84, validity interval), CRS and links.

    A restricted layer's collection has no spatial extent without a reader token.
    """
    _check_format(f)
    coll = resolve(catalog, collection_id)
    sees = _sees_restricted(principal)
    if sees and catalog.restricted(coll.layer_id):
        response.headers.update(_PRIVATE)
    return collection_doc(catalog, coll, _base(request), sees_restricted=sees)


def _page_links(request: Request, offset: int, limit: int, matched: int) -> list[dict[str, Any]]:
    url = public_request_url(request)
    links: list[dict[str, Any]] = [
        {"href": str(url), "rel": "self", "type": GEOJSON, "title": "this page"}
    ]
    if offset + limit < matched:
        nxt = url.include_query_params(offset=offset + limit, limit=limit)
        links.append({"href": str(nxt), "rel": "next", "type": GEOJSON, "title": "next page"})
    if offset > 0:
        prev = url.include_query_params(offset=max(0, offset - limit), limit=limit)
        links.append({"href": str(prev), "rel": "prev", "type": GEOJSON, "title": "previous page"})
    return links


_ITEMS_EXAMPLE = {
    "type": "FeatureCollection",
    "features": [
        {
            "type": "Feature",
            "id": "RL-001",
            "geometry": {"type": "Polygon", "coordinates": [[[117.0, 40.4], [117.1, 40.4]]]},
            "properties": {
                "zone_class": "core",
                "class_zh": "核心保护区",
                "class_en": "Core protection area",
                "name": "示例红线",
                "synthetic": True,
                "layer_id": "redline",
                "layer_version": "2021",
            },
        }
    ],
    "numberMatched": 1,
    "numberReturned": 1,
}


@router.get(
    "/collections/{collection_id}/items",
    summary="Features of a collection (GeoJSON, paged)",
    response_class=GeoJSONResponse,
    responses={200: {"content": {GEOJSON: {"example": _ITEMS_EXAMPLE}}}, **_RESTRICTED_RESPONSES},
)
async def items(
    collection_id: str,
    request: Request,
    catalog: CatalogDep,
    principal: PrincipalDep,
    bbox: Annotated[
        str | None,
        Query(
            description="minLon,minLat,maxLon,maxLat in CRS84; features intersecting it.",
            openapi_examples={"Miyun": {"value": "116.8,40.3,117.2,40.6"}},
        ),
    ] = None,
    limit: Annotated[
        int,
        Query(
            ge=1,
            description=f"Page size, default {DEFAULT_LIMIT}; values above {MAX_LIMIT} are "
            f"served as {MAX_LIMIT}.",
        ),
    ] = DEFAULT_LIMIT,
    offset: Annotated[int, Query(ge=0, description="Features to skip (paging).")] = 0,
    datetime: Annotated[
        str | None,
        Query(
            description=(
                "Selects the layer version: a date (the version in force on it) or an "
                "interval `start/end` with `..` for an open end (the latest version in "
                "force within it). A fixed-version collection returns no features when "
                "its validity does not meet the interval."
            ),
            openapi_examples={"date": {"value": "2022-06-01"}},
        ),
    ] = None,
    simplify: Annotated[
        float | None,
        Query(
            ge=0,
            le=MAX_SIMPLIFY_M,
            description=(
                "Vendor extension: simplify geometries for display with this tolerance in "
                "metres (about one screen pixel at the map's zoom). Lookups never use it."
            ),
            openapi_examples={"zoom 12": {"value": 30}},
        ),
    ] = None,
    f: FormatParam = None,
) -> GeoJSONResponse:
    """Features as GeoJSON in WGS84, with numberMatched/numberReturned and next/prev links.

    A restricted layer's features need a reader or admin token: without one, 401.
    """
    _check_format(f)
    coll: Collection = resolve(catalog, collection_id)
    check_access(catalog, coll, _sees_restricted(principal), collection_id)
    private = catalog.restricted(coll.layer_id)

    def work() -> GeoJSONResponse:  # in a geometry-pool thread: its lane's bbox trees
        box = parse_bbox(bbox)
        when = parse_datetime(datetime)
        lv = select_version(catalog, coll, when)
        size = min(limit, MAX_LIMIT)
        tolerance = simplify_degrees(simplify)
        rows = matching_rows(lv, box) if lv is not None else []
        page = rows[offset : offset + size]
        body = {
            "type": "FeatureCollection",
            "features": [feature(lv, r, tolerance) for r in page] if lv is not None else [],
            "numberMatched": len(rows),
            "numberReturned": len(page),
            "timeStamp": now_rfc3339(),
            "layer_version": lv.version if lv is not None else None,
            "links": _page_links(request, offset, size, len(rows)),
        }
        return GeoJSONResponse(body, headers=_PRIVATE if private else None)

    return await run_in_pool(request, work)


@router.get(
    "/collections/{collection_id}/items/{feature_id}",
    summary="One feature (GeoJSON)",
    response_class=GeoJSONResponse,
    responses={
        200: {"content": {GEOJSON: {"example": _ITEMS_EXAMPLE["features"][0]}}},  # type: ignore[index]
        404: {"description": "No such collection or feature."},
        **_RESTRICTED_RESPONSES,
    },
)
async def item(
    collection_id: str,
    feature_id: str,
    request: Request,
    catalog: CatalogDep,
    principal: PrincipalDep,
    datetime: Annotated[
        str | None, Query(description="Selects the layer version, as for `items`.")
    ] = None,
    f: FormatParam = None,
) -> GeoJSONResponse:
    """One feature by id from the selected version, in WGS84 (restricted layers: token)."""
    _check_format(f)
    coll = resolve(catalog, collection_id)
    check_access(catalog, coll, _sees_restricted(principal), collection_id)
    private = catalog.restricted(coll.layer_id)

    def work() -> GeoJSONResponse:  # in a geometry-pool thread
        lv = select_version(catalog, coll, parse_datetime(datetime))
        if lv is None:
            raise FeatureNotFound(
                f"collection {collection_id!r} has no version in force for that datetime",
                {"collection_id": collection_id},
            )
        body = feature(lv, find_feature(lv, feature_id))
        url = f"{_base(request)}/collections/{collection_id}"
        body["links"] = [
            {"href": str(public_request_url(request)), "rel": "self", "type": GEOJSON},
            {"href": url, "rel": "collection", "type": JSON},
        ]
        return GeoJSONResponse(body, headers=_PRIVATE if private else None)

    return await run_in_pool(request, work)
