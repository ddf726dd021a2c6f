"""Reading coverage inputs: GeoDataFrames or files, in any declared CRS, to EPSG:4548.

Inputs may be a GeoDataFrame, a shapely geometry (extent only), a GeoJSON dict
(FeatureCollection, Feature or geometry) or a path to GeoJSON, GeoPackage, shapefile or
GeoParquet. The CRS is, in order: the ``crs=`` override (any value
:func:`geozone.crs.parse_crs` accepts, incl. ``"GCJ02"``), the frame's / file's own CRS,
else WGS84. Everything is reprojected to :data:`geozone.ANALYSIS_CRS` (metres).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, TypeAlias

import geopandas as gpd
import numpy as np
import numpy.typing as npt
import pandas as pd
import pyogrio
import shapely
from shapely.geometry.base import BaseGeometry

from geozone import ANALYSIS_CRS, OUTPUT_CRS
from geozone.crs import DeclaredCRS, coordinate_converter, geometries_to, parse_crs
from geozone.errors import (
    CoordinatesOutsideCRS,
    InvalidGeoJSON,
    InvalidInput,
    LayerLoadError,
    OutsideAnalysisCRS,
    UnknownClass,
    without_paths,
)
from geozone.query import check_measurable_extent
from geozone.vocab import CLASSES, LayerKind, normalize_class

VectorInput: TypeAlias = gpd.GeoDataFrame | str | Path | dict[str, Any]
CLASS_FIELDS = ("zone_class", "class", "park_class", "type", "landuse", "dlbm")
CODE_FIELDS = ("feature_id", "code", "adcode", "id")


def _read_path(path: Path) -> gpd.GeoDataFrame:
    if not path.is_file():
        raise LayerLoadError(f"{path.name}: file not found", {"file": path.name})
    try:
        if path.suffix.lower() in {".parquet", ".geoparquet"}:
            return gpd.read_parquet(path)
        return pyogrio.read_dataframe(path, use_arrow=False)
    except Exception as exc:  # pyogrio/pyarrow raise many error types
        reason = without_paths(str(exc))
        raise LayerLoadError(f"{path.name}: cannot read: {reason}", {"file": path.name}) from None


def _from_geojson(obj: dict[str, Any]) -> gpd.GeoDataFrame:
    kind = obj.get("type")
    if kind == "FeatureCollection":
        features = obj.get("features")
    elif kind == "Feature":
        features = [obj]
    elif isinstance(kind, str):
        features = [{"type": "Feature", "geometry": obj, "properties": {}}]
    else:
        raise InvalidGeoJSON("GeoJSON object has no 'type'", {"type": kind})
    if not isinstance(features, list):
        raise InvalidGeoJSON("FeatureCollection.features must be a list")
    try:
        frame = gpd.GeoDataFrame.from_features(features)
    except Exception as exc:  # shapely raises GEOSException/ValueError/TypeError/KeyError
        raise InvalidGeoJSON(f"GeoJSON does not parse: {exc}") from None
    return frame


def _polygonal(geom: BaseGeometry) -> BaseGeometry:
    """The polygonal part of a repaired geometry (lines and points dropped)."""
    parts = shapely.get_parts(geom)
    polys = parts[np.isin(shapely.get_type_id(parts), (3, 6))]
    return shapely.union_all(polys) if len(polys) else shapely.Polygon()


AREA_OF_USE_MARGIN_DEG = 10.0
"""How far (degrees) beyond its CRS's area of use an input may reach before it is refused."""


def _outside_crs(
    what: str, declared: DeclaredCRS, xy: npt.NDArray[np.float64], why: str, hint: str
) -> None:
    bounds = [float(xy[:, 0].min()), float(xy[:, 1].min()), float(xy[:, 0].max()),
              float(xy[:, 1].max())]  # fmt: skip
    raise CoordinatesOutsideCRS(
        f"{what}: coordinates x {bounds[0]:.6g}..{bounds[2]:.6g}, "
        f"y {bounds[1]:.6g}..{bounds[3]:.6g} cannot be in the declared CRS {declared.name}: "
        f"{why}; declare the CRS they are in (crs=..., e.g. {hint})",
        {"input": what, "crs": declared.name, "bounds": [round(v, 6) for v in bounds]},
    )


