"""The service on PostGIS (``GEOZONE_DATABASE_URL``): end to end on a real cluster, no mocks.

- admin changes are database transactions (a failing validation changes no row), audited
  in the database, ``If-Match`` 409;
- golden lookups over HTTP give the same bytes from the folder and from the database;
- two service instances on one database: an upload through one is answered by the other
  within 2 s (LISTEN/NOTIFY);
- a database restart during a stream of lookups fails only the requests in flight, with
  503 and a clear code, and the service recovers by itself; ``/healthz`` is 503 while the
  database is down;
- the database down (or empty) at start: one clear line and exit code 2;
- CLI lookups read the database's layer set.

Live servers are uvicorn subprocesses on loopback (``tests/live_server.py``).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from api_client import api_client
from conftest import LAYERS
from layerset_builder import X0, Y0, clean_layers, rect, write_layerset
from live_server import REPO, Server, run_server
from pg_cluster import PgCluster, free_port
from pyproj import Transformer
from test_admin import form, redline_geojson
from test_golden import AS_OF, CASES, GOLDEN

from geozone.db.connection import Database, connect
from geozone.db.transfer import import_dir

TOKEN = "db-admin-token-0123456789"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
COUNTED = ("layer_set", "layer_versions", "features", "feature_parts", "rule_files")
NO_FOLDER = Path("/nonexistent/geozone-layers")
"""``GEOZONE_LAYERS_DIR`` of every database-backed server: it needs no layer folder."""

_to_lonlat = Transformer.from_crs("EPSG:4548", "EPSG:4326", always_xy=True)


def lonlat(x: float, y: float) -> tuple[float, float]:
    """WGS84 lon/lat of a point drawn in fixture metres (``layerset_builder``)."""
    lon, lat = _to_lonlat.transform(X0 + x, Y0 + y)
    return float(lon), float(lat)


@pytest.fixture
def tiny_root(tmp_path: Path) -> Path:
    """The small clean layer set with the shipped rules."""
    root = write_layerset(tmp_path / "layers", clean_layers())
    shutil.copytree(LAYERS / "rules", root / "rules")
    return root


@pytest.fixture
def tiny_db(pg_url: str, tiny_root: Path) -> str:
    """A fresh database holding the tiny layer set; its URL."""
    with Database(pg_url) as db:
        import_dir(db, tiny_root)
    return pg_url


def rows(url: str) -> dict[str, Any]:
    """Row counts of the layer tables and the layer set row itself."""
    with connect(url) as conn:
        out: dict[str, Any] = {
            t: conn.execute(f"SELECT count(*) FROM geozone.{t}").fetchone()[0]  # type: ignore[index]
            for t in COUNTED
        }
        out["head"] = conn.execute(
            "SELECT hash, generation, manifest_toml FROM geozone.layer_set"
        ).fetchone()
    return out


def get(url: str, timeout: float = 30) -> tuple[int, dict[str, Any]]:
    """Status and JSON body of a GET (an error status is returned, not raised)."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as resp:
            return resp.status, json.loads(resp.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read() or b"{}")


def upload(server: Server, version: str, valid_from: str, data: bytes) -> tuple[int, Any]:
    """POST a redline version as multipart form data with the admin token."""
    boundary = "geozone-test-boundary"
    parts = []
    for name, value in form(version, valid_from).items():
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'
        )
    head = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="r.geojson"\r\n'
        "Content-Type: application/geo+json\r\n\r\n"
    )
    body = "".join(parts).encode() + head.encode() + data + f"\r\n--{boundary}--\r\n".encode()
    request = urllib.request.Request(
        server.url + "/api/v1/admin/layers/redline/versions",
        data=body,
        method="POST",
        headers={**AUTH, "Content-Type": f"multipart/form-data; boundary={boundary}"},
    )
    try:
        with urllib.request.urlopen(request, timeout=60) as resp:
            return resp.status, json.loads(resp.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read())


# --- admin changes are transactions ---------------------------------------------------------


