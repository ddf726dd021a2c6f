"""A hand-drawn tiny layer set (EPSG:4548) and rule table for lookup tests.

Everything is drawn in metres relative to the origin O = (500000, 4420000) in EPSG:4548
(about 117.0 E, 39.93 N), so the answers can be computed by hand:

* admin: district ``D`` = square [0, 10000]²; townships ``TW`` = [0, 5000] x [0, 10000]
  and ``TE`` = [5000, 10000] x [0, 10000].
* control zones tiling the district: ``CZ-ECO`` eco_control x in [0, 3000],
  ``CZ-RES`` restricted x in [3000, 6000], ``CZ-CON`` concentrated x in [6000, 10000].
* red line: ``RL-GEN`` general = [1000, 2000] x [7000, 8000]; ``RL-CORE`` core =
  [1400, 1600] x [7400, 7600] (inside the general square).
* water: nested discs round C = (4500, 4500): ``W1`` grade1 r = 30 m, ``W2`` grade2
  r = 300 m, ``WQ`` quasi r = 1000 m (full discs, not rings).
* reservoir: ``RM`` management = [4750, 5550] x [4300, 4700]; ``R100`` ring100 = the
  100 m square ring round it ([4650, 5650] x [4200, 4800] minus RM).
* control units, two versions: ``units@2024`` (2024-01-01 .. 2025-11-30) has ``U-KEY``
  key = [0, 10000] x [0, 5000]; ``units@2025`` (from 2025-12-01) has ``U-PRI`` priority
  on the same square.

Discs use 256 segments; answers about them stay well away from their boundaries
except where a test measures the boundary itself.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import geopandas as gpd
import shapely
from pyproj import Transformer
from shapely.geometry import Point, box

from geozone.catalog import Catalog

X0, Y0 = 500_000.0, 4_420_000.0
CRS = "EPSG:4548"
C = (4500.0, 4500.0)
DISC_SEGMENTS = 64  # quad_segs: 256 segments per disc

_TO_WGS84 = Transformer.from_crs(CRS, "EPSG:4326", always_xy=True)


def xy(x: float, y: float) -> tuple[float, float]:
    """Absolute EPSG:4548 coordinates of a point given relative to the origin."""
    return X0 + x, Y0 + y


def lonlat(x: float, y: float) -> tuple[float, float]:
    """WGS84 lon/lat of a point given in metres relative to the origin."""
    lon, lat = _TO_WGS84.transform(X0 + x, Y0 + y)
    return float(lon), float(lat)


def rel_box(x1: float, y1: float, x2: float, y2: float) -> shapely.Polygon:
    """A box in absolute EPSG:4548 coordinates from relative corners."""
    return box(X0 + x1, Y0 + y1, X0 + x2, Y0 + y2)


def disc(r: float) -> shapely.Polygon:
    """A disc of radius r round C."""
    return Point(*xy(*C)).buffer(r, quad_segs=DISC_SEGMENTS)


def _frame(rows: list[tuple[str, str, str, shapely.Geometry]]) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {
            "feature_id": [r[0] for r in rows],
            "zone_class": [r[1] for r in rows],
            "name": [r[2] for r in rows],
        },
        geometry=[r[3] for r in rows],
        crs=CRS,
    )


def zone_frames() -> dict[str, gpd.GeoDataFrame]:
    """Each layer version's features, keyed by file stem."""
    rm = rel_box(4750, 4300, 5550, 4700)
    ring = rel_box(4650, 4200, 5650, 4800).difference(rm)
    return {
        "admin": _frame(
            [
                ("D", "district", "Test District", rel_box(0, 0, 10000, 10000)),
                ("TW", "township", "West Town", rel_box(0, 0, 5000, 10000)),
                ("TE", "township", "East Town", rel_box(5000, 0, 10000, 10000)),
            ]
        ),
        "zones": _frame(
            [
                ("CZ-ECO", "eco_control", "Eco", rel_box(0, 0, 3000, 10000)),
                ("CZ-RES", "restricted", "Restricted", rel_box(3000, 0, 6000, 10000)),
                ("CZ-CON", "concentrated", "Concentrated", rel_box(6000, 0, 10000, 10000)),
            ]
        ),
        "redline": _frame(
            [
                ("RL-GEN", "general", "Red line", rel_box(1000, 7000, 2000, 8000)),
                ("RL-CORE", "core", "Red line core", rel_box(1400, 7400, 1600, 7600)),
            ]
        ),
        "water": _frame(
            [
                ("W1", "grade1", "Grade I", disc(30)),
                ("W2", "grade2", "Grade II", disc(300)),
                ("WQ", "quasi", "Quasi", disc(1000)),
            ]
        ),
        "reservoir": _frame(
            [("RM", "management", "Range", rm), ("R100", "ring100", "Ring 100", ring)]
        ),
        "units_2024": _frame([("U-KEY", "key", "Key unit", rel_box(0, 0, 10000, 5000))]),
        "units_2025": _frame([("U-PRI", "priority", "Priority unit", rel_box(0, 0, 10000, 5000))]),
    }