def check_declared_crs(
    xy: npt.NDArray[np.float64],
    declared: DeclaredCRS,
    what: str,
    lonlat: tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]] | None = None,
) -> None:
    """Refuse coordinates that cannot be in their declared CRS (422 naming CRS and bounds).

    Degrees need ``|lon| <= 180`` and ``|lat| <= 90``: projected metres labelled EPSG:4326
    fail here instead of being measured somewhere else. For a projected CRS, the
    coordinates converted to longitude/latitude must lie within its area of use widened by
    :data:`AREA_OF_USE_MARGIN_DEG` (degrees labelled EPSG:4548 fail); ``lonlat`` are those
    converted coordinates when the caller has them already.

    Examples
    --------
    >>> import numpy as np
    >>> from geozone.crs import parse_crs
    >>> check_declared_crs(np.array([[470000.0, 4410000.0]]), parse_crs("EPSG:4326"), "parks")
    Traceback (most recent call last):
    ...
    geozone.errors.CoordinatesOutsideCRS: parks: coordinates x 470000..470000, y 4.41e+06..4.41e+06 cannot be in the declared CRS EPSG:4326: longitude and latitude are degrees, |lon| <= 180 and |lat| <= 90; declare the CRS they are in (crs=..., e.g. EPSG:4548 for metres in Beijing)
    """  # noqa: E501
    if len(xy) == 0:
        return
    if declared.is_geographic:
        if np.abs(xy[:, 0]).max() > 180.0 or np.abs(xy[:, 1]).max() > 90.0:
            _outside_crs(what, declared, xy,
                         "longitude and latitude are degrees, |lon| <= 180 and |lat| <= 90",
                         "EPSG:4548 for metres in Beijing")  # fmt: skip
        return
    area = declared.crs.area_of_use
    if area is None:
        return
    if lonlat is None:
        func = coordinate_converter(declared, OUTPUT_CRS)
        if func is None:
            return
        with np.errstate(all="ignore"):
            lonlat = func(xy[:, 0], xy[:, 1])
    lon, lat = (np.asarray(v, dtype=float) for v in lonlat)
    m = AREA_OF_USE_MARGIN_DEG
    w, s, e, n = area.west - m, area.south - m, area.east + m, area.north + m
    ok = np.isfinite(lon).all() and np.isfinite(lat).all()
    if not ok or lon.min() < w or lon.max() > e or lat.min() < s or lat.max() > n:
        _outside_crs(what, declared, xy,
                     f"its area of use is lon {area.west:g}..{area.east:g}, "
                     f"lat {area.south:g}..{area.north:g} ({area.name.rstrip('.')})",
                     "EPSG:4326 for longitude/latitude degrees")  # fmt: skip


def _check_coordinates(geoms: npt.NDArray[np.object_], declared: DeclaredCRS, what: str) -> None:
    """Refuse non-finite coordinates, and inputs EPSG:4548 cannot measure (422 naming ``what``).

    The same extent rule as a parcel lookup (:func:`geozone.query.check_measurable_extent`):
    a layer crossing the antimeridian or far from Beijing would get meaningless areas.
    """
    xy = shapely.get_coordinates(geoms)
    if len(xy) == 0:
        return
    if not np.isfinite(xy).all():
        raise InvalidGeoJSON(
            f"{what}: coordinates must be finite numbers (found NaN or infinity)", {"input": what}
        )
    if declared.is_geographic:
        check_declared_crs(xy, declared, what)
    func = coordinate_converter(declared, OUTPUT_CRS)
    lon, lat = (xy[:, 0], xy[:, 1]) if func is None else func(xy[:, 0], xy[:, 1])
    lon, lat = np.asarray(lon, dtype=float), np.asarray(lat, dtype=float)
    if not declared.is_geographic:
        check_declared_crs(xy, declared, what, (lon, lat))
    if not (np.isfinite(lon).all() and np.isfinite(lat).all()):
        raise OutsideAnalysisCRS(
            f"{what}: coordinates cannot be transformed from {declared.name}: "
            "outside its area of use",
            {"input": what, "crs": declared.name},
        )
    check_measurable_extent(
        float(lon.min()), float(lat.min()), float(lon.max()), float(lat.max()), what
    )


def read_vector(
    data: VectorInput | BaseGeometry, *, crs: str | int | None = None, what: str = "input"
) -> gpd.GeoDataFrame:
    """Read a vector input into a GeoDataFrame in EPSG:4548 (metres).

    Parameters
    ----------
    data
        GeoDataFrame, shapely geometry (taken to be in ``crs``, default EPSG:4548),
        GeoJSON dict, or a path (GeoJSON, GeoPackage, shapefile, GeoParquet).
    crs
        Override of the input's CRS, e.g. ``"GCJ02"`` for Amap coordinates labelled WGS84.
    what
        Name of the input for error messages (``"parks"``, ``"residential"``...).

    Raises
    ------
    LayerLoadError, InvalidGeoJSON, UnknownCRS, InvalidInput
        Naming the input and the problem.
    """
    if isinstance(data, BaseGeometry):
        frame = gpd.GeoDataFrame(geometry=[data], crs=None)
        default: str | int | None = ANALYSIS_CRS
    elif isinstance(data, gpd.GeoDataFrame):
        frame = data
        default = None
    elif isinstance(data, dict):
        frame = _from_geojson(data)
        default = None
    elif isinstance(data, (str, Path)):
        frame = _read_path(Path(data))
        default = None
    else:
        raise InvalidInput(f"{what}: unsupported input type {type(data).__name__}")
    if crs is not None:
        declared = parse_crs(crs)
    elif frame.crs is not None:
        epsg = frame.crs.to_epsg()
        declared = parse_crs(f"EPSG:{epsg}" if epsg else frame.crs.to_wkt())
    else:
        declared = parse_crs(default)
    geoms = np.asarray(frame.geometry.values, dtype=object)
    keep = ~(shapely.is_missing(geoms) | shapely.is_empty(geoms))
    types = shapely.get_type_id(geoms[keep])
    if np.any((types != 3) & (types != 6)):
        raise InvalidInput(f"{what}: only Polygon/MultiPolygon features are accepted")
    _check_coordinates(geoms[keep], declared, what)
    geoms = geometries_to(geoms[keep], declared, ANALYSIS_CRS)
    bad = ~shapely.is_valid(geoms)
    for i in np.flatnonzero(bad):
        geoms[i] = _polygonal(shapely.make_valid(geoms[i]))
    attrs = pd.DataFrame(frame.drop(columns=frame.geometry.name)).loc[keep].reset_index(drop=True)
    return gpd.GeoDataFrame(attrs, geometry=gpd.GeoSeries(geoms, crs=ANALYSIS_CRS))