def test_admin_upload_on_the_database_is_a_transaction(tiny_db: str, tmp_path: Path) -> None:
    with api_client(NO_FOLDER, tmp_path, database_url=tiny_db, admin_token=TOKEN) as client:
        health = client.get("/healthz").json()
        assert health["database"]["reachable"] is True
        assert health["layers"]["source"] == "database"
        assert health["layerset"]["hash"] == rows(tiny_db)["head"][0]
        before = rows(tiny_db)
        # v1 is open-ended: a v2 overlapping it in time fails validation
        r = client.post(
            "/api/v1/admin/layers/redline/versions",
            headers=AUTH,
            data=form("v2", "2027-01-01"),
            files={"file": ("r.geojson", redline_geojson([rect(1600, 200, 1800, 800)]))},
        )
        assert r.status_code == 422, r.text
        assert r.json()["code"] == "validation_failed"
        assert "version_ranges" in {i["check"] for i in r.json()["detail"]["issues"]}
        assert rows(tiny_db) == before  # no row changed, the generation did not move
        # a stale If-Match is refused before anything is written
        r = client.post(
            "/api/v1/admin/layers/redline/versions/v1/retire",
            json={"valid_to": "2026-12-31"},
            headers={**AUTH, "If-Match": "deadbeef"},
        )
        assert r.status_code == 409 and r.json()["code"] == "generation_conflict"
        assert rows(tiny_db) == before
        # accepted: retire v1, then the same upload passes; this worker serves it at once
        generation = health["generation"]["counter"]
        r = client.post(
            "/api/v1/admin/layers/redline/versions/v1/retire",
            json={"valid_to": "2026-12-31"},
            headers={**AUTH, "If-Match": str(generation)},
        )
        assert r.status_code == 200, r.text
        r = client.post(
            "/api/v1/admin/layers/redline/versions",
            headers=AUTH,
            data=form("v2", "2027-01-01"),
            files={"file": ("r.geojson", redline_geojson([rect(1600, 200, 1800, 800)]))},
        )
        assert r.status_code == 201, r.text
        after = rows(tiny_db)
        assert after["layer_versions"] == before["layer_versions"] + 1
        assert after["head"][1] == generation + 2
        assert r.json()["generation"] == {"id": after["head"][0], "counter": generation + 2}
        served = client.get("/healthz").json()
        assert served["generation"]["counter"] == generation + 2
        assert ("redline", "v2") in {(v["id"], v["version"]) for v in served["layerset"]["layers"]}
        # every attempt is audited in the database, newest first
        entries = client.get("/api/v1/admin/audit", headers=AUTH).json()["entries"]
        assert [(e["action"], e["outcome"]["code"]) for e in entries] == [
            ("upload", "ok"),
            ("retire", "ok"),
            ("retire", "generation_conflict"),
            ("upload", "validation_failed"),
        ]
        assert entries[0]["generation_after"] == {"id": after["head"][0], "counter": generation + 2}
        assert entries[3]["validation"]["ok"] is False
        # a lookup answered by the database-backed service is stored in the database
        lon, lat = lonlat(1700, 500)
        r = client.get("/api/v1/lookup", params={"lon": lon, "lat": lat, "as_of": "2027-06-01"})
        assert r.status_code == 200, r.text
        answer = r.json()
        hits = {(h["layer_id"], h["layer_version"]) for h in answer["hits"]}
        assert ("redline", "v2") in hits
    with connect(tiny_db) as conn:
        stored = conn.execute(
            "SELECT answer_json FROM geozone.reports WHERE report_id = %s", (answer["report_id"],)
        ).fetchone()
        audited = conn.execute("SELECT count(*) FROM geozone.audit_log").fetchone()
    assert stored is not None and json.loads(stored[0]) == answer
    assert audited is not None and audited[0] == 4
    assert not (tmp_path / "audit.jsonl").exists()  # the audit log is the database's


# --- the same answers from the folder and from the database --------------------------------


