"""Stress run: a mixed load on ``geozone serve --workers N`` with admin changes and a kill -9.

Starts the service on loopback (a copy of the shipped layers in a temporary folder, a
throw-away report store, a tokens file with one admin) and drives it from
``--connections`` client threads, each with its own keep-alive connection, for
``--seconds``. Each request is one of (weights in brackets):

- a point lookup, ``GET /api/v1/lookup`` at a random place over the three districts (60);
- a parcel lookup, ``POST /api/v1/lookup``, a 16-64-vertex polygon 0.3-2 km across (25);
- a batch of five points and parcels, ``POST /api/v1/lookup/batch`` (10);
- a district's park coverage, ``GET /api/v1/coverage`` (5).

During the run, at a quarter of the time an admin retires the parks layer's version in
force from 2031 on, at half the time uploads a new version in force from 2031, and at
three quarters one worker is killed with
``kill -9`` (the supervisor replaces it). Afterwards every report id answered 200 is
fetched back and its stored answer compared with the bytes the client received.

Printed: requests served, errors by kind (only the in-flight requests of the killed
worker are expected: connections reset at the kill), p50/p99 latency per kind, the
server's memory (RSS of all its processes) at start and end, and ids answered vs ids
fetchable with the same answer. Nothing is asserted: the figures are for reading; the
tests (tests/test_stress_server.py and friends) assert the properties on shorter runs.

    .venv/bin/python benchmarks/bench_stress.py [--seconds 60] [--connections 64]
        [--workers 2]
"""

from __future__ import annotations

import argparse
import http.client
import json
import math
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import uuid
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

