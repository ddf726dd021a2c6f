"""A report id is handed out only when its answer is durable: a real server, a store that
fills up, turns read-only, or whose processes are killed with SIGKILL under load.

The store sits on its own small mount (tmpfs, or an ext4 image on a loop device) that
is unmounted in teardown whatever happens; these tests need root (as in CI) and are
skipped without it.
"""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

import pytest
from conftest import LAYERS
from live_server import Server, run_server
from test_serve_workers import _wait_for, _workers

pytestmark = pytest.mark.server

needs_root = pytest.mark.skipif(os.geteuid() != 0, reason="mounts need root")


def _mount(args: list[str], target: Path) -> None:
    target.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(["mount", *args, str(target)], capture_output=True, text=True)
    if done.returncode != 0:
        pytest.skip(f"cannot mount here: {done.stderr.strip()}")


def _umount(target: Path) -> None:
    if subprocess.run(["umount", str(target)], capture_output=True).returncode != 0:
        subprocess.run(["umount", "-l", str(target)], capture_output=True)  # still busy


@contextmanager
def tmpfs(target: Path, size: str) -> Iterator[Path]:
    """A tmpfs of ``size`` at ``target``, unmounted on exit."""
    _mount(["-t", "tmpfs", "-o", f"size={size}", "tmpfs"], target)
    try:
        yield target
    finally:
        _umount(target)


@contextmanager
def ext4_image(image: Path, target: Path) -> Iterator[str]:
    """A 4 MB ext4 image mounted at ``target`` with ``errors=remount-ro``; its device name."""
    with image.open("wb") as f:
        f.truncate(4 << 20)
    if subprocess.run(["mkfs.ext4", "-q", "-F", str(image)], capture_output=True).returncode:
        pytest.skip("mkfs.ext4 failed")
    _mount(["-o", "loop,errors=remount-ro", str(image)], target)
    try:
        source = subprocess.run(
            ["findmnt", "-no", "SOURCE", str(target)], capture_output=True, text=True
        ).stdout.strip()
        yield os.path.basename(source)
    finally:
        _umount(target)


def _fetch(url: str, data: bytes | None = None) -> tuple[int, bytes, dict[str, str]]:
    """Status, body and headers of one request (errors too)."""
    headers = {"Content-Type": "application/json"} if data is not None else {}
    request = urllib.request.Request(url, data=data, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=60) as resp:
            return resp.status, resp.read(), {k.lower(): v for k, v in resp.headers.items()}
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read(), {k.lower(): v for k, v in exc.headers.items()}


class Points:
    """Distinct lookup points (a new report id each) over the demo districts."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.lock = threading.Lock()

    def url(self, srv: Server) -> str:
        with self.lock:
            lon, lat = self.rng.uniform(116.6, 117.4), self.rng.uniform(39.7, 40.7)
        return f"{srv.url}/api/v1/lookup?lon={lon:.7f}&lat={lat:.7f}&activity=general_industry"

    def parcel(self) -> bytes:
        with self.lock:
            lon, lat = self.rng.uniform(116.6, 117.3), self.rng.uniform(39.7, 40.6)
        ring = [[lon, lat], [lon + 0.01, lat], [lon + 0.01, lat + 0.01], [lon, lat + 0.01]]
        geometry = {"type": "Polygon", "coordinates": [[*ring, ring[0]]]}
        return json.dumps({"geometry": geometry, "activities": ["general_industry"]}).encode()


def _assert_stored(srv: Server, served: dict[str, bytes]) -> None:
    """Every id answered 200 is fetchable, with the answer's exact bytes."""
    for report_id, body in served.items():
        status, stored, _ = _fetch(f"{srv.url}/api/v1/reports/{report_id}")
        assert status == 200, (report_id, stored[:300])
        assert stored == body


def _assert_refused(status: int, body: bytes, headers: dict[str, str], path: Path) -> str:
    """A 503 in the service's error shape, with Retry-After and no path; its error kind."""
    assert status == 503, body[:300]
    error = json.loads(body)
    assert set(error) == {"code", "message", "detail"}
    assert error["code"] == "report_store_unavailable"
    assert int(headers["retry-after"]) > 0
    assert str(path) not in body.decode() and "Traceback" not in body.decode()
    return str(error["detail"]["error"])


def _health(srv: Server) -> tuple[int, dict[str, Any]]:
    status, body, _ = _fetch(srv.url + "/healthz")
    return status, json.loads(body)


def _lookups_until_refused(
    srv: Server, points: Points, served: dict[str, bytes], store: Path, most: int
) -> tuple[str, tuple[int, dict[str, Any]]]:
    """New lookups until one is refused: its error kind and /healthz right after."""
    for n in range(most):
        if n % 5 == 4:
            status, body, headers = _fetch(srv.url + "/api/v1/lookup", points.parcel())
        else:
            status, body, headers = _fetch(points.url(srv))
        if status == 200:
            served[json.loads(body)["report_id"]] = body
            continue
        kind = _assert_refused(status, body, headers, store)
        print(f"refused ({kind}) after {n} more lookups; {len(served)} ids answered 200")
        return kind, _health(srv)
    raise AssertionError(f"{most} lookups on a store that cannot write all answered 200")


