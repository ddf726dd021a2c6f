"""A stored lookup answer's hits as GeoJSON or CSV files, for the web map's export buttons.

Both are drawn from the stored answer itself (:class:`geozone.report_store.StoredReport`), so
a file has exactly the hits, verdicts and rules the API answered under that report id:

* :func:`hits_geojson`: a FeatureCollection with one Feature per hit, its properties the
  hit's members (rules included), its geometry the feature of the layer version that
  answered (WGS84, EPSG:4326 degrees). A restricted layer's geometry is ``null`` unless
  ``sees_restricted`` (a reader token), as OGC API Features withholds it; a layer version
  no longer loaded (the layer set moved on) also gives ``null`` and a warning.
* :func:`hits_csv`: one row per hit and rule (a hit without rules gives one row with the
  rule columns empty), UTF-8 with a byte-order mark so spreadsheet programs read Chinese.

Geometry comes from the shared WGS84 frames (read-only, no prepared state): any thread.
"""

from __future__ import annotations

import csv
import io
import json
from typing import Any

import shapely

from geozone.catalog import Catalog
from geozone.errors import LayerNotFound

#: hit members copied into each CSV row, in this order
HIT_COLUMNS = (
    "layer_id",
    "layer_version",
    "layer_kind",
    "feature_id",
    "zone_class",
    "class_zh",
    "class_en",
    "name",
    "inside",
    "edge",
    "distance_to_boundary_m",
    "overlap_m2",
    "overlap_share",
    "synthetic",
)
#: rule members of each CSV row (citation flattened), after the hit's
RULE_COLUMNS = (
    "activity",
    "verdict",
    "rule_id",
    "condition_zh",
    "condition_en",
    "citation_document",
    "citation_article",
    "citation_url",
    "citation_confidence",
    "superseded_by",
)
CSV_COLUMNS = ("report_id", "as_of", *HIT_COLUMNS, *RULE_COLUMNS)


def _feature_geometry(
    catalog: Catalog, hit: dict[str, Any], sees_restricted: bool, warnings: list[str]
) -> dict[str, Any] | None:
    layer_id, version = str(hit["layer_id"]), str(hit["layer_version"])
    if catalog.restricted(layer_id) and not sees_restricted:
        return None
    try:
        frame = catalog.get(layer_id, version).frame_wgs84
    except LayerNotFound:
        warnings.append(f"{layer_id}@{version} is no longer loaded: its geometry is left out")
        return None
    rows = frame.index[frame["feature_id"].astype(str) == str(hit["feature_id"])]
    if not len(rows):
        warnings.append(f"{layer_id}@{version} has no feature {hit['feature_id']!r} any more")
        return None
    geom = frame.geometry.loc[rows[0]]
    out: dict[str, Any] = json.loads(shapely.to_geojson(geom))
    return out


def hits_geojson(
    report_id: str, answer: dict[str, Any], catalog: Catalog, *, sees_restricted: bool = False
) -> dict[str, Any]:
    """The answer's hits as a GeoJSON FeatureCollection (WGS84), in the answer's order.

    Each Feature's ``id`` is ``<layer_id>@<layer_version>/<feature_id>``; its properties
    are the hit's members. The collection carries ``report_id``, ``as_of``, the
    ``layerset``, ``synthetic``, the ``verdicts`` and ``warnings`` (geometry left out).
    """
    warnings: list[str] = []
    features = []
    for hit in answer.get("hits") or []:
        features.append(
            {
                "type": "Feature",
                "id": f"{hit['layer_id']}@{hit['layer_version']}/{hit['feature_id']}",
                "properties": dict(hit),
                "geometry": _feature_geometry(catalog, hit, sees_restricted, warnings),
            }
        )
    withheld = sorted(
        {
            str(h["layer_id"])
            for h in answer.get("hits") or []
            if catalog.restricted(str(h["layer_id"])) and not sees_restricted
        }
    )
    if withheld:
        warnings.append(
            f"geometry of restricted layer(s) {', '.join(withheld)} needs a reader token"
        )
    return {
        "type": "FeatureCollection",
        "report_id": report_id,
        "as_of": answer.get("as_of") or (answer.get("query") or {}).get("as_of"),
        "layerset": answer.get("layerset"),
        "synthetic": bool(answer.get("synthetic")),
        "verdicts": answer.get("verdicts"),
        "warnings": warnings,
        "features": features,
    }


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return value


def hit_rows(report_id: str, answer: dict[str, Any]) -> list[dict[str, Any]]:
    """One dict per hit and rule (columns :data:`CSV_COLUMNS`), in the answer's order."""
    as_of = answer.get("as_of") or (answer.get("query") or {}).get("as_of")
    rows = []
    for hit in answer.get("hits") or []:
        base = {"report_id": report_id, "as_of": as_of}
        base.update({c: _cell(hit.get(c)) for c in HIT_COLUMNS})
        rules = hit.get("rules") or [None]
        for rule in rules:
            row = dict(base)
            rule = rule or {}
            citation = rule.get("citation") or {}
            row.update({c: _cell(rule.get(c)) for c in RULE_COLUMNS if c in rule})
            for c in RULE_COLUMNS:
                row.setdefault(c, "")
            for part in ("document", "article", "url", "confidence"):
                row[f"citation_{part}"] = _cell(citation.get(part))
            rows.append(row)
    return rows


def hits_csv(report_id: str, answer: dict[str, Any]) -> str:
    """The answer's hits as CSV text (header + one row per hit and rule), with a BOM."""
    buf = io.StringIO()
    buf.write("\ufeff")
    writer = csv.DictWriter(buf, fieldnames=list(CSV_COLUMNS), lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(hit_rows(report_id, answer))
    return buf.getvalue()
