"""Search the layer set by name: townships, parks, water sources, reservoirs, named zones.

:func:`search_places` answers the web map's search box. Every feature with a name in any
layer of the set is indexed once per catalog (:func:`place_index`, keyed by the layer set's
content hash): its ``name``, an English ``name_en`` when the layer has one, and the
``source_name`` of a water-source zone (the reservoir or well field the zones protect, so
"密云水库" finds the reservoir as one place). Features of one layer version sharing a name
are one place (their bbox is the union), so 40 patches named alike are one row.

Matching is on the text itself, no pinyin: case- and width-folded (NFKC, casefold), blanks
removed. A query matches a name exactly, as a prefix or as a substring; a name's trailing
bracket (the demo set's "（合成演示）" label) is ignored for the exact test, never dropped
from the name shown. Rank: exact > prefix > substring, then districts, townships, water
sources and named zones before parks and residential land, then shorter names first. An
administrative code or feature id matches by prefix.

Text that reads as a coordinate pair (``116.65, 39.90``; ``39.90 116.65``; ``EPSG:4548
470069 4416720``; ``GCJ02: 116.66, 39.90``) is answered as coordinates instead, converted to
WGS84 through :func:`geozone.query.point_query` (the lookup's own parsing and checks).

Restricted layers are left out unless ``sees_restricted`` (a bbox is geometry). The index
holds only names, ids and WGS84 bboxes (degrees); it is built from the shared frames'
``bounds`` (no prepared state), read-only after that, and safe from any thread.
"""

from __future__ import annotations

import math
import re
import threading
import unicodedata
from collections import OrderedDict
from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np
import shapely

from geozone.catalog import Catalog, LayerVersion
from geozone.crs import parse_crs
from geozone.errors import GeozoneError, InvalidInput
from geozone.query import point_query, projected_guesses
from geozone.vocab import LayerKind

#: columns whose text names a place, with the role the match is shown as
NAME_FIELDS = (("name", "name"), ("source_name", "water_source"))
#: English name columns (matched like names, shown as ``name_en``)
EN_FIELDS = ("name_en", "title_en")
#: attribute columns holding an administrative code, first present wins
CODE_FIELDS = ("code", "admin_code", "township_code", "adcode")

DEFAULT_LIMIT = 10
MAX_LIMIT = 50
MAX_QUERY_CHARS = 100

#: exact, prefix and substring matches, best first
MATCH_RANKS = {"exact": 0, "prefix": 1, "substring": 2}

# places people look for first: admin units, water sources and zones, then parks, housing
_KIND_ORDER = {
    LayerKind.ADMIN.value: 0,
    LayerKind.WATER_PROTECTION.value: 1,
    LayerKind.RESERVOIR_RING.value: 1,
    LayerKind.REDLINE.value: 2,
    LayerKind.CONTROL_ZONE.value: 2,
    LayerKind.CONTROL_UNIT.value: 2,
    LayerKind.PARK.value: 3,
    LayerKind.RESIDENTIAL.value: 4,
}
_CLASS_ORDER = {"district": 0, "township": 1}

_TRAILING_BRACKET = re.compile(r"\s*[（(][^（）()]*[）)]\s*$")
_NUMBER = r"[-+]?\d+(?:\.\d+)?"
_PAIR = re.compile(rf"^\s*({_NUMBER})\s*(?:[,，;；]\s*|\s+)({_NUMBER})\s*$")
_CRS_HEAD = re.compile(r"^\s*([A-Za-z][A-Za-z0-9_\-]*(?::\d+)?)\s*[:：]?\s+(.*)$")
_CRS_TAIL = re.compile(r"^(.*?)\s*[（(]\s*([A-Za-z][A-Za-z0-9_\-]*(?::\d+)?)\s*[)）]\s*$")


def fold(text: str) -> str:
    """The form names and queries are compared in: NFKC, casefolded, without blanks.

    >>> fold(" Miyun  Reservoir "), fold("ＡＢ１")
    ('miyunreservoir', 'ab1')
    """
    return "".join(unicodedata.normalize("NFKC", text).casefold().split())


