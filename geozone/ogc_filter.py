r"""OGC API Features Part 3 filtering: queryables and a CQL2 evaluator over pandas/shapely.

CQL2 text and CQL2 JSON are parsed by ``pygeofilter`` (its ``cql2_text`` and
``cql2_json`` parsers); this module evaluates the resulting AST over a layer's attribute
table with nullable pandas arrays, so comparisons follow SQL's three-valued logic: a
comparison with a null value is *unknown*, ``NOT unknown`` stays unknown, and only
features whose filter is *true* are returned.

Supported: ``= <> < <= > >=``, ``AND OR NOT``, ``LIKE`` (``%`` any run, ``_`` one
character, ``\`` escapes), ``IN``, ``IS NULL``, ``BETWEEN``, and the spatial functions
``S_INTERSECTS S_DISJOINT S_CONTAINS S_WITHIN S_TOUCHES S_CROSSES S_OVERLAPS S_EQUALS``
between the ``geometry`` queryable and a literal (WKT or ``BBOX(...)`` in text, GeoJSON
or ``{"bbox": [...]}`` in JSON). Spatial work goes through a caller-supplied
:class:`SpatialIndex` so the HTTP service can keep its GEOS trees lane-local
(:mod:`geozone.lanes`). This module is framework-free.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd
import shapely
from pygeofilter import ast, values
from pygeofilter.parsers.cql2_json import parse as parse_cql2_json
from pygeofilter.parsers.cql2_text import parse as parse_cql2_text
from shapely.geometry import shape

from geozone.errors import InvalidFilter

GEOMETRY = "geometry"
FILTER_LANGS = ("cql2-text", "cql2-json")
FILTER_LANG_NAMES = (*FILTER_LANGS, "cql-text")
"""Accepted ``filter-lang`` values: ``cql-text`` is the drafts' name of ``cql2-text``."""

SpatialIndex = Callable[[shapely.Geometry, str], npt.NDArray[np.bool_]]
"""``(literal, predicate) -> mask``: features ``f`` with ``predicate(literal, f)`` true.

``literal`` is already in the frame's CRS; ``predicate`` is a shapely STRtree predicate
name (``intersects``, ``contains``, ``within``, ``touches``, ``crosses``, ``overlaps``) or
``equals`` / ``disjoint``.
"""

# --- queryables ----------------------------------------------------------------------

_DESCRIPTIONS = {
    "feature_id": "Feature id (the layer's id field).",
    "zone_class": "Zone class code of the layer kind's vocabulary (e.g. 'core').",
    "name": "Zone name.",
    "synthetic": "True for synthetic demo features (not an official boundary).",
}


def _json_type(series: pd.Series) -> str:
    dtype = series.dtype
    if pd.api.types.is_bool_dtype(dtype):
        return "boolean"
    if pd.api.types.is_integer_dtype(dtype):
        return "integer"
    if pd.api.types.is_float_dtype(dtype):
        return "number"
    values_ = series.dropna()
    if len(values_) and all(isinstance(v, bool | np.bool_) for v in values_):
        return "boolean"
    if len(values_) and all(
        isinstance(v, int | np.integer) and not isinstance(v, bool) for v in values_
    ):
        return "integer"
    return "string"


def queryable_types(frames: Iterable[pd.DataFrame]) -> dict[str, str]:
    """Property name -> JSON type (``string``/``integer``/``number``/``boolean``).

    The union over the frames (e.g. every version of a collection); a column typed
    ``integer`` in one frame and ``number`` in another is ``number``, any other
    disagreement is ``string``. The geometry column is not included.
    """
    types: dict[str, str] = {}
    for frame in frames:
        geom = frame.geometry.name if hasattr(frame, "geometry") else None
        for column in frame.columns:
            if column == geom:
                continue
            t = _json_type(frame[column])
            old = types.get(str(column))
            if old is None or old == t:
                types[str(column)] = t
            elif {old, t} == {"integer", "number"}:
                types[str(column)] = "number"
            else:
                types[str(column)] = "string"
    return types


