"""Layer frames to database rows and back, so a frame read back equals the one written.

A :class:`~geozone.catalog.LayerVersion` frame has normalised attribute columns of
several pandas dtypes and a geometry column. In the database each feature is one row:
its attributes as JSON (``props``) and its geometries as WKB in EPSG:4548 (metres) and
WGS84. The version row keeps the columns in order with their dtypes (``columns``), so
:func:`frame_from_rows` rebuilds the same frame: same column order and dtypes, missing
values as pandas had them, geometries with bit-identical coordinates.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geozone.errors import LayerLoadError


def columns_of(frame: gpd.GeoDataFrame) -> list[list[str]]:
    """``[[column, dtype], ...]`` of the attribute columns (the geometry excluded)."""
    geometry = frame.geometry.name
    return [[str(c), str(frame[c].dtype)] for c in frame.columns if c != geometry]


def _json_value(value: Any) -> Any:
    """A JSON value for one attribute: missing values become ``None``."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float):
        if math.isnan(value):
            return None
        if math.isinf(value):
            raise LayerLoadError(f"attribute value {value} cannot be stored (not finite)")
        return value
    if isinstance(value, bool | int | str):
        return value
    if isinstance(value, pd.Timestamp | datetime | date):
        return value.isoformat()
    if isinstance(value, bytes):
        return value.hex()
    return str(value)


def props_of(frame: gpd.GeoDataFrame) -> list[dict[str, Any]]:
    """Each row's attributes as a JSON-ready dict (column -> value)."""
    names = [c for c, _ in columns_of(frame)]
    columns = [frame[c].tolist() for c in names]
    return [
        {name: _json_value(col[i]) for name, col in zip(names, columns, strict=True)}
        for i in range(len(frame))
    ]


def wkb_of(frame: gpd.GeoDataFrame) -> list[bytes | None]:
    """The frame's geometries as WKB (``None`` for a missing geometry)."""
    out: list[bytes | None] = []
    for wkb in shapely.to_wkb(np.asarray(frame.geometry.values), include_srid=False):
        out.append(None if wkb is None else bytes(wkb))
    return out


def _series(values: list[Any], dtype: str) -> pd.Series:
    if dtype == "object":
        return pd.Series(values, dtype=object)
    if dtype.startswith("datetime64"):
        return pd.Series(pd.to_datetime(pd.Series(values, dtype=object)), dtype=dtype)
    return pd.Series(values, dtype=dtype)


def column_values(props: Sequence[dict[str, Any]], name: str, dtype: str) -> list[Any]:
    """The values of one column as :func:`frame_from_rows`'s frame holds them, as a list.

    Cheaper than a whole frame for a few rows (the SQL finder's features).
    """
    values = [p.get(name) for p in props]
    if dtype == "object":
        return values
    return list(_series(values, dtype))


def frame_from_rows(
    columns: Sequence[Sequence[str]],
    props: Sequence[dict[str, Any]],
    wkb: Sequence[bytes | None],
    crs: str,
) -> gpd.GeoDataFrame:
    """Rebuild a layer frame from :func:`columns_of`, :func:`props_of` and :func:`wkb_of`."""
    attrs = pd.DataFrame(
        {name: _series([p.get(name) for p in props], dtype) for name, dtype in columns}
    )
    if not len(columns):
        attrs = pd.DataFrame(index=pd.RangeIndex(len(props)))
    geoms = shapely.from_wkb(np.asarray(list(wkb), dtype=object))
    return gpd.GeoDataFrame(attrs, geometry=gpd.GeoSeries(geoms, crs=crs))
