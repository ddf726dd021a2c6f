"""Start-up benchmark: seconds from ``geozone serve`` to the first 200 from ``/healthz``.

Each round is a cold start of a fresh process (``python -m geozone serve`` on a free
loopback port, the shipped layers unless ``--layers``), timed from ``Popen`` to the first
``GET /healthz`` answered 200 (polled every 20 ms), then stopped with SIGTERM. Printed: each
round, the median, and the layer-set load time the server logs (``loaded layer set ...
in X s``), so the rest (interpreter, imports, app build, uvicorn) can be read off; the
ratio is against the 2 s target of issue #19. ``--importtime`` also prints the ten
slowest imports of one start (``python -X importtime``, cumulative microseconds).

    .venv/bin/python benchmarks/bench_startup.py [--rounds 3] [--layers DIR] [--importtime]
"""

from __future__ import annotations

import argparse
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
TARGET_S = 2.0
"""Issue #19: ``geozone serve`` answers ``/healthz`` within 2 s on the demo layers."""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def tree_cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of a live process and its live descendants (/proc)."""
    parents: dict[int, int] = {}
    ticks: dict[int, int] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        p = int(stat.parent.name)
        parents[p] = int(fields[1])
        ticks[p] = int(fields[11]) + int(fields[12])
    tree, grew = {pid}, True
    while grew:
        more = {p for p, pp in parents.items() if pp in tree} - tree
        tree |= more
        grew = bool(more)
    return sum(ticks.get(p, 0) for p in tree) / os.sysconf("SC_CLK_TCK")


def one_start(layers: Path | None, importtime: bool = False) -> tuple[float, float, str]:
    """One cold start: (seconds to first /healthz 200, CPU seconds used by then, stderr)."""
    port = _free_port()
    state = tempfile.mkdtemp(prefix="geozone-bench-startup-")
    env = dict(os.environ, GEOZONE_REPORT_STORE=str(Path(state) / "reports.sqlite"))
    cmd = [sys.executable]
    if importtime:
        cmd += ["-X", "importtime"]
    cmd += ["-m", "geozone", "serve", "--host", "127.0.0.1", "--port", str(port)]
    if layers is not None:
        cmd += ["--layers", str(layers)]
    t0 = time.perf_counter()
    err_path = Path(state) / "stderr.txt"
    err_file = err_path.open("w")
    proc = subprocess.Popen(cmd, cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=err_file)
    url = f"http://127.0.0.1:{port}/healthz"
    elapsed, cpu = None, 0.0
    try:
        while time.perf_counter() - t0 < 60:
            if proc.poll() is not None:
                raise SystemExit(f"server exited early:\n{err_path.read_text()}")
            try:
                with urllib.request.urlopen(url, timeout=2) as r:
                    if r.status == 200:
                        elapsed = time.perf_counter() - t0
                        cpu = tree_cpu_seconds(proc.pid)
                        break
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                time.sleep(0.02)
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        err_file.close()
    if elapsed is None:
        raise SystemExit("no /healthz answer within 60 s")
    return elapsed, cpu, err_path.read_text(encoding="utf-8", errors="replace")


def layer_load_seconds(layers: Path | None) -> float:
    """Seconds to load the layer set in this process (after its imports)."""
    sys.path.insert(0, str(REPO))
    from geozone.catalog import load_catalog
    from geozone.settings import Settings

    t0 = time.perf_counter()
    load_catalog(layers or Settings().layers_dir)
    return time.perf_counter() - t0


def slowest_imports(stderr: str, n: int = 10) -> list[tuple[int, str]]:
    """The ``n`` top-level imports with the largest cumulative time (microseconds)."""
    rows = []
    for line in stderr.splitlines():
        m = re.match(r"import time:\s+(\d+) \|\s+(\d+) \| (\s*)(\S+)", line)
        if m and len(m.group(3)) <= 1:  # top level (one space after the bar)
            rows.append((int(m.group(2)), m.group(4)))
    return sorted(rows, reverse=True)[:n]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--layers", type=Path, default=None)
    ap.add_argument("--importtime", action="store_true")
    args = ap.parse_args()
    times, cpus = [], []
    for i in range(args.rounds):
        t, cpu, _ = one_start(args.layers)
        times.append(t)
        cpus.append(cpu)
        print(f"start {i + 1}: /healthz after {t:.2f} s ({cpu:.2f} s CPU, all processes)")
    med = statistics.median(times)
    load = layer_load_seconds(args.layers)
    print(
        f"median of {args.rounds}: {med:.2f} s to /healthz, {statistics.median(cpus):.2f} s CPU "
        f"(steadier on a shared machine; layer set load alone, in-process: "
        f"{load:.2f} s); target {TARGET_S:.1f} s: {med / TARGET_S:.2f}x of the target"
    )
    if args.importtime:
        _, _, err = one_start(args.layers, importtime=True)
        print("slowest top-level imports (cumulative, one start):")
        for us, name in slowest_imports(err):
            print(f"  {us / 1e6:6.3f} s  {name}")


if __name__ == "__main__":
    main()