def queryables_schema(types: dict[str, str], schema_id: str, title: str) -> dict[str, Any]:
    """The Part 3 queryables document: a JSON Schema (2019-09) of the filterable properties."""
    props: dict[str, Any] = {
        GEOMETRY: {
            "title": "geometry",
            "description": "The feature's geometry (for S_INTERSECTS and the other S_* functions).",
            "format": "geometry-any",
            "x-ogc-role": "primary-geometry",
        }
    }
    for name, t in types.items():
        entry: dict[str, Any] = {"title": name, "type": t}
        if name in _DESCRIPTIONS:
            entry["description"] = _DESCRIPTIONS[name]
        if name == "feature_id":
            entry["x-ogc-role"] = "id"
        props[name] = entry
    return {
        "$schema": "https://json-schema.org/draft/2019-09/schema",
        "$id": schema_id,
        "type": "object",
        "title": title,
        "properties": props,
        "additionalProperties": False,
    }


# --- parsing -------------------------------------------------------------------------


def _short(exc: BaseException) -> str:
    text = " ".join(str(exc).split())
    return text[:300] + ("..." if len(text) > 300 else "")


def _normalise_json(node: Any) -> Any:
    """CQL2 JSON forms pygeofilter 0.4 reads differently from the standard, rewritten.

    ``{"bbox": [minx, miny, maxx, maxy]}`` becomes a GeoJSON polygon (pygeofilter maps it
    to ``Envelope(x1, x2, y1, y2)`` with the numbers in the wrong places) and
    ``between`` with three arguments (the standard form) becomes ``[p, [lo, hi]]``.
    """
    if isinstance(node, list):
        return [_normalise_json(n) for n in node]
    if not isinstance(node, dict):
        return node
    if set(node) == {"bbox"} and isinstance(node["bbox"], list):
        box = node["bbox"]
        if len(box) == 6:
            box = [box[0], box[1], box[3], box[4]]
        if len(box) != 4 or not all(isinstance(v, int | float) for v in box):
            raise InvalidFilter(
                f"bbox literal {node['bbox']!r} needs 4 numbers", {"parameter": "filter"}
            )
        return shapely.geometry.mapping(shapely.box(*box))
    out = {k: _normalise_json(v) for k, v in node.items()}
    if out.get("op") == "between" and isinstance(out.get("args"), list) and len(out["args"]) == 3:
        out["args"] = [out["args"][0], [out["args"][1], out["args"][2]]]
    return out


def filter_language(lang: str | None) -> str:
    """The served ``filter-lang`` named by ``lang`` (default ``cql2-text``; ``cql-text`` too).

    Raises
    ------
    InvalidFilter
        (400) for a language that is not served.
    """
    language = (lang or "cql2-text").strip().lower()
    if language == "cql-text":
        language = "cql2-text"
    if language not in FILTER_LANGS:
        raise InvalidFilter(
            f"filter-lang {lang!r} is not served; use cql2-text or cql2-json",
            {"parameter": "filter-lang", "allowed": list(FILTER_LANGS)},
        )
    return language


def parse_filter(text: str, lang: str | None = None) -> ast.Node:
    """Parse a ``filter`` in ``filter-lang`` (``cql2-text``, the default, or ``cql2-json``).

    Raises
    ------
    InvalidFilter
        (400) for an unknown ``filter-lang`` or a filter that does not parse, quoting
        the parser's complaint.
    """
    language = filter_language(lang)
    if text.strip() == "":
        raise InvalidFilter("filter is empty", {"parameter": "filter"})
    try:
        if language == "cql2-json":
            try:
                doc = json.loads(text)
            except json.JSONDecodeError as exc:
                raise InvalidFilter(
                    f"filter is not JSON (filter-lang=cql2-json): {exc.msg} at character {exc.pos}",
                    {"parameter": "filter", "filter-lang": language},
                ) from None
            node = parse_cql2_json(_normalise_json(doc))
        else:
            node = parse_cql2_text(text)
    except InvalidFilter:
        raise
    except Exception as exc:  # lark / pygeofilter errors describe the input only
        raise InvalidFilter(
            f"filter does not parse as {language}: {_short(exc)}",
            {"parameter": "filter", "filter-lang": language},
        ) from None
    if not isinstance(node, ast.Node):
        raise InvalidFilter(
            f"filter is a bare value, not a condition ({language})",
            {"parameter": "filter", "filter-lang": language},
        )
    return node


