"""Domain exceptions, each carrying its HTTP status, a stable code and a safe message.

The HTTP adapter renders any :class:`GeozoneError` as ``{"code", "message", "detail"}``
with :attr:`GeozoneError.status`; the CLI prints the message and exits non-zero.
``message`` is always safe to show to a caller: it names the problem in the input,
never a stack trace or a server path.
"""

from __future__ import annotations

import re
from typing import Any

# An absolute path under a usual server folder (or inside an installed package): what a
# caller must never see in a message, e.g. a pyogrio error naming the file it could not read.
_ABS_PATH = re.compile(
    r"(?<![\w:/.])(?:/vsi\w+/)?(?:[A-Za-z]:)?/"
    r"(?:(?:work|tmp|home|var|usr|opt|root|srv|mnt|private|Users|data|etc|run|nix|proc)/"
    r"|[^\s'\"<>]*site-packages/)"
    r"(?:[^\s'\"<>:,;()\[\]]*/)*"
)


def without_paths(text: str) -> str:
    """``text`` with every absolute server path cut to its last part (the file name).

    >>> without_paths("/work/x/layers/data/a.gpkg: cannot read: '/tmp/u/b.zip' is bad")
    "a.gpkg: cannot read: 'b.zip' is bad"
    """
    return _ABS_PATH.sub("", text)