def core_name(name: str) -> str:
    """A name without its trailing bracket, e.g. the synthetic label "（合成演示）".

    >>> core_name("密云水库（合成）"), core_name("Park (synthetic)"), core_name("通州区")
    ('密云水库', 'Park', '通州区')
    """
    return _TRAILING_BRACKET.sub("", name).strip() or name


def _text(value: object) -> str | None:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    text = str(value).strip()
    return text or None


@dataclass(frozen=True)
class NamedPlace:
    """One named place of one layer version: the features of that version sharing a name.

    ``bbox`` is ``(min_lon, min_lat, max_lon, max_lat)`` in WGS84 degrees, rounded outwards
    to 1e-6 (~0.1 m). ``role`` is ``"name"`` for a feature's own name, ``"water_source"``
    for the water source its zones protect. ``keys`` are the folded names matched,
    ``prefix_keys`` the folded id and code (matched by prefix), ``haystack`` all of them in
    one string: a query not in it cannot match, and most places are dismissed by that test.
    """

    layer_id: str
    version: str
    kind: str
    role: str
    name: str
    name_en: str | None
    zone_class: str | None
    code: str | None
    feature_ids: tuple[str, ...]
    bbox: tuple[float, float, float, float]
    synthetic: bool
    exact_keys: frozenset[str]
    keys: tuple[str, ...]
    prefix_keys: tuple[str, ...]
    haystack: str


def _column(frame: Any, name: str | None) -> list[str | None]:
    """A column as stripped text per row (``None`` for empty or missing values)."""
    if name is None or name not in frame.columns:
        return [None] * len(frame)
    return [_text(v) for v in frame[name].to_numpy()]


def _places_of(version: LayerVersion) -> list[NamedPlace]:
    if not version.in_memory:  # kept in the database only (GEOZONE_LOOKUP=sql): not searched
        return []
    frame = version.frame_wgs84
    if not len(frame):
        return []
    # one pass per column into plain lists: per-row pandas access costs seconds on 5,000 rows
    bounds = shapely.bounds(np.asarray(frame.geometry.values))
    finite = np.isfinite(bounds).all(axis=1)
    ids = frame["feature_id"].astype(str).tolist()
    classes = _column(frame, "zone_class")
    names_en = _column(frame, next((c for c in EN_FIELDS if c in frame.columns), None))
    code_columns = [_column(frame, c) for c in CODE_FIELDS if c in frame.columns]
    synthetic = bool(version.entry.synthetic)
    out: list[NamedPlace] = []
    for field, role in NAME_FIELDS:
        if field not in frame.columns:
            continue
        groups: dict[str, list[int]] = {}
        for i, name in enumerate(_column(frame, field)):
            if name is not None and finite[i]:  # an empty geometry: nothing to fly to
                groups.setdefault(name, []).append(i)
        for name, rows in groups.items():
            first = rows[0]
            one = len(rows) == 1
            if one:
                lo, hi = bounds[first, :2], bounds[first, 2:]
            else:
                box = bounds[rows]
                lo, hi = box[:, :2].min(axis=0), box[:, 2:].max(axis=0)
            lo = np.floor(lo * 1e6) / 1e6
            hi = np.ceil(hi * 1e6) / 1e6
            own = role == "name"
            name_en = names_en[first] if own else None
            code = None
            if one and own:
                code = next((col[first] for col in code_columns if col[first] is not None), None)
            zone_class = classes[first] if own and len({classes[i] for i in rows}) == 1 else None
            keys = [fold(name)] + ([fold(name_en)] if name_en else [])
            exact = {fold(core_name(name)), *keys}
            if name_en:
                exact.add(fold(core_name(name_en)))
            prefix = ([fold(ids[first])] if one else []) + ([fold(code)] if code else [])
            out.append(
                NamedPlace(
                    layer_id=version.id,
                    version=version.version,
                    kind=version.kind.value,
                    role=role,
                    name=name,
                    name_en=name_en,
                    zone_class=zone_class,
                    code=code,
                    feature_ids=tuple(ids[i] for i in rows),
                    bbox=(float(lo[0]), float(lo[1]), float(hi[0]), float(hi[1])),
                    synthetic=synthetic,
                    exact_keys=frozenset(exact),
                    keys=tuple(keys),
                    prefix_keys=tuple(prefix),
                    haystack="\x00".join([*keys, *prefix]),
                )
            )
    return out