def and_equalities(
    node: ast.Node | None, equalities: dict[str, str], types: dict[str, str]
) -> ast.Node | None:
    """``node AND p1 = v1 AND ...`` for queryables given as query parameters (Part 3).

    ``equalities`` maps queryable names to their query-parameter text, read as the
    queryable's type (``integer``, ``number``, ``boolean`` ``true``/``false``).

    Raises
    ------
    InvalidFilter
        (400) when a value does not read as its queryable's type.
    """
    out = node
    for name, text in equalities.items():
        t = types.get(name, "string")
        value: Any = text
        try:
            if t == "integer":
                value = int(text)
            elif t == "number":
                value = float(text)
            elif t == "boolean":
                if text.lower() not in ("true", "false"):
                    raise ValueError(text)
                value = text.lower() == "true"
        except ValueError:
            raise InvalidFilter(
                f"query parameter {name}={text!r} is not a {t}",
                {"parameter": name, "type": t},
            ) from None
        eq = ast.Equal(ast.Attribute(name), value)
        out = eq if out is None else ast.And(out, eq)
    return out


# --- evaluation ----------------------------------------------------------------------

_NULLABLE = {"string": "string", "integer": "Int64", "number": "Float64", "boolean": "boolean"}

# S_X(feature, literal) as predicate(literal, feature), the form STRtree.query answers
_FEATURE_FIRST = {
    ast.SpatialComparisonOp.INTERSECTS: "intersects",
    ast.SpatialComparisonOp.DISJOINT: "disjoint",
    ast.SpatialComparisonOp.CONTAINS: "within",
    ast.SpatialComparisonOp.WITHIN: "contains",
    ast.SpatialComparisonOp.TOUCHES: "touches",
    ast.SpatialComparisonOp.CROSSES: "crosses",
    ast.SpatialComparisonOp.OVERLAPS: "overlaps",
    ast.SpatialComparisonOp.EQUALS: "equals",
}
_LITERAL_FIRST = {
    ast.SpatialComparisonOp.INTERSECTS: "intersects",
    ast.SpatialComparisonOp.DISJOINT: "disjoint",
    ast.SpatialComparisonOp.CONTAINS: "contains",
    ast.SpatialComparisonOp.WITHIN: "within",
    ast.SpatialComparisonOp.TOUCHES: "touches",
    ast.SpatialComparisonOp.CROSSES: "crosses",
    ast.SpatialComparisonOp.OVERLAPS: "overlaps",
    ast.SpatialComparisonOp.EQUALS: "equals",
}

_COMPARE: dict[type, Callable[[pd.Series, Any], pd.Series]] = {
    ast.Equal: lambda s, v: s == v,
    ast.NotEqual: lambda s, v: s != v,
    ast.LessThan: lambda s, v: s < v,
    ast.LessEqual: lambda s, v: s <= v,
    ast.GreaterThan: lambda s, v: s > v,
    ast.GreaterEqual: lambda s, v: s >= v,
}
_MIRROR = {
    ast.LessThan: ast.GreaterThan,
    ast.LessEqual: ast.GreaterEqual,
    ast.GreaterThan: ast.LessThan,
    ast.GreaterEqual: ast.LessEqual,
}


def like_regex(pattern: str) -> str:
    r"""The regular expression of a CQL2 ``LIKE`` pattern (``%`` any run, ``_`` one char).

    >>> like_regex("Miyun%")
    'Miyun.*'
    >>> like_regex(r"a\%_")
    'a%.'
    """
    out: list[str] = []
    chars = iter(pattern)
    for ch in chars:
        if ch == "\\":
            nxt = next(chars, "\\")
            out.append(re.escape(nxt))
        elif ch == "%":
            out.append(".*")
        elif ch == "_":
            out.append(".")
        else:
            out.append(re.escape(ch))
    return "".join(out)


