"""OGC API Features Part 1 under ``/ogc``: landing page, conformance, collections, items.

Collection ids are documented in :mod:`geozone.ogc_features`: ``<layer_id>`` serves the
version in force (``datetime`` selects another), ``<layer_id>__<version>`` one fixed
version. Unknown query parameters are ignored; ``f=json`` is accepted everywhere.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response
from fastapi.responses import JSONResponse

from api.deps import CatalogDep, PrincipalDep, public_base, public_request_url
from api.geometry_pool import run_in_pool
from api.schemas import ErrorBody
from api.schemas_ogc import (
    CollectionDocument,
    Collections,
    Conformance,
    FeatureCollectionDocument,
    FeatureDocument,
    Landing,
    Queryables,
)
from geozone.errors import FeatureNotFound, InvalidInput
from geozone.ogc_crs import SUPPORTED_URIS, parse_bbox_in, parse_crs
from geozone.ogc_features import (
    CONFORMANCE,
    DEFAULT_LIMIT,
    GEOJSON,
    JSON,
    MAX_LIMIT,
    MAX_SIMPLIFY_M,
    SCHEMA_JSON,
    Collection,
    check_access,
    collection_doc,
    collection_ids,
    collection_queryables,
    feature,
    find_feature,
    matching_rows,
    now_rfc3339,
    parse_bbox,
    parse_datetime,
    resolve,
    select_version,
    simplify_degrees,
    stored_feature,
    stored_items,
)
from geozone.ogc_filter import (
    FILTER_LANG_NAMES,
    and_equalities,
    filter_language,
    parse_filter,
    queryables_schema,
)
from geozone.stores import LayerStore
from geozone.tokens import Principal

router = APIRouter(prefix="/ogc", tags=["OGC API Features"])

OPENAPI_JSON = "application/vnd.oai.openapi+json;version=3.0"
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


def _layer_store(request: Request) -> LayerStore:
    """The service's database layer store (versions kept in the database only are read there)."""
    store: LayerStore | None = request.app.state.storage.layer_store
    if store is None:  # only a database store leaves versions out of memory
        raise RuntimeError("a layer version is not in memory but the service has no database")
    return store


def _sees_restricted(principal: Principal | None) -> bool:
    return principal is not None and principal.sees_restricted


def _error(description: str) -> dict[str, Any]:
    """A refusal in the service's one error body (``ErrorBody``, ``api/schemas.py``)."""
    return {"description": description, "model": ErrorBody}


_RESTRICTED_RESPONSES: dict[int | str, dict[str, Any]] = {
    401: _error(
        "The collection is a restricted layer: its features need a reader or admin token "
        "(`restricted_layer`)."
    ),
    403: _error("Unknown token (`forbidden`)."),
}
_BAD_FORMAT: dict[int | str, dict[str, Any]] = {
    422: _error("A format `f` that is not served (`invalid_input`).")
}
_BAD_PARAMETER: dict[int | str, dict[str, Any]] = {
    400: _error(
        "A bad query parameter: an unparsable or mistyped `filter` (`invalid_filter`), an "
        "unknown `filter-lang`, or a CRS that is not served (`invalid_parameter`)."
    ),
    404: _error("No such collection or feature (`layer_not_found`, `feature_not_found`)."),
    422: _error(
        "A malformed `bbox`, `datetime`, `limit`, `offset`, `simplify` or `f` "
        "(`invalid_input`, `invalid_date`, `invalid_request`)."
    ),
}
_DATABASE_ONLY: dict[int | str, dict[str, Any]] = {
    501: _error(
        "sql mode: the layer version is kept in the database only (over "
        "`GEOZONE_SQL_MEMORY_MAX_FEATURES`); its items are served by SQL, but not with "
        "`filter`, queryable parameters or a `bbox-crs`/`crs` other than CRS84 "
        "(`layer_in_database_only`)."
    ),
}
_CRS_DOC = "Supported: " + ", ".join(f"`{u}`" for u in SUPPORTED_URIS) + "."

CrsParam = Annotated[
    str | None,
    Query(
        description="CRS of the response geometries (OGC API Features Part 2), in its own "
        "axis order: CRS84 lon/lat (default), EPSG:4326 and EPSG:4490 lat/lon, EPSG:4548 "
        "northing/easting in metres. " + _CRS_DOC,
        openapi_examples={
            "CGCS2000 GK CM 117E": {"value": "http://www.opengis.net/def/crs/EPSG/0/4548"}
        },
        json_schema_extra={"enum": SUPPORTED_URIS},
    ),
]
_PRIVATE = {"Cache-Control": "private, no-store", "Vary": "Authorization"}


