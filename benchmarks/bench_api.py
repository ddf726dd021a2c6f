"""HTTP benchmark: GET /api/v1/lookup against a hello-world endpoint on the same server.

Starts uvicorn on loopback (a free port) on the shipped layers with one extra route,
``GET /hello`` returning ``{"hello": "world"}`` (FastAPI's minimal endpoint), and drives
both with ``wrk`` (Debian's package, a C load generator; ``make bench`` installs it) at 32
concurrent connections. Printed per endpoint: requests/s, p50 and p99 latency, the
throughput as a share of hello-world's (target >= 50 %; lookup p99 target < 25 ms) and,
with one worker, the server's CPU time per request (from /proc; steadier than req/s on
a shared machine). Lookups pick one of 2,000 seeded random points over the three
districts' bounding box per request (a Lua script; about half fall outside the
territory, which is answered too), for one activity (the reviewer's usual question) and
for all 20 activities. Every lookup is stored in the report store, as in service.

Over a run each point is asked ~10 times, and the report store only counts a question
it has stored before (no answer rewrite); ``--points 100000`` makes nearly every
question new. Answers are never reused between points: each point gets its own hit
finding and distances (:mod:`geozone.answer_templates` reuses what a set of hits decides;
the point grid and :mod:`geozone.boundary_distances` keep per-cell work for places asked
again, so ``--points 100000`` also shows the cold case).

The hello route passes the app's whole middleware stack, as every FastAPI route does; a
plain lookup is answered ahead of it (:mod:`api.fast_lookup`, ~50 us of CPU per request
less). Both are what a client gets from the service as deployed.

Two configurations run: one worker (per-core efficiency: the ratio target) and one
worker per CPU core, supervised as ``geozone serve --workers N`` does (a listening socket
per worker, :mod:`geozone.cli.workers`): how the service is deployed.

A Python client (asyncio + httpx) was tried first and measured itself: it topped out
near 260 req/s on hello-world where wrk drives the same server at ~2,800 req/s.

Caveat: wrk runs on the same machine as the server (two cores here) and competes with
it for CPU; absolute figures are a floor and vary by a fifth between runs on a shared
VM. The ratio and the CPU per request are the useful figures.

    .venv/bin/python benchmarks/bench_api.py [--seconds 5] [--rounds 3] [--concurrency 32]
        [--workers N] [--points 2000]
"""

from __future__ import annotations

import argparse
import os
import random
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
RATIO_TARGET = 0.5
"""Lookup throughput as a share of hello-world's (issue #5)."""
P99_MS = 25.0
"""Lookup p99 latency target, milliseconds (issue #5)."""
sys.path.insert(0, str(REPO))


def app_factory():  # type: ignore[no-untyped-def]
    """The geozone app plus a hello-world route, for uvicorn ``--factory``.

    The hello route is FastAPI's minimal endpoint, and it is tried first, as the lookup
    route is: matching a path against the app's other routers costs ~150 us of CPU per
    request with this FastAPI (its included routers are searched one by one), which a
    hello-world app does not pay. Left last, it made the reference ~40 % slower and the
    ratio look better than it is.
    """
    from api.main import create_app

    app = create_app()

    @app.get("/hello", include_in_schema=False)
    async def hello() -> dict[str, str]:
        return {"hello": "world"}

    app.router.routes.insert(0, app.router.routes.pop())  # first, as /api/v1/lookup is
    return app


def serve(port: int, workers: int) -> None:
    """Serve :func:`app_factory` as ``geozone serve --workers N`` does.

    One worker: a uvicorn server in this process. More: a listening socket per worker
    (:func:`geozone.cli.workers.run_workers`).
    """
    import uvicorn

    from geozone.cli.workers import run_workers

    config = uvicorn.Config(
        "bench_api:app_factory",
        factory=True,
        host="127.0.0.1",
        port=port,
        log_level="warning",
        access_log=False,
    )
    if workers == 1:
        uvicorn.Server(config).run()
    else:
        sys.exit(run_workers(config, workers))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server(port: int, var: Path, workers: int) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "PYTHONPATH": f"{REPO}{os.pathsep}{REPO / 'benchmarks'}",
        "GEOZONE_REPORT_STORE": str(var / "reports.sqlite"),
        "GEOZONE_JOBS_DIR": str(var / "jobs"),
    }
    cmd = [sys.executable, "-c", f"import bench_api; bench_api.serve({port}, {workers})"]
    proc = subprocess.Popen(cmd, cwd=REPO, env=env)
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1) as r:
                if r.status == 200:
                    return proc
        except OSError:
            time.sleep(0.2)
    proc.kill()
    raise SystemExit("server did not start")


LUA = """
local paths = {%s}
request = function()
  return wrk.format("GET", paths[math.random(#paths)])
end
"""


