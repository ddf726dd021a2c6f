"""OGC API Tiles (vector tiles) under ``/ogc``: every layer as Mapbox Vector Tiles.

* ``/ogc/collections/{id}/tiles``: the tilesets of a collection (one: WebMercatorQuad);
* ``/ogc/collections/{id}/tiles/WebMercatorQuad``: that tileset's metadata and links;
* ``/ogc/collections/{id}/tiles/WebMercatorQuad/tilejson.json``: TileJSON 3.0.0;
* ``/ogc/collections/{id}/tiles/WebMercatorQuad/{z}/{y}/{x}``: one tile
  (``application/vnd.mapbox-vector-tile``; row ``y`` before column ``x`` as in OGC API
  Tiles; rows count from the north as in XYZ maps).

``datetime`` selects the layer version as for items. A tile with no features is
``204 No Content`` (OGC API Tiles allows it; the map draws nothing and the browser
caches it). Tiles are built in the geometry pool (:mod:`geozone.tiles`: lane-local
trees) and kept in the process's :class:`~geozone.tiles.TileCache`; responses carry an
``ETag`` (``If-None-Match`` answers 304) and ``Cache-Control``. Restricted layers: the
tiles answer 401 ``restricted_layer`` without a reader token, like their items, and
``Cache-Control: private`` with one.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request, Response

from api.deps import CatalogDep, PrincipalDep, public_base
from api.geometry_pool import run_in_pool
from api.schemas import ErrorBody
from api.schemas_tiles import TileJSON, Tileset, Tilesets
from geozone.catalog import Catalog, LayerVersion
from geozone.ogc_features import (
    CRS84,
    JSON,
    Collection,
    _bbox_of,
    check_access,
    parse_datetime,
    resolve,
    select_version,
)
from geozone.tiles import EXTENT, MAX_ZOOM, MIN_ZOOM, Tile, TileCache, check_tile
from geozone.tokens import Principal

router = APIRouter(prefix="/ogc", tags=["OGC API Tiles"])

MVT = "application/vnd.mapbox-vector-tile"
TMS = "WebMercatorQuad"
TMS_URI = "http://www.opengis.net/def/tilematrixset/OGC/1.0/WebMercatorQuad"
CRS_3857 = "http://www.opengis.net/def/crs/EPSG/0/3857"
PUBLIC_MAX_AGE = 300
"""Seconds a browser may reuse a public tile before revalidating it with its ETag.

