"""HTTP benchmark: GET /api/v1/lookup against a hello-world endpoint on the same server.

Starts uvicorn (one worker, loopback, free port) on the shipped layers with one extra
route ``GET /hello`` returning ``{"hello": "world"}``, then drives both with ``wrk``
(Debian's package, a C load generator; ``make bench`` installs it) at 32 concurrent
connections and prints requests/s, p50 and p99 latency, and the lookup/hello throughput
ratio (target >= 50 %, lookup p99 < 25 ms). Lookups pick one of 500 seeded random points
over the three districts' bounding box per request (a Lua script), for one activity
(the reviewer's usual question) and for all 20 activities.

A Python client (asyncio + httpx) was tried first and measured itself: it topped out near
260 req/s on hello-world where wrk drives the same server at ~2,800 req/s.

Caveat: wrk runs on the same 2-core machine as the server and takes one core; absolute
numbers are a floor, the ratio is the useful figure.

    .venv/bin/python benchmarks/bench_api.py [--seconds 10] [--concurrency 32]
"""

from __future__ import annotations

import argparse
import os
import random
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

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


def run_wrk(url: str, paths: list[str], seconds: int, concurrency: int, tmp: Path) -> dict:
    """Run wrk over ``paths`` (picked at random per request); return rps, p50, p99 (ms)."""
    script = tmp / "paths.lua"
    script.write_text(LUA % ", ".join(f'"{p}"' for p in paths), encoding="utf-8")
    cmd = ["wrk", "-t1", f"-c{concurrency}", f"-d{seconds}s", "--latency", "-s", str(script), url]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if errors:
        raise SystemExit(f"{errors.group(1)} error responses:\n{out}")

    def pct(label: str) -> float:
        m = re.search(rf"\s{label}%\s+([\d.]+)(us|ms|s)", out)
        assert m, out
        scale = {"us": 1e-3, "ms": 1.0, "s": 1e3}[m.group(2)]
        return float(m.group(1)) * scale

    return {"rps": rps, "p50": pct("50"), "p99": pct("99")}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--concurrency", type=int, default=32)
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is missing: run 'make bench' (installs Debian's wrk) first")
    rng = random.Random(42)
    # points across the three districts' bounding box (some fall outside: also answered)
    points = [(rng.uniform(116.55, 117.45), rng.uniform(39.65, 40.75)) for _ in range(500)]
    one = [
        f"/api/v1/lookup?lon={lon:.6f}&lat={lat:.6f}&as_of=2026-11-25&activity=polluting_industry"
        for lon, lat in points
    ]
    every = [f"/api/v1/lookup?lon={lon:.6f}&lat={lat:.6f}&as_of=2026-11-25" for lon, lat in points]
    with tempfile.TemporaryDirectory(prefix="geozone-bench-") as tmp_name:
        tmp = Path(tmp_name)
        port = free_port()
        proc = start_server(port, tmp)
        base = f"http://127.0.0.1:{port}"
        try:
            run_wrk(base, [*one, "/hello"], 3, args.concurrency, tmp)  # warm-up
            results = {
                "hello": run_wrk(base, ["/hello"], args.seconds, args.concurrency, tmp),
                "lookup, 1 activity": run_wrk(base, one, args.seconds, args.concurrency, tmp),
                "lookup, all 20": run_wrk(base, every, args.seconds, args.concurrency, tmp),
            }
        finally:
            proc.terminate()
            proc.wait(timeout=15)
    print(f"uvicorn, 1 worker; wrk, 1 thread, {args.concurrency} connections, same host")
    hello = results["hello"]["rps"]
    for name, r in results.items():
        print(
            f"{name:<20} {r['rps']:>8.0f} req/s  p50 {r['p50']:7.2f} ms  p99 {r['p99']:7.2f} ms"
            f"  {r['rps'] / hello:5.0%} of hello"
        )
    print("targets: lookup >= 50 % of hello-world throughput, lookup p99 < 25 ms")


if __name__ == "__main__":
    main()
