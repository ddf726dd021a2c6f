"""``GET/POST /api/v1/coverage``: park service-radius coverage, the core's JSON verbatim.

The answer is :meth:`geozone.coverage.result.CoverageResult.to_dict`, the same JSON as
``geozone coverage --json``. Layer-set runs are cached in memory per (layer-set hash,
arguments) on ``app.state``; ad-hoc runs on posted GeoJSON are not cached.
"""

from __future__ import annotations

import math
import threading
from collections import OrderedDict
from datetime import date
from typing import Annotated, Any, Literal

import numpy as np
import shapely
from fastapi import APIRouter, Body, Query, Request
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict, Field

from api.deps import CatalogDep, PrincipalDep, SettingsDep
from api.geometry_pool import json_response, run_in_pool
from api.schemas_coverage import CoverageAnswer, PresetsDocument
from geozone.catalog import Catalog
from geozone.coverage.catalog import coverage_for_catalog
from geozone.coverage.io import read_vector
from geozone.coverage.metric import park_coverage, residential_class_codes
from geozone.coverage.presets import PRESETS
from geozone.coverage.result import CoverageResult
from geozone.coverage.whatif import suggest_sites, what_if
from geozone.errors import InvalidGeoJSON, InvalidInput, QueryTooLarge, RestrictedLayer
from geozone.settings import Settings

router = APIRouter(prefix="/api/v1", tags=["coverage"])

CACHE_SIZE = 32
FEATURES_FACTOR = 10
"""A posted FeatureCollection may hold ``max_batch_features × 10`` features."""
VERTICES_FACTOR = 20
"""All posted geometries together may hold ``max_vertices × 20`` vertices."""

MAX_SUGGEST = 20
"""At most this many suggested park sites per request."""
MAX_SUGGEST_RADIUS_M = 5_000.0
"""Largest service radius of a suggested site, metres."""

_lock = threading.Lock()


_PRESET_ENUM: dict[str, Any] = {"enum": sorted(PRESETS)}

_WHAT: dict[str, Any] = {"type": "string", "minLength": 1}
_LAYER: dict[str, Any] = {"type": "object"}


class CoverageBody(BaseModel):
    """Coverage request: a district of the layer set, or your own GeoJSON layers."""

    model_config = ConfigDict(
        extra="forbid",
        # a district (its own layers, parks as candidates) or ad hoc (parks and residential
        # posted); else 422 "give a district, or ..." / "ad-hoc coverage needs both ..."
        json_schema_extra={
            "anyOf": [
                {
                    "required": ["district"],
                    "properties": {
                        "district": _WHAT,
                        "residential": {"enum": [None], "nullable": True},
                        "extent": {"enum": ["urban", "district", None], "nullable": True},
                    },
                },
                {
                    "required": ["parks", "residential"],
                    "properties": {"parks": _LAYER, "residential": _LAYER},
                },
            ]
        },
    )

    district: str | None = Field(
        None, min_length=1, description="Adcode or name, e.g. 110112 or 通州区."
    )
    preset: str | None = Field(
        None, description=f"One of {sorted(PRESETS)}.", json_schema_extra=_PRESET_ENUM
    )
    by: Literal["township", "district"] | None = "township"
    extent: Literal["urban", "district"] | dict[str, Any] | None = Field(
        None, description="urban | district (layer set), or a GeoJSON extent (ad hoc)."
    )
    residential_classes: list[str] | str | None = None
    include_geometry: bool = False
    as_of: date | None = None
    crs: str | None = Field(None, description="CRS of posted GeoJSON (default WGS84).")
    parks: dict[str, Any] | None = Field(
        None, description="Park FeatureCollection: ad hoc with residential, else added "
        "to the district's parks as candidates (what-if)."
    )  # fmt: skip
    residential: dict[str, Any] | None = None
    units: dict[str, Any] | None = Field(None, description="Ad hoc: unit FeatureCollection.")
    suggest: int | None = Field(
        None,
        ge=1,
        le=MAX_SUGGEST,
        description="Also propose this many park sites (greedy, best first) with their gain: "
        "`suggested_sites`.",
    )
    suggest_radius_m: float = Field(
        500.0, gt=0, le=MAX_SUGGEST_RADIUS_M, description="Service radius of a suggested site (m)."
    )


def _preset(name: str | None, settings: Settings) -> str:
    chosen = (name or settings.coverage.default_preset).strip().casefold()
    if chosen not in PRESETS:
        raise InvalidInput(
            f"unknown preset {name!r}; use one of {sorted(PRESETS)}",
            {"preset": name, "allowed": sorted(PRESETS)},
        )
    return chosen


