"""Mapbox Vector Tiles of a layer version on the WebMercatorQuad tile matrix set.

A tile ``z/x/y`` (OGC API Tiles order in URLs: ``{z}/{y}/{x}``; ``y`` counts from the
north, as in XYZ/slippy maps) covers a square of Web Mercator (EPSG:3857) metres. A tile
holds one MVT layer named after the layer id, with one feature per layer feature whose
geometry meets the tile square grown by :data:`BUFFER` tile units on every side:

1. candidates come from an STRtree over the layer's geometries in Web Mercator, built
   once per lane (:mod:`geozone.lanes`: a GEOS tree is never used by two threads), so a
   tile costs a tree query plus its own features, not a scan of the layer;
2. each candidate is clipped to the buffered square (``clip_by_rect``), moved to tile
   units (0..:data:`EXTENT`, y down), simplified with a tolerance of
   :data:`SIMPLIFY_UNITS` tile units (a quarter of a screen pixel of a 256-pixel tile,
   so a fraction of a pixel at every zoom; topology preserved, so no feature vanishes),
   and encoded with ``mapbox_vector_tile`` (protobuf, MVT 2.1).

Feature attributes: ``feature_id``, ``zone_class``, ``name``, ``kind`` (layer kind),
``synthetic`` and ``layer_version``; the MVT feature id is the row number + 1.

Encoded tiles are kept in a :class:`TileCache`, a byte-bounded LRU per process keyed by
(layer key, data file SHA-256, z, x, y), so a new layer version never serves an old tile.

This module never imports FastAPI; :mod:`api.routes.tiles` is its HTTP adapter.
"""

from __future__ import annotations

import hashlib
import math
import threading
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

import mapbox_vector_tile
import numpy as np
import numpy.typing as npt
import shapely

from geozone.catalog import LayerVersion
from geozone.errors import GeozoneError
from geozone.lanes import current_lane

__all__ = [
    "BUFFER",
    "EXTENT",
    "MAX_ZOOM",
    "MIN_ZOOM",
    "Tile",
    "TileCache",
    "TileNotFound",
    "build_tile",
    "check_tile",
    "lonlat_to_mercator",
    "tile_bounds_mercator",
    "tile_bounds_wgs84",
]

EXTENT = 4096
"""Tile units across a tile (MVT ``extent``)."""

BUFFER = 64
"""Tile units of geometry kept beyond each tile edge (4 screen pixels), so outlines
of neighbouring tiles meet without seams."""

SIMPLIFY_UNITS = 4.0
"""Simplification tolerance in tile units: a quarter of a pixel of a 256-pixel tile."""

MIN_ZOOM = 0
MAX_ZOOM = 20
"""Zoom levels served (at z20 a tile is 38 m wide, a tile unit 9 mm)."""

EARTH_RADIUS_M = 6_378_137.0
"""WGS84 semi-major axis: the sphere radius of Web Mercator (EPSG:3857), metres."""

ORIGIN_M = math.pi * EARTH_RADIUS_M
"""Half the width of the Web Mercator square, metres (20,037,508.34 m)."""

MAX_LAT = 85.05112877980659
"""Latitude of the Web Mercator square's north and south edges, degrees."""


class TileNotFound(GeozoneError):
    """A tile outside the tile matrix set (zoom above :data:`MAX_ZOOM`, x or y out of range)."""

    status = 404
    code = "tile_not_found"


def check_tile(z: int, x: int, y: int) -> None:
    """Refuse a tile outside WebMercatorQuad zooms :data:`MIN_ZOOM`..:data:`MAX_ZOOM`.

    Raises
    ------
    TileNotFound
        Naming the tile and the valid range.
    """
    if not MIN_ZOOM <= z <= MAX_ZOOM:
        raise TileNotFound(
            f"zoom {z} is outside {MIN_ZOOM}..{MAX_ZOOM}",
            {"tileMatrix": z, "min_zoom": MIN_ZOOM, "max_zoom": MAX_ZOOM},
        )
    n = 1 << z
    if not (0 <= x < n and 0 <= y < n):
        raise TileNotFound(
            f"tile {z}/{y}/{x} (z/y/x) is outside the tile matrix: row and column are "
            f"0..{n - 1} at zoom {z}",
            {"tileMatrix": z, "tileRow": y, "tileCol": x, "max_index": n - 1},
        )


