"""OGC API Features Part 3 (CQL2 filter, queryables) and Part 2 (crs, bbox-crs).

Unit tests of the CQL2 evaluator on a hand-made attribute table with hand-computed
answers, then the HTTP routes over the builder's clean layer set (red line ``r1`` general
= [1500, 1900] x [100, 900], ``r2`` core = [1420, 1480] x [50, 90] metres from the
fixture origin in EPSG:4548).
"""

from __future__ import annotations

import json
from collections.abc import Iterator

import numpy as np
import pandas as pd
import pytest
import shapely
from api_client import api_client
from fastapi.testclient import TestClient
from layerset_builder import X0, Y0
from pyproj import Transformer
from test_ogc import build_tiny

from geozone.errors import InvalidFilter, InvalidQueryParameter
from geozone.ogc_crs import parse_bbox_in, parse_crs
from geozone.ogc_filter import FilterEvaluator, parse_filter, queryable_types, tree_mask

EPSG = "http://www.opengis.net/def/crs/EPSG/0/"

# --- the evaluator on a hand-made table ---------------------------------------------

ATTRS = pd.DataFrame(
    {
        "feature_id": ["a", "b", "c", "d"],
        "zone_class": ["core", "general", "core", None],
        "name": ["Miyun A", "Miyun_B", None, "Huairou"],
        "area_ha": [1.5, 20.0, 7.25, None],
        "rank": pd.array([1, 2, 3, None], dtype="Int64"),
        "synthetic": [True, False, True, False],
    }
)
# unit squares side by side: a = [0,1], b = [2,3], c = [4,5], d = [6,7] (x), y in [0,1]
GEOMS = np.array([shapely.box(2 * i, 0, 2 * i + 1, 1) for i in range(4)], dtype=object)


def run(text: str, lang: str = "cql2-text") -> list[str]:
    tree = shapely.STRtree(GEOMS)
    ev = FilterEvaluator(
        ATTRS, queryable_types([ATTRS]), lambda g, p: tree_mask(tree, len(GEOMS), g, p)
    )
    mask = ev.mask(parse_filter(text, lang))
    return list(ATTRS["feature_id"][mask])


def test_queryable_types() -> None:
    assert queryable_types([ATTRS]) == {
        "feature_id": "string",
        "zone_class": "string",
        "name": "string",
        "area_ha": "number",
        "rank": "integer",
        "synthetic": "boolean",
    }


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("zone_class = 'core'", ["a", "c"]),
        ("zone_class <> 'core'", ["b"]),  # null zone_class: unknown, not true
        ("NOT (zone_class = 'core')", ["b"]),  # NOT unknown stays unknown
        ("area_ha > 7.25", ["b"]),
        ("area_ha >= 7.25", ["b", "c"]),
        ("area_ha < 7.25", ["a"]),
        ("area_ha <= 7.25", ["a", "c"]),
        ("7.25 < area_ha", ["b"]),  # literal first: mirrored
        ("rank = 2", ["b"]),
        ("synthetic = true", ["a", "c"]),
        ("zone_class = 'core' AND area_ha > 2", ["c"]),
        ("zone_class = 'general' OR rank = 3", ["b", "c"]),
        ("zone_class IS NULL OR name IS NULL", ["c", "d"]),
        ("name IS NOT NULL", ["a", "b", "d"]),
        ("name LIKE 'Miyun%'", ["a", "b"]),
        ("name LIKE 'Miyun _'", ["a"]),
        (r"name LIKE 'Miyun\_B'", ["b"]),
        ("name NOT LIKE 'Miyun%'", ["d"]),
        ("zone_class IN ('general', 'other')", ["b"]),
        ("zone_class NOT IN ('general')", ["a", "c"]),
        ("area_ha BETWEEN 1.5 AND 7.25", ["a", "c"]),
        ("S_INTERSECTS(geometry, POINT(4.5 0.5))", ["c"]),
        ("S_INTERSECTS(geometry, BBOX(0.5, 0.5, 2.5, 0.6))", ["a", "b"]),
        ("S_INTERSECTS(geometry, LINESTRING(1 0.5, 2 0.5))", ["a", "b"]),  # touches both
        ("S_WITHIN(geometry, POLYGON((-1 -1, 3.5 -1, 3.5 2, -1 2, -1 -1)))", ["a", "b"]),
        ("S_CONTAINS(geometry, POINT(6.5 0.5))", ["d"]),
        ("S_DISJOINT(geometry, POINT(6.5 0.5))", ["a", "b", "c"]),
        ("S_TOUCHES(geometry, POINT(1 0.5))", ["a"]),
        ("zone_class = 'core' AND S_INTERSECTS(geometry, BBOX(0,0,10,10))", ["a", "c"]),
    ],
)
def test_cql2_text(text: str, expected: list[str]) -> None:
    assert run(text) == expected


