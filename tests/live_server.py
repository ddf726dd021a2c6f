"""A real geozone server for tests: uvicorn in a subprocess on a free loopback port.

The server runs the app factory with the given layer set and a throw-away report store
and jobs folder, is waited for on ``/healthz`` and is stopped when the context exits.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent


def free_port() -> int:
    """A free TCP port on 127.0.0.1."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Server:
    """A running geozone API: base URL and the process."""

    url: str
    process: subprocess.Popen[bytes]
    log: Path

    def get_json(self, path: str) -> Any:
        """GET a JSON document from the server."""
        with urllib.request.urlopen(self.url + path, timeout=60) as resp:
            return json.loads(resp.read().decode("utf-8"))


@contextmanager
def run_server(
    layers_dir: Path,
    workdir: Path,
    timeout_s: float = 90.0,
    workers: int | None = None,
    store: Path | None = None,
    env: dict[str, str] | None = None,
    database_url: str | None = None,
) -> Iterator[Server]:
    """Start uvicorn on a free port, wait for /healthz, stop it on exit.

    With ``workers``, the server is started as a user would, ``geozone serve --workers N``.
    ``store`` is the report store's file (default ``workdir/reports.sqlite``), e.g. on a
    mount a test fills up or makes read-only; the log and jobs stay in ``workdir``.
    ``env`` adds settings (``GEOZONE_*``) to the server's environment. With
    ``database_url`` the server runs on that database (``GEOZONE_DATABASE_URL``):
    ``layers_dir`` is then ignored (pass a folder that does not exist to show none is
    read).
    """
    port = free_port()
    server_env = {
        **os.environ,
        "GEOZONE_LAYERS_DIR": str(layers_dir),
        "GEOZONE_REPORT_STORE": str(store or workdir / "reports.sqlite"),
        "GEOZONE_JOBS_DIR": str(workdir / "jobs"),
    }
    for name in ("GEOZONE_BASEMAP_URL", "GEOZONE_BASEMAPS", "GEOZONE_TIANDITU_KEY"):
        server_env.pop(name, None)
    server_env.pop("GEOZONE_DATABASE_URL", None)
    if database_url is not None:
        server_env["GEOZONE_DATABASE_URL"] = database_url
    server_env.update(env or {})
    log = workdir / "uvicorn.log"
    with log.open("wb") as out:
        uvicorn_cmd = [
            sys.executable,
            "-m",
            "uvicorn",
            "api.main:create_app",
            "--factory",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--log-level",
            "warning",
        ]
        serve_cmd = [sys.executable, "-m", "geozone", "serve", "--port", str(port)]
        proc = subprocess.Popen(
            uvicorn_cmd if workers is None else [*serve_cmd, "--workers", str(workers)],
            cwd=REPO,
            env=server_env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + timeout_s
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"uvicorn exited early:\n{log.read_text()[-3000:]}")
            try:
                with urllib.request.urlopen(url + "/healthz", timeout=2) as resp:
                    if resp.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"server not healthy in {timeout_s} s:\n{log.read_text()}")
            time.sleep(0.3)
        yield Server(url, proc, log)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)