@needs_root
def test_a_full_disk_refuses_lookups_and_serves_every_id_it_gave(tmp_path: Path) -> None:
    points = Points(16)
    served: dict[str, bytes] = {}
    with tmpfs(tmp_path / "store", "600k") as mnt:
        store = mnt / "reports.sqlite"
        with run_server(LAYERS, tmp_path, store=store) as srv:
            for _ in range(10):
                status, body, _ = _fetch(points.url(srv))
                assert status == 200
                served[json.loads(body)["report_id"]] = body
            status, health = _health(srv)
            assert status == 200 and health["status"] == "ok"
            assert health["report_store"] == {"writable": True, "error": None, "since": None}
            with suppress(OSError), (mnt / "filler").open("wb") as filler:
                while True:  # until ENOSPC
                    filler.write(b"\0" * 65536)
                    filler.flush()
            kind, (status, health) = _lookups_until_refused(srv, points, served, store, 300)
            assert kind == "disk_full"
            assert status == 503 and health["status"] == "degraded"
            assert health["report_store"]["writable"] is False
            assert health["report_store"]["error"] == "disk_full"
            assert health["report_store"]["since"]
            for _ in range(5):  # still refused, never a 200 that is not stored
                status, body, headers = _fetch(points.url(srv))
                if status == 200:
                    served[json.loads(body)["report_id"]] = body
                else:
                    _assert_refused(status, body, headers, store)
            _assert_stored(srv, served)
            (mnt / "filler").unlink()  # room again: healthy without a restart
            assert _wait_for(lambda: _health(srv)[0] == 200, 20)
            status, body, _ = _fetch(points.url(srv))
            assert status == 200
            served[json.loads(body)["report_id"]] = body
            _assert_stored(srv, served)


@needs_root
def test_a_store_turned_read_only_refuses_lookups(tmp_path: Path) -> None:
    # `mount -o remount,ro` is refused ("busy") while the server holds the store open for
    # writing, as any database server does; a disk that goes read-only under a running
    # service is the kernel's doing: ext4's errors=remount-ro, triggered here on purpose
    points = Points(17)
    served: dict[str, bytes] = {}
    with ext4_image(tmp_path / "disk.img", tmp_path / "store") as device:
        trigger = Path(f"/sys/fs/ext4/{device}/trigger_fs_error")
        if not trigger.exists():
            pytest.skip("this kernel cannot trigger an ext4 error")
        store = tmp_path / "store" / "reports.sqlite"
        with run_server(LAYERS, tmp_path, store=store) as srv:
            for _ in range(10):
                status, body, _ = _fetch(points.url(srv))
                assert status == 200
                served[json.loads(body)["report_id"]] = body
            trigger.write_text("geozone test: read-only from now on\n")
            options = subprocess.run(
                ["findmnt", "-no", "OPTIONS", str(tmp_path / "store")],
                capture_output=True,
                text=True,
            ).stdout
            assert "ro" in options.split(",") or "emergency_ro" in options
            kind, (status, health) = _lookups_until_refused(srv, points, served, store, 50)
            assert kind in {"read_only", "io_error"}
            assert status == 503 and health["status"] == "degraded"
            assert health["report_store"]["writable"] is False
            # SQLite may name the same read-only disk an I/O error at one commit and
            # read-only at the next (after the store reopens its connection)
            assert health["report_store"]["error"] in {"read_only", "io_error"}
            _assert_stored(srv, served)  # answers stored before: still served


def _load(srv: Server, points: Points, served: dict[str, bytes], stop: threading.Event) -> None:
    """Distinct lookups (a parcel every tenth) until ``stop``; record every 200."""
    n = 0
    while not stop.is_set():
        n += 1
        try:
            if n % 10 == 0:
                status, body, _ = _fetch(srv.url + "/api/v1/lookup", points.parcel())
            else:
                status, body, _ = _fetch(points.url(srv))
        except OSError:  # the worker serving this connection was killed
            continue
        if status == 200:
            served[json.loads(body)["report_id"]] = body


def test_kill_9_under_load_loses_no_answered_id(tmp_path: Path) -> None:
    points = Points(18)
    served: dict[str, bytes] = {}
    stop = threading.Event()
    with run_server(LAYERS, tmp_path, workers=2) as srv:
        parent = srv.process.pid
        workers = _workers(parent)
        assert len(workers) == 2
        clients = [
            threading.Thread(target=_load, args=(srv, points, served, stop)) for _ in range(6)
        ]
        for client in clients:
            client.start()
        try:
            assert _wait_for(lambda: len(served) >= 40, 60)
            os.kill(min(workers), signal.SIGKILL)  # one worker, mid-load
            count = len(served)
            assert _wait_for(lambda: len(served) >= count + 40, 60)  # the other serves on
            everyone = _workers(parent) | {parent}
            for pid in everyone:  # then the whole server at once
                with suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)
        finally:
            stop.set()
            for client in clients:
                client.join(60)
        srv.process.wait(30)
        assert _wait_for(lambda: not any(Path(f"/proc/{p}").exists() for p in everyone), 30)
    assert len(served) >= 80
    print(f"{len(served)} ids answered 200 before and after the kills; all checked stored")
    with run_server(LAYERS, tmp_path) as srv:  # the same store, opened again
        _assert_stored(srv, served)
