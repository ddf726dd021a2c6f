"""Batch lookups: many points at once (vectorised), and files of points or parcels row by row.

:func:`batch_points` answers "which features hold each point" for up to millions of
points. It takes the fast side of the spatial join (see ``shared/engineering.md``): the
points are sorted by x once; for each prepared zone polygon, the points in its bounding
box come from a binary search plus a y filter, and :func:`shapely.intersects_xy` tests
them against the prepared polygon (a point on the boundary counts as inside, as in
:func:`geozone.lookup.lookup`). Nothing builds a GEOS point per input point.

:func:`read_batch` reads a GeoJSON FeatureCollection, a GeoPackage, a (zipped) shapefile
or a CSV with lon/lat columns or a WKT column; :func:`lookup_rows` runs the full lookup on
each row (a bad row becomes an ``error`` row with its message and the rest still run);
:func:`write_rows` streams the rows to GeoJSON, CSV or GeoPackage in chunks.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import IO, Any

import geopandas as gpd
import numpy as np
import numpy.typing as npt
import pandas as pd
import pyogrio
import shapely
from shapely.geometry import mapping
from shapely.geometry.base import BaseGeometry

from geozone import ANALYSIS_CRS
from geozone.catalog import Catalog
from geozone.crs import offset_to_wgs84, parse_crs, transformer
from geozone.errors import GeozoneError, InvalidInput, QueryTooLarge, without_paths
from geozone.hits import HitFinder
from geozone.lookup import LookupResult, lookup, selection
from geozone.lookup_mode import default_finder, parcel_work
from geozone.query import geojson_query, parse_as_of
from geozone.rules import SEVERITY, RuleTable
from geozone.settings import QuerySettings
from geozone.vocab import KINDS, LayerKind

FORMATS = ("geojson", "csv", "gpkg")
LON_NAMES = ("lon", "lng", "longitude", "x")
LAT_NAMES = ("lat", "latitude", "y")
WKT_NAMES = ("wkt", "geometry", "geom", "the_geom")
ID_NAMES = ("id", "feature_id", "fid", "name")


# ---------------------------------------------------------------------------------------------
# Vectorised points


def _to_analysis_xy(
    xs: npt.ArrayLike, ys: npt.ArrayLike, crs: str | int | None
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    """Convert coordinates from a declared CRS to EPSG:4548 metres (vectorised)."""
    declared = parse_crs(crs)
    x = np.asarray(xs, dtype=np.float64)
    y = np.asarray(ys, dtype=np.float64)
    src = declared.name
    if declared.offset is not None:
        x, y = offset_to_wgs84(declared.offset, x, y)
        src = "EPSG:4326"
    if src == ANALYSIS_CRS:
        return x, y
    tx, ty = transformer(src, ANALYSIS_CRS).transform(x, y)
    return np.asarray(tx, dtype=np.float64), np.asarray(ty, dtype=np.float64)


def point_pairs(
    geoms: npt.NDArray[np.object_], xs: npt.ArrayLike, ys: npt.ArrayLike
) -> tuple[npt.NDArray[np.intp], npt.NDArray[np.intp]]:
    """All (polygon, point) index pairs where the polygon covers the point.

    Parameters
    ----------
    geoms
        Polygons (prepared for speed), same CRS as the points.
    xs, ys
        Point coordinates.

    Returns
    -------
    (polygon_index, point_index)
        Sorted by polygon, then point.
    """
    x = np.asarray(xs, dtype=np.float64)
    y = np.asarray(ys, dtype=np.float64)
    order = np.argsort(x, kind="stable")
    sx, sy = x[order], y[order]
    bounds = shapely.bounds(geoms)
    los = np.searchsorted(sx, bounds[:, 0], side="left")
    his = np.searchsorted(sx, bounds[:, 2], side="right")
    poly_out: list[npt.NDArray[np.intp]] = []
    pt_out: list[npt.NDArray[np.intp]] = []
    for i, g in enumerate(geoms):
        lo, hi = int(los[i]), int(his[i])
        if hi <= lo or g is None:
            continue
        ys_slice = sy[lo:hi]
        cand = np.flatnonzero((ys_slice >= bounds[i, 1]) & (ys_slice <= bounds[i, 3])) + lo
        if cand.size == 0:
            continue
        hit = cand[shapely.intersects_xy(g, sx[cand], sy[cand])]
        if hit.size:
            pts = np.sort(order[hit])
            pt_out.append(pts)
            poly_out.append(np.full(pts.size, i, dtype=np.intp))
    if not pt_out:
        return np.empty(0, dtype=np.intp), np.empty(0, dtype=np.intp)
    return np.concatenate(poly_out), np.concatenate(pt_out)


def _categorical(values: npt.NDArray[np.object_], index: npt.NDArray[np.intp]) -> pd.Categorical:
    """``values[index]`` as a categorical (cheap for millions of rows of few strings)."""
    uniq, codes = np.unique(values.astype(str), return_inverse=True)
    return pd.Categorical.from_codes(codes[index], categories=uniq)


def batch_points(
    catalog: Catalog,
    rules: RuleTable,
    lons: npt.ArrayLike,
    lats: npt.ArrayLike,
    as_of: date | str | None = None,
    activities: Sequence[str] = (),
    *,
    crs: str | int | None = None,
) -> pd.DataFrame:
    """Every (point, feature) pair where a feature in force on ``as_of`` covers the point.

    Parameters
    ----------
    catalog, rules
        The layer set and rule table.
    lons, lats
        Point coordinates in the declared ``crs`` (WGS84 degrees by default).
    as_of
        Date whose layer versions are used (default today).
    activities
        Activity codes; for each one a ``verdict_<code>`` column gives the rule verdict
        of the pair's zone (``None`` for admin/park/residential features). Empty: no
        verdict columns.
    crs
        Declared CRS of the coordinates (EPSG code, ``"GCJ02"``, ``"BD09"``).

    Returns
    -------
    pandas.DataFrame
        Columns ``point`` (input position), ``layer_id``, ``layer_version``, ``kind``,
        ``feature_id``, ``zone_class`` and any ``verdict_<code>``; sorted by point, then
        layer (manifest order), then feature. A point on a boundary is in both features.

    Raises
    ------
    UnknownActivity, UnknownCRS, InvalidDate
        Naming the problem.
    """
    acts = [rules.activity(a).code for a in activities]
    day = parse_as_of(as_of)
    x, y = _to_analysis_xy(lons, lats, crs)
    if x.shape != y.shape:
        raise InvalidInput("lons and lats differ in length", {"lons": x.size, "lats": y.size})
    sel = selection(catalog, day).index  # this thread's lane (geozone.lanes)
    poly, pt = point_pairs(sel.geoms, x, y)
    order = np.lexsort((poly, pt))  # by point, then tree position (= layer, then feature)
    pt, poly = pt[order], poly[order]
    layer_pos = sel.layer_of[poly]
    layers = sel.layers
    fids = np.array([f for li in layers for f in li.feature_ids], dtype=object)
    classes = np.array([c for li in layers for c in li.classes], dtype=object)
    per_layer = {
        "layer_id": [li.layer_id for li in layers],
        "layer_version": [li.version for li in layers],
        "kind": [li.kind.value for li in layers],
    }
    columns: dict[str, Any] = {"point": pt.astype(np.int64)}
    for name, values in per_layer.items():
        columns[name] = _categorical(np.array(values, dtype=object), layer_pos)
    columns["feature_id"] = _categorical(fids, poly)
    columns["zone_class"] = _categorical(classes, poly)
    frame = pd.DataFrame(columns)
    if not acts or pt.size == 0:
        for act in acts:
            frame[f"verdict_{act}"] = pd.Series([], dtype=object)
        return frame
    # the rules depend on the point's district (a district plan binds its district only):
    # each pair gets the rule of its zone class in the point's district(s), the strictest
    # when the point lies on a district boundary
    codes = np.array([c for li in layers for c in li.codes], dtype=object)
    admin_layer = np.array([li.kind == LayerKind.ADMIN for li in layers], dtype=bool)
    is_district = admin_layer[sel.layer_of] & (classes == "district")
    in_district: dict[int, list[str]] = {}
    for p, q in zip(pt[is_district[poly]].tolist(), poly[is_district[poly]].tolist(), strict=True):
        in_district.setdefault(p, []).append(str(codes[q]))
    place_keys: dict[tuple[str | None, ...], int] = {(None,): 0}
    place_of_point = {
        p: place_keys.setdefault(tuple(sorted(ds)), len(place_keys))
        for p, ds in in_district.items()
    }
    row_place = np.fromiter((place_of_point.get(p, 0) for p in pt.tolist()), np.intp, pt.size)
    combos, inverse = np.unique(
        np.stack([poly.astype(np.intp), row_place]), axis=1, return_inverse=True
    )
    places = list(place_keys)
    for act in acts:
        by_class: dict[tuple[int, str, int], str | None] = {}
        per_combo = np.empty(combos.shape[1], dtype=object)
        for k, (position, place) in enumerate(combos.T.tolist()):
            a, cls = int(sel.layer_of[position]), str(classes[position])
            if (a, cls, place) not in by_class:
                li = layers[a]
                verdict = None
                if KINDS[li.kind].is_zone:
                    found = [rules.rule_for(li.kind, cls, act, d) for d in places[place]]
                    verdict = max(found, key=lambda r: SEVERITY[r.verdict]).verdict.value
                by_class[(a, cls, place)] = verdict
            per_combo[k] = by_class[(a, cls, place)]
        frame[f"verdict_{act}"] = pd.Series(per_combo[inverse.reshape(-1)], dtype=object)
    return frame


# ---------------------------------------------------------------------------------------------
# Files in, rows out


@dataclass(frozen=True)
class BatchInput:
    """One row of a batch file: its GeoJSON geometry and declared CRS, or why it is unreadable."""

    row: int
    source_id: str | None
    geometry: dict[str, Any] | None
    crs: str | None
    error: str | None = None


@dataclass(frozen=True)
class BatchRow:
    """The answer for one batch row.

    ``status`` is ``ok``, ``edge`` (some zone hit lies within tolerance of its boundary, so
    the verdict depends on where exactly the boundary runs) or ``error`` (``error`` holds
    the message). ``hits`` lists ``layer:class:feature`` for inside hits and
    ``~layer:class:feature`` for edge-only hits.
    """

    row: int
    source_id: str | None
    status: str
    error: str | None = None
    report_id: str | None = None
    inside_territory: bool | None = None
    verdicts: dict[str, str] = field(default_factory=dict)
    hits: tuple[str, ...] = ()
    geometry_wgs84: BaseGeometry | None = None
    result: LookupResult | None = field(default=None, repr=False, compare=False)

    def record(self, activities: Sequence[str]) -> dict[str, Any]:
        """A flat attribute record (one ``verdict_<code>`` column per activity)."""
        out: dict[str, Any] = {
            "row": self.row,
            "source_id": self.source_id,
            "status": self.status,
            "error": self.error,
            "report_id": self.report_id,
            "inside_territory": self.inside_territory,
        }
        for act in activities:
            out[f"verdict_{act}"] = self.verdicts.get(act)
        out["hits"] = ";".join(self.hits)
        return out


def _first(columns: Iterable[str], names: Sequence[str]) -> str | None:
    """The first column whose case-folded name is in ``names``."""
    lower = {str(c).casefold(): str(c) for c in columns}
    for n in names:
        if n in lower:
            return lower[n]
    return None


def _row_id(value: Any) -> str | None:
    """A printable source id, or None."""
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return None
    return str(value)


def _read_geojson(path: Path) -> Iterator[BatchInput]:
    """Rows of a GeoJSON FeatureCollection (or a single Feature / geometry)."""
    try:
        data = json.loads(path.read_text("utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InvalidInput(
            f"{path.name}: not readable JSON: {without_paths(str(exc))}", {"file": path.name}
        ) from None
    crs_member = data.get("crs") if isinstance(data, dict) else None
    crs = None
    if isinstance(crs_member, dict) and isinstance(crs_member.get("properties"), dict):
        crs = crs_member["properties"].get("name")
    features = data.get("features") if isinstance(data, dict) else None
    if not isinstance(features, list):
        features = [data]
    for i, feat in enumerate(features):
        if not isinstance(feat, dict):
            yield BatchInput(i, None, None, crs, f"row {i}: not a GeoJSON object")
            continue
        props = feat.get("properties") if isinstance(feat.get("properties"), dict) else {}
        sid = feat.get("id", None)
        if sid is None and props:
            key = _first(props, ID_NAMES)
            sid = props.get(key) if key else None
        geom = feat.get("geometry") if feat.get("type") == "Feature" else feat
        if not isinstance(geom, dict):
            yield BatchInput(i, _row_id(sid), None, crs, "the feature has no geometry")
            continue
        yield BatchInput(i, _row_id(sid), geom, crs)


def _read_vector(path: Path) -> Iterator[BatchInput]:
    """Rows of a GeoPackage / shapefile / zipped shapefile read with pyogrio."""
    try:
        frame = gpd.read_file(path, engine="pyogrio")
    except Exception as exc:  # pyogrio raises DataSourceError and friends
        raise InvalidInput(
            f"{path.name}: cannot read: {without_paths(str(exc))}", {"file": path.name}
        ) from None
    crs = None
    if frame.crs is not None:
        epsg = frame.crs.to_epsg()
        crs = f"EPSG:{epsg}" if epsg else frame.crs.to_string()
    id_col = _first([c for c in frame.columns if c != "geometry"], ID_NAMES)
    for i, geom in enumerate(frame.geometry.values):
        sid = _row_id(frame[id_col].iloc[i]) if id_col else None
        if geom is None or geom.is_empty:
            yield BatchInput(i, sid, None, crs, "the row has no geometry")
            continue
        yield BatchInput(i, sid, mapping(geom), crs)


def _read_csv(path: Path) -> Iterator[BatchInput]:
    """Rows of a CSV with lon/lat columns or a WKT column."""
    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    except (OSError, ValueError, UnicodeDecodeError) as exc:
        raise InvalidInput(
            f"{path.name}: not a readable CSV: {without_paths(str(exc))}", {"file": path.name}
        ) from None
    lon_col, lat_col = _first(frame.columns, LON_NAMES), _first(frame.columns, LAT_NAMES)
    wkt_col = _first(frame.columns, WKT_NAMES)
    id_col = _first(frame.columns, ID_NAMES)
    if not (lon_col and lat_col) and not wkt_col:
        raise InvalidInput(
            f"{path.name}: needs lon/lat columns or a WKT column; found {list(frame.columns)}",
            {"file": path.name, "columns": list(frame.columns)},
        )
    for i, rec in enumerate(frame.to_dict("records")):
        sid = _row_id(rec[id_col]) if id_col else None
        try:
            if lon_col and lat_col and str(rec[lon_col]).strip():
                geom: dict[str, Any] = {
                    "type": "Point",
                    "coordinates": [float(rec[lon_col]), float(rec[lat_col])],
                }
            elif wkt_col:
                geom = mapping(shapely.from_wkt(str(rec[wkt_col])))
            else:
                raise ValueError("empty lon/lat")
        except (ValueError, shapely.errors.GEOSException) as exc:
            yield BatchInput(i, sid, None, None, f"cannot read the row's geometry: {exc}")
            continue
        yield BatchInput(i, sid, geom, None)


def read_batch(path: Path | str) -> Iterator[BatchInput]:
    """Read the rows of a batch file (GeoJSON, GeoPackage, shapefile or zipped shapefile, CSV).

    Raises
    ------
    InvalidInput
        If the file cannot be read at all (a bad *row* becomes an error row instead).
    """
    p = Path(path)
    suffix = p.suffix.lower()
    if suffix in (".geojson", ".json"):
        return _read_geojson(p)
    if suffix == ".csv":
        return _read_csv(p)
    if suffix in (".gpkg", ".shp", ".zip", ".fgb"):
        return _read_vector(p)
    raise InvalidInput(
        f"{p.name}: unsupported batch file type {suffix!r}; use .geojson, .gpkg, .zip, .shp, .csv",
        {"file": p.name},
    )


def count_rows(path: Path | str) -> int:
    """How many rows :func:`read_batch` would yield from a file, without looking any up.

    Cheap enough to run on an upload before queueing it: CSV lines are counted (a quoted
    newline counts twice, erring towards refusing), GeoJSON features are counted, vector
    files report their feature count. An unreadable file counts 0 rows: reading it in
    the job reports the problem.
    """
    p = Path(path)
    suffix = p.suffix.lower()
    try:
        if suffix == ".csv":
            data = p.read_bytes()
            lines = data.count(b"\n") + (0 if data.endswith(b"\n") or not data else 1)
            return max(lines - 1, 0)  # the header
        if suffix in (".geojson", ".json"):
            obj = json.loads(p.read_text("utf-8"))
            features = obj.get("features") if isinstance(obj, dict) else None
            return len(features) if isinstance(features, list) else 1
        info = pyogrio.read_info(p)
        return int(info.get("features") or 0)
    except Exception:  # unreadable here is unreadable in the job, which says why
        return 0


def _compact(result: LookupResult) -> tuple[str, ...]:
    """``layer:class:feature`` for inside hits, ``~``-prefixed for edge-only hits."""
    return tuple(
        f"{'' if h.inside else '~'}{h.layer_id}:{h.zone_class}:{h.feature_id}" for h in result.hits
    )


def lookup_rows(
    catalog: Catalog,
    rules: RuleTable,
    rows: Iterable[BatchInput],
    *,
    crs: str | int | None = None,
    activities: Sequence[str] = (),
    as_of: date | str | None = None,
    tolerance_m: float | None = None,
    repair: bool = False,
    settings: QuerySettings | None = None,
    max_total_work: int | None = None,
    finder: HitFinder | None = None,
) -> Iterator[BatchRow]:
    """Run :func:`~geozone.lookup.lookup` on each row; a bad row yields an ``error`` row.

    ``finder`` gives the hits (default: the in-memory index); each row's answer bytes are
    its ``result.to_json()``, what :func:`geozone.lookup.answer` gives for the same query.

    ``crs`` overrides the CRS a file declares; otherwise each row's own CRS (or WGS84).
    ``max_total_work`` bounds the summed parcel work estimates
    (:func:`geozone.budget.parcel_work`) of all rows, each row also staying within its
    own budget; the row that would pass it raises :class:`~geozone.errors.QueryTooLarge`
    before it is measured.
    """
    total_work = 0
    for item in rows:
        if item.error is not None or item.geometry is None:
            yield BatchRow(item.row, item.source_id, "error", item.error or "no geometry")
            continue
        try:
            query = geojson_query(
                item.geometry,
                crs=crs if crs is not None else item.crs,
                activities=activities,
                as_of=as_of,
                tolerance_m=tolerance_m,
                repair=repair,
                settings=settings,
            )
            if max_total_work is not None and query.kind == "parcel":
                selected = selection(catalog, query.as_of)
                total_work += parcel_work(finder or default_finder(), selected, query)["work"]
                if total_work > max_total_work:
                    raise QueryTooLarge(
                        f"the batch's parcels add up to more than {max_total_work:,} units of "
                        f"work (query.max_batch_work) by row {item.row}; send fewer or "
                        "smaller parcels per request, or upload the file to POST /api/v1/jobs",
                        {"row": item.row, "max_batch_work": max_total_work},
                    )
            result = lookup(catalog, rules, query, finder)
        except QueryTooLarge as exc:
            if "max_batch_work" in (exc.detail or {}):
                raise
            yield BatchRow(item.row, item.source_id, "error", exc.message)
            continue
        except GeozoneError as exc:
            yield BatchRow(item.row, item.source_id, "error", exc.message)
            continue
        edge = any(h.edge and KINDS[h.layer_kind].is_zone for h in result.hits)
        yield BatchRow(
            row=item.row,
            source_id=item.source_id,
            status="edge" if edge else "ok",
            report_id=result.report_id,
            inside_territory=result.inside_territory,
            verdicts={v.activity.code: v.verdict.value for v in result.verdicts},
            hits=_compact(result),
            geometry_wgs84=query.geometry_wgs84,
            result=result,
        )


# ---------------------------------------------------------------------------------------------
# Streaming writers


def _write_geojson(rows: Iterable[BatchRow], fh: IO[str], activities: Sequence[str]) -> int:
    """Stream rows as a GeoJSON FeatureCollection; returns the row count."""
    fh.write('{"type":"FeatureCollection","features":[\n')
    n = 0
    for row in rows:
        feat = {
            "type": "Feature",
            "properties": row.record(activities),
            "geometry": mapping(row.geometry_wgs84) if row.geometry_wgs84 is not None else None,
        }
        fh.write(("," if n else "") + json.dumps(feat, ensure_ascii=False) + "\n")
        n += 1
    fh.write("]}\n")
    return n


def _write_csv(rows: Iterable[BatchRow], fh: IO[str], activities: Sequence[str]) -> int:
    """Stream rows as CSV with a WKT geometry column; returns the row count."""
    writer: csv.DictWriter[str] | None = None
    n = 0
    for row in rows:
        rec = row.record(activities)
        rec["wkt"] = row.geometry_wgs84.wkt if row.geometry_wgs84 is not None else ""
        if writer is None:
            writer = csv.DictWriter(fh, fieldnames=list(rec))
            writer.writeheader()
        writer.writerow(rec)
        n += 1
    if writer is None:
        fieldnames = [*BatchRow(0, None, "ok").record(activities), "wkt"]
        csv.DictWriter(fh, fieldnames=fieldnames).writeheader()
    return n


def _write_gpkg(rows: Iterable[BatchRow], path: Path, activities: Sequence[str], chunk: int) -> int:
    """Write rows to a GeoPackage layer ``lookup`` in chunks; returns the row count."""
    if path.exists():
        path.unlink()
    n = 0
    buffer: list[BatchRow] = []

    def flush() -> None:
        records = [r.record(activities) for r in buffer]
        frame = gpd.GeoDataFrame(
            pd.DataFrame.from_records(records, columns=list(records[0])),
            geometry=gpd.GeoSeries([r.geometry_wgs84 for r in buffer], crs="EPSG:4326"),
        )
        frame["inside_territory"] = frame["inside_territory"].astype("boolean")
        for col in frame.columns:
            if col not in ("geometry", "row", "inside_territory"):
                frame[col] = frame[col].astype(object)
        pyogrio.write_dataframe(
            frame,
            path,
            layer="lookup",
            driver="GPKG",
            append=path.exists(),
            geometry_type="Unknown",
        )
        buffer.clear()

    for row in rows:
        buffer.append(row)
        n += 1
        if len(buffer) >= chunk:
            flush()
    if buffer:
        flush()
    return n


def write_rows(
    rows: Iterable[BatchRow],
    out: Path | str,
    activities: Sequence[str],
    *,
    fmt: str | None = None,
    chunk: int = 1000,
) -> int:
    """Stream batch rows to ``out`` as GeoJSON, CSV or GeoPackage (by ``fmt`` or suffix).

    Geometries are written in WGS84. Returns the number of rows written.

    Raises
    ------
    InvalidInput
        If the format is unknown.
    """
    path = Path(out)
    kind = (fmt or path.suffix.lstrip(".")).lower()
    kind = {"json": "geojson"}.get(kind, kind)
    if kind not in FORMATS:
        raise InvalidInput(
            f"unknown output format {kind!r}; use one of {', '.join(FORMATS)}", {"format": kind}
        )
    if kind == "gpkg":
        return _write_gpkg(rows, path, activities, chunk)
    with path.open("w", encoding="utf-8", newline="") as fh:
        if kind == "geojson":
            return _write_geojson(rows, fh, activities)
        return _write_csv(rows, fh, activities)
