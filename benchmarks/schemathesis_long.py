"""The long schemathesis run: every check, many examples, against a real uvicorn on loopback.

The same command as ``tests/test_schemathesis.py`` (``--checks all``, the narrowed
``positive_data_acceptance`` of ``tests/schemathesis_hooks.py``, the admin token, a copy of
the layer folder) with more examples per operation and another seed. Prints
schemathesis' summary: cases generated, failures by check. Exits non-zero on a failure.

    .venv/bin/python benchmarks/schemathesis_long.py --max-examples 300 --seed 19
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests"))

from live_server import run_server  # noqa: E402
from test_schemathesis import (  # noqa: E402
    ADMIN_TOKEN,
    schemathesis_command,
    schemathesis_env,
)


def main() -> int:
    """Run schemathesis once and print its summary; 0 when it found no failure."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--max-examples", type=int, default=300)
    parser.add_argument("--seed", type=int, default=19)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="geozone-st-long-") as tmp:
        work = Path(tmp)
        shutil.copytree(REPO / "layers", work / "layers")
        os.environ["GEOZONE_ADMIN_TOKEN"] = ADMIN_TOKEN
        os.environ["GEOZONE_AUDIT_LOG"] = str(work / "audit.jsonl")
        started = time.perf_counter()
        with run_server(work / "layers", work) as server:
            run = subprocess.run(
                schemathesis_command(server.url, args.max_examples, args.seed),
                env=schemathesis_env(),
                cwd=work,  # schemathesis keeps a .schemathesis/ cache in its folder
                capture_output=True,
                text=True,
                check=False,
            )
        elapsed = time.perf_counter() - started
    out = run.stdout + run.stderr
    print(out.split("SUMMARY")[-1] if "SUMMARY" in out else out[-6000:])
    if run.returncode != 0:
        print(out[-20000:])
    print(f"max_examples={args.max_examples} seed={args.seed} wall={elapsed:.0f} s")
    return run.returncode


if __name__ == "__main__":
    sys.exit(main())