_LANDING_EXAMPLE = {
    "title": "geozone OGC API Features",
    "description": "Every layer of layer set beijing-eco 2026.11 as OGC API Features "
    "collections, GeoJSON in CRS84.",
    "links": [
        {"href": "http://127.0.0.1:8000/ogc", "rel": "self", "type": JSON},
        {"href": "http://127.0.0.1:8000/ogc/collections", "rel": "data", "type": JSON},
    ],
}


@router.get(
    "",
    summary="OGC API landing page",
    response_model=None,
    responses={
        200: {
            "description": "Links to the API definition, conformance and collections.",
            "model": Landing,
            "content": {JSON: {"example": _LANDING_EXAMPLE}},
        },
        **_BAD_FORMAT,
    },
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
                "href": f"{base}/api",
                "rel": "service-desc",
                "type": OPENAPI_JSON,
                "title": "the OGC API definition (OpenAPI 3.0, paths relative to /ogc)",
            },
            {
                "href": f"{root}/openapi.json",
                "rel": "service-desc",
                "type": OPENAPI_JSON,
                "title": "the whole geozone API definition (OpenAPI 3.0)",
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
    response_model=None,
    responses={
        200: {
            "description": "The conformance classes.",
            "model": Conformance,
            "content": {JSON: {"example": {"conformsTo": CONFORMANCE}}},
        },
        **_BAD_FORMAT,
    },
)
def conformance(f: FormatParam = None) -> dict[str, Any]:
    """The conformance classes implemented: Features core, GeoJSON, OpenAPI 3.0."""
    _check_format(f)
    return {"conformsTo": CONFORMANCE}


_PATH_PARAMS = {"collection_id": "collectionId", "feature_id": "featureId"}


class OpenAPIResponse(JSONResponse):
    """An OpenAPI 3.0 document (``application/vnd.oai.openapi+json;version=3.0``)."""

    media_type = OPENAPI_JSON


def ogc_openapi(document: dict[str, Any], base: str) -> dict[str, Any]:
    """The ``/ogc`` part of the app's OpenAPI document, as an OGC API definition.

    Paths are relative to the OGC landing page (``/collections/{collectionId}/items``,
    the names OGC API Features uses), with ``servers`` pointing at ``base``: the form OGC
    clients (GDAL's OAPIF driver) look up to find the items parameters, such as the
    ``filter-lang`` values and the queryables usable as query parameters.
    """
    paths: dict[str, Any] = {}
    for path, item in document.get("paths", {}).items():
        if path != "/ogc" and not path.startswith("/ogc/"):
            continue
        rel = path[len("/ogc") :] or "/"
        for old, new in _PATH_PARAMS.items():
            rel = rel.replace("{" + old + "}", "{" + new + "}")
        ops: dict[str, Any] = {}
        for method, op in item.items():
            renamed = dict(op)
            renamed["parameters"] = [
                {**prm, "name": _PATH_PARAMS.get(prm["name"], prm["name"])}
                if prm.get("in") == "path"
                else prm
                for prm in op.get("parameters", [])
            ]
            ops[method] = renamed
        paths[rel] = ops
    return {
        **{k: v for k, v in document.items() if k not in ("paths", "servers")},
        "servers": [{"url": base}],
        "paths": paths,
    }


@router.get("/api", include_in_schema=False, response_class=OpenAPIResponse)
def api_definition(request: Request, f: FormatParam = None) -> OpenAPIResponse:
    """The OGC API definition: the ``/ogc`` operations with paths relative to ``/ogc``."""
    _check_format(f)
    return OpenAPIResponse(ogc_openapi(request.app.openapi(), _base(request)))


@router.get(
    "/collections",
    summary="All feature collections (every layer and layer version)",
    response_model=None,
    responses={
        200: {"description": "Every collection.", "model": Collections},
        **_BAD_FORMAT,
        403: _RESTRICTED_RESPONSES[403],
    },
)
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


@router.get(
    "/collections/{collection_id}",
    summary="One feature collection",
    response_model=None,
    responses={
        200: {"description": "The collection.", "model": CollectionDocument},
        **_BAD_FORMAT,
        403: _RESTRICTED_RESPONSES[403],
        404: _error("No such collection (`layer_not_found`)."),
    },
)
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


class SchemaJSONResponse(JSONResponse):
    """A JSON Schema response (``application/schema+json``)."""

    media_type = SCHEMA_JSON


_QUERYABLES_EXAMPLE = {
    "$schema": "https://json-schema.org/draft/2019-09/schema",
    "$id": "http://127.0.0.1:8000/ogc/collections/redline/queryables",
    "type": "object",
    "title": "redline",
    "properties": {
        "geometry": {"title": "geometry", "format": "geometry-any"},
        "zone_class": {"title": "zone_class", "type": "string"},
    },
    "additionalProperties": False,
}


