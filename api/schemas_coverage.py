"""Published schema of the coverage answer (``GET/POST /api/v1/coverage``).

It *describes* :meth:`geozone.coverage.result.CoverageResult.to_dict` (the route writes
those bytes itself, never through this model); ``tests/test_schemas.py`` validates real
answers against it. Areas are m² (``*_ha`` hectares) measured in EPSG:4548; ratios and
shares are fractions (0..1); geometries are WGS84 (EPSG:4326) GeoJSON.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import ConfigDict, Field

from api.schemas import FEATURE_COLLECTION, LayerKindText, _Closed


class Tier(_Closed):
    """One row of a service-radius preset: which parks get which radius."""

    class_: str | None = Field(alias="class", description="Park class, or null: any class.")
    min_area_m2: float = Field(description="Smallest park area (m²).")
    max_area_m2: float | None = Field(description="Largest park area (m², exclusive), or null.")
    radius_m: float = Field(description="Service radius in metres.")
    historic: bool | None = Field(
        description="true: only parks inside a 历史文化街区; false: only outside; null: any."
    )
    min_inclusive: bool = Field(description="Whether `min_area_m2` itself qualifies.")


class PresetInfo(_Closed):
    """The service-radius preset used, with its source and the names a person reads."""

    name: str = Field(description="The code a request gives, e.g. `gbt50563`.")
    title_zh: str = Field(description="e.g. GB/T 50563-2010 城市园林绿化评价标准.")
    title_en: str
    standard: str | None = Field(description="Standard number, e.g. GB/T 50563, or null.")
    year: int | None = Field(description="The standard's year, or null.")
    source: str
    tiers: list[Tier]


class PresetsDocument(_Closed):
    """``GET /api/v1/coverage/presets``: the built-in service-radius presets, default first."""

    default: str
    presets: list[PresetInfo]


class ExtentInfo(_Closed):
    """The extent the coverage was measured in."""

    label: str | None
    area_m2: float = Field(description="Extent area (m², EPSG:4548).")


class ParkItem(_Closed):
    """A park given to the run (counted when its radius is above 0)."""

    feature_id: str
    name: str | None
    park_class: str | None
    area_m2: float = Field(description="Polygon area (m², EPSG:4548).")
    historic: bool
    radius_m: float = Field(description="Service radius (m); 0 = not counted by the preset.")


class ParksSummary(_Closed):
    """How many parks were given and counted, counts per radius, and each counted park."""

    considered: int
    counted: int
    by_radius_m: dict[str, int] = Field(description='Counted parks per radius, e.g. {"500": 12}.')
    items: list[ParkItem]


class ParcelCounts(_Closed):
    """Residential parcels in the extent: all, fully, partly and not covered."""

    count: int
    full: int
    partial: int
    none: int


class UnitRow(_Closed):
    """Coverage of one township or district."""

    code: str
    name: str | None
    covered_m2: float | None
    total_m2: float | None
    covered_ha: float | None
    total_ha: float | None
    ratio: float | None = Field(description="Covered ÷ total, null without residential land.")
    target: float | None = Field(description="The unit's headline target (fraction), or null.")
    met: bool | None


class TargetComparison(_Closed):
    """A plan target with the actual ratio; `met`/`gap` only when `comparable`."""

    indicator: str
    scope: str = Field(description="`national`, `beijing` or a district adcode.")
    value: float = Field(description="Threshold (fraction).")
    comparator: Literal[">", ">="]
    label_zh: str
    label_en: str
    year: int | None
    source: str
    binding: bool
    preset: str | None = Field(description="Preset the target is defined with, or null.")
    actual: float | None
    comparable: bool
    met: bool | None
    gap: float | None = Field(description="actual − value (fraction), or null.")
    note: str | None


class BlindSpots(_Closed):
    """Residential land outside every service area; count and GeoJSON with include_geometry."""

    area_m2: float
    count: int | None = None
    geojson: dict[str, Any] | None = Field(None, json_schema_extra=FEATURE_COLLECTION)


class CoverageDistrict(_Closed):
    """The district of a layer-set run."""

    code: str
    name: str


class CoverageLayerset(_Closed):
    """Identity of the layer set a run used."""

    id: str
    version: str
    hash: str


class CoverageLayer(_Closed):
    """A layer version the run used."""

    id: str
    version: str
    key: str
    kind: LayerKindText
    synthetic: bool


class WhatIfCandidate(_Closed):
    """A posted candidate park: its area and the radius the preset gives it (0 = none)."""

    model_config = ConfigDict(extra="allow")

    feature_id: str | None = None
    area_m2: float = Field(description="Polygon area (m², EPSG:4548).")
    radius_m: float = Field(description="Service radius (m); 0 = not counted by the preset.")


class WhatIfAnswer(_Closed):
    """Coverage before and after adding the candidate parks to the district's own."""

    before: float | None
    after: float | None
    gain_m2: float = Field(description="Residential land newly covered (m², EPSG:4548).")
    gain_pp: float = Field(description="Gain in percentage points of all residential land.")
    candidates: list[WhatIfCandidate]
    newly_covered: dict[str, Any] | None = Field(
        None,
        description="With include_geometry: the newly covered land (WGS84), gain_m2 per part.",
        json_schema_extra=FEATURE_COLLECTION,
    )


