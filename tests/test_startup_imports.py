"""Start-up stays light: what the service and ``geozone serve`` import before a request.

Checked in a fresh interpreter (``sys.modules``): the app factory plus its lifespan (layer
loading) must not import the coverage map stack (matplotlib, folium, branca) or rasterio,
which only coverage maps and population figures need; the ``geozone`` command must not
import geopandas or the coverage engine before a command that needs them runs. Timings
are measured by ``benchmarks/bench_startup.py``, never asserted here.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent

HEAVY_FOR_APP = ("matplotlib", "folium", "branca", "rasterio", "schemathesis", "hypothesis")
HEAVY_FOR_CLI = ("geopandas", "pandas", "matplotlib", "folium", "rasterio", "geozone.coverage")


def _modules_after(code: str, tmp_path: Path) -> set[str]:
    out = subprocess.run(
        [sys.executable, "-c", code + "\nimport sys, json; print(json.dumps(sorted(sys.modules)))"],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
        env={
            "PATH": "/usr/bin:/bin",
            "GEOZONE_REPORT_STORE": str(tmp_path / "reports.sqlite"),
            "GEOZONE_JOBS_DIR": str(tmp_path / "jobs"),
        },
    ).stdout
    return set(json.loads(out.strip().splitlines()[-1]))


def test_app_and_lifespan_do_not_import_the_coverage_map_stack(tmp_path: Path) -> None:
    code = (
        "from fastapi.testclient import TestClient\n"
        "from api.main import create_app\n"
        "with TestClient(create_app()) as c:\n"
        "    assert c.get('/healthz').status_code == 200\n"
        "    assert c.get('/api/v1/lookup?lon=116.65&lat=39.9').status_code == 200\n"
    )
    loaded = _modules_after(code, tmp_path)
    assert "geozone.lookup" in loaded and "fastapi" in loaded  # the check saw the app
    assert [m for m in HEAVY_FOR_APP if m in loaded] == []


def test_cli_imports_a_command_only_when_it_runs(tmp_path: Path) -> None:
    loaded = _modules_after(
        "from geozone.cli import cli\nimport geozone.cli.serve, geozone.cli.workers", tmp_path
    )
    assert "click" in loaded and "uvicorn" in loaded
    assert [m for m in HEAVY_FOR_CLI if m in loaded] == []
    # every command is still there, imported on first use
    loaded = _modules_after(
        "from geozone.cli import cli\nimport click\n"
        "ctx = click.Context(cli)\n"
        "names = cli.list_commands(ctx)\n"
        "assert names == ['activities', 'coverage', 'db', 'layers', 'lookup', 'report',"
        " 'rules', 'serve', 'token', 'versions'], names\n"
        "assert all(isinstance(cli.get_command(ctx, n), click.Command) for n in names)\n",
        tmp_path,
    )
    assert "geozone.coverage" in loaded
