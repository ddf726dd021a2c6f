"""Property-based API test: schemathesis generates requests from the OpenAPI document and
no operation may answer 5xx. Bounded (10 examples per operation) and deterministic.

Admin (multipart uploads behind a token) and batch jobs (file uploads, background
threads) are excluded; they have their own tests.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import schemathesis
from conftest import LAYERS
from hypothesis import HealthCheck, settings

from api.main import create_app
from geozone.settings import Settings

_VAR = Path(tempfile.mkdtemp(prefix="geozone-schemathesis-"))
APP = create_app(
    Settings(
        layers_dir=LAYERS,
        report_store=_VAR / "reports.sqlite",
        jobs_dir=_VAR / "jobs",
    )
)
schema = schemathesis.openapi.from_asgi("/openapi.json", APP).exclude(
    path_regex=r"^/api/v1/(admin|jobs)"
)


@schema.parametrize()
@settings(
    max_examples=10,
    derandomize=True,
    deadline=None,
    suppress_health_check=list(HealthCheck),
)
def test_no_server_errors(case: schemathesis.Case) -> None:
    response = case.call()
    assert response.status_code < 500, (
        f"{case.method} {case.formatted_path} -> {response.status_code}: {response.text[:500]}"
    )
    if response.status_code >= 400:
        body = response.json()
        assert set(body) == {"code", "message", "detail"}
