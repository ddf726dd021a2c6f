"""The web map workbench's API (#20): preset names, what-if, suggested sites, hit export.

Coverage figures are computed by hand on the tiny set plus one park and two homes: ``H2``
(300 m x 300 m, 90,000 m²) lies 6 km from the only park, so it is a blind spot; a candidate
park in its middle covers all of it at 500 m (its far corner is 212 m away), so the gain is
exactly 90,000 m² and the coverage rises by 90,000 / 180,000 = 0.5. A suggested site does the
same. The export files are checked against the stored answer (ids, verdicts, counts) and the
catalog's own geometry, restricted geometry only for a reader token.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import geopandas as gpd
import pytest
import shapely
from api_client import api_client
from fastapi.testclient import TestClient
from openapi_schema_validator import OAS30Validator
from tiny_layers import CRS, build_tiny_layers, lonlat, rel_box

from geozone.catalog import load_catalog
from geozone.coverage.presets import PRESETS
from geozone.report_export import CSV_COLUMNS, hit_rows
from geozone.tokens import Role, new_token

H1 = rel_box(7500, 7500, 7800, 7800)  # near the park: partly covered
H2 = rel_box(500, 500, 800, 800)  # far from it: a blind spot of 90,000 m²
CANDIDATE = rel_box(600, 600, 700, 700)  # 10,000 m² in H2's middle
CORE = (1500.0, 7500.0)  # inside the red line core RL-CORE


def _write_layers(root: Path, *, restricted_parks: bool) -> Path:
    build_tiny_layers(root)
    gpd.GeoDataFrame(
        {"feature_id": ["P1"], "zone_class": ["community"], "name": ["Park one"]},
        geometry=[rel_box(7000, 7000, 7400, 7300)],
        crs=CRS,
    ).to_file(root / "data" / "parks.gpkg", driver="GPKG")
    gpd.GeoDataFrame(
        {"feature_id": ["H1", "H2"], "zone_class": ["0701", "0701"], "name": ["Near", "Far"]},
        geometry=[H1, H2],
        crs=CRS,
    ).to_file(root / "data" / "homes.gpkg", driver="GPKG")
    extra = ""
    for lid, kind, access in (
        ("parks", "park", "restricted" if restricted_parks else "public"),
        ("homes", "residential", "public"),
    ):
        extra += (
            f'\n[[layer]]\nid = "{lid}"\nkind = "{kind}"\ntitle_zh = "{lid}"\n'
            f'title_en = "{lid}"\nfile = "data/{lid}.gpkg"\nsource_crs = "EPSG:4548"\n'
            f'version = "1"\nvalid_from = 2020-01-01\nsource = "test"\nlicence = "CC0"\n'
            f'synthetic = true\naccess = "{access}"\n'
        )
    manifest = root / "manifest.toml"
    text = manifest.read_text("utf-8") + extra
    if restricted_parks:
        text = text.replace('id = "redline"\n', 'id = "redline"\naccess = "restricted"\n')
    manifest.write_text(text, "utf-8")
    return root


def _wgs84_fc(*geoms: shapely.Geometry) -> dict[str, Any]:
    frame = gpd.GeoDataFrame(geometry=list(geoms), crs=CRS).to_crs("EPSG:4326")
    return json.loads(frame.to_json())  # type: ignore[no-any-return]


@pytest.fixture(scope="module")
def public_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _write_layers(tmp_path_factory.mktemp("wb-public"), restricted_parks=False)


@pytest.fixture(scope="module")
def client(public_root: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    with api_client(public_root, tmp_path_factory.mktemp("wb-var")) as c:
        yield c


@pytest.fixture(scope="module")
def restricted(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[TestClient, dict[str, str], Path]]:
    root = _write_layers(tmp_path_factory.mktemp("wb-restricted"), restricted_parks=True)
    tokens = tmp_path_factory.mktemp("wb-tokens") / "tokens.toml"
    reader = new_token(tokens, "reader", Role.READER)
    with api_client(root, tmp_path_factory.mktemp("wb-rvar"), tokens_file=tokens) as c:
        yield c, {"Authorization": f"Bearer {reader}"}, root


def _validator(client: TestClient, name: str) -> OAS30Validator:
    document = client.get("/openapi.json").json()
    return OAS30Validator({"$ref": f"#/components/schemas/{name}", **document})


BASE = {"district": "D", "preset": "radius500", "extent": "district", "by": "district"}


# --- presets ---------------------------------------------------------------------------


def test_presets_are_listed_by_standard_year_and_title(client: TestClient) -> None:
    r = client.get("/api/v1/coverage/presets")
    assert r.status_code == 200, r.text
    body = r.json()
    _validator(client, "PresetsDocument").validate(body)
    assert body["default"] == "gbt50563"
    rows = {p["name"]: p for p in body["presets"]}
    assert set(rows) == set(PRESETS)
    assert rows["gbt50563"]["title_zh"] == "GB/T 50563-2010 城市园林绿化评价标准"
    assert (rows["gbt50563"]["standard"], rows["gbt50563"]["year"]) == ("GB/T 50563", 2010)
    assert rows["gbt51346"]["title_zh"] == "GB/T 51346-2019 城市绿地规划标准"
    assert (rows["gbt51346"]["standard"], rows["gbt51346"]["year"]) == ("GB/T 51346", 2019)
    assert rows["radius500"]["standard"] is None and "500" in rows["radius500"]["title_zh"]
    for p in body["presets"]:
        assert p["title_en"] and p["title_en"] != p["name"]
        assert p["tiers"] == PRESETS[p["name"]].to_dict()["tiers"]
    # a coverage answer names its preset the same way
    answer = client.get("/api/v1/coverage", params={"district": "D", "preset": "gbt51346"})
    assert answer.json()["preset"]["title_zh"] == "GB/T 51346-2019 城市绿地规划标准"


# --- what-if ---------------------------------------------------------------------------


def test_a_candidate_park_covers_the_blind_spot_by_hand(client: TestClient) -> None:
    base = client.post("/api/v1/coverage", json=BASE).json()
    assert base["total_m2"] == pytest.approx(180_000.0)
    assert 0 < base["covered_m2"] < 90_000.0  # H1 in part, H2 not at all
    r = client.post(
        "/api/v1/coverage",
        json={**BASE, "parks": _wgs84_fc(CANDIDATE), "include_geometry": True},
    )
    assert r.status_code == 200, r.text
    body = r.json()
    _validator(client, "CoverageAnswer").validate(body)
    w = body["what_if"]
    assert w["before"] == pytest.approx(base["ratio"], abs=1e-12)
    assert w["gain_m2"] == pytest.approx(90_000.0, rel=1e-6)
    assert w["gain_pp"] == pytest.approx(50.0, rel=1e-6)
    assert w["after"] - w["before"] == pytest.approx(0.5, rel=1e-6)
    # the answer's own figure is the coverage with the candidate: the same after
    assert body["ratio"] == pytest.approx(w["after"], abs=1e-9)
    [cand] = w["candidates"]
    assert cand["area_m2"] == pytest.approx(10_000.0, rel=1e-6) and cand["radius_m"] == 500.0
    [newly] = w["newly_covered"]["features"]
    assert newly["properties"]["feature_id"] == "H2"
    area = gpd.GeoSeries([shapely.geometry.shape(newly["geometry"])], crs=4326).to_crs(CRS).area
    assert float(area.iloc[0]) == pytest.approx(90_000.0, rel=1e-4)
    # figures only without include_geometry
    plain = client.post("/api/v1/coverage", json={**BASE, "parks": _wgs84_fc(CANDIDATE)})
    assert "newly_covered" not in plain.json()["what_if"]


def test_a_candidate_the_preset_does_not_count_gains_nothing(client: TestClient) -> None:
    tiny_park = rel_box(640, 640, 660, 660)  # 400 m²: below GB/T 50563's 2,000 m²
    body = client.post(
        "/api/v1/coverage",
        json={**BASE, "preset": "gbt50563", "parks": _wgs84_fc(tiny_park)},
    ).json()
    assert body["what_if"]["candidates"][0]["radius_m"] == 0.0
    assert body["what_if"]["gain_m2"] == 0.0
    assert body["what_if"]["after"] == body["what_if"]["before"]


# --- suggested sites -------------------------------------------------------------------


def test_suggested_sites_cover_the_blind_spots_greedily(client: TestClient) -> None:
    base = client.post("/api/v1/coverage", json=BASE).json()
    r = client.post("/api/v1/coverage", json={**BASE, "suggest": 3, "include_geometry": True})
    assert r.status_code == 200, r.text
    body = r.json()
    _validator(client, "CoverageAnswer").validate(body)
    s = body["suggested_sites"]
    assert s["radius_m"] == 500.0 and s["before"] == pytest.approx(base["ratio"])
    # H2 (90,000 m²) first, then what is left of H1; then nothing is left to gain
    assert [x["rank"] for x in s["sites"]] == [1, 2]
    first, second = s["sites"]
    assert first["gain_m2"] == pytest.approx(90_000.0, rel=1e-6)
    h2 = gpd.GeoSeries([H2], crs=CRS).to_crs(4326).iloc[0]
    assert h2.buffer(0.002).contains(shapely.Point(first["lon"], first["lat"]))
    assert second["gain_m2"] == pytest.approx(90_000.0 - base["covered_m2"], rel=1e-6)
    assert second["ratio_after"] == pytest.approx(1.0, abs=1e-9)
    assert len(s["geojson"]["features"]) == 2
    # the cached district run is untouched by the greedy cuts: same blind spots again
    again = client.post("/api/v1/coverage", json={**BASE, "include_geometry": True}).json()
    assert again["blind_spots"]["area_m2"] == pytest.approx(base["blind_spots"]["area_m2"])
    assert again["blind_spots"]["count"] == 2
    drawn = gpd.GeoDataFrame.from_features(again["blind_spots"]["geojson"], crs=4326)
    uncovered = base["total_m2"] - base["covered_m2"]
    assert float(drawn.to_crs(CRS).area.sum()) == pytest.approx(uncovered, rel=1e-4)


@pytest.mark.parametrize(
    ("extra", "where"),
    [
        ({"suggest": 0}, "suggest"),
        ({"suggest": 21}, "suggest"),
        ({"suggest": 2, "suggest_radius_m": 0}, "suggest_radius_m"),
        ({"suggest": 2, "suggest_radius_m": 5001}, "suggest_radius_m"),
    ],
)
def test_bad_suggestion_requests_are_clear_4xx(
    client: TestClient, extra: dict[str, Any], where: str
) -> None:
    r = client.post("/api/v1/coverage", json={**BASE, **extra})
    assert r.status_code == 422, r.text
    assert where in r.json()["message"]


def test_suggestions_from_restricted_parks_need_a_reader(
    restricted: tuple[TestClient, dict[str, str], Path],
) -> None:
    client, auth, _root = restricted
    r = client.post("/api/v1/coverage", json={**BASE, "suggest": 1})
    assert r.status_code == 401, r.text
    assert r.json()["code"] == "restricted_layer" and "parks" in r.json()["message"]
    ok = client.post("/api/v1/coverage", json={**BASE, "suggest": 1}, headers=auth)
    assert ok.status_code == 200 and len(ok.json()["suggested_sites"]["sites"]) == 1
    # the figures alone, what-if included, are answered to everyone
    plain = client.post("/api/v1/coverage", json={**BASE, "parks": _wgs84_fc(CANDIDATE)})
    assert plain.status_code == 200
    assert plain.json()["what_if"]["gain_m2"] == pytest.approx(90_000.0, rel=1e-6)


# --- export ----------------------------------------------------------------------------


def _lookup(client: TestClient, headers: dict[str, str] | None = None) -> dict[str, Any]:
    lon, lat = lonlat(*CORE)
    r = client.get("/api/v1/lookup", params={"lon": lon, "lat": lat}, headers=headers or {})
    assert r.status_code == 200, r.text
    answer: dict[str, Any] = r.json()
    return answer


def _csv(text: bytes) -> list[dict[str, str]]:
    assert text.startswith("\ufeff".encode())  # spreadsheet programs read UTF-8 by it
    return list(csv.DictReader(io.StringIO(text.decode("utf-8-sig"))))


def test_export_files_match_the_stored_answer(client: TestClient, public_root: Path) -> None:
    answer = _lookup(client)
    rid = answer["report_id"]
    stored = client.get(f"/api/v1/reports/{rid}").json()
    g = client.get(f"/api/v1/reports/{rid}/hits.geojson")
    assert g.status_code == 200, g.text
    assert g.headers["content-type"] == "application/geo+json"
    assert f'filename="geozone-{rid}.geojson"' in g.headers["content-disposition"]
    geo = g.json()
    assert geo["type"] == "FeatureCollection" and geo["report_id"] == rid
    assert [f["properties"] for f in geo["features"]] == stored["hits"]
    assert [f["id"] for f in geo["features"]] == [
        f"{h['layer_id']}@{h['layer_version']}/{h['feature_id']}" for h in stored["hits"]
    ]
    assert geo["verdicts"] == stored["verdicts"] and geo["warnings"] == []
    catalog = load_catalog(public_root)
    ids = {h["feature_id"] for h in stored["hits"]}
    assert {"RL-GEN", "RL-CORE", "D", "TW", "CZ-ECO"} <= ids
    for f in geo["features"]:
        p = f["properties"]
        frame = catalog.get(p["layer_id"], p["layer_version"]).frame_wgs84
        want = frame.set_index("feature_id").loc[p["feature_id"], "geometry"]
        assert shapely.geometry.shape(f["geometry"]).equals_exact(want, 1e-9)
    c = client.get(f"/api/v1/reports/{rid}/hits.csv")
    assert c.status_code == 200 and c.headers["content-type"].startswith("text/csv")
    rows = _csv(c.content)
    assert list(rows[0]) == list(CSV_COLUMNS)
    assert len(rows) == sum(max(1, len(h["rules"])) for h in stored["hits"])
    assert rows == [
        {k: str(v) for k, v in r.items()} for r in hit_rows(rid, stored)
    ]  # the core's rows, as text
    got = {(r["feature_id"], r["activity"]): (r["verdict"], r["rule_id"]) for r in rows}
    for h in stored["hits"]:
        for rule in h["rules"]:
            assert got[(h["feature_id"], rule["activity"])] == (rule["verdict"], rule["rule_id"])
    core = [r for r in rows if r["feature_id"] == "RL-CORE"]
    assert core and all(r["verdict"] == "prohibited" for r in core)
    assert client.get(f"/api/v1/reports/{'0' * 32}/hits.csv").status_code == 404
    assert client.get("/api/v1/reports/nope/hits.geojson").json()["code"] == "report_not_found"


def test_export_keeps_restricted_geometry_for_readers(
    restricted: tuple[TestClient, dict[str, str], Path],
) -> None:
    client, auth, root = restricted
    rid = _lookup(client)["report_id"]
    anonymous = client.get(f"/api/v1/reports/{rid}/hits.geojson").json()
    red = [f for f in anonymous["features"] if f["properties"]["layer_id"] == "redline"]
    assert {f["properties"]["feature_id"] for f in red} == {"RL-GEN", "RL-CORE"}
    assert all(f["geometry"] is None for f in red)  # verdicts and rules, no outline
    assert all(f["properties"]["rules"] for f in red)
    assert any("redline" in w and "reader" in w for w in anonymous["warnings"])
    others = [f for f in anonymous["features"] if f["properties"]["layer_id"] != "redline"]
    assert others and all(f["geometry"] is not None for f in others)
    seen = client.get(f"/api/v1/reports/{rid}/hits.geojson", headers=auth).json()
    catalog = load_catalog(root)
    frame = catalog.get("redline").frame_wgs84.set_index("feature_id")
    for f in seen["features"]:
        if f["properties"]["layer_id"] == "redline":
            want = frame.loc[f["properties"]["feature_id"], "geometry"]
            assert shapely.geometry.shape(f["geometry"]).equals_exact(want, 1e-9)
    assert seen["warnings"] == []
    # CSV holds no geometry: the same file for everyone
    assert (
        client.get(f"/api/v1/reports/{rid}/hits.csv").content
        == client.get(f"/api/v1/reports/{rid}/hits.csv", headers=auth).content
    )