@pytest.mark.parametrize(
    ("doc", "expected"),
    [
        ({"op": "=", "args": [{"property": "zone_class"}, "core"]}, ["a", "c"]),
        (
            {
                "op": "and",
                "args": [
                    {"op": "=", "args": [{"property": "zone_class"}, "core"]},
                    {"op": "not", "args": [{"op": "isNull", "args": [{"property": "name"}]}]},
                ],
            },
            ["a"],
        ),
        ({"op": "like", "args": [{"property": "name"}, "%B"]}, ["b"]),
        ({"op": "in", "args": [{"property": "rank"}, [1, 3]]}, ["a", "c"]),
        ({"op": "between", "args": [{"property": "area_ha"}, 2, 30]}, ["b", "c"]),
        (
            {
                "op": "s_intersects",
                "args": [{"property": "geometry"}, {"type": "Point", "coordinates": [2.5, 0.5]}],
            },
            ["b"],
        ),
        (
            {"op": "s_intersects", "args": [{"property": "geometry"}, {"bbox": [3.5, 0, 6.2, 1]}]},
            ["c", "d"],
        ),
    ],
)
def test_cql2_json(doc: dict, expected: list[str]) -> None:
    assert run(json.dumps(doc), "cql2-json") == expected


@pytest.mark.parametrize(
    ("text", "lang", "needle"),
    [
        ("nope = 1", "cql2-text", "unknown queryable 'nope'"),
        ("zone_class = 3", "cql2-text", "type string"),
        ("area_ha = 'x'", "cql2-text", "type number"),
        ("zone_class = ", "cql2-text", "does not parse"),
        ("name LIKE 3", "cql2-text", "LIKE"),
        ("geometry = 'x'", "cql2-text", "spatial functions"),
        ("zone_class BETWEEN 'a' AND 'b'", "cql2-text", "numeric"),
        ("{not json", "cql2-json", "not JSON"),
        ('{"op": "frobnicate", "args": []}', "cql2-json", "does not parse"),
        ("zone_class = 'core'", "cql3", "filter-lang"),
    ],
)
def test_bad_filters(text: str, lang: str, needle: str) -> None:
    with pytest.raises(InvalidFilter) as err:
        run(text, lang)
    assert needle in err.value.message
    assert err.value.status == 400


# --- CRS ------------------------------------------------------------------------------


def test_crs_parse_and_refuse() -> None:
    assert parse_crs(None).uri.endswith("CRS84")
    assert parse_crs("EPSG:4548").uri == EPSG + "4548"
    assert parse_crs("[EPSG:4490]").uri == EPSG + "4490"
    assert parse_crs(EPSG + "4326").first_axis_north
    assert not parse_crs(None).first_axis_north
    with pytest.raises(InvalidQueryParameter) as err:
        parse_crs("EPSG:3857", "bbox-crs")
    assert err.value.status == 400 and "bbox-crs" in err.value.message
    with pytest.raises(InvalidQueryParameter):
        parse_bbox_in("3,1,2,4", parse_crs("EPSG:4548"))


# --- HTTP -----------------------------------------------------------------------------

TO_4548 = Transformer.from_crs("EPSG:4326", "EPSG:4548", always_xy=True)
TO_LONLAT = Transformer.from_crs("EPSG:4548", "EPSG:4326", always_xy=True)


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    root = build_tiny(tmp_path_factory.mktemp("ogc_filter_layers"))
    with api_client(root, root.parent) as c:
        yield c


