"""Published schemas of the vector-tile documents (OGC API Tiles tilesets, TileJSON 3.0.0).

They describe what :mod:`api.routes.tiles` writes (the routes return their own dicts);
``tests/test_schemas.py`` validates real documents against them. Zooms are Web Mercator
(WebMercatorQuad) levels; bounds are CRS84 lon/lat degrees, absent for a restricted layer
without a reader token.
"""

from __future__ import annotations

from typing import Literal

from api.schemas import _Closed


class TileLink(_Closed):
    """A link of a tileset document; ``templated`` marks the ``{z}/{y}/{x}`` tile URL."""

    href: str
    rel: str
    type: str | None = None
    title: str | None = None
    templated: bool | None = None


class TileMatrixLimit(_Closed):
    """One zoom level the tileset serves."""

    tileMatrix: str


class TilesetLayer(_Closed):
    """The one MVT layer of a tileset (named after the layer id)."""

    id: str
    dataType: Literal["vector"]
    geometryType: str


class BoundingBox(_Closed):
    """Extent of the layer's versions, CRS84."""

    lowerLeft: list[float]
    upperRight: list[float]
    crs: str


class Tileset(_Closed):
    """``GET /ogc/collections/{id}/tiles/WebMercatorQuad``: one vector tileset."""

    title: str
    dataType: Literal["vector"]
    crs: str
    tileMatrixSetURI: str
    tileMatrixSetId: str
    tileMatrixSetLimits: list[TileMatrixLimit]
    minZoom: int
    maxZoom: int
    access: Literal["public", "restricted"]
    layers: list[TilesetLayer]
    links: list[TileLink]
    boundingBox: BoundingBox | None = None


class Tilesets(_Closed):
    """``GET /ogc/collections/{id}/tiles``: the collection's tilesets."""

    links: list[TileLink]
    tilesets: list[Tileset]


class VectorLayer(_Closed):
    """A TileJSON ``vector_layers`` entry: the MVT layer and its attribute types."""

    id: str
    description: str | None = None
    minzoom: int
    maxzoom: int
    fields: dict[str, str]


class TileJSON(_Closed):
    """``.../tiles/WebMercatorQuad/tilejson.json``: TileJSON 3.0.0 for map clients."""

    tilejson: Literal["3.0.0"]
    name: str
    description: str
    scheme: Literal["xyz"]
    tiles: list[str]
    minzoom: int
    maxzoom: int
    vector_layers: list[VectorLayer]
    bounds: list[float] | None = None
