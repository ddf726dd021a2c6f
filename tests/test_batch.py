"""Batch lookups: vectorised point pairs against per-point lookup and geopandas, file rows."""

from __future__ import annotations

import json
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import pytest
import shapely
from tiny_layers import X0, Y0, lonlat

from geozone.batch import batch_points, lookup_rows, point_pairs, read_batch, write_rows
from geozone.catalog import Catalog
from geozone.errors import InvalidInput, UnknownActivity
from geozone.lookup import lookup
from geozone.query import point_query
from geozone.rules import RuleTable

pytest_plugins = ["lookup_fixtures"]

AS_OF = "2026-01-01"


def random_points(n: int, seed: int = 1) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    return X0 + rng.uniform(-500, 10500, n), Y0 + rng.uniform(-500, 10500, n)


def test_point_pairs_covers_boundary() -> None:
    square = shapely.box(0, 0, 10, 10)
    shapely.prepare(square)
    geoms = np.array([square, shapely.box(10, 0, 20, 10)], dtype=object)
    poly, pt = point_pairs(geoms, [5, 10, 25, 10], [5, 5, 5, 10])
    assert list(zip(poly.tolist(), pt.tolist(), strict=True)) == [
        (0, 0),
        (0, 1),
        (0, 3),
        (1, 1),
        (1, 3),
    ]


def test_batch_points_equal_lookup_and_sjoin(tiny_catalog: Catalog, tiny_rules: RuleTable) -> None:
    xs, ys = random_points(400)
    pairs = batch_points(tiny_catalog, tiny_rules, xs, ys, AS_OF, crs="EPSG:4548")
    got = set(zip(pairs["point"], pairs["layer_id"], pairs["feature_id"], strict=True))
    # per-point lookup
    want: set[tuple[int, str, str]] = set()
    for i, (x, y) in enumerate(zip(xs, ys, strict=True)):
        r = lookup(
            tiny_catalog,
            tiny_rules,
            point_query(x, y, crs="EPSG:4548", as_of=AS_OF, tolerance_m=0, activities="housing"),
        )
        want |= {(i, h.layer_id, h.feature_id) for h in r.hits if h.inside}
    assert got == want
    # geopandas sjoin on the same data
    zones = pd.concat(
        [lv.frame.assign(layer_id=lv.id) for lv in tiny_catalog.select(pd.Timestamp(AS_OF).date())]
    )
    pts = gpd.GeoDataFrame(
        {"point": range(len(xs))}, geometry=gpd.points_from_xy(xs, ys), crs=zones.crs
    )
    joined = gpd.sjoin(pts, zones, predicate="within")
    ref = set(zip(joined["point"], joined["layer_id"], joined["feature_id"], strict=True))
    assert got == ref
    assert len(got) > 400  # most points sit in several layers


def test_batch_points_wgs84_and_verdicts(tiny_catalog: Catalog, tiny_rules: RuleTable) -> None:
    lon, lat = zip(lonlat(4500, 4500), lonlat(12000, 5000), strict=True)
    pairs = batch_points(tiny_catalog, tiny_rules, lon, lat, AS_OF, ["swimming_angling"])
    first = pairs[pairs["point"] == 0].set_index("feature_id")
    assert set(first.index) == {"D", "TW", "CZ-RES", "W1", "W2", "WQ", "U-PRI"}
    assert first.loc["W1", "verdict_swimming_angling"] == "prohibited"
    assert first.loc["WQ", "verdict_swimming_angling"] == "permitted"
    assert pd.isna(first.loc["D", "verdict_swimming_angling"])
    assert (pairs["point"] == 1).sum() == 0
    with pytest.raises(UnknownActivity):
        batch_points(tiny_catalog, tiny_rules, lon, lat, AS_OF, ["dancing"])


def _mixed_collection() -> dict:
    good = {"type": "Point", "coordinates": list(lonlat(3500, 6000))}
    edge = {"type": "Point", "coordinates": list(lonlat(2003, 7500))}
    x1, y1 = lonlat(5400, 8000)
    x2, y2 = lonlat(6400, 8100)
    bow = [[x1, y1], [x2, y2], [x2, y1], [x1, y2], [x1, y1]]
    lon, lat = lonlat(3500, 6000)
    return {
        "type": "FeatureCollection",
        "features": [
            {"type": "Feature", "id": "a", "properties": {}, "geometry": good},
            {
                "type": "Feature",
                "properties": {"id": "b"},
                "geometry": {"type": "Polygon", "coordinates": [bow]},
            },
            {
                "type": "Feature",
                "properties": {"id": "c"},
                "geometry": {"type": "Point", "coordinates": [lat, lon]},
            },
            {"type": "Feature", "properties": {"id": "d"}, "geometry": None},
            {"type": "Feature", "properties": {"id": "e"}, "geometry": edge},
        ],
    }


