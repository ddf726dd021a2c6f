"""schemathesis with every check against a real uvicorn on loopback: 0 failures.

``schemathesis run --checks all`` (not only "no 5xx"): response schema, status code,
content type and headers conformance, negative data rejection, use-after-free,
resource availability, ignored auth, missing headers, unsupported methods and ``Allow``
headers, on every operation including /ogc, admin uploads (given the admin token, on a
copy of the layer folder) and batch jobs. ``positive_data_acceptance`` runs as
``positive_data_acceptance_geozone`` (tests/schemathesis_hooks.py): the same check,
excusing only the listed refusals that depend on content JSON Schema cannot state
(geometry validity, an uploaded file's contents, dates before the first layer).

Bounded (20 examples per operation, fixed seed, ~30-60 s); the longer run is
``benchmarks/schemathesis_long.py``.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import LAYERS
from live_server import run_server

TESTS = Path(__file__).resolve().parent
ADMIN_TOKEN = "schemathesis-admin-token-0123456789"


def schemathesis_command(url: str, max_examples: int, seed: int) -> list[str]:
    """The ``schemathesis run`` command line with every check (see the module docstring)."""
    return [
        str(Path(sys.executable).parent / "schemathesis"),
        "run",
        f"{url}/openapi.json",
        "--checks",
        "all",
        "--exclude-checks",
        "positive_data_acceptance",  # run as positive_data_acceptance_geozone (hooks)
        "-H",
        f"Authorization: Bearer {ADMIN_TOKEN}",
        "--max-examples",
        str(max_examples),
        "--phases",
        "examples,coverage,fuzzing",
        "--workers",
        "1",
        "--seed",
        str(seed),
        "--suppress-health-check",
        "all",
        "--wait-for-schema",
        "60",
        "--no-color",
    ]


def schemathesis_env() -> dict[str, str]:
    """The environment that loads tests/schemathesis_hooks.py."""
    path = os.pathsep.join([str(TESTS), os.environ.get("PYTHONPATH", "")])
    return {**os.environ, "SCHEMATHESIS_HOOKS": "schemathesis_hooks", "PYTHONPATH": path}


@pytest.mark.server
@pytest.mark.slow
def test_schemathesis_all_checks(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    layers = tmp_path / "layers"  # admin uploads and retirements change the folder
    shutil.copytree(LAYERS, layers)
    monkeypatch.setenv("GEOZONE_ADMIN_TOKEN", ADMIN_TOKEN)
    monkeypatch.setenv("GEOZONE_AUDIT_LOG", str(tmp_path / "audit.jsonl"))
    with run_server(layers, tmp_path) as server:
        run = subprocess.run(
            schemathesis_command(server.url, max_examples=20, seed=1),
            env=schemathesis_env(),
            cwd=tmp_path,  # schemathesis keeps a .schemathesis/ cache in its folder
            capture_output=True,
            text=True,
            timeout=540,
            check=False,
        )
    out = run.stdout + run.stderr
    assert run.returncode == 0, out[-8000:]
    selected = re.search(r"Selected: (\d+)/(\d+)", out)
    assert selected and selected[1] == selected[2] and int(selected[1]) >= 25, out[-3000:]
