"""``geozone serve --workers 2``: two processes, one report store, every answer fetchable."""

from __future__ import annotations

import json
import random
import urllib.request
from pathlib import Path

import pytest
from conftest import LAYERS
from live_server import run_server

pytestmark = pytest.mark.server


def test_two_workers_share_the_report_store(tmp_path: Path) -> None:
    # each urllib request opens a new connection, so the kernel spreads them over both
    # workers; an answer one worker still holds in its write-behind queue must be
    # fetchable from the other at once
    rng = random.Random(3)
    with run_server(LAYERS, tmp_path, workers=2) as srv:
        assert "--workers" in srv.process.args  # type: ignore[operator]
        for _ in range(30):
            lon, lat = rng.uniform(116.6, 117.4), rng.uniform(39.7, 40.7)
            answer = srv.get_json(f"/api/v1/lookup?lon={lon:.6f}&lat={lat:.6f}")
            with urllib.request.urlopen(
                f"{srv.url}/api/v1/reports/{answer['report_id']}", timeout=30
            ) as resp:
                stored = json.loads(resp.read())
            assert stored == answer  # the answer exactly as it was served
