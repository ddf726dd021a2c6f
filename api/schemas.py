"""Typed, published schemas of the JSON the service answers: the lookup answer and the error body.

These models *describe* bytes the core writes (:meth:`geozone.lookup.LookupResult.to_json`)
and the error handler writes (:func:`api.errors.error_response`); the fast point path
never serialises through them (its bytes must stay the engine's). Their JSON Schemas
are published in the OpenAPI document, and ``tests/test_schemas.py`` validates the bytes
of thousands of real answers against them. Areas are m² and distances metres, measured
in EPSG:4548; shares are fractions of the parcel's area (0..1).
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

DATE_PATTERN = r"^\d{4}-\d{2}-\d{2}$"
"""A date as the server reads it (``date.fromisoformat`` of ``YYYY-MM-DD``)."""

DATE = {"format": "date", "pattern": DATE_PATTERN}
"""``json_schema_extra`` of a date parameter or field (YYYY-MM-DD)."""

DATE_TIME = {"format": "date-time"}
"""``json_schema_extra`` of an RFC 3339 time parameter."""

FEATURE_COLLECTION: dict[str, Any] = {
    "required": ["type", "features"],
    "properties": {
        "type": {"type": "string", "enum": ["FeatureCollection"]},
        "features": {"type": "array", "items": {}},
    },
}
"""``json_schema_extra`` of a body that is a GeoJSON FeatureCollection (each feature's
problems are answered per row, not refused as a whole)."""

VerdictText = Literal["prohibited", "conditional", "permitted", "outside"]
LayerKindText = Literal[
    "redline",
    "control_zone",
    "water_protection",
    "reservoir_ring",
    "control_unit",
    "park",
    "residential",
    "admin",
]


class _Closed(BaseModel):
    """A JSON object with exactly the members declared (``additionalProperties: false``)."""

    model_config = ConfigDict(extra="forbid")


class ErrorBody(_Closed):
    """Every error the service answers (4xx and 5xx): a stable code, a message, a detail."""

    code: str = Field(description="Stable machine-readable error code, e.g. `invalid_geojson`.")
    message: str = Field(description="What went wrong and how to fix it, for people.")
    detail: Any = Field(
        description="Structured context (the offending field, value, limits), or null."
    )


class AdminUnit(_Closed):
    """An administrative unit (district or township): its code and Chinese name."""

    code: str
    name: str


class AdminShare(_Closed):
    """An administrative unit the query lies in, with the part of a parcel inside it."""

    code: str
    name: str
    area_m2: float | None = Field(description="Parcel area inside the unit (m²); null for a point.")
    share: float | None = Field(
        description="Fraction of the parcel inside the unit; null for a point."
    )


class Admin(_Closed):
    """Where the query lies: the main district and township, and every one it touches."""

    district: AdminUnit | None
    township: AdminUnit | None
    districts: list[AdminShare]
    townships: list[AdminShare]


class Geometry(BaseModel):
    """A GeoJSON geometry (WGS84 longitude/latitude degrees), coordinates rounded."""

    type: Literal["Point", "Polygon", "MultiPolygon"]
    coordinates: list[Any]


class AnswerQuery(_Closed):
    """The normalised question: what the report id is computed from."""

    type: Literal["point", "parcel"]
    geometry: Geometry
    crs: str = Field(description="The CRS the input was given in, as understood.")
    as_of: str = Field(description="Date (YYYY-MM-DD) whose layer versions answered.")
    tolerance_m: float = Field(description="Boundary tolerance in metres (EPSG:4548).")
    activities: list[str]
    area_m2: float | None = Field(description="Parcel area in m² (EPSG:4548); null for a point.")
    detail: Literal["summary"] | None = Field(
        None, description="Present (`summary`) only for a summary answer."
    )


class Layerset(_Closed):
    """The layer set that answered: id, version and content hash."""

    id: str
    version: str
    hash: str


class AnswerLayer(_Closed):
    """A layer version in force on ``as_of`` that the lookup consulted."""

    id: str
    version: str
    key: str = Field(description="`<id>@<version>`.")
    kind: LayerKindText
    synthetic: bool


class Jurisdiction(_Closed):
    """The authority whose document a citation names."""

    code: str
    level: str
    name_zh: str
    name_en: str


class Citation(_Closed):
    """The legal source of a rule; ``confidence: verify`` marks one still to be checked."""

    document: str
    article: str | None
    url: str | None
    confidence: Literal["src", "verify"]
    jurisdiction: Jurisdiction


class HitRule(_Closed):
    """The rule a hit brings for one activity (``superseded_by`` another hit's rule)."""

    activity: str
    verdict: Literal["prohibited", "conditional", "permitted"]
    condition_zh: str
    condition_en: str
    citation: Citation
    rule_id: str
    dimensions: dict[str, str] | None = Field(
        description="Control-unit dimensions (spatial_layout, emission_control, ...)."
    )
    superseded_by: str | None


class Hit(_Closed):
    """A feature the query lies in, overlaps, or comes within tolerance of."""

    layer_id: str
    layer_version: str
    layer_kind: LayerKindText
    layer_title_zh: str
    layer_title_en: str
    feature_id: str
    zone_class: str
    class_zh: str
    class_en: str
    name: str | None
    inside: bool
    edge: bool = Field(description="Within tolerance of the feature's boundary.")
    distance_to_boundary_m: float = Field(description="Metres to the boundary (EPSG:4548).")
    overlap_m2: float | None = Field(description="Overlap with the parcel (m²); null for a point.")
    overlap_share: float | None = Field(description="Fraction of the parcel; null for a point.")
    synthetic: bool
    rules: list[HitRule]


class DecidedBy(_Closed):
    """The hit whose rule decided a verdict."""

    layer_id: str
    feature_id: str
    zone_class: str
    class_zh: str
    class_en: str


class VerdictPart(_Closed):
    """The verdict on the part of a parcel in one district."""

    district: AdminUnit | None
    verdict: VerdictText
    rule_id: str | None
    citation: Citation | None
    condition_zh: str | None
    condition_en: str | None
    decided_by: DecidedBy | None


class ActivityVerdict(_Closed):
    """The overall verdict for one activity: the strictest rule of the hits."""

    activity: str
    activity_zh: str
    activity_en: str
    verdict: VerdictText
    rule_id: str | None
    citation: Citation | None
    condition_zh: str | None
    condition_en: str | None
    decided_by: DecidedBy | None
    parts: list[VerdictPart] | None = Field(
        description="Per-district verdicts when a parcel spans districts; else null."
    )


class ContextGroup(_Closed):
    """``detail=summary``: context-layer features per layer and class."""

    layer_id: str
    layer_version: str
    layer_kind: LayerKindText
    layer_title_zh: str
    layer_title_en: str
    zone_class: str
    class_zh: str
    class_en: str
    count: int = Field(description="Features the query lies in.")
    near: int = Field(description="Features within tolerance only.")
    overlap_m2: float | None
    overlap_share: float | None


class LookupAnswer(_Closed):
    """The lookup answer: the JSON of ``geozone lookup --json``, stored under ``report_id``."""

    report_id: str = Field(description="32 hex digits; the answer is stored under it.")
    geozone_version: str
    query: AnswerQuery
    as_of: str = Field(description="Date (YYYY-MM-DD) whose layer versions answered.")
    layerset: Layerset
    rules_version: str
    layers: list[AnswerLayer]
    synthetic: bool
    inside_territory: bool
    admin: Admin
    hits: list[Hit]
    verdicts: list[ActivityVerdict]
    warnings: list[str]
    context: list[ContextGroup] | None = Field(
        None, description="Only with `detail=summary`: the context layers' features, counted."
    )


class BatchCounts(_Closed):
    """Rows per status."""

    ok: int
    edge: int
    error: int


class BatchRow(_Closed):
    """One feature of a batch: its status, verdicts in brief and the full answer."""

    row: int = Field(description="0-based index of the feature in the input.")
    id: str | None = Field(description="The feature's `id` (or `properties.id`).")
    status: Literal["ok", "edge", "error"] = Field(
        description="`edge`: a zone boundary within tolerance; `error`: see `message`."
    )
    message: str | None
    report_id: str | None
    inside_territory: bool | None
    verdicts: dict[str, VerdictText] = Field(description="Activity code -> verdict.")
    hits: list[str] = Field(description="`<layer_id>:<zone_class>:<feature_id>` of each hit.")
    result: LookupAnswer | None = Field(description="The full lookup answer; null on error.")


class BatchAnswer(_Closed):
    """``POST /api/v1/lookup/batch``: one row per input feature, in input order."""

    count: int
    counts: BatchCounts
    activities: list[str]
    results: list[BatchRow]


class JobLinks(_Closed):
    """Where to poll a job and fetch its results."""

    status: str
    geojson: str
    csv: str


class JobState(_Closed):
    """A batch job: its state, row counts once done, and its links (times RFC 3339, UTC)."""

    job_id: str
    status: Literal["queued", "running", "done", "failed", "expired"]
    filename: str
    created_at: str
    started_at: str | None
    finished_at: str | None
    message: str | None = Field(description="Why the job failed; null otherwise.")
    summary: dict[str, Any] = Field(description="Row counts per status once done.")
    expires_at: str | None = Field(description="When the results are deleted.")
    links: JobLinks


class LayerVersion(_Closed):
    """One version of a layer: validity (YYYY-MM-DD, inclusive), provenance, file hash."""

    version: str
    key: str
    valid_from: str | None
    valid_to: str | None
    feature_count: int
    synthetic: bool
    in_force: bool
    source: str | None
    licence: str | None
    source_crs: str | None
    sha256: str
    warnings: list[str]


class LayerDocument(_Closed):
    """A layer with its versions; never geometry (OGC items; restricted: reader token)."""

    id: str
    kind: LayerKindText
    title_zh: str
    title_en: str
    synthetic: bool
    access: Literal["public", "restricted"]
    in_force: str | None = Field(description="The version in force on `as_of`, if any.")
    versions: list[LayerVersion]


class LayersetInfo(_Closed):
    """The layer set: id, version, titles, content hash."""

    id: str
    version: str
    title_zh: str
    title_en: str
    hash: str
    synthetic: bool


class LayersDocument(_Closed):
    """``GET /api/v1/layers``: every layer, versions marked in force on ``as_of``."""

    layerset: LayersetInfo
    as_of: str
    layers: list[LayerDocument]


class Place(_Closed):
    """A named district or township: no geometry beyond its WGS84 bbox (degrees)."""

    layer_id: str
    version: str
    feature_id: str
    kind: str
    zone_class: Literal["district", "township"]
    code: str
    name: str | None
    bbox: list[float] = Field(
        min_length=4,
        max_length=4,
        description="[min_lon, min_lat, max_lon, max_lat], EPSG:4326, rounded outwards",
    )


class PlacesDocument(_Closed):
    """``GET /api/v1/places``: districts then townships of the admin layer in force."""

    as_of: str
    places: list[Place]


class StoreHealth(_Closed):
    """Whether the report store can write; ``since`` (RFC 3339) when it stopped."""

    writable: bool
    error: str | None
    since: str | None


class Generation(_Closed):
    """The layer-set generation a worker serves (``hash`` repeats ``id``)."""

    id: str
    hash: str
    counter: int
    loaded_at: str | None


class FollowerHealth(_Closed):
    """The worker's watch of its layer store (``interval_s`` seconds between looks)."""

    source: Literal["database"] | None = Field(
        None, description="`database` when the layers follow GEOZONE_DATABASE_URL."
    )
    reload_error: dict[str, Any] | None
    checked_at: str | None
    interval_s: float
    database_error: dict[str, Any] | None = Field(
        None, description="Since when (and why) the follower cannot read the database."
    )


class DatabaseHealth(_Closed):
    """The database (``GEOZONE_DATABASE_URL``): reachable now, or why not."""

    reachable: bool
    error: str | None
    where: str = Field(description="host:port/db (never a password).")


class HealthLayer(_Closed):
    """A layer version of the loaded set."""

    id: str
    version: str
    kind: LayerKindText
    valid_from: str
    valid_to: str | None
    feature_count: int
    synthetic: bool


class HealthLayerset(_Closed):
    """The loaded layer set and how long it took to load (seconds)."""

    id: str
    version: str
    hash: str
    synthetic: bool
    load_seconds: float
    layers: list[HealthLayer]


class Health(_Closed):
    """``/healthz`` (200 ``ok``, 503 ``degraded``: the same document)."""

    status: Literal["ok", "degraded"]
    worker_pid: int
    report_store: StoreHealth
    database: DatabaseHealth | None = Field(
        None, description="Only with GEOZONE_DATABASE_URL; unreachable: status degraded."
    )
    generation: Generation
    layers: FollowerHealth
    layerset: HealthLayerset
    versions: dict[str, str] = Field(description="geozone, Python, shapely, GEOS, GDAL, PROJ...")


class GenerationBrief(_Closed):
    """A layer-set generation, briefly."""

    id: str
    counter: int


class AdminChange(_Closed):
    """An accepted layer change: the new layer set's hash and generation, the validation."""

    layer_id: str
    version: str
    valid_to: str | None = Field(None, description="Retirement only: the new last day.")
    layerset_hash: str
    generation: GenerationBrief
    generation_before: GenerationBrief
    validation: dict[str, Any] = Field(description="The `geozone layers validate` report.")
    worker_pid: int


class AuditEntry(BaseModel):
    """One admin change attempt, accepted or refused (uploads add file, bytes, sha256...)."""

    model_config = ConfigDict(extra="allow")

    action: Literal["upload", "retire"]
    time: str = Field(description="RFC 3339, UTC.")
    who: str | None = Field(description="The token's name; null when none was accepted.")
    layer_id: str | None
    version: str | None
    outcome: dict[str, Any] = Field(description="`{status, code}` of the answer given.")
    generation_before: GenerationBrief | None
    generation_after: GenerationBrief | None


class AuditLog(_Closed):
    """``GET /api/v1/admin/audit``: entries newest first."""

    entries: list[AuditEntry]
    count: int
