"""Concurrency: no GEOS crash under concurrent parcel lookups; lanes keep GEOS objects apart.

GEOS prepared geometries and STRtrees build internal state lazily and are not safe to use
from two threads at once. Before lanes, eight concurrent 200-vertex parcel lookups killed
a one-worker server (a segfault in libgeos) within two rounds. These tests hammer a real
server with multi-zone parcels, point lookups, coverage and OGC requests at once, and
check the unit-level promise: two threads never share a prepared geometry or a tree.
"""

from __future__ import annotations

import gc
import http.client
import json
import math
import os
import signal
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from conftest import LAYERS
from live_server import run_server

ROUNDS = 10
PARCELS = 16  # concurrent parcel POSTs per round
TONGZHOU = "110112"


def parcel(lon: float, lat: float, n: int, radius_km: float, lobes: int = 7) -> dict[str, Any]:
    """A wavy ``n``-vertex polygon ~2 x ``radius_km`` across around (lon, lat), WGS84."""
    ring = []
    for i in range(n):
        a = 2 * math.pi * i / n
        r = radius_km * (1 + 0.15 * math.sin(lobes * a))
        ring.append(
            [round(lon + r * math.cos(a) / 84.8, 7), round(lat + r * math.sin(a) / 111.0, 7)]
        )
    ring.append(ring[0])
    return {"type": "Polygon", "coordinates": [ring]}


def _request(url: str, method: str, path: str, body: bytes | None = None) -> tuple[int, int]:
    """One request on its own connection: (status, body length); (-1, 0) when dropped."""
    host, port = url.removeprefix("http://").split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=120)
    try:
        headers = {"content-type": "application/json"} if body is not None else {}
        conn.request(method, path, body=body, headers=headers)
        resp = conn.getresponse()
        return resp.status, len(resp.read())
    except (OSError, http.client.HTTPException):
        return -1, 0
    finally:
        conn.close()


def _worker_pids(parent: int) -> set[int]:
    """Pids of the workers ``parent`` supervises: its spawned children, from /proc."""
    found: set[int] = set()
    for task in Path(f"/proc/{parent}/task").iterdir():
        try:
            children = [int(p) for p in (task / "children").read_text().split()]
        except OSError:
            continue
        for pid in children:
            try:  # not multiprocessing's resource tracker, also a child
                if b"spawn_main" in Path(f"/proc/{pid}/cmdline").read_bytes():
                    found.add(pid)
            except OSError:
                continue
    return found