@router.get(
    "/collections/{collection_id}/queryables",
    summary="Queryable properties of a collection (JSON Schema, for `filter`)",
    response_class=SchemaJSONResponse,
    responses={
        200: {
            "description": "The queryables.",
            "model": Queryables,
            "content": {SCHEMA_JSON: {"example": _QUERYABLES_EXAMPLE}},
        },
        **_BAD_PARAMETER,
        **_RESTRICTED_RESPONSES,
    },
)
def queryables(
    collection_id: str,
    request: Request,
    catalog: CatalogDep,
    principal: PrincipalDep,
    f: FormatParam = None,
) -> SchemaJSONResponse:
    """The properties a CQL2 `filter` may use, each with its JSON type (OGC Part 3).

    A restricted collection's queryables need a reader or admin token, as its items do.
    """
    _check_format(f)
    coll = resolve(catalog, collection_id)
    check_access(catalog, coll, _sees_restricted(principal), collection_id)
    url = f"{_base(request)}/collections/{collection_id}/queryables"
    doc = queryables_schema(collection_queryables(catalog, coll), url, collection_id)
    private = catalog.restricted(coll.layer_id)
    return SchemaJSONResponse(doc, headers=_PRIVATE if private else None)


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


_ITEMS_PARAMS = frozenset(
    {"bbox", "bbox-crs", "limit", "offset", "datetime", "simplify", "f", "crs"}
    | {"filter", "filter-lang", "filter-crs"}
)
"""Query parameters of `items` that are not queryables (a column so named is not one)."""

_CONTENT_CRS_HEADER = {
    "description": "The CRS of the geometries, as `<uri>` (OGC API Features Part 2).",
    "schema": {"type": "string"},
}

_ITEMS_EXAMPLE = {
    "type": "FeatureCollection",
    "features": [
        {
            "type": "Feature",
            "id": "RL-001",
            "geometry": {"type": "Polygon", "coordinates": [[[117.0, 40.4], [117.1, 40.4]]]},
            "properties": {
                "feature_id": "RL-001",
                "zone_class": "core",
                "class_zh": "核心保护区",
                "class_en": "Core protection area",
                "name": "示例红线",
                "synthetic": True,
                "layer_id": "redline",
                "layer_version": "2021",
                "layer_kind": "redline",
            },
        }
    ],
    "numberMatched": 1,
    "numberReturned": 1,
    "timeStamp": "2026-11-25T08:00:00Z",
    "layer_version": "2021",
    "links": [
        {
            "href": "http://127.0.0.1:8000/ogc/collections/redline/items",
            "rel": "self",
            "type": "application/geo+json",
            "title": "this page",
        }
    ],
}


