"""Batch lookups (synchronous FeatureCollection and background jobs) and API == CLI JSON."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from api_client import api_client
from click.testing import CliRunner
from fastapi.testclient import TestClient
from test_api_lookup import lonlat, square
from test_ogc import build_tiny

from geozone.cli import cli
from geozone.settings import QuerySettings


@pytest.fixture(scope="module")
def tiny_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_tiny(tmp_path_factory.mktemp("batch_layers"))


@pytest.fixture(scope="module")
def client(tiny_root: Path) -> Iterator[TestClient]:
    with api_client(tiny_root, tiny_root.parent, query=QuerySettings(max_batch_features=3)) as c:
        yield c


def fc(*geoms: dict | None) -> dict:
    return {
        "type": "FeatureCollection",
        "features": [
            {"type": "Feature", "id": f"f{i}", "properties": {}, "geometry": g}
            for i, g in enumerate(geoms)
        ],
    }


def point(dx: float, dy: float) -> dict:
    return {"type": "Point", "coordinates": list(lonlat(dx, dy))}


def test_batch_statuses(client: TestClient) -> None:
    body = fc(point(1700, 500), point(1400, 500), {"type": "Point", "coordinates": ["x", 1]})
    r = client.post("/api/v1/lookup/batch?activity=commercial&as_of=2024-01-01", json=body)
    assert r.status_code == 200, r.text
    out = r.json()
    assert out["counts"] == {"ok": 1, "edge": 1, "error": 1}
    ok, edge, err = out["results"]
    assert (ok["id"], ok["status"]) == ("f0", "ok")
    assert "redline:general:r1" in ok["hits"]
    # on the cz2/cz3 boundary (x = 1400 m): within tolerance of a zone boundary
    assert edge["status"] == "edge"
    assert err["status"] == "error" and err["message"]
    assert list(ok["verdicts"]) == ["commercial"]
    stored = client.get(f"/api/v1/reports/{ok['report_id']}")
    assert stored.status_code == 200
    assert stored.json() == ok["result"]


def test_batch_too_many_features(client: TestClient) -> None:
    r = client.post("/api/v1/lookup/batch", json=fc(*[point(100, 100)] * 4))
    assert r.status_code == 413
    assert r.json()["code"] == "query_too_large"


def test_batch_not_a_feature_collection(client: TestClient) -> None:
    r = client.post("/api/v1/lookup/batch", json={"type": "Point", "coordinates": [1, 2]})
    assert r.status_code == 422
    assert r.json()["code"] == "invalid_geojson"


def test_job_geojson_and_csv(client: TestClient) -> None:
    data = json.dumps(fc(point(1700, 500), square(1350, 300, 100), point(5000, 5000))).encode()
    r = client.post(
        "/api/v1/jobs",
        files={"file": ("parcels.geojson", data, "application/geo+json")},
        data={"activity": "commercial", "as_of": "2024-01-01"},
    )
    assert r.status_code == 202, r.text
    job_id = r.json()["job_id"]
    client.app.state.jobs.wait(job_id, timeout=60)  # type: ignore[attr-defined]
    state = client.get(f"/api/v1/jobs/{job_id}").json()
    assert state["status"] == "done", state
    assert state["summary"]["rows"] == 3
    geo = client.get(f"/api/v1/jobs/{job_id}/result?format=geojson")
    assert geo.headers["content-type"].startswith("application/geo+json")
    feats = geo.json()["features"]
    assert [f["properties"]["verdict_commercial"] for f in feats][2] == "outside"
    rows = list(
        csv.DictReader(io.StringIO(client.get(f"/api/v1/jobs/{job_id}/result?format=csv").text))
    )
    assert [r["status"] for r in rows] == [f["properties"]["status"] for f in feats]


def test_job_errors(client: TestClient) -> None:
    assert client.get("/api/v1/jobs/" + "0" * 32).status_code == 404
    r = client.post("/api/v1/jobs", files={"file": ("x.txt", b"hello", "text/plain")})
    assert r.status_code == 422
    r = client.post(
        "/api/v1/jobs",
        files={"file": ("x.geojson", b"{}", "application/json")},
        data={"activity": "casino"},
    )
    assert r.json()["code"] == "unknown_activity"


@pytest.mark.parametrize(
    "args",
    [
        ["--lon", "{lon}", "--lat", "{lat}", "--as-of", "2024-01-01"],
        ["--lon", "{lon}", "--lat", "{lat}", "--activity", "commercial", "--tolerance", "20"],
    ],
)
def test_api_json_equals_cli_json(client: TestClient, tiny_root: Path, args: list[str]) -> None:
    lon, lat = lonlat(1700, 500)
    argv = [a.format(lon=repr(lon), lat=repr(lat)) for a in args]
    params: dict[str, str] = {"lon": repr(lon), "lat": repr(lat)}
    names = {"--as-of": "as_of", "--activity": "activity", "--tolerance": "tolerance_m"}
    for flag, name in names.items():
        if flag in argv:
            params[name] = argv[argv.index(flag) + 1]
    api = client.get("/api/v1/lookup", params=params)
    result = CliRunner().invoke(cli, ["lookup", *argv, "--layers", str(tiny_root), "--json"])
    assert result.exit_code == 0, result.output
    assert api.text == result.output.strip()
