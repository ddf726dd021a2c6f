"""OGC API Features (Part 1: core, GeoJSON, OpenAPI 3.0) documents built from a catalog.

Collections
-----------
Each layer is published twice over:

* ``<layer_id>`` (e.g. ``redline``): the layer *as in force*. Without ``datetime`` its
  items are the version in force today; ``datetime=2021-06-01`` selects the version in
  force on that date, an interval ``a/b`` the latest version in force at some time
  within it. Only layers with a version in force today are listed, but any known
  layer id resolves.
* ``<layer_id>__<version>`` (e.g. ``redline__2021``): one fixed version. The manifest's
  ``"<id>@<version>"`` keys are not used as collection ids because ``@`` in a path
  segment trips some clients; characters outside ``[A-Za-z0-9._-]`` in a version label
  become ``-``. ``<layer_id>@<version>`` is still accepted as an alias.

Geometries are WGS84 longitude/latitude (CRS84); this module is framework-free so the
same documents can be produced without the HTTP service.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from shapely.geometry import mapping

from geozone.catalog import Catalog, LayerVersion
from geozone.errors import (
    FeatureNotFound,
    InvalidDate,
    InvalidInput,
    LayerNotFound,
    RestrictedLayer,
)
from geozone.lanes import current_lane
from geozone.ogc_crs import CRS84 as CRS84_CRS
from geozone.ogc_crs import SUPPORTED_URIS, OgcCrs, output_geometries, to_frame
from geozone.ogc_filter import FilterEvaluator, queryable_types, tree_mask
from geozone.stores import LayerStore
from geozone.vocab import get_class

CRS84 = "http://www.opengis.net/def/crs/OGC/1.3/CRS84"
GREGORIAN = "http://www.opengis.net/def/uom/ISO-8601/0/Gregorian"
CONFORMANCE = [
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30",
    "http://www.opengis.net/spec/ogcapi-features-2/1.0/conf/crs",
    "http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/queryables",
    "http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/queryables-query-parameters",
    "http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/filter",
    "http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/features-filter",
    "http://www.opengis.net/spec/cql2/1.0/conf/cql2-text",
    "http://www.opengis.net/spec/cql2/1.0/conf/cql2-json",
    "http://www.opengis.net/spec/cql2/1.0/conf/basic-cql2",
    "http://www.opengis.net/spec/cql2/1.0/conf/advanced-comparison-operators",
    "http://www.opengis.net/spec/cql2/1.0/conf/basic-spatial-functions",
    "http://www.opengis.net/spec/cql2/1.0/conf/basic-spatial-functions-plus",
    "http://www.opengis.net/spec/cql2/1.0/conf/spatial-functions",
]
_NUMBER = r"-?\d+(\.\d+)?([eE][+-]?\d+)?"
BBOX_PATTERN = rf"^{_NUMBER}(,{_NUMBER}){{3}}((,{_NUMBER}){{2}})?$"
"""A ``bbox``: 4 or 6 comma-separated decimal numbers (an exponent allowed, as GDAL writes)."""

SCHEMA_JSON = "application/schema+json"
GEOJSON = "application/geo+json"
JSON = "application/json"
DEFAULT_LIMIT = 100
MAX_LIMIT = 10_000

_UNSAFE = re.compile(r"[^A-Za-z0-9._-]")


def version_collection_id(lv: LayerVersion) -> str:
    """The URL-safe collection id of one layer version, ``<layer_id>__<version>``."""
    return f"{lv.id}__{_UNSAFE.sub('-', lv.version)}"


@dataclass(frozen=True)
class Collection:
    """A resolved collection: a layer (as in force) or one fixed version of it."""

    id: str
    layer_id: str
    fixed: LayerVersion | None  # None: the layer as in force (datetime selects a version)

    def versions(self, catalog: Catalog) -> list[LayerVersion]:
        """The versions this collection may serve."""
        return [self.fixed] if self.fixed else catalog.versions_of(self.layer_id)


def resolve(catalog: Catalog, collection_id: str) -> Collection:
    """Resolve a collection id (layer id, ``id__version`` or ``id@version``).

    Raises
    ------
    LayerNotFound
        Naming the id and the known collection ids.
    """
    if collection_id in catalog.versions:
        return Collection(collection_id, collection_id, None)
    for lv in catalog.all_versions():
        if collection_id in (version_collection_id(lv), lv.key):
            return Collection(collection_id, lv.id, lv)
    raise LayerNotFound(
        f"no collection {collection_id!r}",
        {"collection_id": collection_id, "known": collection_ids(catalog)},
    )


def collection_ids(catalog: Catalog, today: date | None = None) -> list[str]:
    """Listed collection ids: layers in force today, then every fixed version."""
    on = today or date.today()
    current = [i for i in catalog.layer_ids() if catalog.in_force(i, on) is not None]
    return current + [version_collection_id(v) for v in catalog.all_versions()]


# --- datetime ------------------------------------------------------------------------


def _parse_instant(text: str) -> date | None:
    text = text.strip()
    if text in ("", ".."):
        return None
    try:
        if len(text) == 10:
            return date.fromisoformat(text)
        return datetime.fromisoformat(text.replace("Z", "+00:00").replace("z", "+00:00")).date()
    except ValueError:
        raise InvalidDate(
            f"datetime {text!r} is not an RFC 3339 date or date-time",
            {"parameter": "datetime", "value": text},
        ) from None


def parse_datetime(value: str | None) -> tuple[date | None, date | None] | None:
    """Parse an OGC ``datetime`` value: an instant or an interval ``start/end`` (``..`` open).

    Returns ``None`` when absent, else ``(start, end)`` (equal for an instant; ``None``
    for an open end).

    Raises
    ------
    InvalidDate
        When a part is not an RFC 3339 date or date-time, or the interval is reversed.
    """
    if value is None or value == "":
        return None
    if "/" in value:
        first, _, second = value.partition("/")
        start, end = _parse_instant(first), _parse_instant(second)
        if start is not None and end is not None and end < start:
            raise InvalidDate(
                f"datetime interval {value!r} ends before it starts",
                {"parameter": "datetime", "value": value},
            )
        return start, end
    instant = _parse_instant(value)
    if instant is None:
        raise InvalidDate(
            "datetime '..' needs an interval such as '2020-01-01/..'",
            {"parameter": "datetime", "value": value},
        )
    return instant, instant


def _overlaps(lv: LayerVersion, start: date | None, end: date | None) -> bool:
    e = lv.entry
    if end is not None and e.valid_from > end:
        return False
    return not (start is not None and e.valid_to is not None and e.valid_to < start)


def select_version(
    catalog: Catalog,
    collection: Collection,
    when: tuple[date | None, date | None] | None,
    today: date | None = None,
) -> LayerVersion | None:
    """The version a request serves: fixed, in force on the instant, or latest in the interval."""
    if when is None:
        if collection.fixed is not None:
            return collection.fixed
        return catalog.in_force(collection.layer_id, today or date.today())
    start, end = when
    if collection.fixed is None and start is not None and start == end:
        return catalog.in_force(collection.layer_id, start)
    candidates = [v for v in collection.versions(catalog) if _overlaps(v, start, end)]
    return max(candidates, key=lambda v: v.entry.valid_from) if candidates else None


# --- bbox ----------------------------------------------------------------------------


def parse_bbox(value: str | None) -> tuple[float, float, float, float] | None:
    """Parse ``bbox=minLon,minLat,maxLon,maxLat`` (CRS84; 6 numbers: heights ignored).

    Raises
    ------
    InvalidInput
        When it is not 4 or 6 finite numbers with min <= max and latitudes in range.
    """
    if value is None or value == "":
        return None
    if not re.fullmatch(BBOX_PATTERN, value):
        raise InvalidInput(
            f"bbox {value!r} is not a comma-separated list of 4 or 6 decimal numbers",
            {"parameter": "bbox"},
        )
    nums = [float(p) for p in value.split(",")]
    if len(nums) == 6:
        nums = [nums[0], nums[1], nums[3], nums[4]]
    if len(nums) != 4 or not all(math.isfinite(n) for n in nums):
        raise InvalidInput(
            f"bbox {value!r} needs 4 numbers: minLon,minLat,maxLon,maxLat", {"parameter": "bbox"}
        )
    x0, y0, x1, y1 = nums
    if y0 > y1 or not (-90 <= y0 <= 90 and -90 <= y1 <= 90):
        raise InvalidInput(
            f"bbox {value!r}: latitudes must be within [-90, 90] with minLat <= maxLat",
            {"parameter": "bbox"},
        )
    if x0 > x1:
        raise InvalidInput(
            f"bbox {value!r}: minLon > maxLon (boxes across the antimeridian are not served)",
            {"parameter": "bbox"},
        )
    return x0, y0, x1, y1


# --- documents -----------------------------------------------------------------------


def _rfc3339(d: date | None) -> str | None:
    return f"{d.isoformat()}T00:00:00Z" if d else None


def _bbox_of(versions: list[LayerVersion]) -> list[float]:
    boxes = [b for b in (v.bounds_wgs84() for v in versions) if b is not None]
    if not boxes:
        return [-180.0, -90.0, 180.0, 90.0]
    arr = np.vstack(boxes)
    return [
        round(float(arr[:, 0].min()), 7),
        round(float(arr[:, 1].min()), 7),
        round(float(arr[:, 2].max()), 7),
        round(float(arr[:, 3].max()), 7),
    ]


def collection_doc(
    catalog: Catalog,
    collection: Collection,
    base: str,
    today: date | None = None,
    sees_restricted: bool = False,
) -> dict[str, Any]:
    """The ``/collections/{id}`` document: title, extent, CRS, links.

    ``base`` is the absolute URL of the OGC root (e.g. ``http://host/ogc``). A restricted
    layer's collection says ``"access": "restricted"``; unless ``sees_restricted``, its
    extent has no ``spatial`` member (a bounding box of a restricted layer is itself a
    little of its geometry) and its items answer 401.
    """
    versions = collection.versions(catalog)
    first = versions[0].entry
    current = select_version(catalog, collection, None, today)
    synthetic = any(v.entry.synthetic for v in versions)
    tag = " (synthetic demo data)" if synthetic else ""
    if collection.fixed is not None:
        label = f"version {collection.fixed.version}"
    elif current is not None:
        label = f"as in force; today version {current.version}"
    else:
        label = "as in force; no version in force today"
    starts = [v.entry.valid_from for v in versions]
    ends = [v.entry.valid_to for v in versions]
    end = None if any(e is None for e in ends) else max(e for e in ends if e is not None)
    url = f"{base}/collections/{collection.id}"
    restricted = catalog.restricted(collection.layer_id)
    extent: dict[str, Any] = {
        "spatial": {"bbox": [_bbox_of(versions)], "crs": CRS84},
        "temporal": {"interval": [[_rfc3339(min(starts)), _rfc3339(end)]], "trs": GREGORIAN},
    }
    if restricted and not sees_restricted:
        del extent["spatial"]
    items_title = "features (reader token needed)" if restricted else "features"
    return {
        "id": collection.id,
        "title": f"{first.title_en} / {first.title_zh}, {label}{tag}",
        "description": (
            f"Layer {collection.layer_id!r} (kind {first.kind.value}), {label}. "
            + ("SYNTHETIC demo data, not an official boundary. " if synthetic else "")
            + "Versions: "
            + ", ".join(
                f"{v.version} ({v.entry.valid_from}..{v.entry.valid_to or ''})" for v in versions
            )
        ),
        "itemType": "feature",
        "crs": SUPPORTED_URIS,
        "storageCrs": CRS84,
        "extent": extent,
        "layer_id": collection.layer_id,
        "layer_kind": first.kind.value,
        "version": collection.fixed.version if collection.fixed else None,
        "version_in_force_today": current.version if current else None,
        "synthetic": synthetic,
        "access": "restricted" if restricted else "public",
        "links": [
            {"href": url, "rel": "self", "type": JSON, "title": "this collection"},
            {"href": f"{url}/items", "rel": "items", "type": GEOJSON, "title": items_title},
            {
                "href": f"{url}/queryables",
                "rel": "http://www.opengis.net/def/rel/ogc/1.0/queryables",
                "type": SCHEMA_JSON,
                "title": "queryable properties (CQL2 filter)",
            },
        ],
    }


def check_access(
    catalog: Catalog, collection: Collection, sees_restricted: bool, collection_id: str
) -> None:
    """Refuse a restricted collection's features to a caller without a reader token.

    Raises
    ------
    RestrictedLayer
        401, naming the collection and how to authenticate.
    """
    if not sees_restricted and catalog.restricted(collection.layer_id):
        raise RestrictedLayer(
            f"collection {collection_id!r} is restricted: its features need a reader or "
            "admin token ('Authorization: Bearer <token>')",
            {"collection_id": collection_id, "access": "restricted"},
        )


def _plain(value: Any) -> Any:
    """A JSON-ready Python value from a pandas/numpy cell."""
    if value is None:
        return None
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, pd.Timestamp | datetime | date):
        return value.isoformat()
    if isinstance(value, bytes):
        return value.hex()
    if value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, str | int | float | bool):
        return value
    return str(value)


def _class_names(lv: LayerVersion, code: object) -> tuple[str | None, str | None]:
    if code is None:
        return None, None
    try:
        zc = get_class(lv.kind, str(code))
    except Exception:  # an unknown class stays raw; the validator reports it
        return None, None
    return zc.zh, zc.en


METRES_PER_DEGREE = 111_320.0
"""Length of one degree of latitude; turns a ``simplify`` tolerance in metres into degrees."""

MAX_SIMPLIFY_M = 1_000.0


def simplify_degrees(metres: float | None) -> float | None:
    """Validate a ``simplify`` tolerance in metres and return it in degrees (or ``None``)."""
    if metres is None or metres == 0:
        return None
    if not (0 < metres <= MAX_SIMPLIFY_M):
        raise InvalidInput(
            f"simplify must be between 0 and {MAX_SIMPLIFY_M:g} metres (got {metres:g})",
            {"parameter": "simplify"},
        )
    return metres / METRES_PER_DEGREE


def feature(
    lv: LayerVersion,
    row: int,
    simplify_deg: float | None = None,
    crs: OgcCrs = CRS84_CRS,
    page: gpd.GeoDataFrame | None = None,
) -> dict[str, Any]:
    """One feature of a layer version as a GeoJSON Feature in ``crs`` (default CRS84).

    ``row`` is a position in the version's WGS84 frame, or in ``page`` when given (rows
    read from the database for a version kept there only; CRS84 output only).

    Properties: ``zone_class`` (code), ``class_zh``, ``class_en``, ``name``,
    ``synthetic``, ``layer_id``, ``layer_version``, ``layer_kind``, then the file's
    other attributes. ``simplify_deg`` simplifies the geometry for display (topology
    preserved; in degrees, or the same tolerance in metres for EPSG:4548 output); lookups
    always use the full geometry. Coordinates are in ``crs``'s own axis order.
    """
    if page is not None and not crs.is_crs84:
        raise lv.not_in_memory(f"output in {crs.uri}")
    frame = lv.frame_wgs84 if page is None else page
    record = frame.iloc[row]
    geom = record.geometry
    if not crs.is_crs84 and geom is not None:
        geom = output_geometries(crs, [geom], [lv.frame.geometry.iloc[row]])[0]
    if simplify_deg is not None and geom is not None:
        tolerance = simplify_deg * METRES_PER_DEGREE if crs.is_analysis else simplify_deg
        geom = shapely.simplify(geom, tolerance, preserve_topology=True)
    zh, en = _class_names(lv, record["zone_class"])
    props: dict[str, Any] = {
        "feature_id": _plain(record["feature_id"]),
        "zone_class": _plain(record["zone_class"]),
        "class_zh": zh,
        "class_en": en,
        "name": _plain(record["name"]),
        "synthetic": bool(record["synthetic"]),
        "layer_id": lv.id,
        "layer_version": lv.version,
        "layer_kind": lv.kind.value,
    }
    for column in frame.columns:
        if column not in props and column != frame.geometry.name:
            props[str(column)] = _plain(record[column])
    return {
        "type": "Feature",
        "id": props["feature_id"],
        "geometry": mapping(geom) if geom is not None and not geom.is_empty else None,
        "properties": props,
    }


def matching_rows(
    lv: LayerVersion,
    bbox: tuple[float, float, float, float] | shapely.Geometry | None,
    bbox_crs: OgcCrs = CRS84_CRS,
    cql: Any = None,
    filter_crs: OgcCrs = CRS84_CRS,
    types: dict[str, str] | None = None,
) -> list[int]:
    """Row positions of features matching ``bbox`` and a parsed CQL2 filter, in file order.

    ``bbox`` is a CRS84 tuple or a box polygon in ``bbox_crs``'s axis order
    (:func:`geozone.ogc_crs.parse_bbox_in`); features intersecting it match. ``cql`` is a
    :func:`geozone.ogc_filter.parse_filter` AST whose geometry literals are in
    ``filter_crs``; ``types`` are the collection's queryables. Spatial tests run on this
    thread's lane trees: EPSG:4548 literals against the analysis frame (metres), the
    others against the CRS84 frame.
    """
    n = len(lv.frame_wgs84)
    keep = np.ones(n, dtype=bool)
    if bbox is not None:
        geom = shapely.box(*bbox) if isinstance(bbox, tuple) else bbox
        local, analysis = to_frame(geom, bbox_crs)
        keep &= tree_mask(_bbox_tree(lv, analysis), n, local, "intersects")
    if cql is not None:

        def spatial(literal: shapely.Geometry, predicate: str) -> np.ndarray:
            return tree_mask(_bbox_tree(lv, filter_crs.is_analysis), n, literal, predicate)

        evaluator = FilterEvaluator(
            lv.frame_wgs84.drop(columns=lv.frame_wgs84.geometry.name),
            types if types is not None else queryable_types([lv.frame_wgs84]),
            spatial,
            lambda g: to_frame(g, filter_crs)[0],
        )
        keep &= evaluator.mask(cql)
    return [int(i) for i in np.flatnonzero(keep)]


def _bbox_tree(lv: LayerVersion, analysis: bool = False) -> shapely.STRtree:
    """An STRtree over own copies of the layer's geometries, in this thread's lane.

    CRS84 geometries, or with ``analysis`` the EPSG:4548 ones (metres). Not the frame's
    ``sindex``: GeoPandas builds it lazily on a frame every thread reads, and a GEOS tree
    must not be used by two threads at once (:mod:`geozone.lanes`).
    """
    cache = current_lane().cache("ogc_analysis_tree" if analysis else "ogc_bbox_tree", 64)
    tree: shapely.STRtree | None = cache.get1(lv)
    if tree is None:
        frame = lv.frame if analysis else lv.frame_wgs84
        geoms = np.asarray(frame.geometry.values, dtype=object)
        tree = cache.put((lv,), None, shapely.STRtree(shapely.from_wkb(shapely.to_wkb(geoms))))
    return tree


def collection_queryables(catalog: Catalog, collection: Collection) -> dict[str, str]:
    """Queryable name -> JSON type over every version the collection may serve."""
    return queryable_types(v.schema_wgs84 for v in collection.versions(catalog))


def stored_items(
    store: LayerStore,
    lv: LayerVersion,
    bbox: tuple[float, float, float, float] | None,
    limit: int,
    offset: int,
    simplify_deg: float | None = None,
    crs: OgcCrs = CRS84_CRS,
) -> tuple[list[dict[str, Any]], int]:
    """A page of items of a version kept in the database only, read by SQL; and numberMatched.

    ``bbox`` is CRS84 (features intersecting it, as :func:`matching_rows`); the features
    come in the layer's order, as from memory. Filters and other CRSs need the version in
    memory (``layer_in_database_only``).
    """
    if not crs.is_crs84:
        raise lv.not_in_memory(f"output in {crs.uri}")
    found = store.features(lv.id, lv.version, bbox=bbox, limit=limit, offset=offset)
    rows = range(len(found.frame))
    return [feature(lv, r, simplify_deg, page=found.frame) for r in rows], found.matched


def stored_feature(
    store: LayerStore, lv: LayerVersion, feature_id: str, crs: OgcCrs = CRS84_CRS
) -> dict[str, Any]:
    """One feature by id of a version kept in the database only, read by SQL (CRS84).

    Raises
    ------
    FeatureNotFound
        Naming the layer version and the id.
    """
    found = store.feature(lv.id, lv.version, feature_id)
    if len(found) == 0:
        raise FeatureNotFound(
            f"layer {lv.key} has no feature {feature_id!r}",
            {"layer": lv.key, "feature_id": feature_id},
        )
    return feature(lv, 0, crs=crs, page=found)


def find_feature(lv: LayerVersion, feature_id: str) -> int:
    """Row position of a feature by id.

    Raises
    ------
    FeatureNotFound
        Naming the layer version and the id.
    """
    ids = lv.frame_wgs84["feature_id"].astype(str).to_numpy()
    found = np.flatnonzero(ids == feature_id)
    if len(found) == 0:
        raise FeatureNotFound(
            f"layer {lv.key} has no feature {feature_id!r}",
            {"layer": lv.key, "feature_id": feature_id},
        )
    return int(found[0])


def now_rfc3339() -> str:
    """The current UTC time, RFC 3339, for ``timeStamp``."""
    return datetime.now(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")
