"""Query parsing and normalisation: typed errors, CRS handling, repair."""

from __future__ import annotations

from datetime import date

import pytest
import shapely
from pyproj import Transformer

from geozone.crs import wgs84_to_gcj02
from geozone.errors import (
    InvalidDate,
    InvalidGeoJSON,
    InvalidGeometry,
    InvalidInput,
    QueryTooLarge,
    SwappedCoordinates,
    UnknownCRS,
)
from geozone.query import geojson_query, parse_activities, point_query
from geozone.settings import QuerySettings

TO_4548 = Transformer.from_crs("EPSG:4326", "EPSG:4548", always_xy=True)


def square(lon: float, lat: float, d: float = 0.001) -> list[list[float]]:
    return [[lon, lat], [lon + d, lat], [lon + d, lat + d], [lon, lat + d], [lon, lat]]


def test_point_defaults() -> None:
    before = date.today()
    q = point_query(116.65, 39.90)
    assert q.kind == "point"
    assert q.crs == "EPSG:4326"
    assert q.as_of in {before, date.today()}  # today (the call may cross midnight)
    assert q.tolerance_m == 5.0
    assert q.activities == ()
    x, y = TO_4548.transform(116.65, 39.90)
    assert q.geometry.x == pytest.approx(x, abs=1e-6)
    assert q.geometry.y == pytest.approx(y, abs=1e-6)


def test_point_coords_read_both_crs_once() -> None:
    q = point_query(116.65, 39.90)
    x, y, lon, lat = q.point_coords
    assert (lon, lat) == (116.65, 39.90)
    ex, ey = TO_4548.transform(116.65, 39.90)
    assert (x, y) == (pytest.approx(ex, abs=1e-6), pytest.approx(ey, abs=1e-6))
    assert (x, y) == (q.geometry.x, q.geometry.y)
    parcel = geojson_query({"type": "Polygon", "coordinates": [square(116.65, 39.90)]})
    with pytest.raises(ValueError, match="parcel"):
        parcel.point_coords  # noqa: B018


def test_point_in_4548_and_cgcs2000() -> None:
    x, y = TO_4548.transform(116.65, 39.90)
    q = point_query(x, y, crs="EPSG:4548")
    assert q.geometry_wgs84.x == pytest.approx(116.65, abs=1e-9)
    assert q.crs == "EPSG:4548"
    q2 = point_query(116.65, 39.90, crs="CGCS2000")
    assert q2.crs == "EPSG:4490"
    assert q2.geometry.distance(q.geometry) < 1.0


def test_point_gcj02_and_bd09_converted() -> None:
    glon, glat = wgs84_to_gcj02([116.65], [39.90])
    q = point_query(float(glon[0]), float(glat[0]), crs="GCJ-02")
    assert q.crs == "GCJ02"
    assert q.geometry_wgs84.x == pytest.approx(116.65, abs=1e-7)
    assert q.geometry_wgs84.y == pytest.approx(39.90, abs=1e-7)
    raw = point_query(float(glon[0]), float(glat[0]))
    # the GCJ-02 offset in Beijing is several hundred metres
    assert 300 < raw.geometry.distance(q.geometry) < 800
    bd = point_query(116.66, 39.91, crs="BD09")
    assert bd.crs == "BD09"
    assert bd.geometry_wgs84.x < 116.66


def test_swapped_lat_beyond_90() -> None:
    with pytest.raises(SwappedCoordinates, match=r"\(lon, lat\)"):
        point_query(39.9, 116.4)


def test_swapped_far_outside_china() -> None:
    # (lon 39.9, lat 80) is in the Arctic; swapped it is inside the China box
    with pytest.raises(SwappedCoordinates):
        point_query(39.9, 80.0)
    x, y = TO_4548.transform(116.65, 39.90)
    with pytest.raises(SwappedCoordinates):
        point_query(y, x, crs="EPSG:4548")


def test_point_outside_china_not_swapped_is_accepted() -> None:
    q = point_query(2.35, 48.85)  # Paris: a valid query, answered "outside" by the lookup
    assert q.geometry_wgs84.x == pytest.approx(2.35)


def test_bad_scalars() -> None:
    with pytest.raises(InvalidInput, match="lon must be a number"):
        point_query("abc", 39.9)
    with pytest.raises(InvalidInput, match="finite"):
        point_query(float("nan"), 39.9)
    with pytest.raises(UnknownCRS):
        point_query(116.6, 39.9, crs="EPSG:99999999")
    with pytest.raises(InvalidDate, match="2025-13-01"):
        point_query(116.6, 39.9, as_of="2025-13-01")
    with pytest.raises(InvalidInput, match="tolerance_m"):
        point_query(116.6, 39.9, tolerance_m=501)
    with pytest.raises(InvalidInput, match="tolerance_m"):
        point_query(116.6, 39.9, tolerance_m=-1)
    assert point_query(116.6, 39.9, as_of=date(2025, 6, 1)).as_of == date(2025, 6, 1)
    assert point_query(116.6, 39.9, as_of="2025-06-01").as_of == date(2025, 6, 1)
    assert point_query(116.6, 39.9, tolerance_m="12.5").tolerance_m == 12.5


def test_activities_normalised() -> None:
    assert parse_activities("a, b,a,,c") == ("a", "b", "c")
    assert parse_activities(["x", " y "]) == ("x", "y")
    assert parse_activities(["a,b", "c", "b"]) == ("a", "b", "c")  # a repeated option
    assert parse_activities(None) == ()
    assert point_query(116.6, 39.9, activities="housing").activities == ("housing",)