class PlaceIndex:
    """Every named place of every layer version of a catalog, by version key.

    Built once per catalog (:func:`place_index`); read-only afterwards.
    """

    def __init__(self, catalog: Catalog) -> None:
        self.by_version: dict[str, list[NamedPlace]] = {
            v.key: _places_of(v) for v in catalog.all_versions()
        }

    def __len__(self) -> int:
        return sum(len(p) for p in self.by_version.values())


_lock = threading.Lock()
_INDEXES: OrderedDict[str, PlaceIndex] = OrderedDict()
_KEEP = 4


def place_index(catalog: Catalog) -> PlaceIndex:
    """The catalog's :class:`PlaceIndex`, built on first use and kept per layer-set hash.

    A reloaded layer set has a new hash and gets a new index; the last few are kept.
    """
    with _lock:
        found = _INDEXES.get(catalog.hash)
        if found is not None:
            _INDEXES.move_to_end(catalog.hash)
            return found
    built = PlaceIndex(catalog)  # outside the lock: another thread may build it too
    with _lock:
        _INDEXES[catalog.hash] = built
        while len(_INDEXES) > _KEEP:
            _INDEXES.popitem(last=False)
    return built


def _match(place: NamedPlace, q: str) -> str | None:
    if q not in place.haystack:
        return None
    if q in place.exact_keys or q in place.prefix_keys:
        return "exact"
    if any(k.startswith(q) for k in place.keys) or any(k.startswith(q) for k in place.prefix_keys):
        return "prefix"
    if any(q in k for k in place.keys):
        return "substring"
    return None


def _row(place: NamedPlace, match: str, catalog: Catalog) -> dict[str, Any]:
    entry = catalog.get(place.layer_id, place.version).entry
    return {
        "type": "place",
        "match": match,
        "layer_id": place.layer_id,
        "version": place.version,
        "kind": place.kind,
        "layer_title_zh": entry.title_zh,
        "layer_title_en": entry.title_en,
        "role": place.role,
        "name": place.name,
        "name_en": place.name_en,
        "zone_class": place.zone_class,
        "code": place.code,
        "feature_id": place.feature_ids[0],
        "feature_count": len(place.feature_ids),
        "bbox": list(place.bbox),
        "synthetic": place.synthetic,
    }


def _coordinate_row(lon: float, lat: float, crs: str, x: float, y: float) -> dict[str, Any]:
    return {
        "type": "coordinates",
        "match": "exact",
        "crs": crs,
        "x": x,
        "y": y,
        "lon": round(lon, 7),
        "lat": round(lat, 7),
        "name": f"{lon:.6f}, {lat:.6f}",
        "bbox": [round(lon, 7), round(lat, 7), round(lon, 7), round(lat, 7)],
    }


def _split_crs(text: str) -> tuple[str | None, str]:
    """``("EPSG:4548", "470069 4416720")`` from ``"EPSG:4548 470069 4416720"``; or no CRS."""
    if _PAIR.match(text):
        return None, text
    for pattern, crs_at in ((_CRS_HEAD, 1), (_CRS_TAIL, 2)):
        m = pattern.match(text)
        if m and _PAIR.match(m.group(3 - crs_at)):
            return m.group(crs_at), m.group(3 - crs_at)
    return None, text


def _point(a: float, b: float, crs: str | None) -> dict[str, Any] | None:
    """The pair as a WGS84 point through the lookup's parsing, or None if it refuses it."""
    try:
        q = point_query(a, b, crs=crs)
    except GeozoneError:
        return None
    _ax, _ay, lon, lat = q.point_coords
    return _coordinate_row(lon, lat, q.crs, a, b)