def ids(client: TestClient, cid: str, **params: str) -> tuple[int, list[str]]:
    r = client.get(f"/ogc/collections/{cid}/items", params=params)
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["numberReturned"] == len(body["features"])
    return body["numberMatched"], [f["id"] for f in body["features"]]


def test_conformance_declares_parts_2_and_3(client: TestClient) -> None:
    conf = client.get("/ogc/conformance").json()["conformsTo"]
    for uri in [
        "http://www.opengis.net/spec/ogcapi-features-2/1.0/conf/crs",
        "http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/queryables",
        "http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/queryables-query-parameters",
        "http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/filter",
        "http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/features-filter",
        "http://www.opengis.net/spec/cql2/1.0/conf/cql2-text",
        "http://www.opengis.net/spec/cql2/1.0/conf/cql2-json",
        "http://www.opengis.net/spec/cql2/1.0/conf/basic-cql2",
        "http://www.opengis.net/spec/cql2/1.0/conf/advanced-comparison-operators",
        "http://www.opengis.net/spec/cql2/1.0/conf/basic-spatial-functions",
        "http://www.opengis.net/spec/cql2/1.0/conf/basic-spatial-functions-plus",
    ]:
        assert uri in conf


def test_queryables(client: TestClient) -> None:
    r = client.get("/ogc/collections/redline/queryables")
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("application/schema+json")
    doc = r.json()
    assert doc["$id"].endswith("/ogc/collections/redline/queryables")
    props = doc["properties"]
    assert props["zone_class"]["type"] == "string"
    assert props["name"]["type"] == "string"
    assert props["feature_id"]["type"] == "string"
    assert props["synthetic"]["type"] == "boolean"
    assert props["geometry"]["format"] == "geometry-any"
    # the admin layer's own attribute column
    assert client.get("/ogc/collections/admin/queryables").json()["properties"]["remark"] == {
        "title": "remark",
        "type": "string",
    }
    links = client.get("/ogc/collections/redline").json()["links"]
    assert any(lk["rel"].endswith("/queryables") for lk in links)


def test_filter_on_items_before_paging(client: TestClient) -> None:
    assert ids(client, "redline", filter="zone_class = 'core'") == (1, ["r2"])
    assert ids(client, "redline", filter="zone_class <> 'core'") == (1, ["r1"])
    assert ids(client, "water", filter="zone_class = 'grade1'", limit="1") == (2, ["g1a"])
    assert ids(client, "water", filter="zone_class IN ('grade1', 'quasi')") == (
        3,
        ["q1", "g1a", "g1b"],
    )
    doc = {"op": "=", "args": [{"property": "zone_class"}, "core"]}
    assert ids(client, "redline", filter=json.dumps(doc), **{"filter-lang": "cql2-json"}) == (
        1,
        ["r2"],
    )
    # a point inside r1 only (1700, 500), in CRS84 then in EPSG:4548 (northing, easting)
    lon, lat = TO_LONLAT.transform(X0 + 1700, Y0 + 500)
    assert ids(client, "redline", filter=f"S_INTERSECTS(geometry, POINT({lon} {lat}))") == (
        1,
        ["r1"],
    )
    assert ids(
        client,
        "redline",
        filter=f"S_INTERSECTS(geometry, POINT({Y0 + 70} {X0 + 1450}))",
        **{"filter-crs": EPSG + "4548"},
    ) == (1, ["r2"])
    # combined with bbox: a box round r2 only, AND a filter that r2 fails
    e0, n0 = TO_LONLAT.transform(X0 + 1410, Y0 + 40)
    e1, n1 = TO_LONLAT.transform(X0 + 1490, Y0 + 95)
    assert ids(client, "redline", bbox=f"{e0},{n0},{e1},{n1}") == (1, ["r2"])
    assert ids(client, "redline", bbox=f"{e0},{n0},{e1},{n1}", filter="zone_class='general'") == (
        0,
        [],
    )