class SuggestedSite(_Closed):
    """One suggested park site: its position and its gain after the earlier sites."""

    rank: int
    x: float = Field(description="Easting (m, EPSG:4548).")
    y: float = Field(description="Northing (m, EPSG:4548).")
    lon: float
    lat: float
    gain_m2: float = Field(description="Residential land it newly covers (m²).")
    gain_pp: float = Field(description="Gain in percentage points of all residential land.")
    ratio_after: float = Field(description="Coverage with this and the earlier sites (0..1).")


class SiteSuggestionsAnswer(_Closed):
    """Greedy park-site suggestions: each site's service disc covers the most blind spots."""

    radius_m: float
    before: float | None
    sites: list[SuggestedSite]
    geojson: dict[str, Any] | None = Field(
        None, description="With include_geometry: the sites' service discs (WGS84).",
        json_schema_extra=FEATURE_COLLECTION,
    )  # fmt: skip


class CoverageAnswer(_Closed):
    """Park service-radius coverage (公园绿地服务半径覆盖率) of residential land.

    Layer-set runs add `as_of`, `layerset`, `layers`, `district`, `extent_kind` and `by`;
    `include_geometry` adds `blind_spots.geojson`, `service_area` and (with units)
    `units_geojson`.
    """

    metric: Literal["park_service_radius_coverage"]
    ratio: float | None = Field(description="Covered ÷ total (0..1), null without residential.")
    percent: float | None
    covered_m2: float
    total_m2: float
    covered_ha: float
    total_ha: float
    area_crs: str = Field(description="CRS areas are measured in (EPSG:4548).")
    preset: PresetInfo
    residential_classes: list[str]
    extent: ExtentInfo | None
    parks: ParksSummary
    parcels: ParcelCounts
    units: list[UnitRow] | None
    targets: list[TargetComparison]
    headline_target: TargetComparison | None = Field(
        description="The most specific target comparable with the preset, or null."
    )
    blind_spots: BlindSpots
    synthetic: bool
    warnings: list[str]
    as_of: str | None = Field(None, json_schema_extra={"format": "date"})
    layerset: CoverageLayerset | None = None
    layers: list[CoverageLayer] | None = None
    district: CoverageDistrict | None = None
    extent_kind: Literal["urban", "district"] | None = None
    by: Literal["township", "district"] | None = None
    service_area: dict[str, Any] | None = Field(None, json_schema_extra=FEATURE_COLLECTION)
    units_geojson: dict[str, Any] | None = Field(None, json_schema_extra=FEATURE_COLLECTION)
    what_if: WhatIfAnswer | None = Field(
        None, description="With posted candidate parks on a district: their own effect."
    )
    suggested_sites: SiteSuggestionsAnswer | None = Field(
        None, description="With `suggest`: greedy park sites on the blind spots, best first."
    )
