"""Stage 1 of a lookup: finding hits (the candidate features near a query).

A :class:`HitFinder` is given the selection in force (:class:`~geozone.selection.Selection`)
and a query, and returns :class:`Candidates`: every feature whose geometry may cover, cross or
come within ``tolerance_m`` of the query (at least those within the query's bounding box
grown by ``tolerance_m``; more is allowed, the measuring stage decides). Each candidate is a
:class:`Feature`: its :class:`FeatureRef` (layer id, version, feature id), its layer's order
in the selection, the attributes the later stages need and its geometry in EPSG:4548
(metres). Nothing later reads a finder's own index.

Finders
    :class:`geozone.feature_index.MemoryFinder`
        The default: an STRtree per selection and candidates per grid cell for points.
    :class:`BruteForceFinder`
        No index at all: every feature of every layer in force, tested by its envelope.
        The cross-check engine of the tests.
    An SQL finder (PostGIS) returns the features whose subdivided pieces meet the grown
    bounding box, with their original geometries, through :func:`analysis_geometries`:
    the shared measuring code then gives the same bytes.

A finder may hand over two speed-ups, results identical: ``proven`` (its first candidates
are known to cover a point, their boundary farther than the tolerance) and ``distances``
(exact point-to-boundary distances, e.g. from the boundary parts near the point's cell).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, NamedTuple, Protocol

import numpy as np
import numpy.typing as npt
import shapely
from shapely.geometry.base import BaseGeometry

from geozone import ANALYSIS_CRS, OUTPUT_CRS
from geozone.catalog import LayerVersion
from geozone.crs import geometries_to, transformer, wgs84_to_gcj02, wgs84_to_gcj02_xy
from geozone.errors import GeozoneError
from geozone.query import Query
from geozone.vocab import LayerKind, get_class

if TYPE_CHECKING:
    from geozone.selection import Selection

ObjArray = npt.NDArray[np.object_]
IntArray = npt.NDArray[np.intp]


@dataclass(frozen=True)
class LayerMeta:
    """A layer version in force as the answer names it (``layers``, report ids, hit titles)."""

    key: str
    layer_id: str
    version: str
    kind: LayerKind
    title_zh: str
    title_en: str
    sha256: str
    entry_synthetic: bool

    @classmethod
    def of(cls, lv: LayerVersion) -> LayerMeta:
        """The metadata of a loaded layer version."""
        return cls(
            key=lv.key,
            layer_id=lv.id,
            version=lv.version,
            kind=lv.kind,
            title_zh=lv.entry.title_zh,
            title_en=lv.entry.title_en,
            sha256=lv.sha256,
            entry_synthetic=bool(lv.entry.synthetic),
        )


class FeatureRef(NamedTuple):
    """Which feature: a layer id, the layer version in force and the feature's id."""

    layer_id: str
    version: str
    feature_id: str


@dataclass(frozen=True, slots=True, eq=False)
class Feature:
    """A candidate feature with what measuring, deciding and the answer need of it.

    ``geometry`` is the feature's polygon in EPSG:4548 (metres), repaired when invalid
    (:func:`analysis_geometries`); ``boundary`` is its boundary. ``layer`` is the layer's
    position in the selection (catalog order). ``slot`` is the finder's own handle of the
    feature (the in-memory finder: its tree position), read by that finder's speed-ups
    only; other finders set -1.
    """

    ref: FeatureRef
    layer: int
    kind: LayerKind
    zone_class: str
    class_zh: str
    class_en: str
    rank: int | None
    name: str | None
    code: str  # the feature's ``code`` (an admin unit's adcode), else its feature id
    synthetic: bool
    geometry: BaseGeometry
    boundary: BaseGeometry
    slot: int = -1

    @property
    def feature_id(self) -> str:
        """The feature's id within its layer."""
        return self.ref.feature_id


DistanceFn = Callable[[Sequence[Feature], BaseGeometry, float, float], list[float]]
"""``(features, point, x, y) -> distances``: exact distances (m) to the features' boundaries."""


