"""``GET /api/v1/layers``, ``/layers/{layer_id}``: the loaded layer set; ``/places``, search."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Query

from api.deps import CatalogDep, PrincipalDep
from api.schemas import LayerDocument, LayersDocument, PlacesDocument
from api.schemas_search import SearchDocument
from geozone.catalog import Catalog
from geozone.lookup import refuse_date
from geozone.place_search import DEFAULT_LIMIT, MAX_LIMIT, search_places
from geozone.places import places
from geozone.query import parse_as_of

router = APIRouter(prefix="/api/v1", tags=["layers"])

_AS_OF = Annotated[
    str | None,
    Query(
        description="Mark the versions in force on this date (YYYY-MM-DD); default today.",
        openapi_examples={"today": {"value": "2026-11-25"}},
    ),
]


def _layer(catalog: Catalog, layer_id: str, on: date) -> dict[str, Any]:
    versions = catalog.versions_of(layer_id)
    current = catalog.in_force(layer_id, on)
    last = versions[-1].entry
    return {
        "id": layer_id,
        "kind": last.kind.value,
        "title_zh": last.title_zh,
        "title_en": last.title_en,
        "synthetic": any(v.entry.synthetic for v in versions),
        # restricted: OGC items need a reader token; this listing never holds geometry
        "access": "restricted" if catalog.restricted(layer_id) else "public",
        "in_force": current.version if current else None,
        "versions": [
            {
                **{k: v.summary()[k] for k in ("version", "key", "valid_from", "valid_to")},
                "feature_count": v.feature_count,
                "synthetic": v.entry.synthetic,
                "in_force": v is current,
                "source": v.entry.source,
                "licence": v.entry.licence,
                "source_crs": v.entry.source_crs,
                "sha256": v.sha256,
                "warnings": list(v.warnings),
            }
            for v in versions
        ],
    }


@router.get(
    "/layers",
    summary="Every layer with its versions, validity dates, feature counts, synthetic flag",
    response_model=None,
    responses={200: {"description": "Every layer and its versions.", "model": LayersDocument}},
)
def list_layers(catalog: CatalogDep, as_of: _AS_OF = None) -> dict[str, Any]:
    """List the layer set and each layer's versions; ``in_force`` marks the ones for ``as_of``."""
    on = parse_as_of(as_of)
    info = catalog.info
    return {
        "layerset": {
            "id": info.id,
            "version": info.version,
            "title_zh": info.title_zh,
            "title_en": info.title_en,
            "hash": catalog.hash,
            "synthetic": catalog.synthetic,
        },
        "as_of": on.isoformat(),
        "layers": [_layer(catalog, layer_id, on) for layer_id in catalog.layer_ids()],
    }


@router.get(
    "/layers/{layer_id}",
    summary="One layer with its versions",
    response_model=None,
    responses={200: {"description": "The layer and its versions.", "model": LayerDocument}},
)
def get_layer(layer_id: str, catalog: CatalogDep, as_of: _AS_OF = None) -> dict[str, Any]:
    """One layer's versions; 404 ``layer_not_found`` for an unknown id."""
    return _layer(catalog, layer_id, parse_as_of(as_of))


@router.get(
    "/places",
    summary="Districts and townships by name and code, with a bbox (no geometry)",
    response_model=PlacesDocument,
    responses={200: {"description": "The named admin units in force.", "model": PlacesDocument}},
)
def list_places(
    catalog: CatalogDep, principal: PrincipalDep, as_of: _AS_OF = None
) -> dict[str, Any]:
    """Districts then townships of the admin layer in force on ``as_of`` (default today).

    For search and district lists: name, code, feature id and a WGS84 bbox to zoom to, never
    an outline (fetch ``/ogc/collections/{layer}/items/{feature_id}`` for one). A restricted
    admin layer is listed to reader/admin tokens only. A date before any admin layer is
    refused like a lookup: 422 ``no_layers_in_force``, naming the dates that can be answered.
    """
    on = parse_as_of(as_of)
    if not catalog.select(on, kinds=["admin"]):
        refuse_date(catalog, on)
    sees = principal is not None and principal.sees_restricted
    return {"as_of": on.isoformat(), "places": places(catalog, on, sees_restricted=sees)}


@router.get(
    "/places/search",
    summary="Search places by name (any named feature) or coordinates in any supported CRS",
    response_model=SearchDocument,
    responses={200: {"description": "Matches, best first.", "model": SearchDocument}},
)
def search(
    catalog: CatalogDep,
    principal: PrincipalDep,
    q: Annotated[
        str,
        Query(
            description="A name or part of one (密云水库, 溪翁庄), a code, or coordinates "
            "(116.65, 39.90; EPSG:4548 470069 4416720; GCJ02: 116.66, 39.90).",
            openapi_examples={"reservoir": {"value": "密云水库"}},
        ),
    ],
    as_of: _AS_OF = None,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = DEFAULT_LIMIT,
    crs: Annotated[str | None, Query(description="CRS of coordinates (default: guessed).")] = None,
) -> dict[str, Any]:
    """Named places of the layers in force on ``as_of``: exact, then prefix, then substring.

    Townships, parks, water sources, reservoirs and named zones of every layer; a
    restricted layer's places are answered to reader/admin tokens only. Coordinates are
    read like a point lookup's and returned in WGS84 with the CRS they were read in.
    """
    on = parse_as_of(as_of)
    sees = principal is not None and principal.sees_restricted
    found = search_places(catalog, q, on, sees_restricted=sees, limit=limit, crs=crs)
    return {"q": q, "as_of": on.isoformat(), "results": found}