class FilterEvaluator:
    """Evaluate a parsed CQL2 filter over one attribute table.

    Parameters
    ----------
    attrs
        The features' attributes, one row per feature (geometry column ignored).
    types
        Queryable name -> JSON type (:func:`queryable_types`); names outside it are
        refused with 400. A queryable the table lacks counts as null everywhere.
    spatial
        Answers the spatial functions (:data:`SpatialIndex`); ``None`` refuses them.
    to_frame
        Turns a literal geometry (shapely, in the ``filter-crs`` axis order) into the
        CRS the ``spatial`` index works in.
    """

    def __init__(
        self,
        attrs: pd.DataFrame,
        types: dict[str, str],
        spatial: SpatialIndex | None = None,
        to_frame: Callable[[shapely.Geometry], shapely.Geometry] | None = None,
    ) -> None:
        self.attrs = attrs
        self.types = types
        self.spatial = spatial
        self.to_frame = to_frame
        self.n = len(attrs)

    def mask(self, node: ast.Node) -> npt.NDArray[np.bool_]:
        """Row mask of the features for which the filter is true."""
        return self._eval(node).fillna(False).to_numpy(dtype=bool)

    # -- helpers

    def _bools(self, values_: Any) -> pd.Series:
        return pd.Series(pd.array(values_, dtype="boolean"), index=self.attrs.index)

    def _column(self, node: Any) -> tuple[str, pd.Series]:
        if not isinstance(node, ast.Attribute):
            raise InvalidFilter(
                f"expected a queryable property, got {node!r}",
                {"parameter": "filter", "queryables": sorted(self.types)},
            )
        name = node.name
        if name == GEOMETRY:
            raise InvalidFilter(
                "geometry can only be used in spatial functions (S_INTERSECTS...)",
                {"parameter": "filter", "property": name},
            )
        if name not in self.types:
            raise InvalidFilter(
                f"unknown queryable {name!r}; queryables: {', '.join(sorted(self.types))}",
                {"parameter": "filter", "property": name, "queryables": sorted(self.types)},
            )
        t = self.types[name]
        if name in self.attrs.columns:
            raw = self.attrs[name]
            present = raw.notna()
            raw = raw.astype(object).where(present, None)
            if t == "string":
                raw = raw.map(lambda v: v if v is None or isinstance(v, str) else str(v))
            series = raw.astype(_NULLABLE[t])
        else:
            series = pd.Series(pd.array([None] * self.n, dtype=_NULLABLE[t]))
        series.index = self.attrs.index
        return t, series

    def _literal(self, name: str, t: str, value: Any) -> Any:
        ok = {
            "string": isinstance(value, str),
            "integer": isinstance(value, int | float) and not isinstance(value, bool),
            "number": isinstance(value, int | float) and not isinstance(value, bool),
            "boolean": isinstance(value, bool),
        }[t]
        if not ok:
            raise InvalidFilter(
                f"queryable {name!r} is of type {t}; {value!r} is not a {t} literal",
                {"parameter": "filter", "property": name, "type": t},
            )
        return value

    def _scalar_pair(self, node: ast.Comparison) -> tuple[type, Any, Any]:
        op: type = type(node)
        lhs, rhs = node.lhs, node.rhs
        if not isinstance(lhs, ast.Attribute) and isinstance(rhs, ast.Attribute):
            lhs, rhs = rhs, lhs
            op = _MIRROR.get(op, op)
        if isinstance(rhs, ast.Node):
            raise InvalidFilter(
                "only comparisons between a queryable and a literal are served",
                {"parameter": "filter"},
            )
        return op, lhs, rhs

    def _geometry(self, value: Any) -> shapely.Geometry:
        try:
            if isinstance(value, values.Geometry):
                geom = shape(value.geometry)
            elif isinstance(value, values.Envelope):
                geom = shapely.box(value.x1, value.y1, value.x2, value.y2)
            elif isinstance(value, ast.Function) and value.name.lower() == "bbox":
                nums = [float(a) for a in value.arguments]
                if len(nums) == 6:
                    nums = [nums[0], nums[1], nums[3], nums[4]]
                if len(nums) != 4:
                    raise ValueError("BBOX needs 4 numbers")
                geom = shapely.box(*nums)
            else:
                raise ValueError(f"{value!r} is not a geometry literal")
        except (ValueError, TypeError, AttributeError, KeyError) as exc:
            raise InvalidFilter(
                f"bad geometry literal in filter: {_short(exc)}", {"parameter": "filter"}
            ) from None
        if geom.is_empty or not bool(shapely.is_valid_input(geom)):
            raise InvalidFilter("geometry literal is empty", {"parameter": "filter"})
        return self.to_frame(geom) if self.to_frame is not None else geom

    # -- the walk

    def _eval(self, node: Any) -> pd.Series:
        if isinstance(node, ast.And):
            return self._eval(node.lhs) & self._eval(node.rhs)
        if isinstance(node, ast.Or):
            return self._eval(node.lhs) | self._eval(node.rhs)
        if isinstance(node, ast.Not):
            return ~self._eval(node.sub_node)
        if isinstance(node, ast.Include):
            return self._bools([not node.not_] * self.n)
        if isinstance(node, ast.Comparison) and type(node) in _COMPARE:
            op, lhs, rhs = self._scalar_pair(node)
            name = lhs.name if isinstance(lhs, ast.Attribute) else str(lhs)
            t, series = self._column(lhs)
            if op not in (ast.Equal, ast.NotEqual) and t == "boolean":
                raise InvalidFilter(
                    f"{name!r} is boolean: only = and <> apply", {"parameter": "filter"}
                )
            return self._bools(_COMPARE[op](series, self._literal(name, t, rhs)))
        if isinstance(node, ast.Between):
            t, series = self._column(node.lhs)
            name = node.lhs.name
            if t not in ("integer", "number"):
                raise InvalidFilter(
                    f"BETWEEN needs a numeric queryable; {name!r} is {t}",
                    {"parameter": "filter", "property": name},
                )
            low, high = self._literal(name, t, node.low), self._literal(name, t, node.high)
            out = self._bools((series >= low) & (series <= high))
            return ~out if node.not_ else out
        if isinstance(node, ast.Like):
            t, series = self._column(node.lhs)
            name = node.lhs.name
            if t != "string" or not isinstance(node.pattern, str):
                raise InvalidFilter(
                    f"LIKE needs a string queryable and a string pattern ({name!r} is {t})",
                    {"parameter": "filter", "property": name},
                )
            flags = re.IGNORECASE if node.nocase else 0
            out = self._bools(series.str.fullmatch(like_regex(node.pattern), flags=flags))
            return ~out if node.not_ else out
        if isinstance(node, ast.In):
            t, series = self._column(node.lhs)
            name = node.lhs.name
            options = [self._literal(name, t, v) for v in node.sub_nodes]
            hit = series.isin(options).to_numpy(dtype=bool)
            out = self._bools(np.where(series.isna().to_numpy(), None, hit))
            return ~out if node.not_ else out
        if isinstance(node, ast.IsNull):
            if isinstance(node.lhs, ast.Attribute) and node.lhs.name == GEOMETRY:
                out = self._bools([False] * self.n)
            else:
                _, series = self._column(node.lhs)
                out = self._bools(series.isna().to_numpy())
            return ~out if node.not_ else out
        if isinstance(node, ast.SpatialComparisonPredicate):
            return self._spatial(node)
        raise InvalidFilter(
            f"filter uses {type(node).__name__}, which is not served; served: comparisons, "
            "AND/OR/NOT, LIKE, IN, IS NULL, BETWEEN and the S_* spatial functions",
            {"parameter": "filter", "node": type(node).__name__},
        )

    def _spatial(self, node: ast.SpatialComparisonPredicate) -> pd.Series:
        if self.spatial is None:
            raise InvalidFilter("spatial functions are not served here", {"parameter": "filter"})
        lhs_geom = isinstance(node.lhs, ast.Attribute) and node.lhs.name == GEOMETRY
        rhs_geom = isinstance(node.rhs, ast.Attribute) and node.rhs.name == GEOMETRY
        if lhs_geom == rhs_geom:
            raise InvalidFilter(
                f"S_{node.op.value} needs the 'geometry' queryable and one geometry literal",
                {"parameter": "filter"},
            )
        if lhs_geom:
            predicate, literal = _FEATURE_FIRST[node.op], node.rhs
        else:
            predicate, literal = _LITERAL_FIRST[node.op], node.lhs
        return self._bools(self.spatial(self._geometry(literal), predicate))


def tree_mask(
    tree: shapely.STRtree, count: int, literal: shapely.Geometry, predicate: str
) -> npt.NDArray[np.bool_]:
    """A :data:`SpatialIndex` answer from an STRtree over the features (caller's lane)."""
    out = np.zeros(count, dtype=bool)
    if predicate == "disjoint":
        return ~tree_mask(tree, count, literal, "intersects")
    if predicate == "equals":
        candidates = tree.query(literal)
        geoms = tree.geometries.take(candidates)
        out[candidates[shapely.equals(literal, geoms)]] = True
        return out
    out[tree.query(literal, predicate=predicate)] = True
    return out
