"""Published schemas of the rule table, the activity vocabulary and the web map's config.

They *describe* what ``GET /api/v1/rules`` (:meth:`geozone.rules.RuleTable.to_dict`,
:meth:`geozone.rules.Rule.to_dict`), ``GET /api/v1/activities`` and ``GET /api/v1/config``
answer; the routes return their own dicts (never serialised through these models) and
``tests/test_schemas.py`` validates real answers against them. Dates are YYYY-MM-DD.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field
from pydantic.json_schema import JsonDict

from api.schemas import DATE_PATTERN, Citation, LayerKindText, _Closed

_DATE: JsonDict = {"format": "date", "pattern": DATE_PATTERN}


class Activity(_Closed):
    """An activity a lookup can be asked about: code, zh/en names and descriptions."""

    code: str
    zh: str
    en: str
    description_zh: str
    description_en: str


class ActivitiesDocument(_Closed):
    """``GET /api/v1/activities``: the activity vocabulary in table order."""

    rules_version: str
    activities: list[Activity]


class Rule(_Closed):
    """The verdict of one zone class on one activity (`*`: the class default), cited."""

    rule_id: str
    kind: LayerKindText
    zone_class: str
    activity: str = Field(description="Activity code, or `*` for the class default.")
    verdict: Literal["prohibited", "conditional", "permitted"]
    condition_zh: str
    condition_en: str
    citation: Citation
    dimensions: dict[str, str] | None = Field(
        description="Control-unit dimensions (spatial_layout, emission_control, ...), or null."
    )


class RulesDocument(_Closed):
    """``GET /api/v1/rules``: the table's version and hash, activities and rule rows."""

    version: str
    hash: str = Field(description="First 16 hex digits of the SHA-256 of the table files.")
    activities: list[Activity]
    rules: list[Rule]


class ConfigLayerset(_Closed):
    """The loaded layer set: id, version and titles."""

    id: str
    version: str
    title_zh: str
    title_en: str


class ConfigLayerVersion(_Closed):
    """One version of a layer with its validity (inclusive dates; `valid_to` null: open)."""

    version: str
    title_zh: str
    title_en: str
    valid_from: str = Field(json_schema_extra=_DATE)
    valid_to: str | None = Field(json_schema_extra=_DATE)
    feature_count: int
    synthetic: bool


class ConfigLayer(_Closed):
    """A layer the map can draw (`restricted`: only with a reader token)."""

    id: str
    kind: LayerKindText
    title_zh: str
    title_en: str
    feature_count: int = Field(description="Most features of any version.")
    access: Literal["public", "restricted"]
    versions: list[ConfigLayerVersion]


class Dates(_Closed):
    """The dates a lookup can answer (an admin layer in force), ranges merged, oldest first."""

    valid_from: str = Field(json_schema_extra=_DATE)
    valid_to: str | None = Field(json_schema_extra=_DATE)
    ranges: list[list[str | None]] = Field(
        description="[from, to] pairs of YYYY-MM-DD; `to` null when open-ended."
    )


class Label(_Closed):
    """A code shown to people, with zh/en names."""

    code: str
    zh: str
    en: str


class Labels(_Closed):
    """zh/en names of layer kinds and rule dimensions."""

    kinds: list[Label]
    dimensions: list[Label]


class ZoneClassInfo(_Closed):
    """A class of a layer kind; `rank` orders zone classes strictest first (null: unranked)."""

    code: str
    zh: str
    en: str
    rank: int | None


class KindInfo(_Closed):
    """A layer kind with its class vocabulary."""

    kind: LayerKindText
    zh: str
    en: str
    is_zone: bool
    classes: list[ZoneClassInfo]


class BasemapInfo(_Closed):
    """A basemap of the map's switcher (geozone/basemaps.py)."""

    id: str
    zh: str
    en: str
    urls: list[str] = Field(description="Leaflet tile URL templates, drawn bottom to top.")
    crs: str = Field(description="wgs84 (incl. CGCS2000) or gcj02 (drawn offset-corrected).")
    subdomains: str
    max_zoom: int
    attribution: str


class ConfigDocument(_Closed):
    """``GET /api/v1/config``: what the web map needs before it draws anything."""

    geozone_version: str
    basemap_url: str | None = Field(description="Basemap tile URL template, or null: none.")
    basemaps: list[BasemapInfo] = Field(
        description="Basemaps the map offers besides none (its default), in order."
    )
    synthetic: bool
    layerset: ConfigLayerset
    layers: list[ConfigLayer]
    dates: Dates | None = Field(description="Null when the layer set has no admin layer.")
    labels: Labels
    kinds: list[KindInfo]
