"""Domain exceptions, each carrying its HTTP status, a stable code and a safe message.

The HTTP adapter renders any :class:`GeozoneError` as ``{"code", "message", "detail"}``
with :attr:`GeozoneError.status`; the CLI prints the message and exits non-zero.
``message`` is always safe to show to a caller: it names the problem in the input,
never a stack trace or a server path.
"""

from __future__ import annotations

from typing import Any


class GeozoneError(Exception):
    """Base class of every error geozone raises on purpose."""

    status: int = 500
    code: str = "internal"

    def __init__(self, message: str, detail: Any = None) -> None:
        super().__init__(message)
        self.message = message
        self.detail = detail

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON error body ``{"code", "message", "detail"}``."""
        return {"code": self.code, "message": self.message, "detail": self.detail}


class ManifestError(GeozoneError):
    """A layer manifest or rule table is malformed (names file, key and problem)."""

    status = 422
    code = "invalid_manifest"


class LayerLoadError(GeozoneError):
    """A layer file cannot be read or does not match its manifest entry."""

    status = 422
    code = "layer_load_failed"


class LayerNotFound(GeozoneError):
    """No layer (or no version of it) with that id."""

    status = 404
    code = "layer_not_found"


class FeatureNotFound(GeozoneError):
    """No feature with that id in the layer."""

    status = 404
    code = "feature_not_found"


class ReportNotFound(GeozoneError):
    """No stored report with that id."""

    status = 404
    code = "report_not_found"


class InvalidInput(GeozoneError):
    """Generic bad input (a parameter that does not parse)."""

    status = 422
    code = "invalid_input"


class InvalidGeoJSON(InvalidInput):
    """The body is not valid GeoJSON of an accepted type."""

    code = "invalid_geojson"


class InvalidGeometry(InvalidInput):
    """A geometry is structurally fine but not valid (bow-tie, self-intersection)."""

    code = "invalid_geometry"


class SwappedCoordinates(InvalidInput):
    """Coordinates look like (lat, lon) instead of (lon, lat)."""

    code = "swapped_lon_lat"


class UnknownCRS(InvalidInput):
    """A declared CRS is not recognised."""

    code = "unknown_crs"


class UnknownActivity(InvalidInput):
    """An activity code is not in the activity vocabulary."""

    code = "unknown_activity"


class UnknownClass(InvalidInput):
    """A zone class is not in the vocabulary of its layer kind."""

    code = "unknown_class"


class InvalidDate(InvalidInput):
    """A date does not parse as ISO 8601 (YYYY-MM-DD)."""

    code = "invalid_date"


class QueryTooLarge(GeozoneError):
    """A query exceeds a configured limit (vertices, features, body size)."""

    status = 413
    code = "query_too_large"


class ValidationFailed(GeozoneError):
    """An uploaded layer version failed validation; ``detail`` holds the report."""

    status = 422
    code = "validation_failed"


class Unauthorized(GeozoneError):
    """Admin endpoint called without a bearer token."""

    status = 401
    code = "unauthorized"


class Forbidden(GeozoneError):
    """Admin endpoint called with a wrong token, or admin is switched off."""

    status = 403
    code = "forbidden"


class JobNotFound(GeozoneError):
    """No batch job with that id."""

    status = 404
    code = "job_not_found"


class JobNotReady(GeozoneError):
    """A batch job's result was asked for before the job finished."""

    status = 409
    code = "job_not_ready"


class ReportStoreUnavailable(GeozoneError):
    """The report store cannot commit an answer now (disk full, read-only, I/O error).

    Nothing was stored and no report id is handed out; the service answers 503 with a
    ``Retry-After`` header and ``/healthz`` reports the store as not writable until a
    commit succeeds again. ``message`` names the kind of failure, never a path.
    """

    status = 503
    code = "report_store_unavailable"
