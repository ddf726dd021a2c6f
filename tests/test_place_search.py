"""``GET /api/v1/places/search``: every named place of the layer set, and coordinates (#20).

Ranking is checked on the hand-drawn tiny set, where every name is known: exact before
prefix before substring, then kind, then the shorter name. Restricted layers are left out
without a reader token. On the shipped demo set, 密云水库 and a named well field are found
with their synthetic labels kept, and coordinates come back as the point lookup reads them.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import shapely
from api_client import api_client
from conftest import LAYERS
from fastapi.testclient import TestClient
from openapi_schema_validator import OAS30Validator
from tiny_layers import build_tiny_layers

from geozone.catalog import Catalog, load_catalog
from geozone.crs import gcj02_to_wgs84
from geozone.place_search import core_name, fold, place_index, search_places
from geozone.query import point_query
from geozone.tokens import Role, new_token

ON = date(2026, 11, 25)


@pytest.fixture(scope="module")
def tiny(tmp_path_factory: pytest.TempPathFactory) -> Catalog:
    return load_catalog(build_tiny_layers(tmp_path_factory.mktemp("search-tiny")))


@pytest.fixture(scope="module")
def demo() -> Catalog:
    return load_catalog(LAYERS)


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    with api_client(LAYERS, tmp_path_factory.mktemp("search_var")) as c:
        yield c


def names(rows: list[dict[str, Any]]) -> list[tuple[str, str]]:
    return [(r["match"], r["name"]) for r in rows]


def test_rank_exact_then_prefix_then_substring(tiny: Catalog) -> None:
    assert names(search_places(tiny, "red line", ON)) == [
        ("exact", "Red line"),
        ("prefix", "Red line core"),
    ]
    # prefix "re": all three are kind-rank 2 zones, so the shorter name first
    assert names(search_places(tiny, "Re", ON)) == [
        ("prefix", "Red line"),
        ("prefix", "Restricted"),
        ("prefix", "Red line core"),
    ]
    # "town": a substring of both townships (admin first, then by length and name)
    assert names(search_places(tiny, "town", ON)) == [
        ("substring", "East Town"),
        ("substring", "West Town"),
    ]
    # "test": the district's prefix beats any substring
    assert names(search_places(tiny, "test", ON))[0] == ("prefix", "Test District")
    # width- and case-folded, blanks ignored: full-width text finds the same place
    assert names(search_places(tiny, "ＲＥＤ　ＬＩＮＥ", ON))[0] == ("exact", "Red line")
    assert names(search_places(tiny, "redline", ON))[0] == ("exact", "Red line")
    # a feature id matches exactly
    assert names(search_places(tiny, "tw", ON)) == [("exact", "West Town")]
    assert search_places(tiny, "no such place", ON) == []


def test_limit_and_layer_versions_in_force(tiny: Catalog) -> None:
    assert len(search_places(tiny, "e", ON)) == 10  # default limit
    assert len(search_places(tiny, "e", ON, limit=3)) == 3
    everything = search_places(tiny, "e", ON, limit=50)
    # control units: only the version in force answers (units@2025 from 2025-12-01)
    assert ("prefix", "Priority unit") not in names(everything)  # "e" is no prefix of it
    assert [r["name"] for r in search_places(tiny, "unit", ON)] == ["Priority unit"]
    assert [r["name"] for r in search_places(tiny, "unit", date(2024, 6, 1))] == ["Key unit"]
    row = search_places(tiny, "Grade II", ON)[0]
    assert (row["layer_id"], row["kind"], row["feature_id"], row["feature_count"]) == (
        "water", "water_protection", "W2", 1
    )  # fmt: skip
    lv = tiny.in_force("water", ON)
    assert lv is not None
    geom = lv.frame_wgs84.set_index("feature_id").loc["W2", "geometry"]
    assert shapely.box(*row["bbox"]).covers(geom)
    assert row["bbox"] == pytest.approx(list(geom.bounds), abs=1.01e-6)


def test_index_is_built_once_per_catalog(tiny: Catalog) -> None:
    assert place_index(tiny) is place_index(tiny)
    assert len(place_index(tiny)) == sum(len(v.frame) for v in tiny.all_versions())


def test_restricted_layers_are_left_out_without_a_reader(tmp_path: Path) -> None:
    root = build_tiny_layers(tmp_path / "layers")
    manifest = root / "manifest.toml"
    text = manifest.read_text("utf-8")
    manifest.write_text(text.replace('id = "redline"\n', 'id = "redline"\naccess = "restricted"\n'))
    catalog = load_catalog(root)
    assert [r["name"] for r in search_places(catalog, "red", ON)] == []
    shown = search_places(catalog, "red", ON, sees_restricted=True)
    assert [r["name"] for r in shown] == ["Red line", "Red line core"]
    tokens = tmp_path / "tokens.toml"
    reader = new_token(tokens, "reader", Role.READER)
    with api_client(root, tmp_path / "var", tokens_file=tokens) as c:
        anonymous = c.get("/api/v1/places/search", params={"q": "red"})
        assert anonymous.status_code == 200 and anonymous.json()["results"] == []
        auth = {"Authorization": f"Bearer {reader}"}
        seen = c.get("/api/v1/places/search", params={"q": "red"}, headers=auth).json()
        assert [r["layer_id"] for r in seen["results"]] == ["redline", "redline"]


def test_miyun_reservoir_and_a_well_field_are_found_with_their_labels(
    client: TestClient, demo: Catalog
) -> None:
    body = client.get("/api/v1/places/search", params={"q": "密云水库", "as_of": "2026-11-25"})
    assert body.status_code == 200, body.text
    rows = body.json()["results"]
    first = rows[0]
    # the reservoir itself: the water source its three zones protect, one place
    assert (first["match"], first["role"], first["name"]) == (
        "exact", "water_source", "密云水库（合成）"
    )  # fmt: skip
    assert first["feature_count"] == 3 and first["synthetic"] is True
    wp = demo.in_force("water_protection", ON)
    assert wp is not None
    zones = wp.frame_wgs84[wp.frame_wgs84["source_name"] == "密云水库（合成）"]
    assert sorted(zones["feature_id"]) == sorted(
        ["WP-110118-MYSK-grade1", "WP-110118-MYSK-grade2", "WP-110118-MYSK-quasi"]
    )
    assert shapely.box(*first["bbox"]).covers(shapely.union_all(zones.geometry.values))
    # then its zones and the management rings, by prefix: every name keeps its label
    assert all(r["match"] == "prefix" for r in rows[1:]) and len(rows) >= 7
    assert {r["kind"] for r in rows[1:]} == {"water_protection", "reservoir_ring"}
    assert all("合成" in r["name"] and r["name"].startswith("密云水库") for r in rows)
    # a named well field of the demo set, by its name without the bracket
    well = client.get("/api/v1/places/search", params={"q": "平谷区合成水源地B"}).json()
    best = well["results"][0]
    assert (best["match"], best["role"], best["layer_id"]) == (
        "exact", "water_source", "water_protection"
    )  # fmt: skip
    assert core_name(best["name"]) == "平谷区合成水源地B" and best["feature_count"] == 3
    # a township by its name and by its code, and the district before its townships
    admin = demo.in_force("admin", ON)
    assert admin is not None
    town = admin.frame_wgs84[admin.frame_wgs84["zone_class"] == "township"].iloc[0]
    by_name = client.get("/api/v1/places/search", params={"q": town["name"]}).json()
    assert by_name["results"][0]["feature_id"] == town["feature_id"]
    by_code = client.get("/api/v1/places/search", params={"q": town["code"]}).json()
    assert by_code["results"][0]["feature_id"] == town["feature_id"]
    assert by_code["results"][0]["match"] == "exact"
    miyun = client.get("/api/v1/places/search", params={"q": "密云"}).json()["results"]
    assert (miyun[0]["name"], miyun[0]["zone_class"]) == ("密云区", "district")


def test_coordinates_in_any_supported_crs(client: TestClient) -> None:
    def ask(q: str, **params: str) -> list[dict[str, Any]]:
        r = client.get("/api/v1/places/search", params={"q": q, **params})
        assert r.status_code == 200, r.text
        rows: list[dict[str, Any]] = r.json()["results"]
        assert all(row["type"] == "coordinates" for row in rows)
        return rows

    [wgs] = ask("116.65, 39.90")
    assert (wgs["crs"], wgs["lon"], wgs["lat"]) == ("EPSG:4326", 116.65, 39.9)
    [swapped] = ask("39.90，116.65")  # lat, lon with a full-width comma
    assert (swapped["lon"], swapped["lat"]) == (116.65, 39.9)
    # metres: every projected CRS that puts them in China, CGCS2000 GK CM117E first
    rows = ask("470069 4416720")
    assert [r["crs"] for r in rows] == ["EPSG:4548", "EPSG:32650"]
    q = point_query(470069, 4416720, crs="EPSG:4548")
    assert (rows[0]["lon"], rows[0]["lat"]) == pytest.approx(q.point_coords[2:], abs=1e-7)
    assert (rows[0]["x"], rows[0]["y"]) == (470069, 4416720)
    [named] = ask("EPSG:4548 470069 4416720")
    assert named["crs"] == "EPSG:4548" and named["lon"] == rows[0]["lon"]
    [param] = ask("470069 4416720", crs="EPSG:32650")
    assert param["lon"] == rows[1]["lon"]
    [gcj] = ask("GCJ02: 116.66, 39.90")
    lon, lat = gcj02_to_wgs84(116.66, 39.90)
    assert gcj["crs"] == "GCJ02"
    assert (gcj["lon"], gcj["lat"]) == pytest.approx((float(lon), float(lat)), abs=1e-6)
    assert ask("116.66,39.90 (gcj-02)")[0]["lon"] == gcj["lon"]


@pytest.mark.parametrize(
    ("params", "where"),
    [
        ({"q": ""}, "give a name"),
        ({"q": "   "}, "give a name"),
        ({"q": "x" * 101}, "at most 100"),
        ({"q": "a", "limit": "0"}, "limit"),
        ({"q": "a", "limit": "51"}, "limit"),
        ({"q": "1 2", "crs": "EPSG:4978"}, "EPSG:4978"),
        ({"q": "a name", "crs": "-3.889e16"}, "unknown CRS"),
        ({"q": "999999999 999999999", "crs": "EPSG:4548"}, "cannot be read as coordinates"),
        ({"q": "a", "as_of": "2026-13-01"}, "as_of"),
    ],
)
def test_bad_search_input_is_a_clear_4xx(
    client: TestClient, params: dict[str, str], where: str
) -> None:
    r = client.get("/api/v1/places/search", params=params)
    assert r.status_code == 422, r.text
    assert where in r.text


def test_answers_match_the_published_schema(client: TestClient) -> None:
    document = client.get("/openapi.json").json()
    op = document["paths"]["/api/v1/places/search"]["get"]
    ok = op["responses"]["200"]["content"]["application/json"]["schema"]
    assert ok["$ref"].endswith("/SearchDocument")
    schema = {"$ref": ok["$ref"], "components": document["components"]}
    validator = OAS30Validator(schema)
    for q in ("密云水库", "溪翁庄", "116.65, 39.90", "470069 4416720", "公园"):
        validator.validate(client.get("/api/v1/places/search", params={"q": q}).json())


def test_fold_and_core_name() -> None:
    assert fold("  Ａb　C ") == "abc"
    assert core_name("密云水库管理范围（合成演示）") == "密云水库管理范围"
    assert core_name("（合成）") == "（合成）"  # nothing but a bracket: kept whole