class Candidates(NamedTuple):
    """What a finder returns for one query (a named tuple: one is made per query).

    Attributes
    ----------
    features
        The candidate features, superset of the hits (the measuring stage tests them).
    proven
        The first ``proven`` features are known to cover the query's point with their
        boundary farther than the tolerance (points only; a finder's speed-up).
    distances
        Exact point-to-boundary distances for the features, or ``None``: measured whole.
    geometries, boundaries
        The geometries and boundaries of ``features[proven:]`` as object arrays, or
        ``None``: the measuring stage gathers them (a finder holding arrays saves that).
    """

    features: Sequence[Feature]
    proven: int = 0
    distances: DistanceFn | None = None
    geometries: ObjArray | None = None
    boundaries: ObjArray | None = None


class HitFinder(Protocol):
    """Finds the candidate features of a query in a selection (see the module docstring)."""

    def candidates(self, selected: Selection, query: Query) -> Candidates:
        """Every feature that may lie within ``query.tolerance_m`` of the query.

        Raises :class:`~geozone.errors.QueryTooLarge` for a parcel beyond the work budget.
        """
        ...

    def inside_if_gcj02(self, selected: Selection, query: Query) -> bool:
        """Whether the query would fall inside an admin polygon read as GCJ-02 (a hint)."""
        ...


# ---------------------------------------------------------------------------------------------
# Features from layer frames (shared by every finder that reads files)


def class_names(kind: LayerKind, code: str) -> tuple[str, str, int | None]:
    """Return (zh, en, rank) of a class code; an unknown code keeps its raw spelling."""
    try:
        zc = get_class(kind, code)
    except GeozoneError:
        return code, code, None
    return zc.zh, zc.en, zc.rank


def analysis_geometries(raw: ObjArray) -> tuple[IntArray, ObjArray]:
    """The kept rows and their geometries as a finder uses them (EPSG:4548).

    Missing and empty geometries are dropped (``rows`` maps back to the input); the rest
    are fresh copies (new GEOS objects, the same coordinates), invalid ones repaired with
    ``make_valid``. Every finder builds its geometries here, so all measure the same shapes.
    """
    raw = np.asarray(raw, dtype=object)
    keep = ~(shapely.is_missing(raw) | shapely.is_empty(raw))
    rows = np.flatnonzero(keep).astype(np.intp)
    geoms = shapely.from_wkb(shapely.to_wkb(raw[rows]))
    invalid = ~shapely.is_valid(geoms)
    if invalid.any():
        geoms[invalid] = shapely.make_valid(geoms[invalid])
    return rows, geoms


@dataclass(frozen=True)
class FeatureColumns:
    """Per kept row of a layer: the attributes a :class:`Feature` carries."""

    feature_ids: tuple[str, ...]
    classes: tuple[str, ...]
    class_zh: tuple[str, ...]
    class_en: tuple[str, ...]
    ranks: tuple[int | None, ...]
    names: tuple[str | None, ...]
    codes: tuple[str, ...]
    synthetic: tuple[bool, ...]


def feature_columns(lv: LayerVersion, rows: IntArray) -> FeatureColumns:
    """Per kept row of a layer frame: feature id, class, names, rank, name, code, synthetic."""
    frame = lv.frame
    return columns_of_values(
        lv.kind,
        {c: list(frame[c].iloc[rows]) for c in FEATURE_ATTRIBUTES if c in frame.columns},
        len(rows),
    )


FEATURE_ATTRIBUTES = ("zone_class", "feature_id", "name", "code", "synthetic")
"""The frame columns a :class:`Feature` reads (:func:`columns_of_values`)."""


def columns_of_values(kind: LayerKind, values: dict[str, list[Any]], n: int) -> FeatureColumns:
    """:class:`FeatureColumns` of ``n`` rows from their :data:`FEATURE_ATTRIBUTES` values.

    ``values`` maps a column to its ``n`` values as the layer frame holds them (a column
    missing: all ``None``). The in-memory finder passes frame rows, the SQL finder the
    stored attributes typed as the frame's columns: the same rules apply to both.
    """

    def col(name: str) -> list[Any]:
        found = values.get(name)
        return found if found is not None else [None] * n

    classes = [str(c) if c is not None else "" for c in col("zone_class")]
    info = [class_names(kind, c) for c in classes]
    fids = [str(f) for f in col("feature_id")]
    return FeatureColumns(
        feature_ids=tuple(fids),
        classes=tuple(classes),
        class_zh=tuple(n[0] for n in info),
        class_en=tuple(n[1] for n in info),
        ranks=tuple(n[2] for n in info),
        names=tuple(None if n is None or n != n else str(n) for n in col("name")),
        codes=tuple(str(c) if c is not None else f for c, f in zip(col("code"), fids, strict=True)),
        synthetic=tuple(bool(s) for s in col("synthetic")),
    )