Short because an ``<id>`` collection follows the version in force, which an admin can
change; fixed-version collections (``<id>__<version>``) never change and get a day."""


def _err(description: str) -> dict[str, Any]:
    return {"model": ErrorBody, "description": description}


_ERRORS: dict[int | str, dict[str, Any]] = {
    401: _err(
        "The collection is a restricted layer: its tiles need a reader or admin token "
        "(`restricted_layer`)."
    ),
    403: _err("Unknown token (`forbidden`)."),
    404: _err(
        "No such collection (`layer_not_found`) or tile outside the tile matrix set "
        f"(`tile_not_found`: zoom {MIN_ZOOM}..{MAX_ZOOM}, row/column 0..2^z-1)."
    ),
    422: _err("A parameter is malformed (`invalid_input`, `invalid_date`)."),
}

DatetimeParam = Annotated[
    str | None,
    Query(
        description="Selects the layer version as for items: a date (the version in force "
        "on it) or an interval `start/end` (the latest version in force within it).",
        openapi_examples={"date": {"value": "2022-06-01"}},
    ),
]


def _sees(principal: Principal | None) -> bool:
    return principal is not None and principal.sees_restricted


def _base(request: Request) -> str:
    return public_base(request) + "/ogc"


def _query(datetime: str | None) -> str:
    return f"?datetime={datetime}" if datetime else ""


def _template(request: Request, collection_id: str, datetime: str | None) -> str:
    return f"{_base(request)}/collections/{collection_id}/tiles/{TMS}/{{z}}/{{y}}/{{x}}" + _query(
        datetime
    )


def _tileset(
    request: Request,
    catalog: Catalog,
    coll: Collection,
    collection_id: str,
    sees: bool,
    datetime: str | None,
) -> dict[str, Any]:
    url = f"{_base(request)}/collections/{collection_id}/tiles/{TMS}"
    doc: dict[str, Any] = {
        "title": f"{collection_id} as Mapbox Vector Tiles",
        "dataType": "vector",
        "crs": CRS_3857,
        "tileMatrixSetURI": TMS_URI,
        "tileMatrixSetId": TMS,
        "tileMatrixSetLimits": [{"tileMatrix": str(z)} for z in range(MIN_ZOOM, MAX_ZOOM + 1)],
        "minZoom": MIN_ZOOM,
        "maxZoom": MAX_ZOOM,
        "access": "restricted" if catalog.restricted(coll.layer_id) else "public",
        "layers": [{"id": coll.layer_id, "dataType": "vector", "geometryType": "polygons"}],
        "links": [
            {"href": url + _query(datetime), "rel": "self", "type": JSON, "title": "this tileset"},
            {
                "href": _template(request, collection_id, datetime),
                "rel": "item",
                "type": MVT,
                "templated": True,
                "title": "a tile (z/y/x)",
            },
            {
                "href": f"{url}/tilejson.json{_query(datetime)}",
                "rel": "describedby",
                "type": JSON,
                "title": "TileJSON 3.0.0",
            },
            {
                "href": TMS_URI,
                "rel": "http://www.opengis.net/def/rel/ogc/1.0/tiling-scheme",
                "type": JSON,
                "title": "the WebMercatorQuad tile matrix set",
            },
            {
                "href": f"{_base(request)}/collections/{collection_id}",
                "rel": "collection",
                "type": JSON,
                "title": "the collection",
            },
        ],
    }
    if sees or not catalog.restricted(coll.layer_id):
        box = _bbox_of(coll.versions(catalog))
        doc["boundingBox"] = {"lowerLeft": box[:2], "upperRight": box[2:], "crs": CRS84}
    return doc


def _private(response: Response, catalog: Catalog, coll: Collection) -> None:
    if catalog.restricted(coll.layer_id):
        response.headers["Cache-Control"] = "private, no-store"
        response.headers["Vary"] = "Authorization"


def _metadata_of(
    catalog: Catalog, collection_id: str, datetime: str | None, response: Response
) -> Collection:
    """The collection a tile metadata document describes (checked ``datetime``, caching)."""
    coll = resolve(catalog, collection_id)
    parse_datetime(datetime)
    _private(response, catalog, coll)
    return coll


@router.get(
    "/collections/{collection_id}/tiles",
    summary="Tilesets of a collection",
    response_model=None,
    responses={200: {"model": Tilesets}, **_ERRORS},
)
def tilesets(
    collection_id: str,
    request: Request,
    response: Response,
    catalog: CatalogDep,
    principal: PrincipalDep,
    datetime: DatetimeParam = None,
) -> dict[str, Any]:
    """The collection's vector tilesets: one, on the WebMercatorQuad tile matrix set."""
    coll = _metadata_of(catalog, collection_id, datetime, response)
    return {
        "links": [
            {
                "href": f"{_base(request)}/collections/{collection_id}/tiles",
                "rel": "self",
                "type": JSON,
            }
        ],
        "tilesets": [_tileset(request, catalog, coll, collection_id, _sees(principal), datetime)],
    }


@router.get(
    "/collections/{collection_id}/tiles/" + TMS,
    summary="Vector tileset metadata (WebMercatorQuad)",
    response_model=None,
    responses={200: {"model": Tileset}, **_ERRORS},
)
def tileset(
    collection_id: str,
    request: Request,
    response: Response,
    catalog: CatalogDep,
    principal: PrincipalDep,
    datetime: DatetimeParam = None,
) -> dict[str, Any]:
    """The tileset: tile matrix set, zoom limits, the tile URL template and TileJSON link."""
    coll = _metadata_of(catalog, collection_id, datetime, response)
    return _tileset(request, catalog, coll, collection_id, _sees(principal), datetime)


