"""schemathesis hooks (``SCHEMATHESIS_HOOKS=schemathesis_hooks``): one narrowed check.

Every built-in check runs (``--checks all``) except ``positive_data_acceptance``, which
runs here as :func:`positive_data_acceptance_geozone`: the built-in check, whose failure
is kept unless the 422 is one of the refusals listed in :data:`SEMANTIC_REFUSALS`. Each
is a property of the *content* of a value that JSON Schema cannot state; a schema
mismatch (``invalid_request``, FastAPI's validation) is never excused.
"""

from __future__ import annotations

from typing import Any

import schemathesis
from schemathesis.checks import positive_data_acceptance

GEOMETRY = ("invalid_geojson", "invalid_geometry", "query_too_large")

AREA_OF_USE = "invalid_input: outside its area of use"
"""``invalid_input`` whose message says the coordinates cannot be transformed."""

OGC_DATETIME_PATHS = (
    "/ogc/collections/{collection_id}/items",
    "/ogc/collections/{collection_id}/items/{feature_id}",
    "/ogc/collections/{collection_id}/tiles",
    "/ogc/collections/{collection_id}/tiles/WebMercatorQuad",
    "/ogc/collections/{collection_id}/tiles/WebMercatorQuad/tilejson.json",
    "/ogc/collections/{collection_id}/tiles/WebMercatorQuad/{z}/{y}/{x}",
)
"""OGC operations with a ``datetime`` parameter."""

SEMANTIC_REFUSALS: dict[tuple[str, str], tuple[str, ...]] = {
    # the layer set's dates: a well-formed as_of before the first administrative layer
    # ... and lon/lat pairs (in every CRS) that EPSG:4548, a transverse Mercator on 117°E,
    # cannot represent (~90° of longitude away): a joint property of two parameters
    ("GET", "/api/v1/lookup"): ("no_layers_in_force", AREA_OF_USE),
    # the names of places in force on as_of: none before the first administrative layer
    ("GET", "/api/v1/places"): ("no_layers_in_force",),
    # geometry validity (closed rings, no self-intersection, positions of 2-3 numbers,
    # coordinates of the declared CRS) is beyond JSON Schema
    ("POST", "/api/v1/lookup"): ("no_layers_in_force", "swapped_lon_lat", AREA_OF_USE, *GEOMETRY),
    ("POST", "/api/v1/coverage"): ("unknown_crs", *GEOMETRY),
    # ... and where a drawn line or polygon lies (EPSG:4548 measures within its window)
    ("POST", "/api/v1/measure"): (
        "unknown_crs",
        "unsupported_crs",
        "outside_analysis_crs",
        AREA_OF_USE,
        *GEOMETRY,
    ),
    # an uploaded file's content (its format, geometries, attributes) is `format: binary`
    ("POST", "/api/v1/jobs"): ("invalid_input", "unknown_crs", *GEOMETRY),
    # an OGC datetime interval's calendar and order (2020-02-30, an end before its start)
    # are beyond its pattern
    **{("GET", path): ("invalid_date",) for path in OGC_DATETIME_PATHS},
    # ... and a bbox's order and latitude range, a CQL2 filter's grammar and names (400)
    ("GET", "/ogc/collections/{collection_id}/items"): (
        "invalid_date",
        "invalid_input",
        "invalid_filter",
    ),
    # the layer set after the change must validate (valid_to on or after valid_from, ...)
    ("POST", "/api/v1/admin/layers/{layer_id}/versions/{version}/retire"): ("validation_failed",),
    ("POST", "/api/v1/admin/layers/{layer_id}/versions"): (
        "invalid_input",
        "invalid_layer",
        "validation_failed",
        "unknown_crs",
        *GEOMETRY,
    ),
    # the challenged hit must be one of that report's hits; a comment of blanks is empty;
    # a corrected outline must be a valid polygon
    ("POST", "/api/v1/reports/{report_id}/challenges"): ("invalid_input", *GEOMETRY),
    # an uploaded file's content must be a geozone report (PDF, signed or plain JSON)
    ("POST", "/api/v1/reports/verify"): ("invalid_input",),
}
"""``(method, path) -> error codes`` a schema-valid request may still be refused with (422)."""


def _code(response: Any) -> str | None:
    try:
        body = response.json()
    except ValueError:
        return None
    return body.get("code") if isinstance(body, dict) else None


@schemathesis.check
def positive_data_acceptance_geozone(ctx: Any, response: Any, case: Any) -> bool | None:
    """``positive_data_acceptance``, excusing only the refusals in SEMANTIC_REFUSALS."""
    try:
        return positive_data_acceptance(ctx, response, case)
    except AssertionError:
        allowed = SEMANTIC_REFUSALS.get((case.method.upper(), case.operation.path), ())
        code = _code(response)
        if code == "invalid_input" and "outside its area of use" in response.text:
            code = AREA_OF_USE
        if response.status_code in (400, 422) and code in allowed:
            return None
        raise
