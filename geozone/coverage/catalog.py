"""Coverage on the loaded layer set: pick a district, its extent and units, run the metric.

Layers are chosen by **kind** (``catalog.select(as_of, kinds=[LayerKind.PARK])`` etc.),
never by id, so any layer set with admin, park, residential and control-zone layers works.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from shapely.geometry.base import BaseGeometry

from geozone import ANALYSIS_CRS
from geozone.catalog import Catalog, LayerVersion
from geozone.coverage.metric import park_coverage
from geozone.coverage.presets import Preset
from geozone.coverage.result import CoverageResult
from geozone.coverage.targets import targets_for
from geozone.errors import FeatureNotFound, InvalidInput, LayerNotFound
from geozone.vocab import LayerKind

EXTENTS = ("urban", "district")
BY_UNITS = ("township", "district")


@dataclass(frozen=True)
class District:
    """A district of the admin layer: adcode, name and outline (EPSG:4548)."""

    code: str
    name: str
    geometry: BaseGeometry


def layers_of(catalog: Catalog, kind: LayerKind, as_of: date | None) -> list[LayerVersion]:
    """Versions in force on ``as_of`` of every layer of ``kind``.

    Raises
    ------
    LayerNotFound
        If no layer of that kind is in force on that date.
    """
    found = catalog.select(as_of, kinds=[kind])
    if not found:
        raise LayerNotFound(
            f"no {kind.value} layer in force on {as_of or date.today()}", {"kind": kind.value}
        )
    return found


def frame_of(versions: Iterable[LayerVersion]) -> gpd.GeoDataFrame:
    """Concatenate the analysis-CRS frames of several layer versions."""
    frames = [v.frame for v in versions]
    return gpd.GeoDataFrame(pd.concat(frames, ignore_index=True), crs=ANALYSIS_CRS)


def find_district(admin: gpd.GeoDataFrame, district: str) -> District:
    """Find a district by adcode (``"110112"``) or name (``"通州区"``, ``"通州"``).

    Raises
    ------
    FeatureNotFound
        Naming the districts the admin layer holds.
    """
    rows = admin[admin["zone_class"] == "district"]
    key = str(district).strip()
    names = rows["name"].astype(str)
    hit = rows[(rows["feature_id"].astype(str) == key) | (names == key)]
    if hit.empty:
        hit = rows[names.str.rstrip("区") == key.rstrip("区")]
    if hit.empty:
        known = [f"{c} {n}" for c, n in zip(rows["feature_id"], rows["name"], strict=True)]
        raise FeatureNotFound(
            f"no district {district!r} in the admin layer; known: {', '.join(known)}",
            {"district": district, "known": known},
        )
    geom = shapely.union_all(np.asarray(hit.geometry.values, dtype=object))
    return District(str(hit["feature_id"].iloc[0]), str(hit["name"].iloc[0]), geom)


def townships_of(admin: gpd.GeoDataFrame, district: District) -> gpd.GeoDataFrame:
    """Townships of a district (``district_code`` field, else the adcode prefix of the code)."""
    towns = admin[admin["zone_class"] == "township"]
    if "district_code" in towns.columns:
        mine = towns["district_code"].astype(str) == district.code
    else:
        mine = towns["feature_id"].astype(str).str.startswith(district.code)
    return towns[mine].reset_index(drop=True)


def urban_extent(catalog: Catalog, district: District, as_of: date | None) -> BaseGeometry:
    """The district's 集中建设区 (control_zone class ``concentrated``), used as its urban area.

    Raises
    ------
    InvalidInput
        If the district has no concentrated construction area in the layer set.
    """
    zones = frame_of(layers_of(catalog, LayerKind.CONTROL_ZONE, as_of))
    conc = np.asarray(zones[zones["zone_class"] == "concentrated"].geometry.values, dtype=object)
    geom = shapely.intersection(shapely.union_all(conc), district.geometry)
    if geom.is_empty or geom.area == 0:
        raise InvalidInput(
            f"{district.name}: no concentrated construction area (集中建设区) to use as the "
            "urban extent; use extent='district'",
            {"district": district.code},
        )
    return geom


def coverage_for_catalog(
    catalog: Catalog,
    district: str,
    preset: str | Path | Preset | None = "gbt50563",
    by: str | None = "township",
    as_of: date | None = None,
    extent: str = "urban",
    residential_classes: Iterable[str] | str | None = None,
    *,
    extra_parks: gpd.GeoDataFrame | None = None,
    progress: bool = False,
) -> CoverageResult:
    """Park service-radius coverage of one district of a loaded layer set.

    Parameters
    ----------
    catalog
        The loaded layer set; the admin, park, residential (and for ``extent="urban"``
        control_zone) layers in force on ``as_of`` are used, chosen by layer kind.
    district
        Adcode (``"110112"``) or name (``"通州区"`` or ``"通州"``).
    preset
        Service-radius preset (see :mod:`geozone.coverage.presets`).
    by
        ``"township"`` (rows per township of the district), ``"district"`` (one row) or
        ``None``.
    as_of
        Date whose layer versions are used (default today).
    extent
        ``"urban"``: the district's 集中建设区 (control_zone ``concentrated``), the
        layer set's stand-in for the 城区 reporting extent of the plans (Pinggu's 87.66 %
        target is an 城区 figure); ``"district"``: the whole district.
    residential_classes
        Residential classes counted (default ``0701``).
    extra_parks
        Candidate parks (EPSG:4548, what-if) added to the layer's parks.
    progress
        tqdm progress bar on stderr.

    Returns
    -------
    CoverageResult
        With ``meta`` naming the district, extent kind, date and the layer versions used.
        Parks of every district count (a park across the border still serves).

    Raises
    ------
    FeatureNotFound, LayerNotFound, InvalidInput
        Unknown district, missing layer kind, unknown ``by``/``extent`` value.
    """
    if extent not in EXTENTS:
        raise InvalidInput(f"extent must be one of {EXTENTS}, not {extent!r}")
    if by is not None and by not in BY_UNITS:
        raise InvalidInput(f"by must be one of {BY_UNITS} or empty, not {by!r}")
    admin_v = layers_of(catalog, LayerKind.ADMIN, as_of)
    park_v = layers_of(catalog, LayerKind.PARK, as_of)
    res_v = layers_of(catalog, LayerKind.RESIDENTIAL, as_of)
    admin = frame_of(admin_v)
    dist = find_district(admin, district)
    used = admin_v + park_v + res_v
    if extent == "urban":
        area = urban_extent(catalog, dist, as_of)
        used += catalog.select(as_of, kinds=[LayerKind.CONTROL_ZONE])
    else:
        area = dist.geometry
    units: gpd.GeoDataFrame | None = None
    if by == "township":
        units = townships_of(admin, dist)
    elif by == "district":
        units = admin[admin["feature_id"].astype(str) == dist.code].reset_index(drop=True)
    parks = frame_of(park_v)
    if extra_parks is not None and len(extra_parks):
        parks = gpd.GeoDataFrame(
            pd.concat([parks, extra_parks.to_crs(ANALYSIS_CRS)], ignore_index=True),
            crs=ANALYSIS_CRS,
        )
    result = park_coverage(
        parks,
        frame_of(res_v),
        extent=area,
        preset=preset,
        by=units,
        residential_classes=residential_classes,
        targets=targets_for("park_coverage", dist.code),
        extent_label=f"{dist.name} {'集中建设区 (urban)' if extent == 'urban' else '全域'}",
        synthetic=catalog.synthetic,
        progress=progress,
    )
    result.meta.update(catalog_meta(catalog, used, as_of))
    result.meta["district"] = {"code": dist.code, "name": dist.name}
    result.meta["extent_kind"] = extent
    result.meta["by"] = by
    return result


def catalog_meta(
    catalog: Catalog, used: Iterable[LayerVersion], as_of: date | None
) -> dict[str, Any]:
    """Provenance of a run: date, layer set identity and the layer versions used."""
    return {
        "as_of": (as_of or date.today()).isoformat(),
        "layerset": {"id": catalog.info.id, "version": catalog.info.version, "hash": catalog.hash},
        "layers": [
            {"id": v.id, "version": v.version, "key": v.key, "kind": v.kind.value,
             "synthetic": v.entry.synthetic}
            for v in used
        ],
    }  # fmt: skip
