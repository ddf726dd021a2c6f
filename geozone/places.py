"""Named places for search and lists: the admin layer's districts and townships, no geometry.

The web map lists district names (coverage view) and searches townships by name or code;
it needs names, codes and a bounding box to zoom to, never the outlines. :func:`places`
answers that from the admin layer version(s) in force on a date, a few dozen rows for a
city, so the map never downloads a layer's features to fill a list.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import numpy as np
import shapely

from geozone.catalog import Catalog
from geozone.vocab import LayerKind

#: zone classes of the admin layer that are listed (in this order)
PLACE_CLASSES = ("district", "township")

#: attribute columns holding an administrative code, first present wins
_CODE_FIELDS = ("code", "admin_code", "township_code", "adcode")


def _text(value: object) -> str | None:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return None
    text = str(value).strip()
    return text or None


def places(catalog: Catalog, as_of: date, *, sees_restricted: bool = False) -> list[dict[str, Any]]:
    """Districts then townships of the admin layers in force on ``as_of``, by code.

    Each row is ``{layer_id, version, feature_id, kind, zone_class, code, name, bbox}``;
    ``bbox`` is ``[min_lon, min_lat, max_lon, max_lat]`` in WGS84 (EPSG:4326, degrees),
    rounded to 6 decimals (~0.1 m) outwards so it still contains the feature. ``code`` is
    the first of ``code``/``admin_code``/``township_code``/``adcode`` present, else the
    feature id. A restricted admin layer is left out unless ``sees_restricted`` (its
    extents are geometry). An empty list when no admin layer is in force: the caller
    decides whether that is an error (the API refuses it like a lookup).

    Only ``bounds`` is read from the shared WGS84 geometries (no prepared state, no
    index), which is safe from any thread.
    """
    rows: list[dict[str, Any]] = []
    for version in catalog.select(as_of, kinds=[LayerKind.ADMIN]):
        if catalog.restricted(version.id) and not sees_restricted:
            continue
        frame = version.frame_wgs84
        keep = frame["zone_class"].isin(PLACE_CLASSES).to_numpy()
        if not keep.any():
            continue
        sub = frame[keep]
        bounds = shapely.bounds(np.asarray(sub.geometry.values))
        lo = np.floor(bounds[:, :2] * 1e6) / 1e6
        hi = np.ceil(bounds[:, 2:] * 1e6) / 1e6
        columns = [c for c in _CODE_FIELDS if c in sub.columns]
        for i, (_, rec) in enumerate(sub.drop(columns="geometry").iterrows()):
            feature_id = str(rec["feature_id"])
            code = next((t for c in columns if (t := _text(rec[c])) is not None), feature_id)
            rows.append(
                {
                    "layer_id": version.id,
                    "version": version.version,
                    "feature_id": feature_id,
                    "kind": version.kind.value,
                    "zone_class": rec["zone_class"],
                    "code": code,
                    "name": _text(rec["name"]),
                    "bbox": [float(lo[i, 0]), float(lo[i, 1]), float(hi[i, 0]), float(hi[i, 1])],
                }
            )
    order = {c: n for n, c in enumerate(PLACE_CLASSES)}
    rows.sort(key=lambda r: (order[r["zone_class"]], r["code"], r["layer_id"]))
    return rows