@pytest.fixture(scope="module")
def demo_url(pg_cluster: PgCluster, pg_template: str) -> str:
    url = pg_cluster.create_database("geozone_service_demo", template=pg_template)
    with Database(url) as db:
        import_dir(db, LAYERS)
    return url


def ask(server: Server, case: dict[str, Any]) -> bytes:
    """The answer's bytes over HTTP (GET for points, POST for parcels, as test_golden)."""
    if "geometry" in case:
        request = urllib.request.Request(
            server.url + "/api/v1/lookup",
            data=json.dumps({**case, "as_of": AS_OF}).encode(),
            headers={"Content-Type": "application/json"},
            method="POST",
        )
    else:
        params = {**case, "as_of": AS_OF}
        query = "&".join(
            f"{k}={','.join(v) if isinstance(v, list) else v}" for k, v in params.items()
        )
        request = urllib.request.Request(server.url + "/api/v1/lookup?" + query)
    with urllib.request.urlopen(request, timeout=60) as resp:
        assert resp.status == 200
        body: bytes = resp.read()
    return body


def test_golden_lookups_over_http_equal_from_files_and_database(
    demo_url: str, tmp_path: Path
) -> None:
    with (
        run_server(LAYERS, _mk(tmp_path / "files")) as files,
        run_server(NO_FOLDER, _mk(tmp_path / "db"), database_url=demo_url) as db,
    ):
        assert get(db.url + "/healthz")[1]["layers"]["source"] == "database"
        for name, case in CASES.items():
            from_files, from_db = ask(files, case), ask(db, case)
            assert from_db == from_files, name
            assert from_db + b"\n" == (GOLDEN / f"{name}.json").read_bytes(), name


def _mk(path: Path) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    return path


# --- two instances on one database --------------------------------------------------------


def test_upload_through_one_instance_is_answered_by_the_other_within_2s(
    tiny_db: str, tmp_path: Path
) -> None:
    env = {"GEOZONE_ADMIN_TOKEN": TOKEN}
    with (
        run_server(NO_FOLDER, _mk(tmp_path / "a"), database_url=tiny_db, env=env) as a,
        run_server(NO_FOLDER, _mk(tmp_path / "b"), database_url=tiny_db, env=env) as b,
    ):
        lon, lat = lonlat(1700, 500)
        point = f"/api/v1/lookup?lon={lon}&lat={lat}&as_of=2027-06-01"
        status, answer = get(b.url + point)
        assert status == 200
        assert {(h["layer_id"], h["layer_version"]) for h in answer["hits"]} >= {("redline", "v1")}
        counter = get(b.url + "/healthz")[1]["generation"]["counter"]
        # retire v1 through a, then add v2 (a different drawing) through a
        request = urllib.request.Request(
            a.url + "/api/v1/admin/layers/redline/versions/v1/retire",
            data=json.dumps({"valid_to": "2026-12-31"}).encode(),
            headers={**AUTH, "Content-Type": "application/json"},
            method="POST",
        )
        with urllib.request.urlopen(request, timeout=60) as resp:
            assert resp.status == 200
        status, body = upload(a, "v2", "2027-01-01", redline_geojson([rect(1600, 200, 1800, 800)]))
        assert status == 201, body
        accepted = time.monotonic()
        assert body["generation"]["counter"] == counter + 2
        # b follows the NOTIFY: poll it until it answers from v2
        seen = None
        while time.monotonic() - accepted < 2.0:
            status, answer = get(b.url + point)
            assert status == 200
            seen = {(h["layer_id"], h["layer_version"]) for h in answer["hits"]}
            if ("redline", "v2") in seen:
                break
            time.sleep(0.05)
        assert seen is not None and ("redline", "v2") in seen, (
            f"b still answers from {seen} 2 s after the upload was accepted"
        )
        assert answer["layerset"]["hash"] == body["layerset_hash"]
        health = get(b.url + "/healthz")[1]
        assert health["generation"]["counter"] == counter + 2
        assert health["generation"]["id"] == body["generation"]["id"]