@router.get(
    "/collections/{collection_id}/items",
    summary="Features of a collection (GeoJSON, paged)",
    response_class=GeoJSONResponse,
    responses={
        200: {
            "description": "A page of features.",
            "model": FeatureCollectionDocument,
            "content": {GEOJSON: {"example": _ITEMS_EXAMPLE}},
            "headers": {"Content-Crs": _CONTENT_CRS_HEADER},
        },
        **_BAD_PARAMETER,
        **_DATABASE_ONLY,
        **_RESTRICTED_RESPONSES,
    },
)
async def items(
    collection_id: str,
    request: Request,
    catalog: CatalogDep,
    principal: PrincipalDep,
    bbox: Annotated[
        str | None,
        Query(
            description="Lower then upper corner in `bbox-crs` axis order (CRS84 default: "
            "minLon,minLat,maxLon,maxLat); features intersecting it.",
            openapi_examples={"Miyun": {"value": "116.8,40.3,117.2,40.6"}},
        ),
    ] = None,
    bbox_crs: Annotated[
        str | None,
        Query(
            alias="bbox-crs",
            description="CRS of `bbox` (Part 2). " + _CRS_DOC,
            json_schema_extra={"enum": SUPPORTED_URIS},
        ),
    ] = None,
    filter_: Annotated[
        str | None,
        Query(
            alias="filter",
            description="A CQL2 filter (Part 3) over the collection's queryables "
            "(`/queryables`): comparisons, AND/OR/NOT, LIKE, IN, IS NULL, BETWEEN and "
            "S_INTERSECTS & co. with a WKT/BBOX (text) or GeoJSON (JSON) literal.",
            openapi_examples={
                "core areas": {"value": "zone_class = 'core'"},
                "near a point": {"value": "S_INTERSECTS(geometry, BBOX(116.9,40.4,117.0,40.5))"},
            },
        ),
    ] = None,
    filter_lang: Annotated[
        str | None,
        Query(
            alias="filter-lang",
            description="`cql2-text` (default) or `cql2-json`; `cql-text`, the name drafts "
            "of Part 3 used (and GDAL before 3.7 sends), is read as `cql2-text`.",
            openapi_examples={"text": {"value": "cql2-text"}},
            json_schema_extra={"enum": list(FILTER_LANG_NAMES)},
        ),
    ] = None,
    filter_crs: Annotated[
        str | None,
        Query(
            alias="filter-crs",
            description="CRS of the geometry literals in `filter`. " + _CRS_DOC,
            json_schema_extra={"enum": SUPPORTED_URIS},
        ),
    ] = None,
    crs: CrsParam = None,
    zone_class: Annotated[
        str | None,
        Query(
            description="Queryable as a query parameter (Part 3): features whose "
            "`zone_class` equals this code; ANDed with `filter`. Every other queryable "
            "of the collection (`/queryables`) may be given the same way.",
            openapi_examples={"core": {"value": "core"}},
        ),
    ] = None,
    name: Annotated[
        str | None, Query(description="Queryable as a query parameter: the zone name.")
    ] = None,
    feature_id: Annotated[
        str | None, Query(description="Queryable as a query parameter: the feature id.")
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
    """Features as GeoJSON (CRS84 or `crs`), with numberMatched/numberReturned and links.

    `filter` is applied before paging, so numberMatched counts the filtered features.
    A restricted layer's features need a reader or admin token: without one, 401.
    """
    _check_format(f)
    coll: Collection = resolve(catalog, collection_id)
    check_access(catalog, coll, _sees_restricted(principal), collection_id)
    private = catalog.restricted(coll.layer_id)
    out_crs, box_crs = parse_crs(crs, "crs"), parse_crs(bbox_crs, "bbox-crs")
    lit_crs = parse_crs(filter_crs, "filter-crs")
    cql = parse_filter(filter_, filter_lang) if filter_ is not None else None
    if cql is None and filter_lang is not None:
        filter_language(filter_lang)  # an unknown filter-lang is a 400 even alone

    def work() -> GeoJSONResponse:  # in a geometry-pool thread: its lane's trees
        box = parse_bbox(bbox) if box_crs.is_crs84 else parse_bbox_in(bbox, box_crs)
        when = parse_datetime(datetime)
        lv = select_version(catalog, coll, when)
        size = min(limit, MAX_LIMIT)
        tolerance = simplify_degrees(simplify)
        types = collection_queryables(catalog, coll)
        query = request.query_params
        given = {k: query[k] for k in types if k in query and k not in _ITEMS_PARAMS}
        where = and_equalities(cql, given, types)
        features: list[dict[str, Any]] = []
        matched = 0
        if lv is not None and not lv.in_memory:
            if where is not None or not box_crs.is_crs84:
                raise lv.not_in_memory("a filter, a queryable parameter or a bbox-crs")
            crs84_box = box if isinstance(box, tuple) else None
            features, matched = stored_items(
                _layer_store(request), lv, crs84_box, size, offset, tolerance, out_crs
            )
        elif lv is not None:
            rows = matching_rows(lv, box, box_crs, where, lit_crs, types)
            features = [feature(lv, r, tolerance, out_crs) for r in rows[offset : offset + size]]
            matched = len(rows)
        body = {
            "type": "FeatureCollection",
            "features": features,
            "numberMatched": matched,
            "numberReturned": len(features),
            "timeStamp": now_rfc3339(),
            "layer_version": lv.version if lv is not None else None,
            "links": _page_links(request, offset, size, matched),
        }
        headers = {"Content-Crs": f"<{out_crs.uri}>", **(_PRIVATE if private else {})}
        return GeoJSONResponse(body, headers=headers)

    return await run_in_pool(request, work)


@router.get(
    "/collections/{collection_id}/items/{feature_id}",
    summary="One feature (GeoJSON)",
    response_class=GeoJSONResponse,
    responses={
        200: {
            "description": "The feature.",
            "model": FeatureDocument,
            "content": {GEOJSON: {"example": _ITEMS_EXAMPLE["features"][0]}},  # type: ignore[index]
            "headers": {"Content-Crs": _CONTENT_CRS_HEADER},
        },
        **_BAD_PARAMETER,
        **_DATABASE_ONLY,
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
    crs: CrsParam = None,
    f: FormatParam = None,
) -> GeoJSONResponse:
    """One feature by id from the selected version, CRS84 or `crs` (restricted: token)."""
    _check_format(f)
    out_crs = parse_crs(crs, "crs")
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
        if lv.in_memory:
            body = feature(lv, find_feature(lv, feature_id), crs=out_crs)
        else:
            body = stored_feature(_layer_store(request), lv, feature_id, out_crs)
        url = f"{_base(request)}/collections/{collection_id}"
        body["links"] = [
            {"href": str(public_request_url(request)), "rel": "self", "type": GEOJSON},
            {"href": url, "rel": "collection", "type": JSON},
        ]
        headers = {"Content-Crs": f"<{out_crs.uri}>", **(_PRIVATE if private else {})}
        return GeoJSONResponse(body, headers=headers)

    return await run_in_pool(request, work)
