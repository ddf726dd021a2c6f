"""Admin: bearer-token rules, validated uploads (GeoJSON, GeoPackage, zipped shapefile),
refused uploads change nothing, retiring keeps versions for as-of queries."""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import time
import tomllib
import zipfile
from collections.abc import Iterator
from pathlib import Path

import geopandas as gpd
import pytest
from conftest import LAYERS
from fastapi.testclient import TestClient
from layerset_builder import bowtie, clean_layers, rect, write_layerset
from openapi_schema_validator import OAS30Validator

from api.main import create_app
from geozone.settings import Settings
from geozone.tokens import Role, new_token

TOKEN = "s3cret-token"
AUTH = {"Authorization": f"Bearer {TOKEN}"}


def tree_hash(root: Path) -> str:
    """Hash of every file name and content under ``root``."""
    digest = hashlib.sha256()
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        digest.update(str(path.relative_to(root)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def make_layers(root: Path) -> Path:
    write_layerset(root, clean_layers())
    shutil.copytree(LAYERS / "rules", root / "rules")
    return root


def settings_for(root: Path, token: str | None = TOKEN) -> Settings:
    return Settings(
        layers_dir=root,
        admin_token=token,
        report_store=root.parent / "reports.sqlite",
        jobs_dir=root.parent / "jobs",
    )


@pytest.fixture
def layers_dir(tmp_path: Path) -> Path:
    return make_layers(tmp_path / "layers")


@pytest.fixture
def client(layers_dir: Path) -> Iterator[TestClient]:
    with TestClient(create_app(settings_for(layers_dir))) as c:
        yield c


def redline_geojson(geoms: list, classes: list[str] | None = None) -> bytes:
    frame = gpd.GeoDataFrame(
        {
            "feature_id": [f"r{i}" for i in range(len(geoms))],
            "zone_class": classes or ["general"] * len(geoms),
            "name": [f"红线{i}" for i in range(len(geoms))],
        },
        geometry=geoms,
        crs="EPSG:4548",
    ).to_crs("EPSG:4326")
    return frame.to_json().encode()


def form(version: str, valid_from: str, **extra: str) -> dict[str, str]:
    return {"version": version, "valid_from": valid_from, "source_crs": "EPSG:4326", **extra}


def retire_v1(client: TestClient) -> None:
    r = client.post(
        "/api/v1/admin/layers/redline/versions/v1/retire",
        json={"valid_to": "2026-12-31"},
        headers=AUTH,
    )
    assert r.status_code == 200, r.text


# --- auth ------------------------------------------------------------------------------


def test_admin_off_without_token(layers_dir: Path) -> None:
    with TestClient(create_app(settings_for(layers_dir, token=None))) as c:
        r = c.post(
            "/api/v1/admin/layers/redline/versions/v1/retire",
            json={"valid_to": "2026-12-31"},
            headers=AUTH,
        )
    assert r.status_code == 403
    assert "switched off" in r.json()["message"]


def test_missing_token_is_401_and_wrong_token_403(client: TestClient, layers_dir: Path) -> None:
    before = tree_hash(layers_dir)
    url = "/api/v1/admin/layers/redline/versions/v1/retire"
    r = client.post(url, json={"valid_to": "2026-12-31"})
    assert r.status_code == 401
    assert r.json()["code"] == "unauthorized"
    assert r.headers["www-authenticate"] == "Bearer"
    r = client.post(url, json={"valid_to": "2026-12-31"}, headers={"Authorization": "Bearer x"})
    assert r.status_code == 403
    assert r.json()["code"] == "forbidden"
    assert tree_hash(layers_dir) == before
    lines = (layers_dir.parent / "audit.jsonl").read_text().splitlines()
    assert [(e["who"], e["outcome"]["status"]) for e in map(json.loads, lines)] == [
        (None, 401),
        (None, 403),
    ]


# --- uploads ---------------------------------------------------------------------------


def test_upload_geojson_version_swaps_catalog(client: TestClient, layers_dir: Path) -> None:
    retire_v1(client)
    # v2 red line: 1600..1800 m inside eco_control (1400..2000 m)
    data = redline_geojson([rect(1600, 200, 1800, 800)])
    r = client.post(
        "/api/v1/admin/layers/redline/versions",
        headers=AUTH,
        data=form("v2", "2027-01-01", licence="CC0-1.0"),
        files={"file": ("redline.geojson", data, "application/geo+json")},
    )
    assert r.status_code == 201, r.text
    assert r.json()["validation"]["ok"] is True
    assert (layers_dir / "data" / "redline_v2.gpkg").is_file()
    manifest = tomllib.loads((layers_dir / "manifest.toml").read_text(encoding="utf-8"))
    entries = [e for e in manifest["layer"] if e["id"] == "redline"]
    assert [(e["version"], str(e["valid_from"]), str(e.get("valid_to"))) for e in entries] == [
        ("v1", "2020-01-01", "2026-12-31"),
        ("v2", "2027-01-01", "None"),
    ]
    assert entries[1]["licence"] == "CC0-1.0"
    assert entries[1]["source"] == "test fixture"  # inherited from v1
    layers = client.get("/api/v1/layers", params={"as_of": "2027-06-01"}).json()
    red = next(x for x in layers["layers"] if x["id"] == "redline")
    assert red["in_force"] == "v2"
    assert [v["feature_count"] for v in red["versions"]] == [2, 1]
    cols = [c["id"] for c in client.get("/ogc/collections").json()["collections"]]
    assert "redline__v2" in cols
    # the retired version is still served for dates before its end
    old = client.get("/ogc/collections/redline/items?datetime=2025-01-01").json()
    assert old["layer_version"] == "v1"
    assert old["numberMatched"] == 2


def test_upload_gpkg_and_zipped_shapefile(client: TestClient, tmp_path: Path) -> None:
    retire_v1(client)
    frame = gpd.read_file(io.BytesIO(redline_geojson([rect(1600, 200, 1800, 800)])))
    gpkg = tmp_path / "up.gpkg"
    frame.to_file(gpkg, driver="GPKG")
    r = client.post(
        "/api/v1/admin/layers/redline/versions",
        headers=AUTH,
        data=form("v2", "2027-01-01", valid_to="2027-12-31"),
        files={"file": ("up.gpkg", gpkg.read_bytes(), "application/geopackage+sqlite3")},
    )
    assert r.status_code == 201, r.text
    shp_dir = tmp_path / "shp"
    shp_dir.mkdir()
    frame.to_file(shp_dir / "red.shp")
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for p in shp_dir.iterdir():
            zf.write(p, f"nested/{p.name}")
    r = client.post(
        "/api/v1/admin/layers/redline/versions",
        headers=AUTH,
        data=form("v3", "2028-01-01"),
        files={"file": ("red.zip", buf.getvalue(), "application/zip")},
    )
    assert r.status_code == 201, r.text
    versions = [v["version"] for v in client.get("/api/v1/layers/redline").json()["versions"]]
    assert versions == ["v1", "v2", "v3"]


@pytest.mark.parametrize(
    ("geoms", "classes", "valid_from", "check"),
    [
        # a red line reaching into the concentrated zone (not inside eco_control)
        ([rect(100, 200, 300, 800)], None, "2027-01-01", "redline_in_eco_control"),
        # a bow-tie polygon
        ([bowtie(1600, 200, 100)], None, "2027-01-01", "valid_geometry"),
        # a class outside the red-line vocabulary
        ([rect(1600, 200, 1800, 800)], ["purple"], "2027-01-01", "zone_class"),
        # overlapping v1 in time (v1 not retired: open-ended)
        ([rect(1600, 200, 1800, 800)], None, "2027-01-01", "version_ranges"),
    ],
)
def test_failing_upload_is_refused_and_changes_nothing(
    client: TestClient,
    layers_dir: Path,
    geoms: list,
    classes: list[str] | None,
    valid_from: str,
    check: str,
) -> None:
    if check != "version_ranges":
        retire_v1(client)
    before = tree_hash(layers_dir)
    hash_before = client.get("/healthz").json()["layerset"]["hash"]
    r = client.post(
        "/api/v1/admin/layers/redline/versions",
        headers=AUTH,
        data=form("v2", valid_from),
        files={"file": ("redline.geojson", redline_geojson(geoms, classes), "application/json")},
    )
    assert r.status_code == 422, r.text
    body = r.json()
    assert body["code"] == "validation_failed"
    assert body["detail"]["ok"] is False
    assert check in {i["check"] for i in body["detail"]["issues"] if i["severity"] == "error"}
    assert tree_hash(layers_dir) == before
    assert client.get("/healthz").json()["layerset"]["hash"] == hash_before


@pytest.mark.parametrize(
    ("layer", "fields", "payload", "status", "code"),
    [
        ("nope", form("v2", "2027-01-01"), b"{}", 404, "layer_not_found"),
        ("redline", form("v1", "2027-01-01"), None, 422, "invalid_input"),  # version exists
        ("redline", form("v2", "01/02/2027"), None, 422, "invalid_date"),
        ("redline", form("v2", "2027-01-01", source_crs="EPSG:999999"), None, 422, None),
        ("redline", form("v2", "2027-01-01"), b"not a layer file", 422, "invalid_input"),
    ],
)
def test_bad_uploads(
    client: TestClient,
    layers_dir: Path,
    layer: str,
    fields: dict[str, str],
    payload: bytes | None,
    status: int,
    code: str | None,
) -> None:
    before = tree_hash(layers_dir)
    data = payload if payload is not None else redline_geojson([rect(1600, 200, 1800, 800)])
    r = client.post(
        f"/api/v1/admin/layers/{layer}/versions",
        headers=AUTH,
        data=fields,
        files={"file": ("x.geojson", data, "application/json")},
    )
    assert r.status_code == status, r.text
    if code:
        assert r.json()["code"] == code
    assert tree_hash(layers_dir) == before


def test_retire_unknown_version_and_bad_date(client: TestClient) -> None:
    r = client.post(
        "/api/v1/admin/layers/redline/versions/v9/retire",
        json={"valid_to": "2026-12-31"},
        headers=AUTH,
    )
    assert r.status_code == 404
    r = client.post(
        "/api/v1/admin/layers/redline/versions/v1/retire",
        json={"valid_to": "2019-01-01"},
        headers=AUTH,
    )
    assert r.status_code == 422  # before valid_from
    r = client.post(
        "/api/v1/admin/layers/redline/versions/v1/retire", json={"valid_to": "soon"}, headers=AUTH
    )
    assert r.status_code == 422
    assert r.json()["code"] == "invalid_date"


def test_retired_version_still_answers_lookups_as_of(client: TestClient) -> None:
    retire_v1(client)
    from layerset_builder import X0, Y0
    from pyproj import Transformer

    lon, lat = Transformer.from_crs("EPSG:4548", "EPSG:4326", always_xy=True).transform(
        X0 + 1700, Y0 + 500
    )
    before = client.get("/api/v1/lookup", params={"lon": lon, "lat": lat, "as_of": "2025-01-01"})
    after = client.get("/api/v1/lookup", params={"lon": lon, "lat": lat, "as_of": "2027-01-01"})
    hits_before = {h["layer_id"] for h in before.json()["hits"] if h["inside"]}
    hits_after = {h["layer_id"] for h in after.json()["hits"] if h["inside"]}
    assert "redline" in hits_before
    assert "redline" not in hits_after
    assert json.loads(after.text)["as_of"] == "2027-01-01"


# --- named admins, generations, validated retires, audit log (#16) ---------------------


@pytest.fixture
def named(layers_dir: Path) -> Iterator[tuple[TestClient, dict[str, dict[str, str]]]]:
    """A service with two named admin tokens and a reader token (a tokens file)."""
    tokens_file = layers_dir.parent / "tokens.toml"
    heads = {
        name: {"Authorization": f"Bearer {new_token(tokens_file, name, role)}"}
        for name, role in (
            ("li.wei", Role.ADMIN),
            ("zhang.min", Role.ADMIN),
            ("portal", Role.READER),
        )
    }
    settings = settings_for(layers_dir, token=None).model_copy(update={"tokens_file": tokens_file})
    with TestClient(create_app(settings)) as c:
        yield c, heads


def published(client: TestClient, name: str, value: object) -> None:
    """Assert ``value`` validates against ``#/components/schemas/<name>`` of /openapi.json."""
    components = client.get("/openapi.json").json()["components"]
    schema = {"$ref": f"#/components/schemas/{name}", "components": components}
    errors = list(OAS30Validator(schema).iter_errors(value))
    assert not errors, f"{name}: {errors[0].json_path}: {errors[0].message}"


def test_named_admins_are_audited_and_a_reader_is_refused(
    named: tuple[TestClient, dict[str, dict[str, str]]], layers_dir: Path
) -> None:
    client, heads = named
    retire_url = "/api/v1/admin/layers/redline/versions/v1/retire"
    upload_url = "/api/v1/admin/layers/redline/versions"
    data = redline_geojson([rect(1600, 200, 1800, 800)])
    before = tree_hash(layers_dir)
    for path, kwargs in (
        (retire_url, {"json": {"valid_to": "2026-12-31"}}),
        (upload_url, {"data": form("v2", "2027-01-01"), "files": {"file": ("r.geojson", data)}}),
    ):
        r = client.post(path, headers=heads["portal"], **kwargs)  # type: ignore[arg-type]
        assert r.status_code == 403, r.text
        assert "portal" in r.json()["message"]
    assert client.get("/api/v1/admin/audit", headers=heads["portal"]).status_code == 403
    assert client.get("/api/v1/admin/audit").status_code == 401
    assert tree_hash(layers_dir) == before

    gen0 = client.get("/healthz").json()["generation"]
    assert gen0["counter"] == 0 and gen0["id"] == gen0["hash"]
    r = client.post(retire_url, json={"valid_to": "2026-12-31"}, headers=heads["li.wei"])
    assert r.status_code == 200, r.text
    assert r.json()["generation"]["counter"] == 1
    assert r.json()["validation"]["ok"] is True
    published(client, "AdminChange", r.json())
    refused = redline_geojson([rect(100, 200, 300, 800)])  # not inside eco_control
    r = client.post(
        upload_url,
        headers=heads["zhang.min"],
        data=form("v2", "2027-01-01"),
        files={"file": ("bad.geojson", refused, "application/geo+json")},
    )
    assert r.status_code == 422
    r = client.post(
        upload_url,
        headers=heads["zhang.min"],
        data=form("v2", "2027-01-01"),
        files={"file": ("good.geojson", data, "application/geo+json")},
    )
    assert r.status_code == 201, r.text
    published(client, "AdminChange", r.json())
    health = client.get("/healthz").json()
    assert health["generation"]["counter"] == 2
    assert health["generation"]["id"] == r.json()["generation"]["id"] == health["layerset"]["hash"]
    assert health["worker_pid"] == os.getpid()
    assert health["layers"]["reload_error"] is None

    log = client.get("/api/v1/admin/audit", headers=heads["li.wei"]).json()
    published(client, "AuditLog", log)
    entries = log["entries"]
    assert [(e["who"], e["action"], e["outcome"]["status"]) for e in entries] == [
        ("zhang.min", "upload", 201),
        ("zhang.min", "upload", 422),
        ("li.wei", "retire", 200),
        ("portal", "upload", 403),  # refused attempts of a reader token are audited too
        ("portal", "retire", 403),
    ]
    ok, bad, retired = entries[:3]
    assert entries[4]["version"] == "v1" and entries[4]["outcome"]["code"] == "forbidden"
    assert ok["file"] == "good.geojson" and ok["sha256"] == hashlib.sha256(data).hexdigest()
    assert bad["sha256"] == hashlib.sha256(refused).hexdigest()
    assert bad["validation"]["ok"] is False and bad["outcome"]["code"] == "validation_failed"
    assert ok["generation_before"]["counter"] == 1 and ok["generation_after"]["counter"] == 2
    assert retired["generation_before"] == {"id": gen0["id"], "counter": 0}
    assert retired["time"].endswith("Z")
    assert (layers_dir.parent / "audit.jsonl").read_text().count("\n") == 5
    # limit and since
    one = client.get("/api/v1/admin/audit?limit=1", headers=heads["li.wei"]).json()
    assert [e["outcome"]["status"] for e in one["entries"]] == [201]
    since = client.get(
        "/api/v1/admin/audit", params={"since": bad["time"]}, headers=heads["li.wei"]
    ).json()
    assert len(since["entries"]) == 2


def test_if_match_names_the_generation(client: TestClient, layers_dir: Path) -> None:
    url = "/api/v1/admin/layers/redline/versions/v1/retire"
    gen = client.get("/healthz").json()["generation"]
    before = tree_hash(layers_dir)
    r = client.post(url, json={"valid_to": "2026-12-31"}, headers={**AUTH, "If-Match": "deadbeef"})
    assert r.status_code == 409
    assert r.json()["code"] == "generation_conflict"
    assert r.json()["detail"]["current"] == {"id": gen["id"], "counter": 0}
    r = client.post(url, json={"valid_to": "2026-12-31", "expected_generation": "3"}, headers=AUTH)
    assert r.status_code == 409
    assert tree_hash(layers_dir) == before
    r = client.post(url, json={"valid_to": "2026-12-31"}, headers={**AUTH, "If-Match": gen["id"]})
    assert r.status_code == 200, r.text
    r = client.post(
        "/api/v1/admin/layers/redline/versions",
        headers={**AUTH, "If-Match": gen["id"]},  # stale now
        data=form("v2", "2027-01-01"),
        files={"file": ("r.geojson", redline_geojson([rect(1600, 200, 1800, 800)]))},
    )
    assert r.status_code == 409
    entries = client.get("/api/v1/admin/audit", headers=AUTH).json()["entries"]
    assert [e["outcome"]["code"] for e in entries] == [
        "generation_conflict",
        "ok",
        "generation_conflict",
        "generation_conflict",
    ]
    assert entries[0]["who"] == "admin"  # the legacy single token is named 'admin'


@pytest.mark.parametrize(
    ("layer", "version", "valid_to", "check"),
    [
        ("admin", "v1", "2030-12-31", "in_force"),  # no admin layer in force afterwards
        ("redline", "v1", "2019-01-01", "version_ranges"),  # before valid_from
    ],
)
def test_retire_is_validated_like_an_upload(
    client: TestClient, layers_dir: Path, layer: str, version: str, valid_to: str, check: str
) -> None:
    before = tree_hash(layers_dir)
    r = client.post(
        f"/api/v1/admin/layers/{layer}/versions/{version}/retire",
        json={"valid_to": valid_to},
        headers=AUTH,
    )
    assert r.status_code == 422, r.text
    body = r.json()
    assert body["code"] == "validation_failed"
    assert body["detail"]["ok"] is False
    assert check in {i["check"] for i in body["detail"]["issues"] if i["severity"] == "error"}
    assert tree_hash(layers_dir) == before
    [entry] = client.get("/api/v1/admin/audit", headers=AUTH).json()["entries"]
    assert entry["outcome"] == {"status": 422, "code": "validation_failed"}
    assert entry["validation"]["ok"] is False


def test_retire_leaving_a_layer_without_version_warns(client: TestClient) -> None:
    r = client.post(
        "/api/v1/admin/layers/parks/versions/v1/retire",
        json={"valid_to": "2030-12-31"},
        headers=AUTH,
    )
    assert r.status_code == 200, r.text
    report = r.json()["validation"]
    assert report["ok"] is True
    assert [i["check"] for i in report["issues"] if i["severity"] == "warning"] == ["in_force"]


@pytest.mark.parametrize("label", ["x" * 300, "v 2", "v2/../x", ""])
def test_version_label_is_checked(client: TestClient, layers_dir: Path, label: str) -> None:
    before = tree_hash(layers_dir)
    r = client.post(
        "/api/v1/admin/layers/redline/versions",
        headers=AUTH,
        data=form(label, "2027-01-01"),
        files={"file": ("r.geojson", redline_geojson([rect(1600, 200, 1800, 800)]))},
    )
    assert r.status_code == 422, r.text
    assert "version" in r.text
    if label and "/" not in label:
        r = client.post(
            f"/api/v1/admin/layers/redline/versions/{label}/retire",
            json={"valid_to": "2026-12-31"},
            headers=AUTH,
        )
        assert r.status_code == 422, r.text
        assert r.json()["detail"]["field"] == "version"
    assert tree_hash(layers_dir) == before


def test_unwritable_audit_log_is_503_and_nothing_changes(layers_dir: Path) -> None:
    blocked = layers_dir.parent / "audit-folder"
    blocked.mkdir()
    settings = settings_for(layers_dir).model_copy(update={"audit_log": blocked})
    with TestClient(create_app(settings)) as c:
        before = tree_hash(layers_dir)
        r = c.post(
            "/api/v1/admin/layers/redline/versions/v1/retire",
            json={"valid_to": "2026-12-31"},
            headers=AUTH,
        )
        assert r.status_code == 503
        assert r.json()["code"] == "audit_unavailable"
        assert c.get("/healthz").json()["generation"]["counter"] == 0
        assert tree_hash(layers_dir) == before


def test_worker_follows_a_change_made_by_another_process(
    client: TestClient, layers_dir: Path
) -> None:
    # another worker (here: the core protocol directly) changes the folder; this one
    # serves the new generation within 2 s, without any request triggering it
    from geozone.audit import AuditLog
    from geozone.catalog import load_catalog
    from geozone.layer_changes import LayerChanges

    other = LayerChanges(layers_dir, AuditLog(layers_dir.parent / "audit.jsonl"))
    done = other.retire(load_catalog(layers_dir), "elsewhere", "redline", "v1", "2026-12-31")
    deadline = time.monotonic() + 2.0
    while client.get("/healthz").json()["generation"]["id"] != done.generation.id:
        assert time.monotonic() < deadline, "not reloaded within 2 s"
        time.sleep(0.05)
    layer = client.get("/api/v1/layers/redline").json()
    assert [v["valid_to"] for v in layer["versions"]] == ["2026-12-31"]


def test_a_folder_broken_by_hand_keeps_the_old_generation(
    client: TestClient, layers_dir: Path
) -> None:
    gen = client.get("/healthz").json()["generation"]
    manifest = layers_dir / "manifest.toml"
    good = manifest.read_bytes()
    manifest.write_text("[layerset]\nid = 'broken'\n", encoding="utf-8")
    deadline = time.monotonic() + 2.0
    while (health := client.get("/healthz").json())["layers"]["reload_error"] is None:
        assert time.monotonic() < deadline, "reload error not reported within 2 s"
        time.sleep(0.05)
    assert health["status"] == "ok"
    assert health["generation"] == gen
    assert health["layers"]["reload_error"]["error"] == "ManifestError"
    assert client.get("/api/v1/layers/redline").status_code == 200
    manifest.write_bytes(good)  # repaired: the error clears
    deadline = time.monotonic() + 2.0
    while client.get("/healthz").json()["layers"]["reload_error"] is not None:
        assert time.monotonic() < deadline
        time.sleep(0.05)