def layer_features(
    lv: LayerVersion,
    layer: int,
    cols: FeatureColumns,
    geoms: ObjArray,
    boundaries: ObjArray,
    first_slot: int = -1,
) -> list[Feature]:
    """The :class:`Feature` of each kept row (``slot`` counts from ``first_slot``, or -1)."""
    return [
        Feature(
            FeatureRef(lv.id, lv.version, fid),
            layer,
            lv.kind,
            cols.classes[i],
            cols.class_zh[i],
            cols.class_en[i],
            cols.ranks[i],
            cols.names[i],
            cols.codes[i],
            cols.synthetic[i],
            geoms[i],
            boundaries[i],
            first_slot + i if first_slot >= 0 else -1,
        )
        for i, fid in enumerate(cols.feature_ids)
    ]


# ---------------------------------------------------------------------------------------------
# GCJ-02 hint (shared)


def gcj02_guess(query: Query) -> BaseGeometry:
    """Where the query lies (EPSG:4548) if its WGS84 coordinates were GCJ-02 (one step).

    A hint only, so one fixed-point step of the inverse (a few metres off the exact one).
    """

    def one_step(coords: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
        flon, flat = wgs84_to_gcj02(coords[:, 0], coords[:, 1])
        return np.column_stack([2 * coords[:, 0] - flon, 2 * coords[:, 1] - flat])

    if query.kind == "point":
        _, _, lon, lat = query.point_coords
        flon, flat = wgs84_to_gcj02_xy(lon, lat)
        gx, gy = transformer(OUTPUT_CRS, ANALYSIS_CRS).transform(2 * lon - flon, 2 * lat - flat)
        return shapely.Point(gx, gy)
    guess = shapely.transform(query.geometry_wgs84, one_step)
    found: BaseGeometry = geometries_to([guess], OUTPUT_CRS, ANALYSIS_CRS)[0]
    return found


# ---------------------------------------------------------------------------------------------
# The brute-force finder


class BruteForceFinder:
    """Every feature in force whose envelope meets the query's grown bounding box; no index.

    Builds its features from the layer frames (:func:`analysis_geometries`) on each call
    for a selection it has not seen, keeping them per selection. For cross-checks: it
    shares nothing with the in-memory finder but the selection's layer versions.
    """

    def __init__(self) -> None:
        self._features: dict[int, tuple[Any, list[Feature], npt.NDArray[np.float64]]] = {}

    def _all(self, selected: Selection) -> tuple[list[Feature], npt.NDArray[np.float64]]:
        found = self._features.get(id(selected))
        if found is None or found[0] is not selected:
            feats: list[Feature] = []
            for layer, lv in enumerate(selected.versions):
                rows, geoms = analysis_geometries(lv.frame.geometry.values)
                cols = feature_columns(lv, rows)
                feats += layer_features(lv, layer, cols, geoms, shapely.boundary(geoms))
            bounds = shapely.bounds(np.array([f.geometry for f in feats], dtype=object))
            found = self._features[id(selected)] = (selected, feats, bounds.reshape(-1, 4))
        return found[1], found[2]

    def candidates(self, selected: Selection, query: Query) -> Candidates:
        """Features whose envelope meets the query's envelope grown by the tolerance."""
        feats, b = self._all(selected)
        t = float(query.tolerance_m)
        minx, miny, maxx, maxy = query.geometry.bounds
        meet = (b[:, 0] <= maxx + t) & (b[:, 2] >= minx - t)
        meet &= (b[:, 1] <= maxy + t) & (b[:, 3] >= miny - t)
        return Candidates([feats[i] for i in np.flatnonzero(meet).tolist()])

    def inside_if_gcj02(self, selected: Selection, query: Query) -> bool:
        """Whether an admin feature covers the query read as GCJ-02 (see :func:`gcj02_guess`)."""
        feats, _ = self._all(selected)
        admin = [f.geometry for f in feats if f.kind == LayerKind.ADMIN]
        if not admin:
            return False
        guess = gcj02_guess(query)
        return bool(shapely.intersects(np.array(admin, dtype=object), guess).any())