def tile_bounds_mercator(z: int, x: int, y: int) -> tuple[float, float, float, float]:
    """The tile's square in Web Mercator metres: ``(minx, miny, maxx, maxy)``.

    >>> [round(v) for v in tile_bounds_mercator(1, 1, 0)]
    [0, 0, 20037508, 20037508]
    """
    size = 2 * ORIGIN_M / (1 << z)
    minx = -ORIGIN_M + x * size
    maxy = ORIGIN_M - y * size
    return minx, maxy - size, minx + size, maxy


def tile_bounds_wgs84(z: int, x: int, y: int) -> tuple[float, float, float, float]:
    """The tile's box in WGS84 degrees: ``(min_lon, min_lat, max_lon, max_lat)``.

    >>> [round(v, 4) for v in tile_bounds_wgs84(1, 1, 0)]
    [0.0, 0.0, 180.0, 85.0511]
    """
    minx, miny, maxx, maxy = tile_bounds_mercator(z, x, y)
    return _lon(minx), _lat(miny), _lon(maxx), _lat(maxy)


def _lon(mx: float) -> float:
    return math.degrees(mx / EARTH_RADIUS_M)


def _lat(my: float) -> float:
    return math.degrees(2 * math.atan(math.exp(my / EARTH_RADIUS_M)) - math.pi / 2)