# --- a database restart during requests --------------------------------------------------------


@dataclass
class Outcome:
    started: float
    ended: float
    status: int
    code: str | None


def stream(url: str, stop: threading.Event, out: list[Outcome]) -> None:
    """GET ``url`` (a point lookup: its report goes to the database) until ``stop``."""
    while not stop.is_set():
        started = time.monotonic()
        try:
            with urllib.request.urlopen(url, timeout=60) as resp:
                resp.read()
                out.append(Outcome(started, time.monotonic(), resp.status, None))
        except urllib.error.HTTPError as exc:
            body = json.loads(exc.read() or b"{}")
            out.append(Outcome(started, time.monotonic(), exc.code, body.get("code")))


def wait_for_health(server: Server, status: int, timeout_s: float = 60) -> dict[str, Any]:
    deadline = time.monotonic() + timeout_s
    while True:
        code, body = get(server.url + "/healthz")
        if code == status:
            return body
        assert time.monotonic() < deadline, f"/healthz stayed {code}, not {status}: {body}"
        time.sleep(0.1)


def test_database_restart_fails_only_requests_in_flight_and_recovers(
    pg_cluster: PgCluster, tiny_db: str, tmp_path: Path
) -> None:
    with run_server(NO_FOLDER, _mk(tmp_path / "s"), database_url=tiny_db) as server:
        lon, lat = lonlat(700, 500)
        outcomes: list[Outcome] = []
        stop = threading.Event()
        worker = threading.Thread(
            target=stream, args=(f"{server.url}/api/v1/lookup?lon={lon}&lat={lat}", stop, outcomes)
        )
        worker.start()
        try:
            while sum(o.status == 200 for o in outcomes) < 20:
                time.sleep(0.05)
            stopped_at = time.monotonic()
            pg_cluster.stop()
            try:
                down = wait_for_health(server, 503)
                assert down["status"] == "degraded"
                assert down["database"]["reachable"] is False
                assert "unavailable" in down["database"]["error"]
                assert "test-secret" not in json.dumps(down)  # never the password
                # a new question while it is down: its answer cannot be stored, so none is
                # given; the question the stream asks was committed before, so its id is
                # durable and it is still answered (its ask is counted when the database
                # is back)
                new_lon, new_lat = lonlat(650, 450)
                status, body = get(f"{server.url}/api/v1/lookup?lon={new_lon}&lat={new_lat}")
                assert status == 503, body
                assert body["code"] == "report_store_unavailable"
                status, body = get(f"{server.url}/api/v1/lookup?lon={lon}&lat={lat}")
                assert status == 200, body
            finally:
                pg_cluster.start()
            up = wait_for_health(server, 200)
            healthy_at = time.monotonic()
            assert up["database"]["reachable"] is True
            count = len(outcomes)
            while len(outcomes) < count + 20:
                time.sleep(0.05)
        finally:
            stop.set()
            worker.join(120)
    # the stream's requests wait for a pooled connection (up to 5 s), so some may outlast
    # the outage and succeed; those that fail are 503 with a code, never a 500
    failed = [o for o in outcomes if o.status != 200]
    assert {o.status for o in failed} <= {503}, failed
    assert {o.code for o in failed} <= {"report_store_unavailable", "database_unavailable"}
    # only requests in flight while it was down fail: none ended before the stop, none
    # started after the service was healthy again
    assert all(o.ended >= stopped_at and o.started <= healthy_at for o in failed), failed
    after = [o for o in outcomes if o.started > healthy_at]
    assert len(after) >= 19 and all(o.status == 200 for o in after)


# --- start-up failures -------------------------------------------------------------------------