@pytest.mark.parametrize(
    ("params", "needle"),
    [
        ({"filter": "colour = 'red'"}, "unknown queryable 'colour'"),
        ({"filter": "zone_class = "}, "does not parse"),
        ({"filter": "zone_class = 'core'", "filter-lang": "ecql"}, "filter-lang"),
        ({"filter-lang": "ecql"}, "filter-lang"),
        ({"crs": "EPSG:3857"}, "crs"),
        ({"bbox-crs": "EPSG:2000", "bbox": "1,2,3,4"}, "bbox-crs"),
        ({"filter-crs": "EPSG:32650", "filter": "zone_class = 'core'"}, "filter-crs"),
    ],
)
def test_bad_parameters_are_400(client: TestClient, params: dict[str, str], needle: str) -> None:
    r = client.get("/ogc/collections/redline/items", params=params)
    assert r.status_code == 400, r.text
    body = r.json()
    assert body["code"] in ("invalid_filter", "invalid_parameter")
    assert needle in body["message"]


def test_unknown_crs_on_one_item_is_400(client: TestClient) -> None:
    r = client.get("/ogc/collections/redline/items/r2", params={"crs": "EPSG:3857"})
    assert r.status_code == 400 and r.json()["code"] == "invalid_parameter"


def test_axis_order_of_a_known_point() -> None:
    """116.95E 40.45N in each CRS's own axis order, pyproj computed independently."""
    n, e = Transformer.from_crs("EPSG:4490", "EPSG:4548").transform(40.45, 116.95)
    assert 4_470_000 < n < 4_490_000 and 490_000 < e < 500_000  # northing first
    from geozone.ogc_crs import output_geometries

    pt = shapely.Point(116.95, 40.45)
    x, y = TO_4548.transform(116.95, 40.45)
    got = {
        code: output_geometries(parse_crs(code), [pt], [shapely.Point(x, y)])[0]
        for code in ("OGC:CRS84", "EPSG:4326", "EPSG:4490", "EPSG:4548")
    }
    assert (got["OGC:CRS84"].x, got["OGC:CRS84"].y) == (116.95, 40.45)
    assert got["EPSG:4326"].x == pytest.approx(40.45) and got["EPSG:4326"].y == pytest.approx(
        116.95
    )
    assert got["EPSG:4490"].x == pytest.approx(40.45, abs=1e-8)
    assert got["EPSG:4490"].y == pytest.approx(116.95, abs=1e-8)
    assert got["EPSG:4548"].x == pytest.approx(n, abs=1e-3)
    assert got["EPSG:4548"].y == pytest.approx(e, abs=1e-3)


def test_items_in_each_crs(client: TestClient) -> None:
    def ring(crs: str | None) -> tuple[list[list[float]], str]:
        params = {"crs": crs} if crs else {}
        r = client.get("/ogc/collections/redline/items/r2", params=params)
        assert r.status_code == 200, r.text
        return r.json()["geometry"]["coordinates"][0], r.headers["content-crs"]

    base, header = ring(None)
    assert header == "<http://www.opengis.net/def/crs/OGC/1.3/CRS84>"
    gk, header = ring(EPSG + "4548")
    assert header == f"<{EPSG}4548>"
    # r2 = [1420, 1480] x [50, 90] from the origin: northing first, exact metres
    assert sorted({round(p[0], 6) for p in gk}) == [Y0 + 50, Y0 + 90]
    assert sorted({round(p[1], 6) for p in gk}) == [X0 + 1420, X0 + 1480]
    for code in ("4326", "4490"):
        latlon, header = ring(EPSG + code)
        assert header == f"<{EPSG}{code}>"
        for (lon, lat), (a, b) in zip(base, latlon, strict=True):
            assert (a, b) == (pytest.approx(lat, abs=1e-9), pytest.approx(lon, abs=1e-9))
    # the list route and the collection docs
    r = client.get("/ogc/collections/redline/items", params={"crs": EPSG + "4548"})
    assert r.headers["content-crs"] == f"<{EPSG}4548>"
    coll = client.get("/ogc/collections/redline").json()
    assert coll["crs"] == [
        "http://www.opengis.net/def/crs/OGC/1.3/CRS84",
        EPSG + "4326",
        EPSG + "4490",
        EPSG + "4548",
    ]
    assert coll["storageCrs"] == "http://www.opengis.net/def/crs/OGC/1.3/CRS84"