def lonlat_to_mercator(coords: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    """WGS84 ``(lon, lat)`` degrees to Web Mercator metres (latitudes clamped to ±85.0511°).

    The spherical formulas of EPSG:3857 (as pyproj computes them, to the millimetre),
    vectorised for ``shapely.transform``.
    """
    lon = coords[:, 0]
    lat = np.clip(coords[:, 1], -MAX_LAT, MAX_LAT)
    x = np.radians(lon) * EARTH_RADIUS_M
    y = np.log(np.tan(np.pi / 4 + np.radians(lat) / 2)) * EARTH_RADIUS_M
    return np.column_stack([x, y])


@dataclass(frozen=True)
class _Index:
    """A layer version's geometries in Web Mercator and their STRtree (one lane's)."""

    geoms: npt.NDArray[np.object_]
    tree: shapely.STRtree


def _index(lv: LayerVersion) -> _Index:
    """The calling lane's Web Mercator copy and tree of a layer version."""
    cache = current_lane().cache("tile_index", 64)
    found: _Index | None = cache.get1(lv)
    if found is None:
        wgs = np.asarray(lv.frame_wgs84.geometry.values, dtype=object)
        merc = shapely.transform(shapely.from_wkb(shapely.to_wkb(wgs)), lonlat_to_mercator)
        found = cache.put((lv,), None, _Index(merc, shapely.STRtree(merc)))
    return found


@dataclass(frozen=True)
class Tile:
    """An encoded tile: MVT bytes (empty for a tile with no features) and its ETag."""

    data: bytes
    etag: str
    features: int

    @property
    def empty(self) -> bool:
        """Whether the tile has no features (served as 204 No Content)."""
        return self.features == 0


def _plain(value: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, bool | int | float | str):
        return value
    return str(value)


def build_tile(
    lv: LayerVersion, z: int, x: int, y: int, simplify_units: float = SIMPLIFY_UNITS
) -> Tile:
    """Encode one tile of a layer version as a Mapbox Vector Tile.

    Parameters
    ----------
    lv
        The layer version (its ``frame_wgs84`` geometries are read, never modified).
    z, x, y
        The tile (XYZ: ``y`` counts rows from the north); see :func:`check_tile`.
    simplify_units
        Simplification tolerance in tile units (``0``: none).

    Returns
    -------
    Tile
        The MVT bytes (one layer named ``lv.id``, extent :data:`EXTENT`, y down) of
        every feature meeting the tile square grown by :data:`BUFFER` units; ``b""``
        when none does.
    """
    check_tile(z, x, y)
    minx, miny, maxx, maxy = tile_bounds_mercator(z, x, y)
    unit = (maxx - minx) / EXTENT  # metres per tile unit
    pad = BUFFER * unit
    box = (minx - pad, miny - pad, maxx + pad, maxy + pad)
    index = _index(lv)
    rows = np.sort(index.tree.query(shapely.box(*box)))
    if len(rows) == 0:
        return _finish(lv, z, x, y, b"", 0)
    clipped = shapely.clip_by_rect(index.geoms[rows], *box)
    keep = ~shapely.is_empty(clipped)
    rows, clipped = rows[keep], clipped[keep]
    if len(rows) == 0:
        return _finish(lv, z, x, y, b"", 0)

    def to_units(coords: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
        return np.column_stack([(coords[:, 0] - minx) / unit, (maxy - coords[:, 1]) / unit])

    local = shapely.transform(clipped, to_units)
    if simplify_units > 0:
        local = shapely.simplify(local, simplify_units, preserve_topology=True)
    frame = lv.frame_wgs84
    ids = frame["feature_id"].to_numpy()
    classes = frame["zone_class"].to_numpy()
    names = frame["name"].to_numpy()
    synthetic = frame["synthetic"].to_numpy()
    kind = lv.kind.value
    features = []
    for row, geom in zip(rows.tolist(), local, strict=True):
        props = {
            "feature_id": _plain(ids[row]),
            "zone_class": _plain(classes[row]),
            "name": _plain(names[row]),
            "kind": kind,
            "synthetic": bool(synthetic[row]),
            "layer_version": lv.version,
        }
        features.append(
            {
                "geometry": geom,
                "properties": {k: v for k, v in props.items() if v is not None},
                "id": row + 1,
            }
        )
    data = mapbox_vector_tile.encode(
        [{"name": lv.id, "features": features}],
        default_options={
            "extents": EXTENT,
            "y_coord_down": True,
            "on_invalid_geometry": mapbox_vector_tile.encoder.on_invalid_geometry_make_valid,
        },
    )
    return _finish(lv, z, x, y, data, len(features))


def _finish(lv: LayerVersion, z: int, x: int, y: int, data: bytes, count: int) -> Tile:
    digest = hashlib.sha256(f"{lv.key}|{lv.sha256}|{z}/{x}/{y}|".encode() + data)
    return Tile(data, f'"{digest.hexdigest()[:32]}"', count)


class TileCache:
    """A least-recently-used cache of encoded tiles, bounded by their total bytes.

    Keyed by (layer key, data SHA-256, z, x, y): the SHA-256 of the layer's file makes a
    reloaded or replaced version a different key. Thread-safe (one lock around dict
    operations; tiles are built outside it). Empty tiles count as 64 bytes so that
    a flood of them is bounded too.
    """

    EMPTY_COST = 64

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self._lock = threading.Lock()
        self._data: OrderedDict[tuple[str, str, int, int, int], Tile] = OrderedDict()
        self._bytes = 0
        self.hits = 0
        self.misses = 0

    @staticmethod
    def _cost(tile: Tile) -> int:
        return max(len(tile.data), TileCache.EMPTY_COST)

    @property
    def bytes(self) -> int:
        """Bytes of tile data held now."""
        return self._bytes

    def __len__(self) -> int:
        return len(self._data)

    def get(self, lv: LayerVersion, z: int, x: int, y: int) -> Tile | None:
        """The cached tile (now the most recently used), or ``None``."""
        key = (lv.key, lv.sha256, z, x, y)
        with self._lock:
            found = self._data.get(key)
            if found is not None:
                self._data.move_to_end(key)
                self.hits += 1
            return found

    def get_or_build(self, lv: LayerVersion, z: int, x: int, y: int) -> Tile:
        """The cached tile, or build, store and return it (see :func:`build_tile`)."""
        key = (lv.key, lv.sha256, z, x, y)
        with self._lock:
            found = self._data.get(key)
            if found is not None:
                self._data.move_to_end(key)
                self.hits += 1
                return found
            self.misses += 1
        tile = build_tile(lv, z, x, y)
        cost = self._cost(tile)
        if cost > self.max_bytes:
            return tile
        with self._lock:
            if key not in self._data:
                self._data[key] = tile
                self._bytes += cost
            while self._bytes > self.max_bytes:
                _, old = self._data.popitem(last=False)
                self._bytes -= self._cost(old)
        return tile