MANIFEST = """
[layerset]
id = "tiny"
version = "1"
title_zh = "测试"
title_en = "Tiny test set"
synthetic = true

{layers}
"""

_LAYERS = [
    # (id, kind, file stem, version, valid_from, valid_to)
    ("admin", "admin", "admin", "1", "2020-01-01", None),
    ("zones", "control_zone", "zones", "1", "2020-01-01", None),
    ("redline", "redline", "redline", "1", "2020-01-01", None),
    ("water", "water_protection", "water", "1", "2020-01-01", None),
    ("reservoir", "reservoir_ring", "reservoir", "1", "2020-01-01", None),
    ("units", "control_unit", "units_2024", "2024", "2024-01-01", "2025-11-30"),
    ("units", "control_unit", "units_2025", "2025", "2025-12-01", None),
]

ACTIVITIES = """
version: "tiny-1"
activities:
  - {code: polluting_industry, zh: 污染工业, en: Polluting industry,
     description_zh: 新建污染项目, description_en: New polluting project}
  - {code: swimming_angling, zh: 游泳垂钓, en: Swimming and angling,
     description_zh: 游泳、垂钓, description_en: Swimming or angling}
  - {code: housing, zh: 住宅, en: Housing,
     description_zh: 新建住宅, description_en: New housing}
"""

# (kind, class, activity, verdict)
RULE_ROWS = [
    ("redline", "core", "*", "prohibited"),
    ("redline", "general", "*", "prohibited"),
    ("water_protection", "grade1", "*", "prohibited"),
    ("water_protection", "grade2", "*", "conditional"),
    ("water_protection", "grade2", "polluting_industry", "prohibited"),
    ("water_protection", "quasi", "*", "permitted"),
    ("water_protection", "quasi", "polluting_industry", "conditional"),
    ("reservoir_ring", "management", "*", "prohibited"),
    ("reservoir_ring", "ring100", "*", "conditional"),
    ("reservoir_ring", "ring100", "polluting_industry", "prohibited"),
    ("reservoir_ring", "ring1000", "*", "conditional"),
    ("control_unit", "priority", "*", "conditional"),
    ("control_unit", "priority", "polluting_industry", "prohibited"),
    ("control_unit", "key", "*", "permitted"),
    ("control_unit", "key", "polluting_industry", "conditional"),
    ("control_unit", "general", "*", "permitted"),
    ("control_zone", "eco_control", "*", "conditional"),
    ("control_zone", "eco_control", "polluting_industry", "prohibited"),
    ("control_zone", "restricted", "*", "permitted"),
    ("control_zone", "restricted", "polluting_industry", "conditional"),
    ("control_zone", "concentrated", "*", "permitted"),
]


def rule_id(kind: str, cls: str, activity: str) -> str:
    """The id the tiny table gives a row."""
    return f"{kind}.{cls}.{'default' if activity == '*' else activity}"


def _rules_yaml() -> str:
    lines = [
        "sources:",
        "  tiny: {document: Tiny test regulation, url: null, confidence: src}",
        "rules:",
    ]
    for kind, cls, act, verdict in RULE_ROWS:
        lines.append(
            f"  - {{id: {rule_id(kind, cls, act)}, kind: {kind}, class: {cls}, "
            f"activity: '{act}', verdict: {verdict}, condition_zh: 条件{cls}, "
            f"condition_en: condition {cls} {act}, "
            f"citation: {{source: tiny, article: '§{len(lines)}'}}}}"
        )
    return "\n".join(lines) + "\n"


def build_tiny_layers(root: Path) -> Path:
    """Write the tiny layer set (GPKG files, manifest, rule table) under ``root``."""
    (root / "data").mkdir(parents=True, exist_ok=True)
    (root / "rules").mkdir(exist_ok=True)
    for stem, frame in zone_frames().items():
        frame.to_file(root / "data" / f"{stem}.gpkg", driver="GPKG")
    blocks = []
    for lid, kind, stem, version, start, end in _LAYERS:
        block = (
            f'[[layer]]\nid = "{lid}"\nkind = "{kind}"\ntitle_zh = "{lid}图层"\n'
            f'title_en = "{lid} layer"\nfile = "data/{stem}.gpkg"\nsource_crs = "EPSG:4548"\n'
            f'version = "{version}"\nvalid_from = {start}\nsource = "hand-drawn test data"\n'
            f'licence = "CC0"\nsynthetic = true\n'
        )
        if end:
            block += f"valid_to = {end}\n"
        blocks.append(block)
    (root / "manifest.toml").write_text(MANIFEST.format(layers="\n".join(blocks)), "utf-8")
    (root / "rules" / "activities.yaml").write_text(ACTIVITIES, "utf-8")
    (root / "rules" / "rules.yaml").write_text(_rules_yaml(), "utf-8")
    return root


def all_zone_features(catalog: Catalog, as_of: str) -> Iterator[tuple[str, str, object]]:
    """(layer_id, feature_id, geometry) of every feature in force, for brute-force checks."""
    for lv in catalog.select(date.fromisoformat(as_of)):
        for fid, geom in zip(lv.frame["feature_id"], lv.frame.geometry, strict=True):
            yield lv.id, str(fid), geom
