"""Batch jobs are bounded (issue #16): quotas, row and size caps, expiry with 410."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from api_client import api_client
from fastapi.testclient import TestClient
from test_api_lookup import lonlat, square
from test_ogc import build_tiny

from geozone.errors import JobExpired, JobNotFound, QueryTooLarge, QuotaExceeded, StorageFull
from geozone.jobs import JobRunner
from geozone.settings import JobSettings, QuerySettings

TOKEN = "jobs-token-0123456789abcdef"


class Clock:
    """A fake clock the tests move by hand."""

    def __init__(self) -> None:
        self.now = 1_800_000_000.0

    def __call__(self) -> float:
        return self.now


def _csv(rows: int) -> bytes:
    lon, lat = lonlat(700, 500)
    return ("id,lon,lat\n" + "".join(f"{i},{lon},{lat}\n" for i in range(rows))).encode()


def _writes(size: int) -> Any:
    def work(upload: Path, folder: Path) -> dict[str, Any]:
        (folder / "result.geojson").write_bytes(b"x" * size)
        return {"rows": 1}

    return work


@pytest.fixture(scope="module")
def tiny_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_tiny(tmp_path_factory.mktemp("jobs_layers"))


@pytest.fixture()
def client(tiny_root: Path, tmp_path: Path) -> Iterator[TestClient]:
    limits = JobSettings(max_active_anonymous=5, max_per_hour_anonymous=2, max_rows=5)
    with api_client(tiny_root, tmp_path, admin_token=TOKEN, jobs=limits) as c:
        yield c


def _submit(client: TestClient, data: bytes, **headers: str) -> Any:
    return client.post(
        "/api/v1/jobs", files={"file": ("points.csv", data, "text/csv")}, headers=headers
    )


def test_anonymous_quota_per_hour_is_429_with_retry_after(client: TestClient) -> None:
    for _ in range(2):
        assert _submit(client, _csv(2)).status_code == 202
    r = _submit(client, _csv(2))
    assert r.status_code == 429, r.text
    assert r.json()["code"] == "quota_exceeded"
    assert "per hour" in r.json()["message"]
    assert 0 < int(r.headers["retry-after"]) <= 3600
    # a token holder has its own, higher quota
    r = _submit(client, _csv(2), Authorization=f"Bearer {TOKEN}")
    assert r.status_code == 202, r.text


def test_row_cap_is_413_naming_it(client: TestClient) -> None:
    r = _submit(client, _csv(6))
    assert r.status_code == 413, r.text
    assert r.json()["code"] == "query_too_large"
    assert "jobs.max_rows" in r.json()["message"]
    assert r.json()["detail"] == {"rows": 6, "max_rows": 5}
    assert not list((client.app.state.jobs.root).iterdir())  # type: ignore[attr-defined]


def test_bad_tolerance_and_crs_refused_before_queueing(client: TestClient) -> None:
    for data, field in (({"tolerance_m": "nan"}, "tolerance_m"), ({"crs": "EPSG:4978"}, "crs")):
        r = client.post("/api/v1/jobs", files={"file": ("p.csv", _csv(1), "text/csv")}, data=data)
        assert r.status_code == 422, r.text
        assert field in r.text


def test_expired_job_is_410_unknown_is_404(client: TestClient) -> None:
    r = _submit(client, _csv(2))
    job_id = r.json()["job_id"]
    jobs: JobRunner = client.app.state.jobs  # type: ignore[attr-defined]
    assert jobs.wait(job_id, timeout=60).status == "done"
    assert client.get(f"/api/v1/jobs/{job_id}/result").status_code == 200
    jobs.clock = lambda: time.time() + 25 * 3600  # past the default 24 h retention
    for url in (f"/api/v1/jobs/{job_id}", f"/api/v1/jobs/{job_id}/result?format=csv"):
        r = client.get(url)
        assert r.status_code == 410, r.text
        assert r.json()["code"] == "job_expired"
    assert [p.name for p in jobs.job_dir(job_id).iterdir()] == ["job.json"]  # the tombstone
    assert client.get("/api/v1/jobs/" + "0" * 32).status_code == 404


def test_active_job_quota(tmp_path: Path) -> None:
    release = threading.Event()

    def blocked(upload: Path, folder: Path) -> dict[str, Any]:
        release.wait(30)
        return {}

    runner = JobRunner(tmp_path, JobSettings(max_active_anonymous=1), sweep=False)
    try:
        first = runner.submit("a.csv", b"x", blocked, client="ip:1")
        with pytest.raises(QuotaExceeded, match="queued or running") as exc:
            runner.submit("b.csv", b"x", blocked, client="ip:1")
        assert exc.value.headers == {"Retry-After": "30"}
        runner.submit("c.csv", b"x", _writes(1), client="ip:2")  # another client is not held
        release.set()
        assert runner.wait(first.job_id, timeout=30).status == "done"
        runner.submit("d.csv", b"x", _writes(1), client="ip:1")
    finally:
        release.set()
        runner.shutdown()


def test_total_size_cap_prunes_expired_then_refuses(tmp_path: Path) -> None:
    clock = Clock()
    cfg = JobSettings(max_total_bytes=20_000, retention_hours=1, max_per_hour_anonymous=100)
    runner = JobRunner(tmp_path, cfg, clock=clock, sweep=False)
    try:
        first = runner.submit("a.csv", b"a" * 6_000, _writes(6_000), client="ip:1")
        assert runner.wait(first.job_id, timeout=30).status == "done"
        with pytest.raises(StorageFull) as exc:
            runner.submit("b.csv", b"b" * 9_000, _writes(10), client="ip:1")
        assert exc.value.status == 507 and exc.value.code == "jobs_storage_full"
        assert runner.usage_bytes() < 13_000  # nothing of the refused upload was kept
        clock.now += 2 * 3600  # the first job's results are now past retention
        second = runner.submit("b.csv", b"b" * 9_000, _writes(10), client="ip:1")
        assert runner.wait(second.job_id, timeout=30).status == "done"
        with pytest.raises(JobExpired):
            runner.get(first.job_id)
        with pytest.raises(JobNotFound):
            runner.get("f" * 32)
    finally:
        runner.shutdown()


def test_sweep_deletes_results_after_retention(tmp_path: Path) -> None:
    clock = Clock()
    runner = JobRunner(tmp_path, JobSettings(retention_hours=24), clock=clock, sweep=False)
    try:
        job = runner.submit("a.csv", b"a", _writes(100), client="ip:1")
        runner.wait(job.job_id, timeout=30)
        assert runner.sweep(force=True) == 0
        clock.now += 23 * 3600
        assert runner.sweep(force=True) == 0
        clock.now += 2 * 3600
        assert runner.sweep(force=True) == 1
        assert [p.name for p in runner.job_dir(job.job_id).iterdir()] == ["job.json"]
        assert json.loads((runner.job_dir(job.job_id) / "job.json").read_text())["status"] == (
            "expired"
        )
    finally:
        runner.shutdown()


def test_result_size_cap_fails_the_job(tmp_path: Path) -> None:
    runner = JobRunner(tmp_path, JobSettings(max_result_bytes=1_000), sweep=False)
    try:
        job = runner.submit("a.csv", b"a", _writes(5_000), client="ip:1")
        done = runner.wait(job.job_id, timeout=30)
        assert done.status == "failed"
        assert "jobs.max_result_bytes" in (done.message or "")
        assert not list(runner.job_dir(job.job_id).glob("result.*"))
    finally:
        runner.shutdown()


def test_row_cap_in_the_runner(tmp_path: Path) -> None:
    runner = JobRunner(tmp_path, JobSettings(max_rows=3), sweep=False)
    try:
        with pytest.raises(QueryTooLarge, match="at most 3"):
            runner.submit("a.csv", b"x", _writes(1), count_rows=lambda p: 4)
        assert not list(tmp_path.iterdir())
    finally:
        runner.shutdown()


def test_sync_batch_total_work_budget(tiny_root: Path, tmp_path: Path) -> None:
    """A synchronous batch is bounded in total, not only per parcel (413, use a job)."""
    parcel = {"type": "Feature", "properties": {}, "geometry": square(600, 400, 200)}
    body = {"type": "FeatureCollection", "features": [parcel] * 4}
    with api_client(tiny_root, tmp_path, query=QuerySettings(max_batch_work=1)) as c:
        r = c.post("/api/v1/lookup/batch", json=body)
        assert r.status_code == 413, r.text
        assert r.json()["code"] == "query_too_large"
        assert "query.max_batch_work" in r.json()["message"]
        assert "POST /api/v1/jobs" in r.json()["message"]
    with api_client(tiny_root, tmp_path / "ok") as c:
        assert c.post("/api/v1/lookup/batch", json=body).status_code == 200