def _check_size(name: str, obj: dict[str, Any], settings: Settings, budget: list[int]) -> None:
    """Refuse FeatureCollections beyond the feature and (shared) vertex limits."""
    features = obj.get("features") if obj.get("type") == "FeatureCollection" else [obj]
    if not isinstance(features, list):
        raise InvalidInput(f"{name}: features must be a list")
    limit = settings.query.max_batch_features * FEATURES_FACTOR
    if len(features) > limit:
        raise QueryTooLarge(f"{name}: {len(features)} features (limit {limit})")
    vertices = 0
    stack: list[Any] = [f.get("geometry", f) if isinstance(f, dict) else f for f in features]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            stack.append(item.get("coordinates"))
        elif isinstance(item, list) and item and isinstance(item[0], (int, float)):
            vertices += 1
            _check_position(name, item)
        elif isinstance(item, list):
            stack.extend(item)
    budget[0] -= vertices
    if budget[0] < 0:
        total = settings.query.max_vertices * VERTICES_FACTOR
        raise QueryTooLarge(f"posted geometries exceed {total} vertices in all")


def _check_position(name: str, position: list[Any]) -> None:
    """Refuse a position with a non-finite or out-of-range number (422 naming the input)."""
    for value in position:
        try:
            ok = not isinstance(value, bool) and math.isfinite(float(value))
        except (TypeError, ValueError, OverflowError):  # a string, or a 400-digit integer
            ok = False
        if not ok:
            text = repr(value)
            shown = text if len(text) <= 40 else text[:37] + "..."
            raise InvalidGeoJSON(
                f"{name}: coordinate {shown} is not a finite number", {"field": name}
            )


def _check_candidates(parks: dict[str, Any], settings: Settings) -> None:
    """Refuse a what-if with more candidate parks than ``coverage.max_candidates``."""
    features = parks.get("features") if parks.get("type") == "FeatureCollection" else [parks]
    count = len(features) if isinstance(features, list) else 0
    limit = settings.coverage.max_candidates
    if count > limit:
        raise InvalidInput(
            f"parks: {count} candidate parks exceed the what-if limit of {limit} "
            "(coverage.max_candidates); compare fewer candidates per request",
            {"field": "parks", "candidates": count, "max_candidates": limit},
        )


def _cached(request: Request, key: tuple[Any, ...], run: Any) -> CoverageResult:
    cache: OrderedDict[tuple[Any, ...], CoverageResult] | None = getattr(
        request.app.state, "coverage_cache", None
    )
    if cache is None:
        cache = OrderedDict()
        request.app.state.coverage_cache = cache
    with _lock:
        if key in cache:
            cache.move_to_end(key)
            return cache[key]
    result: CoverageResult = run()
    with _lock:
        cache[key] = result
        while len(cache) > CACHE_SIZE:
            cache.popitem(last=False)
    return result


def _checked(
    catalog: Catalog,
    result: CoverageResult,
    include_geometry: bool,
    sees_restricted: bool,
    suggest: bool = False,
) -> dict[str, Any]:
    """The result's JSON; its geometry only if no restricted layer went into it, or a token.

    Blind spots, service areas and unit outlines are drawn from the parks, residential
    land, admin outlines and control zones used: from a restricted layer they would give
    its geometry away, and so would suggested sites (placed in the blind spots). The
    figures (areas, ratios, counts) are answered to everyone.
    """
    if (include_geometry or suggest) and not sees_restricted:
        used = {str(layer["id"]) for layer in result.meta.get("layers", [])}
        restricted = sorted(used & catalog.restricted_ids())
        if restricted:
            what = "geometry" if include_geometry else "suggested sites"
            raise RestrictedLayer(
                f"coverage {what} are drawn from restricted layer(s) {', '.join(restricted)}: "
                "it needs a reader or admin token; without include_geometry and suggest the "
                "figures are answered to everyone",
                {"restricted_layers": restricted},
            )
    return result.to_dict(include_geometry=include_geometry)


def _with_suggestions(out: dict[str, Any], result: CoverageResult, body: CoverageBody) -> None:
    """Add ``suggested_sites`` (greedy park sites on ``result``'s blind spots) when asked."""
    if body.suggest:
        sites = suggest_sites(result, body.suggest, body.suggest_radius_m)
        out["suggested_sites"] = sites.to_dict(include_geometry=body.include_geometry)