def test_polygon_feature_and_collection() -> None:
    poly = {"type": "Polygon", "coordinates": [square(116.6, 39.9)]}
    q = geojson_query(poly)
    assert q.kind == "parcel"
    # 0.001° x 0.001° near 39.9 N is about 85.4 m x 111.0 m
    assert q.area_m2 == pytest.approx(85.4 * 111.0, rel=0.01)
    feat = {"type": "Feature", "properties": {}, "geometry": poly}
    assert geojson_query(feat).area_m2 == q.area_m2
    fc = {"type": "FeatureCollection", "features": [feat]}
    assert geojson_query(fc).area_m2 == q.area_m2
    multi = {"type": "MultiPolygon", "coordinates": [[square(116.6, 39.9)], [square(116.7, 39.9)]]}
    assert geojson_query(multi).area_m2 == pytest.approx(2 * q.area_m2, rel=1e-3)
    pt = geojson_query({"type": "Point", "coordinates": [116.6, 39.9]})
    assert pt.kind == "point"


def test_polygon_with_hole() -> None:
    outer = square(116.6, 39.9, 0.002)
    hole = square(116.6005, 39.9005, 0.001)
    q = geojson_query({"type": "Polygon", "coordinates": [outer, hole]})
    full = geojson_query({"type": "Polygon", "coordinates": [outer]})
    assert q.area_m2 == pytest.approx(full.area_m2 * 0.75, rel=1e-3)


@pytest.mark.parametrize(
    ("obj", "match"),
    [
        ([1, 2], "must be an object"),
        ({"type": "LineString", "coordinates": [[0, 0], [1, 1]]}, "not accepted"),
        ({"type": "Polygon"}, "no coordinates"),
        ({"type": "Point", "coordinates": ["a", 1]}, "not a number"),
        ({"type": "Point", "coordinates": [116.6]}, r"\[x, y\]"),
        ({"type": "Polygon", "coordinates": [square(116.6, 39.9)[:-1]]}, "not closed"),
        (
            {"type": "Polygon", "coordinates": [[[116.6, 39.9], [116.7, 39.9], [116.6, 39.9]]]},
            "at least 4",
        ),
        ({"type": "FeatureCollection", "features": []}, "exactly one"),
        ({"type": "Feature", "geometry": None}, "no geometry"),
        ({"type": "Polygon", "coordinates": []}, "at least one ring"),
    ],
)
def test_invalid_geojson(obj: object, match: str) -> None:
    with pytest.raises(InvalidGeoJSON, match=match):
        geojson_query(obj)


def test_bowtie_error_names_location_and_repair() -> None:
    bow = {
        "type": "Polygon",
        "coordinates": [
            [[116.6, 39.9], [116.61, 39.91], [116.61, 39.9], [116.6, 39.91], [116.6, 39.9]]
        ],
    }
    with pytest.raises(InvalidGeometry) as info:
        geojson_query(bow)
    assert "Self-intersection" in info.value.message
    assert info.value.detail["lon"] == pytest.approx(116.605, abs=1e-6)
    assert info.value.detail["lat"] == pytest.approx(39.905, abs=1e-6)
    assert "lon 116.605" in info.value.message
    q = geojson_query(bow, repair=True)
    assert q.geometry.is_valid
    assert q.geometry.geom_type == "MultiPolygon"
    assert any("make_valid" in w for w in q.warnings)
    # two triangles, each a quarter of the 0.01° square
    full = geojson_query({"type": "Polygon", "coordinates": [square(116.6, 39.9, 0.01)]})
    assert q.area_m2 == pytest.approx(full.area_m2 / 2, rel=1e-3)


def test_too_many_vertices() -> None:
    ring = [[116.6 + 0.001 * i, 39.9 + 0.0001 * (i % 2)] for i in range(20)]
    ring += [[116.62, 39.95], [116.6, 39.95], ring[0]]
    poly = {"type": "Polygon", "coordinates": [ring]}
    with pytest.raises(QueryTooLarge, match="23 vertices; the limit is 10"):
        geojson_query(poly, settings=QuerySettings(max_vertices=10))
    assert geojson_query(poly).kind == "parcel"


def test_swapped_polygon() -> None:
    ring = [[lat, lon] for lon, lat in square(116.6, 39.9)]
    with pytest.raises(SwappedCoordinates):
        geojson_query({"type": "Polygon", "coordinates": [ring]})


def test_legacy_crs_member_and_override() -> None:
    x, y = TO_4548.transform(116.65, 39.90)
    obj = {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [x, y]},
        "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::4548"}},
    }
    q = geojson_query(obj)
    assert q.crs == "EPSG:4548"
    assert q.geometry_wgs84.x == pytest.approx(116.65, abs=1e-9)


def test_normalised_dict_rounds_coordinates() -> None:
    q = point_query(116.123456789, 39.987654321, as_of="2026-01-02", tolerance_m=3)
    d = q.to_dict(["housing"])
    assert d == {
        "type": "point",
        "geometry": {"type": "Point", "coordinates": [116.1234568, 39.9876543]},
        "crs": "EPSG:4326",
        "as_of": "2026-01-02",
        "tolerance_m": 3.0,
        "activities": ["housing"],
        "area_m2": None,
    }
    assert shapely.get_coordinates(q.geometry_wgs84)[0, 0] == 116.123456789
