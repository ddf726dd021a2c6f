"""``park_coverage``: park service-radius coverage of residential land, exactly and fast."""

from __future__ import annotations

import sys
from collections.abc import Iterable, Sequence
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from shapely.geometry.base import BaseGeometry
from tqdm import tqdm

from geozone import ANALYSIS_CRS
from geozone.coverage.engine import (
    FULL,
    PARTIAL,
    classify,
    clip_to,
    covered_areas,
    service_union,
)
from geozone.coverage.io import (
    VectorInput,
    bool_column,
    normalised_classes,
    read_vector,
    unit_labels,
)
from geozone.coverage.presets import Preset, get_preset
from geozone.coverage.result import STATUS_NAMES, CoverageResult
from geozone.coverage.targets import Target, headline_target, targets_for
from geozone.errors import InvalidInput
from geozone.vocab import LayerKind, normalize_class

DEFAULT_CLASSES = ("0701",)


def residential_class_codes(classes: Iterable[str] | str | None) -> tuple[str, ...]:
    """Normalise residential class codes; ``None`` → ``("0701",)``, ``"*"`` → all classes.

    Accepts a comma-separated string. Raises :class:`~geozone.errors.UnknownClass` for
    codes outside the residential vocabulary (0701, 0702, 0703).
    """
    if classes is None:
        return DEFAULT_CLASSES
    items = [c.strip() for c in classes.split(",")] if isinstance(classes, str) else list(classes)
    items = [str(c).strip() for c in items if str(c).strip()]
    if not items:
        return DEFAULT_CLASSES
    if items == ["*"]:
        return ("*",)
    return tuple(dict.fromkeys(normalize_class(LayerKind.RESIDENTIAL, c) for c in items))


def park_table(parks: gpd.GeoDataFrame, preset: Preset) -> gpd.GeoDataFrame:
    """Every park with its class, polygon area (m², EPSG:4548), ``historic`` flag and radius.

    ``radius_m`` is 0 for parks the preset does not count. A park class outside the park
    vocabulary raises :class:`~geozone.errors.UnknownClass` under every preset, also those
    that do not look at the class: a misspelt class would otherwise count or not count
    depending on the preset.
    """
    ids, names = unit_labels(parks)
    classes = normalised_classes(parks, LayerKind.PARK, strict=True)
    areas = shapely.area(np.asarray(parks.geometry.values, dtype=object)).astype(np.float64)
    historic = bool_column(parks, "historic")
    radii = preset.radii(classes, areas, historic)
    frame = pd.DataFrame(
        {
            "feature_id": ids,
            "name": names,
            "park_class": classes,
            "area_m2": areas,
            "historic": historic,
            "radius_m": radii,
        }
    )
    return gpd.GeoDataFrame(frame, geometry=gpd.GeoSeries(parks.geometry.values, crs=ANALYSIS_CRS))


def _extent_geometry(
    extent: VectorInput | BaseGeometry | None, crs: str | int | None
) -> BaseGeometry | None:
    if extent is None:
        return None
    frame = read_vector(extent, crs=crs, what="extent")
    geom = shapely.union_all(np.asarray(frame.geometry.values, dtype=object))
    if geom.is_empty:
        raise InvalidInput("extent: no polygon in the extent input")
    return geom


def _residential_parts(
    residential: gpd.GeoDataFrame,
    classes: tuple[str, ...],
    extent: BaseGeometry | None,
    warnings: list[str],
) -> gpd.GeoDataFrame:
    """Residential parcels of the wanted classes, clipped to the extent, with the input's columns.

    The input's own columns follow ``feature_id`` and ``zone_class`` so results join back to
    the analyst's data; one named like a result column is kept as ``input_<name>``.
    """
    ids, _ = unit_labels(residential)
    cls = normalised_classes(residential, LayerKind.RESIDENTIAL)
    own = input_columns(residential)
    if all(c is None for c in cls):
        warnings.append("residential input has no class column: every parcel counts")
        keep = np.ones(len(residential), dtype=bool)
    elif classes == ("*",):
        keep = np.ones(len(residential), dtype=bool)
    else:
        keep = np.isin(cls, list(classes))
    geoms = np.asarray(residential.geometry.values, dtype=object)[keep]
    ids, cls = ids[keep], cls[keep]
    rows = np.flatnonzero(keep)
    if extent is not None:
        idx, geoms, _ = clip_to(extent, geoms)
        ids, cls, rows = ids[idx], cls[idx], rows[idx]
    frame = pd.DataFrame({"feature_id": ids, "zone_class": cls})
    frame = pd.concat([frame, own.iloc[rows].reset_index(drop=True)], axis=1)
    return gpd.GeoDataFrame(frame, geometry=gpd.GeoSeries(geoms, crs=ANALYSIS_CRS))