def run_coverage(
    request: Request,
    catalog: Catalog,
    settings: Settings,
    body: CoverageBody,
    sees_restricted: bool = False,
) -> dict[str, Any]:
    """Run a coverage request (layer-set district, what-if, or ad hoc) and return its JSON.

    Geometry derived from a restricted layer needs ``sees_restricted`` (a reader token).
    """
    preset = _preset(body.preset, settings)
    classes = residential_class_codes(
        body.residential_classes or settings.coverage.residential_classes
    )
    budget = [settings.query.max_vertices * VERTICES_FACTOR]
    for name in ("parks", "residential", "units"):
        obj = getattr(body, name)
        if obj is not None:
            _check_size(name, obj, settings, budget)
    if isinstance(body.extent, dict):
        _check_size("extent", body.extent, settings, budget)
    if body.residential is not None:
        if body.parks is None:
            raise InvalidInput("ad-hoc coverage needs both parks and residential")
        result = park_coverage(
            body.parks, body.residential,
            extent=body.extent if isinstance(body.extent, dict) else None,
            preset=preset, by=body.units, residential_classes=classes, crs=body.crs,
        )  # fmt: skip
        out = result.to_dict(include_geometry=body.include_geometry)
        _with_suggestions(out, result, body)
        return out
    if not body.district:
        raise InvalidInput("give a district, or parks and residential GeoJSON")
    if isinstance(body.extent, dict):
        raise InvalidInput("a GeoJSON extent needs posted parks and residential")
    extent = body.extent or "urban"
    candidates = None
    if body.parks is not None:
        _check_candidates(body.parks, settings)
        candidates = read_vector(body.parks, crs=body.crs, what="parks")
        geoms = np.asarray(candidates.geometry.values, dtype=object)
        if len(geoms) and not shapely.is_valid(geoms).all():
            raise InvalidInput("parks: invalid polygon")
    key = (catalog.hash, body.district, preset, body.by, extent, classes,
           body.as_of or date.today())  # fmt: skip
    base = _cached(
        request, key,
        lambda: coverage_for_catalog(
            catalog, body.district or "", preset=preset, by=body.by, as_of=body.as_of,
            extent=extent, residential_classes=classes,
        ),
    )  # fmt: skip
    if candidates is None:
        out = _checked(catalog, base, body.include_geometry, sees_restricted, bool(body.suggest))
        _with_suggestions(out, base, body)
        return out
    result = coverage_for_catalog(
        catalog, body.district, preset=preset, by=body.by, as_of=body.as_of,
        extent=extent, residential_classes=classes, extra_parks=candidates,
    )  # fmt: skip
    out = _checked(catalog, result, body.include_geometry, sees_restricted, bool(body.suggest))
    # the candidates' own effect on the district as it is: before/after, gain, new land
    out["what_if"] = what_if(base, candidates).to_dict(include_geometry=body.include_geometry)
    _with_suggestions(out, result, body)
    return out


def _respond(
    request: Request,
    catalog: Catalog,
    settings: Settings,
    body: CoverageBody,
    sees_restricted: bool,
) -> Response:
    """:func:`run_coverage` as a JSON response, in a geometry-pool thread (its own lane)."""
    return json_response(run_coverage(request, catalog, settings, body, sees_restricted))


_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {"description": "The coverage, its targets and provenance.", "model": CoverageAnswer},
    401: {
        "description": "include_geometry on a run that used a restricted layer, without a "
        "reader or admin token (`restricted_layer`)."
    },
    403: {"description": "Unknown token (`forbidden`)."},
    404: {
        "description": "No such district in the admin layer (`feature_not_found`), or no "
        "admin layer in force on `as_of` (`layer_not_found`)."
    },
    501: {
        "description": "sql mode: a park or zone layer version is kept in the database only "
        "(over `GEOZONE_SQL_MEMORY_MAX_FEATURES`); coverage needs it in memory "
        "(`layer_in_database_only`)."
    },
}


@router.get(
    "/coverage/presets",
    summary="The service-radius presets by their human names (standard, year, title)",
    response_model=PresetsDocument,
    responses={200: {"description": "Every built-in preset.", "model": PresetsDocument}},
)
def list_presets(settings: SettingsDep) -> dict[str, Any]:
    """Each preset's code (``name``, what ``preset=`` takes), zh/en title, standard and year.

    ``default`` is the preset a request without ``preset`` gets.
    """
    return {
        "default": _preset(None, settings),
        "presets": [p.to_dict() for p in PRESETS.values()],
    }


@router.get(
    "/coverage",
    summary="Park service-radius coverage of a district",
    response_model=None,
    responses=_RESPONSES,
)
async def get_coverage(
    request: Request,
    catalog: CatalogDep,
    settings: SettingsDep,
    principal: PrincipalDep,
    district: Annotated[
        str, Query(min_length=1, description="Adcode or name, e.g. 110112 or 通州区")
    ],
    preset: Annotated[
        str | None,
        Query(description=f"One of {sorted(PRESETS)}", json_schema_extra=_PRESET_ENUM),
    ] = None,
    by: Annotated[Literal["township", "district", "none"], Query()] = "township",
    extent: Annotated[Literal["urban", "district"], Query()] = "urban",
    residential_classes: Annotated[str | None, Query(description="e.g. 0701,0703")] = None,
    include_geometry: bool = False,
    as_of: date | None = None,
) -> Response:
    """Coverage of one district of the loaded layer set (same JSON as the POST)."""
    body = CoverageBody(
        district=district, preset=preset, by=None if by == "none" else by, extent=extent,
        residential_classes=residential_classes, include_geometry=include_geometry,
        as_of=as_of,
    )  # fmt: skip
    sees = principal is not None and principal.sees_restricted
    return await run_in_pool(request, _respond, request, catalog, settings, body, sees)


@router.post(
    "/coverage",
    summary="Park service-radius coverage (district, what-if or ad hoc)",
    response_model=None,
    responses=_RESPONSES,
)
async def post_coverage(
    request: Request,
    catalog: CatalogDep,
    settings: SettingsDep,
    principal: PrincipalDep,
    body: Annotated[CoverageBody, Body()],
) -> Response:
    """Coverage of a district, with candidate parks (what-if), or of posted GeoJSON layers."""
    sees = principal is not None and principal.sees_restricted
    return await run_in_pool(request, _respond, request, catalog, settings, body, sees)
