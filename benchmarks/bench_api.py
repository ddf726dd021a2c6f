"""HTTP benchmark: GET /api/v1/lookup against a hello-world endpoint on the same server.

Starts uvicorn (one worker, loopback, free port) on the shipped layers with one extra
route ``GET /hello`` returning ``{"hello": "world"}``, then drives both with an
asyncio + httpx client at 32 concurrent connections and prints requests/s, p50 and p99
latency, and the lookup/hello throughput ratio (target >= 50 %, lookup p99 < 25 ms).

Caveat: the client runs on the same machine as the server (2 cores here), so it takes
CPU from the server; absolute numbers are a floor, the ratio is the useful figure.

    .venv/bin/python benchmarks/bench_api.py [--requests 4000] [--concurrency 32]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))


def app_factory():  # type: ignore[no-untyped-def]
    """The geozone app plus a hello-world route, for uvicorn ``--factory``."""
    from api.main import create_app

    app = create_app()

    @app.get("/hello", include_in_schema=False)
    async def hello() -> dict[str, str]:
        return {"hello": "world"}

    return app


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server(port: int, var: Path) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "PYTHONPATH": f"{REPO}{os.pathsep}{REPO / 'benchmarks'}",
        "GEOZONE_REPORT_STORE": str(var / "reports.sqlite"),
        "GEOZONE_JOBS_DIR": str(var / "jobs"),
    }
    cmd = [
        sys.executable,
        "-m",
        "uvicorn",
        "bench_api:app_factory",
        "--factory",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--workers",
        "1",
        "--log-level",
        "warning",
        "--no-access-log",
    ]
    proc = subprocess.Popen(cmd, cwd=REPO, env=env)
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                return proc
        except httpx.HTTPError:
            time.sleep(0.2)
    proc.kill()
    raise SystemExit("server did not start")


async def drive(base: str, urls: list[str], concurrency: int) -> tuple[float, list[float]]:
    """Send every URL with ``concurrency`` workers; return (wall seconds, latencies in s)."""
    latencies: list[float] = []
    queue: asyncio.Queue[str] = asyncio.Queue()
    for u in urls:
        queue.put_nowait(u)
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=30) as client:

        async def worker() -> None:
            while not queue.empty():
                url = queue.get_nowait()
                t0 = time.perf_counter()
                r = await client.get(url)
                latencies.append(time.perf_counter() - t0)
                if r.status_code != 200:
                    raise RuntimeError(f"{url}: {r.status_code} {r.text[:200]}")

        start = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        wall = time.perf_counter() - start
    return wall, latencies


def pct(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[int(q) - 1]


def report(name: str, n: int, wall: float, lat: list[float]) -> float:
    rps = n / wall
    print(
        f"{name:<8} {n:>6} req  {rps:>8.0f} req/s  p50 {1000 * pct(lat, 50):6.2f} ms  "
        f"p99 {1000 * pct(lat, 99):6.2f} ms"
    )
    return rps


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=4000)
    parser.add_argument("--concurrency", type=int, default=32)
    args = parser.parse_args()
    rng = random.Random(42)
    # points across the three districts' bounding box (some fall outside: also answered)
    points = [(rng.uniform(116.55, 117.45), rng.uniform(39.65, 40.75)) for _ in range(500)]
    lookups = [
        f"/api/v1/lookup?lon={lon:.6f}&lat={lat:.6f}&as_of=2026-11-25"
        for lon, lat in (points[i % len(points)] for i in range(args.requests))
    ]
    hellos = ["/hello"] * args.requests
    with tempfile.TemporaryDirectory(prefix="geozone-bench-") as tmp:
        port = free_port()
        proc = start_server(port, Path(tmp))
        base = f"http://127.0.0.1:{port}"
        try:
            asyncio.run(drive(base, lookups[:300] + hellos[:300], args.concurrency))  # warm-up
            hw, hl = asyncio.run(drive(base, hellos, args.concurrency))
            lw, ll = asyncio.run(drive(base, lookups, args.concurrency))
        finally:
            proc.terminate()
            proc.wait(timeout=15)
    print(f"uvicorn, 1 worker, {args.concurrency} concurrent connections, client on the same host")
    hello_rps = report("hello", len(hellos), hw, hl)
    lookup_rps = report("lookup", len(lookups), lw, ll)
    ratio = lookup_rps / hello_rps
    p99 = 1000 * pct(ll, 99)
    print(
        f"lookup/hello throughput ratio: {ratio:.0%} (target >= 50 %); "
        f"lookup p99 {p99:.1f} ms (target < 25 ms)"
    )


if __name__ == "__main__":
    main()