def serve(url: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "GEOZONE_DATABASE_URL": url,
        "GEOZONE_LAYERS_DIR": str(NO_FOLDER),
        "GEOZONE_REPORT_STORE": str(tmp_path / "reports.sqlite"),
    }
    return subprocess.run(
        [sys.executable, "-m", "geozone", "serve", "--port", str(free_port())],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_serve_with_the_database_down_says_so_in_one_line(tmp_path: Path) -> None:
    url = f"postgresql://geozone:pw-not-shown@127.0.0.1:{free_port()}/geozone"
    proc = serve(url, tmp_path)
    assert proc.returncode == 2
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    assert lines[0].startswith("error [database_unavailable]: the database 127.0.0.1:")
    assert "Traceback" not in proc.stderr and "pw-not-shown" not in proc.stderr


def test_serve_on_an_empty_database_says_import_first(pg_url: str, tmp_path: Path) -> None:
    proc = serve(pg_url, tmp_path)
    assert proc.returncode == 2
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    assert lines[0].startswith("error [no_layer_set]:") and "geozone db import" in lines[0]


# --- the CLI reads the database too -------------------------------------------------------------


def test_cli_lookup_from_the_database_equals_the_folder(demo_url: str) -> None:
    case = CASES["point_miyun_ring1000"]
    args = ["lookup", "--lon", str(case["lon"]), "--lat", str(case["lat"])]
    args += ["--as-of", AS_OF, "--json"]
    base = {k: v for k, v in os.environ.items() if k != "GEOZONE_DATABASE_URL"}
    run = [sys.executable, "-m", "geozone", *args]
    files = subprocess.run(
        [*run, "--layers", str(LAYERS)], env=base, capture_output=True, text=True, cwd=REPO
    )
    db = subprocess.run(
        run,
        env={**base, "GEOZONE_DATABASE_URL": demo_url, "GEOZONE_LAYERS_DIR": str(NO_FOLDER)},
        capture_output=True,
        text=True,
        cwd=REPO,
    )
    assert files.returncode == 0 and db.returncode == 0, files.stderr + db.stderr
    assert db.stdout == files.stdout
    assert json.loads(db.stdout)["verdicts"]


# --- the follower: a lost notification is made up for by the periodic check ----------------


def test_follower_sees_a_generation_sent_without_notify(tiny_db: str) -> None:
    from geozone.db.follower import DatabaseFollower
    from geozone.db.layer_store import PostgisLayerStore
    from geozone.layer_follower import LayerState

    published: list[LayerState] = []
    with Database(tiny_db) as db:
        store = PostgisLayerStore(db)
        follower = DatabaseFollower(store, published.append, check_s=0.2)
        first = follower.load_initial()
        follower.start()
        try:
            # a change whose NOTIFY never arrives: the counter moves, nobody is told
            with connect(tiny_db) as conn:
                conn.execute("UPDATE geozone.layer_set SET generation = generation + 1")
                conn.commit()
            deadline = time.monotonic() + 30
            while follower.current.generation.counter == first.generation.counter:
                assert time.monotonic() < deadline, "the periodic check never saw the change"
                time.sleep(0.05)
        finally:
            follower.stop()
            store.close()
    assert [s.generation.counter for s in published] == [
        first.generation.counter,
        first.generation.counter + 1,
    ]
    assert published[1].generation.id == first.generation.id  # same layer set, reloaded
    assert follower.health()["database_error"] is None


def test_cli_layer_state_reads_the_database_unless_a_folder_is_named(
    demo_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What ``geozone lookup`` (points, parcels, ``--batch``) and ``geozone coverage`` load."""
    from geozone.catalog import load_catalog
    from geozone.cli.common import load_layer_state

    folder = load_catalog(LAYERS)
    monkeypatch.setenv("GEOZONE_DATABASE_URL", demo_url)
    monkeypatch.setenv("GEOZONE_LAYERS_DIR", str(NO_FOLDER))
    from_db = load_layer_state(None)
    assert str(from_db.catalog.root).startswith("db:")
    assert from_db.catalog.hash == folder.hash
    assert from_db.rules.version == load_layer_state(LAYERS).rules.version
    assert load_layer_state(LAYERS).catalog.root == folder.root