RESULT_COLUMNS = frozenset(
    {"feature_id", "zone_class", "area_m2", "covered_m2", "status", "parcel_area_m2",
     "uncovered_m2", "geometry"}
)  # fmt: skip
"""Columns the coverage engine writes on parcels and blind spots."""


def input_columns(frame: gpd.GeoDataFrame) -> pd.DataFrame:
    """The input's own attribute columns, renamed ``input_<name>`` where they clash with ours.

    ``feature_id`` and ``zone_class``, which the result takes from the input (the class
    normalised), are not repeated.

    Examples
    --------
    >>> import geopandas as gpd, shapely
    >>> f = gpd.GeoDataFrame({"zone_class": ["701"], "my_id": [7], "area_m2": [1.0]},
    ...                      geometry=[shapely.box(0, 0, 1, 1)])
    >>> list(input_columns(f).columns)
    ['my_id', 'input_area_m2']
    """
    attrs = pd.DataFrame(frame.drop(columns=frame.geometry.name)).reset_index(drop=True)
    attrs = attrs.drop(columns=[c for c in ("feature_id", "zone_class") if c in attrs.columns])
    return attrs.rename(columns={c: f"input_{c}" for c in attrs.columns if c in RESULT_COLUMNS})


def unit_rows(
    units: gpd.GeoDataFrame,
    parcels: gpd.GeoDataFrame,
    union: BaseGeometry,
    status: np.ndarray,
    covered_m2: np.ndarray,
    extent: BaseGeometry | None = None,
    progress: bool = False,
    preset: str | None = None,
) -> gpd.GeoDataFrame:
    """Covered and total residential land per unit (district, township...), m² in EPSG:4548.

    Each row's ``target`` is the unit's most specific target defined with ``preset``.

    A parcel inside a unit keeps its known covered area; a parcel crossing the unit
    boundary is clipped to the unit, and only when it is also partly covered is the
    clipped part intersected with the service-area union.
    """
    codes, names = unit_labels(units)
    geoms = np.asarray(parcels.geometry.values, dtype=object)
    rows = []
    unit_geoms = np.asarray(units.geometry.values, dtype=object)
    for i in tqdm(
        range(len(units)), desc="units", disable=not progress, file=sys.stderr, delay=0.5
    ):
        ug = unit_geoms[i] if extent is None else shapely.intersection(unit_geoms[i], extent)
        idx, parts, whole = clip_to(ug, geoms)
        part_area = shapely.area(parts) if len(parts) else np.zeros(0)
        cov = np.where(status[idx] == FULL, part_area, 0.0)
        cov[whole] = covered_m2[idx][whole]
        cut = ~whole & (status[idx] == PARTIAL)
        if cut.any():
            cov[cut] = covered_areas(union, parts[cut])
        covered, total = float(cov.sum()), float(part_area.sum())
        target = headline_target("park_coverage", codes[i], preset)
        ratio = covered / total if total > 0 else None
        rows.append(
            {
                "code": codes[i],
                "name": names[i],
                "covered_m2": covered,
                "total_m2": total,
                "covered_ha": covered / 10_000.0,
                "total_ha": total / 10_000.0,
                "ratio": ratio,
                "target": target.value if target else None,
                "met": target.met(ratio) if target else None,
            }
        )
    frame = pd.DataFrame(rows, columns=["code", "name", "covered_m2", "total_m2", "covered_ha",
                                        "total_ha", "ratio", "target", "met"])  # fmt: skip
    return gpd.GeoDataFrame(frame, geometry=gpd.GeoSeries(unit_geoms, crs=ANALYSIS_CRS))


