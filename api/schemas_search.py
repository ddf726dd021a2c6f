"""Response schema of ``GET /api/v1/places/search`` (:mod:`geozone.place_search`)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class SearchResult(BaseModel):
    """A named place of the layer set, or the text read as coordinates.

    A place (``type: "place"``) carries its layer, name, first feature id and the number of
    features of that layer version sharing the name; coordinates (``type: "coordinates"``)
    carry ``lon``/``lat`` (WGS84) and the ``crs`` and ``x``/``y`` they were read in.
    """

    model_config = ConfigDict(extra="forbid")

    type: Literal["place", "coordinates"]
    match: Literal["exact", "prefix", "substring"]
    name: str = Field(description="As stored (a synthetic layer's label kept), or lon, lat.")
    bbox: list[float] = Field(
        min_length=4,
        max_length=4,
        description="[min_lon, min_lat, max_lon, max_lat], EPSG:4326, rounded outwards",
    )
    layer_id: str | None = None
    version: str | None = None
    kind: str | None = None
    layer_title_zh: str | None = None
    layer_title_en: str | None = None
    role: Literal["name", "water_source"] | None = Field(
        None, description="`name`: features' own name; `water_source`: the source they protect."
    )
    name_en: str | None = None
    zone_class: str | None = None
    code: str | None = None
    feature_id: str | None = None
    feature_count: int | None = None
    synthetic: bool | None = None
    crs: str | None = None
    x: float | None = None
    y: float | None = None
    lon: float | None = None
    lat: float | None = None


class SearchDocument(BaseModel):
    """Matches best first: exact, then prefix, then substring."""

    model_config = ConfigDict(extra="forbid")

    q: str
    as_of: str
    results: list[SearchResult]