def class_column(frame: pd.DataFrame) -> str | None:
    """The first class-like column of a frame (``zone_class``, ``class``, ``type``...)."""
    lower = {str(c).casefold(): str(c) for c in frame.columns}
    for name in CLASS_FIELDS:
        if name in lower:
            return lower[name]
    return None


def normalised_classes(frame: pd.DataFrame, kind: LayerKind, strict: bool = False) -> np.ndarray:
    """Class codes per row (vocabulary codes where known, raw text otherwise, None if absent).

    With ``strict``, a class outside the vocabulary of ``kind`` raises
    :class:`~geozone.errors.UnknownClass` naming the unknown values and the known classes.
    """
    col = class_column(frame)
    if col is None:
        return np.full(len(frame), None, dtype=object)
    if strict:
        unknown = []
        for value in frame[col]:
            if value is None or (not isinstance(value, str) and pd.isna(value)):
                continue
            try:
                normalize_class(kind, str(value))
            except UnknownClass:
                unknown.append(str(value))
        if unknown:
            names = sorted(set(unknown))
            known = [f"{c.code} ({c.zh})" for c in CLASSES[kind]]
            raise UnknownClass(
                f"{kind.value} class {', '.join(repr(n) for n in names)} (column {col!r}, "
                f"{len(unknown)} feature(s)) is not known; known classes: {', '.join(known)}",
                {"kind": kind.value, "column": col, "unknown": names,
                 "allowed": [c.code for c in CLASSES[kind]]},
            )  # fmt: skip

    def norm(value: object) -> object:
        if value is None or (not isinstance(value, str) and pd.isna(value)):
            return None
        text = str(value)
        if kind == LayerKind.RESIDENTIAL and text.isdigit() and len(text) == 3:
            text = "0" + text  # "701" read as a number from CSV/XLS-derived files
        try:
            return normalize_class(kind, text)
        except UnknownClass:
            return text

    return np.asarray([norm(v) for v in frame[col]], dtype=object)


def bool_column(frame: pd.DataFrame, name: str) -> np.ndarray:
    """A boolean column parsed leniently (true/1/yes/是); all False when absent."""
    if name not in frame.columns:
        return np.zeros(len(frame), dtype=bool)
    truthy = {"true", "1", "yes", "y", "t", "是"}
    return np.asarray(
        [
            bool(v) if isinstance(v, (bool, np.bool_)) else str(v).strip().casefold() in truthy
            for v in frame[name]
        ],
        dtype=bool,
    )


def unit_labels(frame: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Unit codes and names of a district/township frame (codes fall back to row numbers)."""
    lower = {str(c).casefold(): str(c) for c in frame.columns}
    code_col = next((lower[c] for c in CODE_FIELDS if c in lower), None)
    codes = (
        np.asarray([str(v) for v in frame[code_col]], dtype=object)
        if code_col
        else np.asarray([str(i + 1) for i in range(len(frame))], dtype=object)
    )
    name_col = lower.get("name")
    names = (
        np.asarray([None if pd.isna(v) else str(v) for v in frame[name_col]], dtype=object)
        if name_col
        else codes.copy()
    )
    return codes, names


def to_geojson_wgs84(frame: gpd.GeoDataFrame, precision: int = 7) -> dict[str, Any]:
    """A GeoDataFrame in EPSG:4548 as a GeoJSON FeatureCollection in WGS84 (EPSG:4326)."""
    out = frame.to_crs("EPSG:4326")
    geoms = shapely.transform(
        np.asarray(out.geometry.values, dtype=object), lambda xy: np.round(xy, precision)
    )
    out = out.set_geometry(gpd.GeoSeries(geoms, crs="EPSG:4326", index=out.index))
    data: dict[str, Any] = json.loads(out.to_json(drop_id=True))
    data.pop("crs", None)
    return data