def park_coverage(
    parks: VectorInput,
    residential: VectorInput,
    extent: VectorInput | BaseGeometry | None = None,
    preset: str | Path | Preset | None = "gbt50563",
    by: VectorInput | None = None,
    residential_classes: Iterable[str] | str | None = DEFAULT_CLASSES,
    crs: str | int | None = None,
    *,
    targets: Sequence[Target] | None = None,
    extent_label: str | None = None,
    synthetic: bool | None = None,
    progress: bool = False,
) -> CoverageResult:
    """Park service-radius coverage (公园绿地服务半径覆盖率) of residential land.

    Coverage = residential land area inside the **union** of the parks' service areas ÷
    total residential land area, both inside ``extent``. Areas are m² in EPSG:4548; each
    park's service area is a buffer from its boundary with the radius its size/class gets
    under ``preset`` (overlapping service areas count once). Parks outside the extent
    still serve residential land inside it.

    The engine is exact and avoids a whole-layer overlay: buffer all parks in one call with
    a per-park radius array, ``union_all``, prepare the union, take parcels it
    ``contains`` whole, and clip only parcels that ``intersect`` it without being contained.

    Parameters
    ----------
    parks, residential
        GeoDataFrames, GeoJSON dicts or paths (GeoJSON, GeoPackage, shapefile, GeoParquet).
        Parks: polygon features with a class column (``zone_class``/``class``/``type``:
        comprehensive, specialized, community, pocket or their Chinese names) and an
        optional boolean ``historic`` (inside a 历史文化街区). Residential: polygons with a
        class column (0701/0702/0703; without one, every parcel counts).
    extent
        Polygon(s) to measure in (a district, township, urban area...); ``None`` = all of
        the residential input.
    preset
        ``"gbt50563"`` (default), ``"gbt51346"``, ``"radius500"``, a path to a custom
        CSV/YAML table, or a :class:`~geozone.coverage.presets.Preset`.
    by
        Units (district/township polygons with ``code``/``feature_id`` and ``name``) to
        report per unit; each unit is intersected with the extent.
    residential_classes
        Residential classes counted: ``("0701",)`` by default; add ``"0703"`` for rural
        homesteads; ``"*"`` for all.
    crs
        Override of the inputs' CRS (e.g. ``"GCJ02"``); by default the frame's or file's
        own CRS, else WGS84. Shapely geometries given as ``extent`` are EPSG:4548.
    targets
        Targets to compare with; default: GB 55014 (> 80 %) and Beijing (90 %).
    extent_label
        Description of the extent for the output.
    synthetic
        Mark the result as synthetic demo data (default: any input has a true
        ``synthetic`` column).
    progress
        Show a tqdm progress bar on stderr.

    Returns
    -------
    CoverageResult
        Ratio, covered/total area, counted parks with radii, per-unit rows, blind spots.

    Raises
    ------
    InvalidInput, InvalidGeoJSON, LayerLoadError, UnknownCRS, UnknownClass
        For unreadable inputs, non-polygon features, unknown presets, CRS or classes.

    Examples
    --------
    >>> from geozone.coverage.examples import example_parks, example_residential
    >>> r = park_coverage(example_parks(), example_residential(), preset="radius500")
    >>> round(r.ratio, 6), round(r.covered_m2), round(r.total_m2)
    (0.5, 15000, 30000)
    >>> r.parks["radius_m"].tolist()
    [500.0]
    >>> round(park_coverage(example_parks(), example_residential(), preset="gbt51346").ratio, 3)
    0.5
    """
    steps = tqdm(total=4, desc="coverage", disable=not progress, file=sys.stderr, delay=0.5)
    warnings: list[str] = []
    chosen = get_preset(preset)
    classes = residential_class_codes(residential_classes)
    parks_frame = read_vector(parks, crs=crs, what="parks")
    res_frame = read_vector(residential, crs=crs, what="residential")
    extent_geom = _extent_geometry(extent, crs)
    table = park_table(parks_frame, chosen)
    counted = table[table["radius_m"] > 0].reset_index(drop=True)
    if counted.empty:
        warnings.append(f"no park counts under preset {chosen.name!r}")
    steps.update()
    union = service_union(np.asarray(counted.geometry.values, dtype=object), counted["radius_m"])
    steps.update()
    parcels = _residential_parts(res_frame, classes, extent_geom, warnings)
    cls = classify(union, np.asarray(parcels.geometry.values, dtype=object))
    parcels["area_m2"] = cls.area_m2
    parcels["covered_m2"] = cls.covered_m2
    parcels["status"] = [STATUS_NAMES[int(s)] for s in cls.status]
    extra = [c for c in parcels.columns if c not in RESULT_COLUMNS]
    parcels = parcels[["feature_id", "zone_class", *extra, "area_m2", "covered_m2", "status",
                       "geometry"]]  # fmt: skip
    steps.update()
    covered, total = float(cls.covered_m2.sum()), float(cls.area_m2.sum())
    if total == 0:
        warnings.append("no residential land of the requested classes in the extent")
    units = None
    if by is not None:
        unit_frame = read_vector(by, crs=crs, what="by")
        units = unit_rows(
            unit_frame,
            parcels,
            union,
            cls.status,
            cls.covered_m2,
            extent_geom,
            progress,
            chosen.name,
        )
    steps.update()
    steps.close()
    if synthetic is None:
        synthetic = any(
            "synthetic" in f.columns and bool(f["synthetic"].fillna(False).astype(bool).any())
            for f in (parks_frame, res_frame)
        )
    return CoverageResult(
        ratio=covered / total if total > 0 else None,
        covered_m2=covered,
        total_m2=total,
        preset=chosen,
        residential_classes=classes,
        parks=counted,
        parks_considered=len(table),
        parcels=parcels,
        service_area=union,
        units=units,
        targets=list(targets) if targets is not None else targets_for("park_coverage"),
        extent=extent_geom,
        extent_label=extent_label,
        synthetic=bool(synthetic),
        warnings=warnings,
    )