@router.get(
    "/collections/{collection_id}/tiles/" + TMS + "/tilejson.json",
    summary="TileJSON 3.0.0 of a collection's vector tiles",
    response_model=None,
    responses={200: {"model": TileJSON}, **_ERRORS},
)
def tilejson(
    collection_id: str,
    request: Request,
    response: Response,
    catalog: CatalogDep,
    principal: PrincipalDep,
    datetime: DatetimeParam = None,
) -> dict[str, Any]:
    """TileJSON for MapLibre/Leaflet/QGIS: tile URL template, zooms, bounds, layer fields."""
    coll = _metadata_of(catalog, collection_id, datetime, response)
    versions = coll.versions(catalog)
    synthetic = any(v.entry.synthetic for v in versions)
    doc: dict[str, Any] = {
        "tilejson": "3.0.0",
        "name": collection_id,
        "description": f"Layer {coll.layer_id!r} as Mapbox Vector Tiles (extent {EXTENT})"
        + ("; SYNTHETIC demo data" if synthetic else ""),
        "scheme": "xyz",
        "tiles": [
            f"{_base(request)}/collections/{collection_id}/tiles/{TMS}/"
            "{z}/{y}/{x}" + _query(datetime)
        ],
        "minzoom": MIN_ZOOM,
        "maxzoom": MAX_ZOOM,
        "vector_layers": [
            {
                "id": coll.layer_id,
                "description": versions[0].entry.title_en,
                "minzoom": MIN_ZOOM,
                "maxzoom": MAX_ZOOM,
                "fields": {
                    "feature_id": "String",
                    "zone_class": "String",
                    "name": "String",
                    "kind": "String",
                    "synthetic": "Boolean",
                    "layer_version": "String",
                },
            }
        ],
    }
    if _sees(principal) or not catalog.restricted(coll.layer_id):
        doc["bounds"] = _bbox_of(versions)
    return doc


def _tile_response(request: Request, tile: Tile, private: bool, fixed: bool) -> Response:
    headers = {"ETag": tile.etag}
    if private:
        headers["Cache-Control"] = "private, max-age=60"
        headers["Vary"] = "Authorization"
    else:
        age = 86_400 if fixed else PUBLIC_MAX_AGE
        headers["Cache-Control"] = f"public, max-age={age}"
    if tile.etag in request.headers.get("if-none-match", ""):
        return Response(status_code=304, headers=headers)
    if tile.empty:
        return Response(status_code=204, headers=headers)
    return Response(tile.data, media_type=MVT, headers=headers)


@router.get(
    "/collections/{collection_id}/tiles/" + TMS + "/{z}/{y}/{x}",
    summary="One vector tile (Mapbox Vector Tile)",
    response_class=Response,
    responses={
        200: {
            "content": {MVT: {"schema": {"type": "string", "format": "binary"}}},
            "description": "The tile: one MVT layer named after the layer id, extent 4096.",
        },
        204: {"description": "No feature of the layer meets this tile."},
        304: {"description": "Not modified (`If-None-Match` matched the ETag)."},
        **_ERRORS,
        501: _err(
            "sql mode: the layer version is kept in the database only (over "
            "`GEOZONE_SQL_MEMORY_MAX_FEATURES`); tiles need it in memory "
            "(`layer_in_database_only`)."
        ),
    },
)
async def tile(
    collection_id: str,
    request: Request,
    catalog: CatalogDep,
    principal: PrincipalDep,
    z: Annotated[int, Path(description=f"Zoom (tileMatrix), {MIN_ZOOM}..{MAX_ZOOM}.")],
    y: Annotated[int, Path(description="Tile row from the north, 0..2^z-1.")],
    x: Annotated[int, Path(description="Tile column from the west, 0..2^z-1.")],
    datetime: DatetimeParam = None,
) -> Response:
    """One tile of the collection's selected version; restricted layers need a token.

    Attributes: feature_id, zone_class, name, kind, synthetic, layer_version.
    """
    coll = resolve(catalog, collection_id)
    check_access(catalog, coll, _sees(principal), collection_id)
    check_tile(z, x, y)
    lv: LayerVersion | None = select_version(catalog, coll, parse_datetime(datetime))
    private = catalog.restricted(coll.layer_id)
    if lv is None:
        empty = Tile(b"", f'"none-{collection_id}-{z}-{x}-{y}"', 0)
        return _tile_response(request, empty, private, coll.fixed is not None)
    cache: TileCache = request.app.state.tile_cache
    found = cache.get(lv, z, x, y)  # a hit never leaves the event loop
    if found is None:
        found = await run_in_pool(request, cache.get_or_build, lv, z, x, y)
    return _tile_response(request, found, private, coll.fixed is not None)
