"""Published schemas of the OGC API Features documents under ``/ogc``.

They *describe* what :mod:`api.routes.ogc` and :mod:`geozone.ogc_features` write (the routes
return their own dicts and GeoJSON, never serialised through these models);
``tests/test_schemas.py`` validates real documents against them. Coordinates are CRS84
lon/lat degrees unless a `crs` is asked for; times are RFC 3339.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import ConfigDict, Field

from api.schemas import LayerKindText, _Closed


class Link(_Closed):
    """A link (OGC API Common): target, relation, media type, title."""

    href: str
    rel: str
    type: str | None = None
    title: str | None = None


class Landing(_Closed):
    """``GET /ogc``: the landing page."""

    title: str
    description: str
    links: list[Link]


class Conformance(_Closed):
    """``GET /ogc/conformance``: the conformance classes implemented."""

    conformsTo: list[str]


class SpatialExtent(_Closed):
    """Bounding box(es) in CRS84: [min lon, min lat, max lon, max lat] degrees."""

    bbox: list[list[float]]
    crs: str


class TemporalExtent(_Closed):
    """Validity interval(s): [start, end] RFC 3339 times, end null when open."""

    interval: list[list[str | None]]
    trs: str


class Extent(_Closed):
    """A collection's extent; no `spatial` for a restricted layer without a reader token."""

    spatial: SpatialExtent | None = None
    temporal: TemporalExtent


class CollectionDocument(_Closed):
    """``GET /ogc/collections/{id}``: a layer (or one version: `<id>__<version>`)."""

    id: str
    title: str
    description: str
    itemType: Literal["feature"]
    crs: list[str]
    storageCrs: str
    extent: Extent
    layer_id: str
    layer_kind: LayerKindText
    version: str | None = Field(description="The fixed version, or null: as in force.")
    version_in_force_today: str | None
    synthetic: bool
    access: Literal["public", "restricted"]
    links: list[Link]


class Collections(_Closed):
    """``GET /ogc/collections``: every layer and layer version."""

    links: list[Link]
    collections: list[CollectionDocument]


class Queryables(_Closed):
    """``GET /ogc/collections/{id}/queryables``: a JSON Schema (2019-09) of `filter` names."""

    schema_: str = Field(alias="$schema")
    id_: str = Field(alias="$id")
    type: Literal["object"]
    title: str
    properties: dict[str, dict[str, Any]] = Field(
        description="Each queryable with its title, JSON type and description."
    )
    additionalProperties: bool


class FeatureProperties(_Closed):
    """A feature's properties: the fixed members, then the file's own attributes."""

    model_config = ConfigDict(extra="allow")

    feature_id: str | int | None
    zone_class: str | None
    class_zh: str | None
    class_en: str | None
    name: str | None
    synthetic: bool
    layer_id: str
    layer_version: str
    layer_kind: LayerKindText


class FeatureDocument(_Closed):
    """A GeoJSON Feature (``GET .../items/{featureId}`` adds `links`)."""

    type: Literal["Feature"]
    id: str | int | None
    geometry: dict[str, Any] | None = Field(description="GeoJSON geometry, or null.")
    properties: FeatureProperties
    links: list[Link] | None = None


class FeatureCollectionDocument(_Closed):
    """``GET .../items``: a page of features with counts and paging links."""

    type: Literal["FeatureCollection"]
    features: list[FeatureDocument]
    numberMatched: int
    numberReturned: int
    timeStamp: str = Field(json_schema_extra={"format": "date-time"})
    layer_version: str | None = Field(description="The version the page is from, or null.")
    links: list[Link]
