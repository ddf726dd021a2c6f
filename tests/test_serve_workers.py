"""``geozone serve --workers 2``: a socket per worker, dead ones replaced, one report store."""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import LAYERS
from live_server import free_port, run_server

pytestmark = pytest.mark.server


def test_two_workers_share_the_report_store(tmp_path: Path) -> None:
    # each urllib request opens a new connection, so the kernel spreads them over both
    # workers; an answer one worker served is committed before it is answered, so it
    # is fetchable from the other at once
    rng = random.Random(3)
    with run_server(LAYERS, tmp_path, workers=2) as srv:
        assert "--workers" in srv.process.args  # type: ignore[operator]
        for _ in range(30):
            lon, lat = rng.uniform(116.6, 117.4), rng.uniform(39.7, 40.7)
            answer = srv.get_json(f"/api/v1/lookup?lon={lon:.6f}&lat={lat:.6f}")
            with urllib.request.urlopen(
                f"{srv.url}/api/v1/reports/{answer['report_id']}", timeout=30
            ) as resp:
                stored = json.loads(resp.read())
            assert stored == answer  # the answer exactly as it was served


def _listening_sockets(port: int) -> int:
    """How many sockets listen on 127.0.0.1:``port`` (Linux /proc/net/tcp, state 0A)."""
    lines = Path("/proc/net/tcp").read_text().splitlines()[1:]
    local = f"0100007F:{port:04X}"
    return sum(1 for line in lines if line.split()[1] == local and line.split()[3] == "0A")


def _workers(parent: int) -> set[int]:
    """Pids of the worker processes ``parent`` spawned (multiprocessing's spawn_main)."""
    found = set()
    for proc in Path("/proc").iterdir():
        try:
            ppid = int((proc / "stat").read_text().rsplit(")", 1)[1].split()[1])
            cmdline = (proc / "cmdline").read_bytes()
        except (OSError, ValueError):
            continue
        if ppid == parent and b"spawn_main" in cmdline:
            found.add(int(proc.name))
    return found


def _wait_for(predicate: Callable[[], bool], seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.2)
    return predicate()


def test_each_worker_listens_on_its_own_socket_and_a_dead_one_is_replaced(
    tmp_path: Path,
) -> None:
    # one SO_REUSEPORT socket per worker (uvicorn's own supervisor shares one socket,
    # which lets one worker take every connection of a burst)
    with run_server(LAYERS, tmp_path, workers=2) as srv:
        port = int(srv.url.rsplit(":", 1)[1])
        assert _listening_sockets(port) == 2
        workers = _workers(srv.process.pid)
        assert len(workers) == 2
        victim = min(workers)
        os.kill(victim, signal.SIGKILL)
        assert _wait_for(lambda: len(_workers(srv.process.pid) - {victim}) == 2, 60)
        assert _wait_for(lambda: _listening_sockets(port) == 2, 60)
        for _ in range(20):  # new connections, whichever socket the kernel picks
            assert srv.get_json("/healthz")["status"] == "ok"
    assert srv.process.returncode == 0  # SIGTERM stopped the workers and the parent
    assert _listening_sockets(port) == 0


def test_a_worker_that_cannot_start_stops_the_service(tmp_path: Path) -> None:
    # a broken layer set fails every worker at start-up: report it and exit, no restart loop
    broken = tmp_path / "layers"
    broken.mkdir()
    (broken / "manifest.yaml").write_text("layerset: [not a manifest\n", encoding="utf-8")
    env = {**os.environ, "GEOZONE_REPORT_STORE": str(tmp_path / "r.sqlite")}
    cmd = [sys.executable, "-m", "geozone", "serve", "--workers", "2", "--port", str(free_port())]
    done = subprocess.run(
        [*cmd, "--layers", str(broken)], env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 3, done.stderr[-2000:]
    assert "failed to start" in done.stderr
