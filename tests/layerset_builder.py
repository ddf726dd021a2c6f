"""Build tiny layer sets (files + manifest.toml) in a temporary folder, in code.

Geometries are drawn in EPSG:4548 metres relative to an origin in Tongzhou, so areas
are known by hand (a 100 m x 50 m hole is 5,000 m²). :func:`clean_layers` returns a
layer set that passes every validation check; tests break one thing at a time.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import geopandas as gpd
from shapely import affinity
from shapely.geometry import Point, Polygon, box
from shapely.geometry.base import BaseGeometry

X0, Y0 = 470_000.0, 4_410_000.0
"""Origin of the fixture drawings in EPSG:4548 (about 116.65 E, 39.83 N)."""


def at(geom: BaseGeometry) -> BaseGeometry:
    """Move a geometry drawn around (0, 0) to the fixture origin."""
    return affinity.translate(geom, X0, Y0)


def rect(x1: float, y1: float, x2: float, y2: float) -> BaseGeometry:
    """A rectangle in fixture coordinates (metres from the origin)."""
    return at(box(x1, y1, x2, y2))


def disc(x: float, y: float, r: float) -> BaseGeometry:
    """A disc (64-gon) in fixture coordinates."""
    return at(Point(x, y).buffer(r, quad_segs=16))


def bowtie(x: float, y: float, size: float) -> BaseGeometry:
    """A self-intersecting bow-tie whose crossing is at (x + size/2, y + size/2)."""
    return at(Polygon([(x, y), (x + size, y + size), (x + size, y), (x, y + size)]))


Feature = tuple[str | None, str | None, BaseGeometry | None]


@dataclass
class Layer:
    """One layer version to write: features as (id, class, geometry in EPSG:4548)."""

    id: str
    kind: str
    features: list[Feature]
    version: str = "v1"
    valid_from: date = date(2020, 1, 1)
    valid_to: date | None = None
    source_crs: str = "EPSG:4548"
    write_crs: str | None = "EPSG:4548"
    fmt: str = "gpkg"
    names: list[str | None] | None = None
    columns: dict[str, str] = field(default_factory=dict)
    manifest: dict[str, Any] = field(default_factory=dict)

    @property
    def file(self) -> str:
        """File path relative to the layer folder."""
        ext = {"gpkg": "gpkg", "geojson": "geojson", "shp": "shp"}[self.fmt]
        return f"data/{self.id}_{self.version}.{ext}"


def clean_layers() -> list[Layer]:
    """A small layer set that passes every check.

    District ``110112`` (2,000 m x 1,000 m) is tiled by three control zones; district
    ``other`` has no control zones (out of the layer's scope, not a gap). Water zones
    nest, the red line lies in eco_control and the grade1 disc lies in the reservoir
    management range; grade1 ``g1b`` does not reach the range at all.
    """
    ring_outer = rect(300, 50, 1100, 950)
    management = rect(400, 150, 1000, 850)
    return [
        Layer(
            "admin",
            "admin",
            [
                ("110112", "district", rect(0, 0, 2000, 1000)),
                ("other", "区", rect(2000, 0, 3000, 1000)),
                ("t1", "乡镇", rect(0, 0, 500, 500)),
            ],
            names=["通州区", "邻区", "某镇"],
        ),
        Layer(
            "control_zone",
            "control_zone",
            [
                ("cz1", "concentrated", rect(0, 0, 800, 1000)),
                ("cz2", "restricted", rect(800, 0, 1400, 1000)),
                ("cz3", "eco_control", rect(1400, 0, 2000, 1000)),
            ],
            valid_to=date(2022, 12, 31),
        ),
        Layer(
            "control_zone",
            "control_zone",
            [
                ("cz1", "集中建设区", rect(0, 0, 900, 1000)),
                ("cz2", "限制建设区", rect(900, 0, 1400, 1000)),
                ("cz3", "生态控制区", rect(1400, 0, 2000, 1000)),
            ],
            version="v2",
            valid_from=date(2023, 1, 1),
        ),
        Layer(
            "redline",
            "redline",
            [
                ("r1", "general", rect(1500, 100, 1900, 900)),
                ("r2", "核心保护区", rect(1420, 50, 1480, 90)),
            ],
        ),
        Layer(
            "water",
            "water_protection",
            [
                ("q1", "quasi", rect(100, 100, 1300, 900)),
                ("g2", "二级保护区", rect(200, 200, 1200, 800)),
                ("g1a", "grade1", disc(700, 500, 200)),
                ("g1b", "grade1", rect(1050, 450, 1150, 550)),
            ],
            source_crs="EPSG:4326",
            write_crs="EPSG:4326",
            fmt="geojson",
        ),
        Layer(
            "reservoir",
            "reservoir_ring",
            [
                ("m1", "management", management),
                ("ring", "ring100", ring_outer.difference(management)),
            ],
        ),
        Layer("parks", "park", [("p1", "pocket", at(Point(50, 50)))]),
        Layer(
            "residential",
            "residential",
            [("h1", "0701", rect(10, 10, 60, 60))],
            columns={"feature_id": "code", "zone_class": "dlbm"},
            manifest={"id_field": "code", "class_field": "dlbm"},
        ),
    ]


def find(layers: list[Layer], layer_id: str, version: str = "v1") -> Layer:
    """The layer with that id and version."""
    return next(x for x in layers if x.id == layer_id and x.version == version)


def _toml_value(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, date):
        return value.isoformat()
    return json.dumps(value, ensure_ascii=False)


def _table(name: str, values: dict[str, Any]) -> str:
    rows = [name] + [f"{k} = {_toml_value(v)}" for k, v in values.items() if v is not None]
    return "\n".join(rows) + "\n"


def write_layer(root: Path, layer: Layer) -> Path:
    """Write one layer's file under ``root`` and return its path."""
    path = root / layer.file
    path.parent.mkdir(parents=True, exist_ok=True)
    ids = [f[0] for f in layer.features]
    frame = gpd.GeoDataFrame(
        {
            layer.columns.get("feature_id", "feature_id"): ids,
            layer.columns.get("zone_class", "zone_class"): [f[1] for f in layer.features],
            "name": layer.names or [None] * len(ids),
            "remark": [f"fixture {i}" for i in ids],
        },
        geometry=[f[2] for f in layer.features],
        crs="EPSG:4548",
    )
    if layer.write_crs is None:
        frame = frame.set_crs(None, allow_override=True)
    elif layer.write_crs != "EPSG:4548":
        frame = frame.to_crs(layer.write_crs)
    driver = {"gpkg": "GPKG", "geojson": "GeoJSON", "shp": "ESRI Shapefile"}[layer.fmt]
    frame.to_file(path, driver=driver, engine="pyogrio")
    return path


def manifest_text(layers: list[Layer], *, layerset: dict[str, Any] | None = None) -> str:
    """The manifest.toml text for these layers."""
    info = {
        "id": "fixture",
        "version": "1",
        "title_zh": "测试图层",
        "title_en": "Test layers",
        "synthetic": True,
        **(layerset or {}),
    }
    parts = [_table("[layerset]", info)]
    for layer in layers:
        entry: dict[str, Any] = {
            "id": layer.id,
            "kind": layer.kind,
            "title_zh": layer.id,
            "title_en": layer.id,
            "file": layer.file,
            "source_crs": layer.source_crs,
            "version": layer.version,
            "valid_from": layer.valid_from,
            "valid_to": layer.valid_to,
            "source": "test fixture",
            "licence": "CC0-1.0",
            "synthetic": True,
            **layer.manifest,
        }
        parts.append(_table("[[layer]]", entry))
    return "\n".join(parts)


def write_layerset(root: Path, layers: list[Layer], **kwargs: Any) -> Path:
    """Write every layer file and the manifest under ``root``; return ``root``."""
    root.mkdir(parents=True, exist_ok=True)
    for layer in layers:
        write_layer(root, layer)
    (root / "manifest.toml").write_text(manifest_text(layers, **kwargs), encoding="utf-8")
    return root