def parse_coordinates(text: str, crs: str | None = None) -> list[dict[str, Any]]:
    """Coordinate readings of ``text``: ``[]`` when it is not a coordinate pair.

    Degrees are (lon, lat), or (lat, lon) when only that order falls in China; metres are
    read in each projected CRS of :data:`geozone.query.PROJECTED_GUESSES` that puts them
    in China (EPSG:4548 first). A CRS named in the text or given as ``crs`` is used alone.

    >>> [(r["crs"], r["lon"], r["lat"]) for r in parse_coordinates("39.9, 116.65")]
    [('EPSG:4326', 116.65, 39.9)]
    >>> [r["crs"] for r in parse_coordinates("470069 4416720")]
    ['EPSG:4548', 'EPSG:32650']
    """
    named, rest = _split_crs(text)
    m = _PAIR.match(rest)
    if not m:
        return []
    a, b = float(m.group(1)), float(m.group(2))
    chosen = crs or named
    if chosen is not None:
        found = _point(a, b, chosen) or _point(b, a, chosen)
        if found is None:
            raise InvalidInput(
                f"({a:g}, {b:g}) cannot be read as coordinates in {chosen}",
                {"q": text, "crs": chosen},
            )
        return [found]
    if abs(a) <= 180 and abs(b) <= 180:
        found = _point(a, b, None) or _point(b, a, None)
        return [found] if found else []
    rows = [_point(a, b, code) for code, _name in projected_guesses(a, b)]
    return [r for r in rows if r is not None]


def search_places(
    catalog: Catalog,
    text: str,
    as_of: date,
    *,
    sees_restricted: bool = False,
    limit: int = DEFAULT_LIMIT,
    crs: str | None = None,
) -> list[dict[str, Any]]:
    """Places and coordinates matching ``text`` in the layer versions in force on ``as_of``.

    Each place row: ``type: "place"``, ``match`` (exact/prefix/substring), layer id,
    version, kind and titles, ``role``, ``name`` (as stored, synthetic label kept),
    ``name_en``, ``zone_class``, ``code``, the first ``feature_id`` and ``feature_count``,
    ``bbox`` (WGS84 degrees) and ``synthetic``. A coordinate pair gives ``type:
    "coordinates"`` rows (``lon``/``lat`` WGS84, ``crs`` read, ``x``/``y`` as given).

    Raises
    ------
    InvalidInput
        Empty or over-long text, a limit outside 1..50, or coordinates that do not fit a
        named ``crs``.
    UnknownCRS, UnsupportedCRS
        A ``crs`` that names no usable CRS (checked whatever the text is).
    """
    if not 1 <= limit <= MAX_LIMIT:
        raise InvalidInput(f"limit must be 1..{MAX_LIMIT}, got {limit}", {"limit": limit})
    stripped = text.strip()
    if not stripped:
        raise InvalidInput("give a name, code or coordinates to search for", {"q": text})
    if len(stripped) > MAX_QUERY_CHARS:
        raise InvalidInput(
            f"search text is {len(stripped)} characters; at most {MAX_QUERY_CHARS}",
            {"max_chars": MAX_QUERY_CHARS},
        )
    if crs is not None:
        parse_crs(crs)  # an unknown CRS is refused even when the text is a name
    coordinates = parse_coordinates(stripped, crs)
    if coordinates:
        return coordinates[:limit]
    q = fold(stripped)
    index = place_index(catalog)
    found: list[tuple[tuple[Any, ...], NamedPlace, str]] = []
    for version in catalog.select(as_of):
        if catalog.restricted(version.id) and not sees_restricted:
            continue
        for place in index.by_version.get(version.key, []):
            match = _match(place, q)
            if match is None:
                continue
            order = (
                MATCH_RANKS[match],
                _KIND_ORDER.get(place.kind, 2),
                _CLASS_ORDER.get(place.zone_class or "", 2),
                0 if place.role == "water_source" else 1,
                len(place.name),
                place.name,
                place.layer_id,
            )
            found.append((order, place, match))
    found.sort(key=lambda f: f[0])
    return [_row(place, match, catalog) for _order, place, match in found[:limit]]