def _round_requests(r: int) -> list[tuple[str, str, bytes | None]]:
    """The requests of round ``r``: 16 multi-zone parcels, points, coverage and OGC items.

    The 200-vertex parcels ~22 km across near (116.9, 40.4) each cross ~1,500 features.
    """
    reqs: list[tuple[str, str, bytes | None]] = []
    for i in range(PARCELS):
        if r in (0, 5) and i < 4:  # four concurrent parcels at the 10,000-vertex limit
            geom = parcel(116.9 + 0.01 * i, 40.4, 9999, 6.0)
        elif i == 0:  # else one large parcel per round, alternating 2,000 and 9,000 vertices
            geom = parcel(116.9, 40.4, 9000 if r % 2 else 2000, 6.0)
        else:
            geom = parcel(116.9 + 0.002 * (i % 4), 40.4 + 0.002 * (i // 4), 200, 11.0)
        reqs.append(("POST", "/api/v1/lookup", json.dumps({"geometry": geom}).encode()))
    for i in range(8):
        lon, lat = 116.85 + 0.01 * i, 40.38 + 0.005 * i
        reqs.append(("GET", f"/api/v1/lookup?lon={lon:.4f}&lat={lat:.4f}", None))
    reqs.append(("GET", f"/api/v1/coverage?district={TONGZHOU}&by=none", None))
    bbox = "116.8,40.3,117.0,40.5"
    reqs.append(("GET", f"/ogc/collections/control_zone/items?bbox={bbox}&limit=50", None))
    reqs.append(("GET", f"/ogc/collections/redline/items?bbox={bbox}&limit=50", None))
    return reqs


@pytest.mark.server
@pytest.mark.slow
@pytest.mark.parametrize("workers", [1, 2])
def test_concurrent_parcels_never_crash_the_server(
    tmp_path: Path, workers: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    # the stress parcels reach ~400 km², over the default 100 km² parcel limit
    monkeypatch.setenv("GEOZONE_QUERY__MAX_PARCEL_AREA_M2", "1e9")
    with run_server(LAYERS, tmp_path, workers=workers) as srv:
        before = srv.get_json("/healthz")["worker_pid"]
        started = time.monotonic()
        failures: list[str] = []
        with ThreadPoolExecutor(max_workers=32) as pool:
            for r in range(ROUNDS):
                reqs = _round_requests(r)
                results = list(pool.map(lambda q: _request(srv.url, *q), reqs))
                failures += [
                    f"round {r}: {q[0]} {q[1][:60]} -> {status}"
                    for q, (status, _n) in zip(reqs, results, strict=True)
                    if status != 200
                ]
                assert srv.process.poll() is None, "the server process died"
                if failures:
                    break
        assert not failures, failures[:10]
        assert srv.process.poll() is None
        pids = _worker_pids(srv.process.pid)
        assert len(pids) == workers
        if workers == 1:
            assert pids == {before}, "the worker was replaced: it crashed"
        assert time.monotonic() - started < 120


@pytest.mark.server
def test_a_killed_single_worker_is_replaced(tmp_path: Path) -> None:
    with run_server(LAYERS, tmp_path, workers=1) as srv:
        first = srv.get_json("/healthz")["worker_pid"]
        assert first != srv.process.pid  # the worker is a supervised child
        assert _worker_pids(srv.process.pid) == {first}
        os.kill(first, signal.SIGKILL)
        deadline = time.monotonic() + 30
        pid = None
        while time.monotonic() < deadline:
            try:
                pid = srv.get_json("/healthz")["worker_pid"]
            except OSError:
                pid = None
            if pid is not None and pid != first:
                break
            time.sleep(0.3)
        assert pid is not None and pid != first
        assert srv.process.poll() is None


def test_threads_get_their_own_lanes_and_geometries() -> None:
    from geozone import lanes
    from geozone.catalog import load_catalog
    from geozone.lookup import selection

    catalog = load_catalog(LAYERS)
    day = date(2026, 11, 25)
    found: dict[str, Any] = {}

    def run(name: str) -> None:
        found[name] = (lanes.current_lane(), selection(catalog, day))

    threads = [threading.Thread(target=run, args=(n,)) for n in ("a", "b")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    (lane_a, sel_a), (lane_b, sel_b) = found["a"], found["b"]
    assert lane_a is not lane_b
    assert sel_a is not sel_b
    assert sel_a.index.tree is not sel_b.index.tree
    assert len(sel_a.index.geoms) == len(sel_b.index.geoms) > 0
    # the same shapes, never the same GEOS objects (nor the catalog's own)
    assert not any(a is b for a, b in zip(sel_a.index.geoms, sel_b.index.geoms, strict=True))
    pairs = zip(sel_a.index.geoms[:50], sel_b.index.geoms[:50], strict=True)
    assert all(a.equals_exact(b, 0) for a, b in pairs)
    shared = {id(g) for lv in catalog.all_versions() for g in lv.frame.geometry.values}
    assert not any(id(g) in shared for g in sel_a.index.geoms)
    assert selection(catalog, day) is selection(catalog, day)  # cached in this thread's lane


def test_prepare_builds_for_every_registered_lane() -> None:
    from geozone import lanes
    from geozone.catalog import load_catalog
    from geozone.lookup import cached_selection, prepare

    catalog = load_catalog(LAYERS)
    day = date(2026, 11, 25)
    ready = threading.Event()
    done = threading.Event()
    seen: dict[str, Any] = {}

    def pool_thread() -> None:  # stands for a geometry-pool thread: registered, then idle
        seen["lane"] = lanes.register_current_thread()
        ready.set()
        done.wait(30)

    t = threading.Thread(target=pool_thread)
    t.start()
    try:
        assert ready.wait(10)
        prepare(catalog, day)
        lane = seen["lane"]
        assert lane in lanes.registered_lanes()
        assert lanes.current_lane() in lanes.registered_lanes()
        theirs = cached_selection(catalog, day, lane)  # built before its first request
        mine = cached_selection(catalog, day, lanes.current_lane())
        assert theirs is not None and mine is not None
        assert mine is not theirs and mine.index.geoms[0] is not theirs.index.geoms[0]
        assert mine.memo.get("gcj_reach") is not None  # the whole warm-up, not just the tree
    finally:
        done.set()
        t.join()
    # a finished thread's lane leaves the registry
    gone = seen.pop("lane")
    del gone, lane, theirs
    gc.collect()
    assert all(lane.thread_name != t.name for lane in lanes.registered_lanes())