def cpu_seconds(pid: int) -> float | None:
    """User + system CPU time of a process (Linux /proc), or None where unavailable."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def run_wrk(
    url: str, paths: list[str], seconds: int, concurrency: int, tmp: Path, pid: int | None
) -> dict:
    """Run wrk over ``paths`` (picked at random per request); return rps, p50, p99 (ms).

    With ``pid`` (a one-process server), also the server's CPU microseconds per request.
    """
    script = tmp / "paths.lua"
    script.write_text(LUA % ", ".join(f'"{p}"' for p in paths), encoding="utf-8")
    cmd = ["wrk", "-t1", f"-c{concurrency}", f"-d{seconds}s", "--latency", "-s", str(script), url]
    cpu0 = cpu_seconds(pid) if pid else None
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    cpu1 = cpu_seconds(pid) if pid else None
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    count = int(re.search(r"(\d+) requests in", out).group(1))  # type: ignore[union-attr]
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if errors:
        raise SystemExit(f"{errors.group(1)} error responses:\n{out}")

    def pct(label: str) -> float:
        m = re.search(rf"\s{label}%\s+([\d.]+)(us|ms|s)", out)
        assert m, out
        scale = {"us": 1e-3, "ms": 1.0, "s": 1e3}[m.group(2)]
        return float(m.group(1)) * scale

    cpu_us = (cpu1 - cpu0) / count * 1e6 if cpu0 is not None and cpu1 is not None else None
    return {"rps": rps, "p50": pct("50"), "p99": pct("99"), "cpu_us": cpu_us}


def bench(
    workers: int, seconds: int, rounds: int, concurrency: int, points: list[tuple[float, float]]
) -> None:
    """Start a server with ``workers`` workers, measure hello and lookups, print a table."""
    one = [
        f"/api/v1/lookup?lon={lon:.6f}&lat={lat:.6f}&as_of=2026-11-25&activity=polluting_industry"
        for lon, lat in points
    ]
    every = [f"/api/v1/lookup?lon={lon:.6f}&lat={lat:.6f}&as_of=2026-11-25" for lon, lat in points]
    with tempfile.TemporaryDirectory(prefix="geozone-bench-") as tmp_name:
        tmp = Path(tmp_name)
        port = free_port()
        proc = start_server(port, tmp, workers)
        pid = proc.pid if workers == 1 else None
        base = f"http://127.0.0.1:{port}"
        endpoints = {"hello": ["/hello"], "lookup, 1 activity": one, "lookup, all 20": every}
        runs: dict[str, list[dict]] = {name: [] for name in endpoints}
        try:
            run_wrk(base, [*one, *every, "/hello"], 3, concurrency, tmp, None)  # warm-up
            for _ in range(rounds):  # interleaved, so a drift in machine speed hits all alike
                for name, paths in endpoints.items():
                    runs[name].append(run_wrk(base, paths, seconds, concurrency, tmp, pid))
        finally:
            proc.terminate()
            proc.wait(timeout=15)
    print(
        f"\nuvicorn, {workers} worker(s); wrk, 1 thread, {concurrency} connections, same host; "
        f"median of {rounds} interleaved rounds of {seconds} s"
    )
    for name, found in runs.items():
        # each round's ratio against the hello run of the same round, then the median
        ratios = [r["rps"] / h["rps"] for r, h in zip(found, runs["hello"], strict=True)]
        cpu = [r["cpu_us"] for r in found if r["cpu_us"] is not None]
        cpu_text = f"  {statistics.median(cpu):5.0f} us CPU/req" if cpu else ""
        ratio, p99 = statistics.median(ratios), statistics.median(r["p99"] for r in found)
        missed = [
            t for t, ok in (("ratio", ratio >= RATIO_TARGET), ("p99", p99 < P99_MS)) if not ok
        ]
        verdict = (
            "" if name == "hello" else "  " + (f"misses {'+'.join(missed)}" if missed else "meets")
        )
        print(
            f"{name:<20} {statistics.median(r['rps'] for r in found):>8.0f} req/s"
            f"  p50 {statistics.median(r['p50'] for r in found):7.2f} ms"
            f"  p99 {p99:7.2f} ms"
            f"  {ratio:5.0%} of hello ({min(ratios):.0%}-{max(ratios):.0%})"
            f"{cpu_text}{verdict}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=5, help="per endpoint and round")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--points", type=int, default=2000, help="distinct lookup points")
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument(
        "--workers", type=int, default=os.cpu_count() or 1, help="the multi-worker run's count"
    )
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is missing: run 'make bench' (installs Debian's wrk) first")
    rng = random.Random(42)
    # points across the three districts' bounding box (some fall outside: also answered)
    points = [(rng.uniform(116.55, 117.45), rng.uniform(39.65, 40.75)) for _ in range(args.points)]
    for workers in sorted({1, max(1, args.workers)}):
        bench(workers, args.seconds, args.rounds, args.concurrency, points)
    print(
        f"\ntargets: lookup >= {RATIO_TARGET:.0%} of hello-world throughput, lookup p99 < "
        f"{P99_MS:g} ms ('meets'/'misses' per line, from the medians). With one worker, 32 "
        "connections queue on one core: hello-world's own p99 is ~20 ms there, so the p99 "
        "target is for the service as deployed, one worker per core."
    )


if __name__ == "__main__":
    main()