BBOX = (116.55, 39.62, 117.45, 40.72)
"""Lon/lat box over Tongzhou, Pinggu and Miyun (part of each answer is 'outside')."""
WEIGHTS = {"point": 60, "parcel": 25, "batch": 10, "coverage": 5}
DISTRICTS = ["通州区", "平谷区", "密云区"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def polygon(rng: random.Random) -> dict[str, Any]:
    """A convex polygon of 16-64 vertices, 0.3-2 km across, somewhere in :data:`BBOX`."""
    lon = rng.uniform(BBOX[0], BBOX[2])
    lat = rng.uniform(BBOX[1], BBOX[3])
    n = rng.randint(16, 64)
    r = rng.uniform(150, 1000)  # metres
    ring = []
    for i in range(n):
        a = 2 * math.pi * i / n
        ring.append(
            [
                round(lon + r * math.cos(a) / (111_320 * math.cos(math.radians(lat))), 7),
                round(lat + r * math.sin(a) / 110_540, 7),
            ]
        )
    ring.append(ring[0])
    return {"type": "Polygon", "coordinates": [ring]}


def point(rng: random.Random) -> tuple[float, float]:
    return (round(rng.uniform(BBOX[0], BBOX[2]), 5), round(rng.uniform(BBOX[1], BBOX[3]), 5))


@dataclass
class Tally:
    """What the clients saw, shared between client threads (guarded by ``lock``)."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    latency: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: Counter[str] = field(default_factory=Counter)
    answers: dict[str, bytes | dict[str, Any]] = field(default_factory=dict)
    """Report id -> the answer bytes received (a batch row's answer: its parsed JSON)."""
    served: int = 0
    kill_at: float | None = None
    t0: float = 0.0
    error_times: list[float] = field(default_factory=list)  # seconds since t0


def request(conn: http.client.HTTPConnection, kind: str, rng: random.Random) -> tuple[int, bytes]:
    """Send one request of ``kind``; return status and body."""
    if kind == "point":
        lon, lat = point(rng)
        conn.request("GET", f"/api/v1/lookup?lon={lon}&lat={lat}&activity=general_industry")
    elif kind == "parcel":
        body = json.dumps({"geometry": polygon(rng), "activities": ["urban_housing"]})
        conn.request("POST", "/api/v1/lookup", body, {"Content-Type": "application/json"})
    elif kind == "batch":
        features = []
        for i in range(5):
            lon, lat = point(rng)
            geom = polygon(rng) if i % 2 else {"type": "Point", "coordinates": [lon, lat]}
            features.append({"type": "Feature", "properties": {"n": i}, "geometry": geom})
        body = json.dumps({"type": "FeatureCollection", "features": features})
        conn.request(
            "POST",
            "/api/v1/lookup/batch?activity=general_industry",
            body,
            {"Content-Type": "application/json"},
        )
    else:
        district = urllib.parse.quote(rng.choice(DISTRICTS))
        conn.request("GET", f"/api/v1/coverage?district={district}&by=none")
    resp = conn.getresponse()
    return resp.status, resp.read()


def record_ids(tally: Tally, kind: str, body: bytes) -> None:
    """Remember the report ids of a 200 answer with the answer bytes (lookups only)."""
    if kind in ("point", "parcel"):
        data = json.loads(body)
        tally.answers[data["report_id"]] = body
    elif kind == "batch":
        for row in json.loads(body)["results"]:
            answer = row.get("result") or row.get("answer")
            if isinstance(answer, dict) and "report_id" in answer:
                tally.answers[answer["report_id"]] = answer


def client(port: int, seed: int, stop: threading.Event, tally: Tally) -> None:
    """One connection's loop: pick a kind, send, record; reconnect after an error."""
    rng = random.Random(seed)
    kinds, weights = zip(*WEIGHTS.items(), strict=True)
    conn: http.client.HTTPConnection | None = None
    while not stop.is_set():
        kind = rng.choices(kinds, weights)[0]
        if conn is None:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        t0 = time.perf_counter()
        try:
            status, body = request(conn, kind, rng)
        except (OSError, http.client.HTTPException) as exc:
            with tally.lock:
                tally.errors[f"{kind}: {type(exc).__name__}"] += 1
                tally.error_times.append(time.monotonic() - tally.t0)
            conn.close()
            conn = None
            continue
        dt = time.perf_counter() - t0
        with tally.lock:
            tally.served += 1
            tally.latency[kind].append(dt)
            if status == 200:
                record_ids(tally, kind, body)
            else:
                tally.errors[f"{kind}: HTTP {status}"] += 1
                tally.error_times.append(time.monotonic() - tally.t0)


def rss_mib(pid: int) -> float:
    """Resident memory of a process and its children (MiB, Linux /proc)."""
    total = 0
    for p in [pid, *children(pid)]:
        try:
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            pass
    return total / 1024


def children(pid: int) -> list[int]:
    try:
        text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    except OSError:
        return []
    return [int(c) for c in text.split()]


def workers_of(pid: int) -> list[int]:
    """The uvicorn worker processes of a ``geozone serve`` parent (not helpers)."""
    found = []
    for c in children(pid):
        try:
            cmd = Path(f"/proc/{c}/cmdline").read_bytes().replace(b"\0", b" ")
        except OSError:
            continue
        if b"resource_tracker" not in cmd:
            found.append(c)
    return found


def admin(port: int, token: str, method: str, path: str, **kwargs: Any) -> tuple[int, str]:
    """One admin call on a fresh connection; returns status and a short text."""
    import httpx

    with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=120) as c:
        r = c.request(method, path, headers={"Authorization": f"Bearer {token}"}, **kwargs)
        return r.status_code, r.text[:600]


def wait_healthy(port: int, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/healthz")
            if conn.getresponse().status in (200, 503):
                return
        except OSError:
            time.sleep(0.3)
    raise SystemExit("the server did not start")


def verify(
    port: int, answers: dict[str, bytes | dict[str, Any]], threads: int = 8
) -> tuple[int, int, int]:
    """Fetch every answered id: (fetchable with the same answer, different, missing).

    A lookup's answer must come back byte for byte; a batch row's, as the same JSON.
    """
    ids = list(answers)
    same = differ = missing = 0
    lock = threading.Lock()

    def work(part: list[str]) -> None:
        nonlocal same, differ, missing
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        for rid in part:
            conn.request("GET", f"/api/v1/reports/{rid}")
            resp = conn.getresponse()
            body = resp.read()
            with lock:
                if resp.status != 200:
                    missing += 1
                elif body == answers[rid] or json.loads(body) == answers[rid]:
                    same += 1
                else:
                    differ += 1

    parts = [ids[i::threads] for i in range(threads)]
    pool = [threading.Thread(target=work, args=(p,)) for p in parts]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    return same, differ, missing


def ms(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    values = sorted(values)
    return 1000 * values[min(len(values) - 1, int(q * len(values)))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--no-kill", action="store_true", help="skip the kill -9")
    args = parser.parse_args()

    from geozone.tokens import Role, new_token

    tmp = Path(tempfile.mkdtemp(prefix="geozone-stress-"))
    layers = tmp / "layers"
    shutil.copytree(REPO / "layers", layers, ignore=shutil.ignore_patterns("*.py"))
    token = new_token(tmp / "tokens.toml", "stress-admin", Role.ADMIN)
    port = free_port()
    env = {
        **os.environ,
        "GEOZONE_LAYERS_DIR": str(layers),
        "GEOZONE_REPORT_STORE": str(tmp / "reports.sqlite"),
        "GEOZONE_JOBS_DIR": str(tmp / "jobs"),
        "GEOZONE_TOKENS_FILE": str(tmp / "tokens.toml"),
    }
    cmd = [sys.executable, "-m", "geozone", "serve", "--port", str(port)]
    server = subprocess.Popen(
        [*cmd, "--workers", str(args.workers)],
        cwd=REPO,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=(tmp / "server.log").open("wb"),
    )
    try:
        wait_healthy(port)
        rss0 = rss_mib(server.pid)
        tally = Tally()
        stop = threading.Event()
        clients = [
            threading.Thread(target=client, args=(port, i, stop, tally), daemon=True)
            for i in range(args.connections)
        ]
        t0 = time.monotonic()
        tally.t0 = t0
        for t in clients:
            t.start()
        events: list[str] = []
        version = f"stress-{uuid.uuid4().hex[:6]}"
        # versions of a layer may not overlap in time: the version in force is retired
        # from 2031 on, then the upload takes over from 2031 (today's answers unchanged)
        plan = [
            (0.25, "retire"),
            (0.5, "upload"),
            *([] if args.no_kill else [(0.75, "kill")]),
        ]
        for at, what in plan:
            time.sleep(max(0.0, t0 + at * args.seconds - time.monotonic()))
            mark = time.monotonic() - t0
            if what == "upload":
                data = (REPO / "layers/data/parks_2024.gpkg").read_bytes()
                status, text = admin(
                    port,
                    token,
                    "POST",
                    "/api/v1/admin/layers/parks/versions",
                    files={"file": ("parks.gpkg", data)},
                    data={
                        "version": version,
                        "valid_from": "2031-01-01",
                        "source_crs": "EPSG:4326",
                    },
                )
            elif what == "retire":
                status, text = admin(
                    port,
                    token,
                    "POST",
                    "/api/v1/admin/layers/parks/versions/2024/retire",
                    json={"valid_to": "2030-12-31"},
                )
            else:
                victims = workers_of(server.pid)
                if victims:
                    os.kill(victims[0], signal.SIGKILL)
                    tally.kill_at = mark
                status, text = (0, f"killed worker {victims[:1]}")
            events.append(f"{mark:6.1f} s  {what}: {status} {text[:160]}")
        time.sleep(max(0.0, t0 + args.seconds - time.monotonic()))
        stop.set()
        for t in clients:
            t.join(timeout=120)
        elapsed = time.monotonic() - t0
        rss1 = rss_mib(server.pid)
        same, differ, missing = verify(port, tally.answers)
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=60)
        except subprocess.TimeoutExpired:
            server.kill()

    print(f"stress: {args.seconds:.0f} s, {args.connections} connections, {args.workers} workers")
    for line in events:
        print("  " + line)
    print(f"requests served: {tally.served} ({tally.served / elapsed:.0f}/s)")
    print("latency (ms):      n      p50      p99")
    for kind in WEIGHTS:
        lat = tally.latency.get(kind, [])
        print(f"  {kind:<10} {len(lat):7d} {ms(lat, 0.5):8.1f} {ms(lat, 0.99):8.1f}")
    everything = [v for values in tally.latency.values() for v in values]
    print(
        f"  {'all':<10} {len(everything):7d} {ms(everything, 0.5):8.1f} {ms(everything, 0.99):8.1f}"
    )
    print(f"errors: {sum(tally.errors.values())}")
    for kind, n in tally.errors.most_common():
        print(f"  {n:6d}  {kind}")
    if tally.kill_at is not None:
        # the killed worker's in-flight requests fail at the kill; anything else is a bug
        at_kill = [t for t in tally.error_times if tally.kill_at - 0.1 <= t <= tally.kill_at + 2]
        print(
            f"  {len(at_kill)} of them within 2 s after the kill -9 at {tally.kill_at:.1f} s "
            f"(the killed worker's in-flight requests); {len(tally.error_times) - len(at_kill)} "
            "at other times"
        )
    print(f"server RSS: {rss0:.0f} MiB at start, {rss1:.0f} MiB at end")
    print(
        f"report ids answered: {len(tally.answers)}; fetchable with the same answer: {same}; "
        f"different: {differ}; missing: {missing}"
    )
    shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