def test_bbox_crs(client: TestClient) -> None:
    # northing/easting box round r2 only (EPSG:4548, metres)
    box = f"{Y0 + 40},{X0 + 1410},{Y0 + 95},{X0 + 1490}"
    assert ids(client, "redline", bbox=box, **{"bbox-crs": EPSG + "4548"}) == (1, ["r2"])
    # the same box read as easting-first would miss everything: axis order matters
    swapped = f"{X0 + 1410},{Y0 + 40},{X0 + 1490},{Y0 + 95}"
    assert ids(client, "redline", bbox=swapped, **{"bbox-crs": EPSG + "4548"}) == (0, [])
    # EPSG:4326 box: lat first
    lon0, lat0 = TO_LONLAT.transform(X0 + 1410, Y0 + 40)
    lon1, lat1 = TO_LONLAT.transform(X0 + 1490, Y0 + 95)
    latfirst = f"{lat0},{lon0},{lat1},{lon1}"
    assert ids(client, "redline", bbox=latfirst, **{"bbox-crs": EPSG + "4326"}) == (1, ["r2"])
    assert ids(client, "redline", bbox=latfirst, **{"bbox-crs": EPSG + "4490"}) == (1, ["r2"])


def test_queryables_as_query_parameters(client: TestClient) -> None:
    assert ids(client, "redline", zone_class="core") == (1, ["r2"])
    assert ids(client, "water", zone_class="grade1", feature_id="g1b") == (1, ["g1b"])
    assert ids(client, "admin", remark="fixture t1") == (1, ["t1"])  # the layer's own column
    assert ids(client, "water", zone_class="grade1", filter="feature_id <> 'g1a'") == (
        1,
        ["g1b"],
    )
    r = client.get("/ogc/collections/redline/items", params={"synthetic": "maybe"})
    assert r.status_code == 400 and r.json()["code"] == "invalid_filter"


def test_ogc_api_definition_relative_to_ogc(client: TestClient) -> None:
    r = client.get("/ogc/api")
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("application/vnd.oai.openapi+json")
    doc = r.json()
    assert doc["servers"] == [{"url": "http://testserver/ogc"}]
    assert "/ogc/collections" not in doc["paths"]
    params = doc["paths"]["/collections/{collectionId}/items"]["get"]["parameters"]
    by_name = {p["name"]: p for p in params}
    assert by_name["collectionId"]["in"] == "path"
    assert {"cql2-text", "cql2-json"} <= set(by_name["filter-lang"]["schema"]["enum"])
    assert {"filter", "filter-crs", "bbox-crs", "crs", "zone_class"} <= set(by_name)
    assert "/collections/{collectionId}/queryables" in doc["paths"]


def test_filter_crs_latitude_first(client: TestClient) -> None:
    """A literal in EPSG:4326 is read latitude first; the same numbers as CRS84 miss."""
    lon, lat = TO_LONLAT.transform(X0 + 1450, Y0 + 70)  # inside r2
    latfirst = f"S_INTERSECTS(geometry, POINT({lat} {lon}))"
    assert ids(client, "redline", filter=latfirst, **{"filter-crs": EPSG + "4326"}) == (
        1,
        ["r2"],
    )
    assert ids(client, "redline", filter=latfirst) == (0, [])
    doc = {
        "op": "s_intersects",
        "args": [{"property": "geometry"}, {"type": "Point", "coordinates": [lat, lon]}],
    }
    assert ids(
        client,
        "redline",
        filter=json.dumps(doc),
        **{"filter-lang": "cql2-json", "filter-crs": EPSG + "4490"},
    ) == (1, ["r2"])


@pytest.mark.parametrize("lang", ["cql2-text", "cql2-json", "cql-text", "CQL2-TEXT"])
def test_a_served_filter_lang_without_a_filter_is_no_filter(client: TestClient, lang: str) -> None:
    # filter-lang alone names the language of an absent filter: every feature, not a 400
    assert ids(client, "redline", **{"filter-lang": lang}) == ids(client, "redline")
