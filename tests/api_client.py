"""A TestClient over ``create_app`` with the lifespan running and a throw-away store.

Every API test needs the same thing: a layer set, and a report store and jobs folder of
its own (never the repo's ``var/``), plus a setting or two to override.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient

from api.main import create_app
from geozone.settings import Settings


@contextmanager
def api_client(layers_dir: Path, workdir: Path, **overrides: Any) -> Iterator[TestClient]:
    """Run the app on ``layers_dir`` with its report store and jobs under ``workdir``."""
    settings = Settings(
        layers_dir=layers_dir,
        report_store=workdir / "reports.sqlite",
        jobs_dir=workdir / "jobs",
        **overrides,
    )
    with TestClient(create_app(settings)) as client:
        yield client