def scrub_paths(value: Any) -> Any:
    """:func:`without_paths` applied to every string inside a JSON-like value."""
    if isinstance(value, str):
        return without_paths(value)
    if isinstance(value, dict):
        return {k: scrub_paths(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [scrub_paths(v) for v in value]
    return value


class GeozoneError(Exception):
    """Base class of every error geozone raises on purpose."""

    status: int = 500
    code: str = "internal"
    headers: dict[str, str] | None = None
    """Extra HTTP headers for the response (e.g. ``Retry-After``)."""

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


class LayerInDatabaseOnly(GeozoneError):
    """The layer version's features are kept in the database only (``GEOZONE_LOOKUP=sql``).

    Raised by whatever needs the whole in-memory frame of such a version (tiles,
    coverage, validation against it); OGC items and lookups read it by SQL instead.
    """

    status = 501
    code = "layer_in_database_only"


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


class ProjectedCoordinates(InvalidGeoJSON):
    """Coordinates beyond ±180/±90 degrees that look like projected metres (no ``crs`` given)."""

    code = "coordinates_look_projected"


class UnknownCRS(InvalidInput):
    """A declared CRS is not recognised."""

    code = "unknown_crs"


class UnsupportedCRS(InvalidInput):
    """A CRS pyproj knows but geozone cannot take coordinates in.

    Only 2-D horizontal CRSs on Earth (geographic or projected) are accepted: not
    geocentric, 3-D, vertical, engineering CRSs, nor those of other celestial bodies.
    """

    code = "unsupported_crs"


class OutsideAnalysisCRS(InvalidInput):
    """A parcel cannot be measured in the analysis CRS (EPSG:4548): it lies beyond its area."""

    code = "outside_analysis_crs"


class ParcelTooLarge(InvalidInput):
    """A parcel is larger than ``query.max_parcel_area_m2``: it is a region, not a parcel."""

    code = "parcel_too_large"


class NoLayersInForce(InvalidInput):
    """No administrative layer is in force on the asked date: the territory is unknown then.

    ``detail`` holds the dates a lookup can be answered for (``valid_from``, ``valid_to``)
    and the message in Chinese (``message_zh``).
    """

    code = "no_layers_in_force"


class CoordinatesOutsideCRS(OutsideAnalysisCRS):
    """Coordinates cannot be in their declared CRS (e.g. metres labelled EPSG:4326)."""

    code = "coordinates_outside_crs"


class UnknownActivity(InvalidInput):
    """An activity code is not in the activity vocabulary."""

    code = "unknown_activity"


class UnknownClass(InvalidInput):
    """A zone class is not in the vocabulary of its layer kind."""

    code = "unknown_class"


class InvalidQueryParameter(InvalidInput):
    """An OGC API query parameter (``crs``, ``bbox-crs``, ``filter-lang``...) is not served.

    OGC API Features answers 400 for a bad query parameter (Part 1, 7.6).
    """

    status = 400
    code = "invalid_parameter"


class InvalidFilter(InvalidQueryParameter):
    """A CQL2 ``filter`` does not parse, names an unknown queryable or mixes types."""

    code = "invalid_filter"


class InvalidDate(InvalidInput):
    """A date does not parse as ISO 8601 (YYYY-MM-DD)."""

    code = "invalid_date"


class QueryTooLarge(GeozoneError):
    """A query exceeds a configured limit (vertices, features, body size)."""

    status = 413
    code = "query_too_large"


class QuotaExceeded(GeozoneError):
    """A client has used up its quota; ``retry_after`` seconds until it may try again."""

    status = 429
    code = "quota_exceeded"

    def __init__(self, message: str, detail: Any = None, retry_after: int = 60) -> None:
        super().__init__(message, detail)
        self.retry_after = max(1, int(retry_after))
        self.headers = {"Retry-After": str(self.retry_after)}


class StorageFull(GeozoneError):
    """A configured storage cap is reached even after pruning expired data."""

    status = 507
    code = "jobs_storage_full"

    def __init__(self, message: str, detail: Any = None) -> None:
        super().__init__(message, detail)
        self.headers = {"Retry-After": "3600"}


class ValidationFailed(GeozoneError):
    """An uploaded layer version failed validation; ``detail`` holds the report."""

    status = 422
    code = "validation_failed"


class Unauthorized(GeozoneError):
    """Admin endpoint called without a bearer token."""

    status = 401
    code = "unauthorized"


class RestrictedLayer(Unauthorized):
    """A restricted layer's geometry was asked for without a reader or admin token."""

    code = "restricted_layer"


class Forbidden(GeozoneError):
    """Admin endpoint called with a wrong token, or admin is switched off."""

    status = 403
    code = "forbidden"


class JobNotFound(GeozoneError):
    """No batch job with that id."""

    status = 404
    code = "job_not_found"


class JobExpired(GeozoneError):
    """A batch job existed but its result was deleted after the retention period."""

    status = 410
    code = "job_expired"


class JobNotReady(GeozoneError):
    """A batch job's result was asked for before the job finished."""

    status = 409
    code = "job_not_ready"


class GenerationConflict(GeozoneError):
    """A layer change named a generation (``If-Match``) that is no longer current."""

    status = 409
    code = "generation_conflict"


class ChangeBusy(GeozoneError):
    """Another layer change held the layer folder's change lock for too long."""

    status = 503
    code = "change_busy"


class AuditUnavailable(GeozoneError):
    """The audit log cannot be written, so the layer change is not made."""

    status = 503
    code = "audit_unavailable"


class ReportStoreUnavailable(GeozoneError):
    """The report store cannot commit an answer now (disk full, read-only, I/O error).

    Nothing was stored and no report id is handed out; the service answers 503 with a
    ``Retry-After`` header and ``/healthz`` reports the store as not writable until a
    commit succeeds again. ``message`` names the kind of failure, never a path.
    """

    status = 503
    code = "report_store_unavailable"


class DatabaseUnavailable(GeozoneError):
    """The PostgreSQL database (``GEOZONE_DATABASE_URL``) cannot be reached or used now.

    ``message`` names the host, port and database, never the password; HTTP 503 with a
    ``Retry-After`` header.
    """

    status = 503
    code = "database_unavailable"
    retry_after = 5

    def __init__(self, message: str, detail: Any = None) -> None:
        super().__init__(message, detail)
        self.headers = {"Retry-After": str(self.retry_after)}


class ChallengeNotFound(GeozoneError):
    """No challenge with that id."""

    status = 404
    code = "challenge_not_found"


class ChallengeConflict(GeozoneError):
    """A challenge cannot move to that status from the one it has (e.g. reopening)."""

    status = 409
    code = "challenge_status_conflict"


class ChallengeStoreUnavailable(GeozoneError):
    """The challenge store cannot commit now: nothing was stored (503, ``Retry-After``)."""

    status = 503
    code = "challenge_store_unavailable"
    headers = {"Retry-After": "5"}  # noqa: RUF012 (class default, never mutated)