def test_mixed_rows_keep_going(
    tiny_catalog: Catalog, tiny_rules: RuleTable, tmp_path: Path
) -> None:
    src = tmp_path / "mixed.geojson"
    src.write_text(json.dumps(_mixed_collection()), "utf-8")
    rows = list(
        lookup_rows(tiny_catalog, tiny_rules, read_batch(src), activities=["housing"], as_of=AS_OF)
    )
    assert [r.source_id for r in rows] == ["a", "b", "c", "d", "e"]
    assert [r.status for r in rows] == ["ok", "error", "error", "error", "edge"]
    assert "Self-intersection" in (rows[1].error or "")
    assert "(lon, lat)" in (rows[2].error or "")
    assert rows[0].verdicts == {"housing": "permitted"}
    assert "zones:restricted:CZ-RES" in rows[0].hits
    assert "~redline:general:RL-GEN" in rows[4].hits
    assert (
        rows[0].report_id
        == lookup(
            tiny_catalog,
            tiny_rules,
            point_query(*lonlat(3500, 6000), activities="housing", as_of=AS_OF),
        ).report_id
    )
    repaired = list(
        lookup_rows(
            tiny_catalog,
            tiny_rules,
            read_batch(src),
            activities=["housing"],
            as_of=AS_OF,
            repair=True,
        )
    )
    assert repaired[1].status in ("ok", "edge")


@pytest.mark.parametrize("fmt", ["geojson", "csv", "gpkg"])
def test_write_formats(
    tiny_catalog: Catalog, tiny_rules: RuleTable, tmp_path: Path, fmt: str
) -> None:
    src = tmp_path / "mixed.geojson"
    src.write_text(json.dumps(_mixed_collection()), "utf-8")
    rows = lookup_rows(
        tiny_catalog, tiny_rules, read_batch(src), activities=["housing"], as_of=AS_OF
    )
    out = tmp_path / f"out.{fmt}"
    assert write_rows(rows, out, ["housing"], chunk=2) == 5
    back = pd.read_csv(out) if fmt == "csv" else pyogrio.read_dataframe(out)
    assert list(back["status"]) == ["ok", "error", "error", "error", "edge"]
    assert list(back["verdict_housing"].fillna("")) == ["permitted", "", "", "", "conditional"]


def test_read_csv_gpkg_and_zip(
    tiny_catalog: Catalog, tiny_rules: RuleTable, tmp_path: Path
) -> None:
    lon, lat = lonlat(3500, 6000)
    csv_path = tmp_path / "pts.csv"
    csv_path.write_text(f"id,lon,lat\np1,{lon},{lat}\np2,abc,{lat}\n", "utf-8")
    rows = list(lookup_rows(tiny_catalog, tiny_rules, read_batch(csv_path), as_of=AS_OF))
    assert [r.status for r in rows] == ["ok", "error"]
    wkt_path = tmp_path / "wkt.csv"
    wkt_path.write_text(f'name,wkt\nw1,"POINT ({lon} {lat})"\nw2,"POLYGON ((0 0"\n', "utf-8")
    rows = list(lookup_rows(tiny_catalog, tiny_rules, read_batch(wkt_path), as_of=AS_OF))
    assert [r.status for r in rows] == ["ok", "error"]
    frame = gpd.GeoDataFrame(
        {"id": ["g1", "g2"]},
        geometry=[
            shapely.box(X0 + 5400, Y0 + 8000, X0 + 6400, Y0 + 8100),
            shapely.Point(X0 + 3500, Y0 + 6000),
        ],
        crs="EPSG:4548",
    )
    gpkg = tmp_path / "in.gpkg"
    frame.to_file(gpkg)
    rows = list(lookup_rows(tiny_catalog, tiny_rules, read_batch(gpkg), as_of=AS_OF))
    assert [r.source_id for r in rows] == ["g1", "g2"]
    assert rows[0].result is not None
    overlaps = {h.feature_id: h.overlap_m2 for h in rows[0].result.hits}
    assert overlaps["CZ-RES"] == pytest.approx(60000.0, abs=0.01)
    shp_dir = tmp_path / "shp"
    shp_dir.mkdir()
    frame.iloc[:1].to_file(shp_dir / "in.shp")  # a shapefile holds one geometry type
    import zipfile

    zpath = tmp_path / "in.zip"
    with zipfile.ZipFile(zpath, "w") as zf:
        for f in shp_dir.iterdir():
            zf.write(f, f.name)
    zrows = list(lookup_rows(tiny_catalog, tiny_rules, read_batch(zpath), as_of=AS_OF))
    assert [r.report_id for r in zrows] == [rows[0].report_id]
    with pytest.raises(InvalidInput, match="unsupported"):
        read_batch(tmp_path / "x.txt")
    bad = tmp_path / "cols.csv"
    bad.write_text("a,b\n1,2\n", "utf-8")
    with pytest.raises(InvalidInput, match="lon/lat"):
        list(read_batch(bad))
