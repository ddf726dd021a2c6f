"""The fast path of GET /api/v1/lookup (api/fast_lookup.py) answers as the full stack does.

Two apps on the demo layers, one with the fast path and one without, get the same
requests; status, headers (in order) and body bytes must be equal. Counting calls into
the middleware stack shows which path a request took.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import pytest
from api_client import api_client
from fastapi.testclient import TestClient
from starlette.types import ASGIApp, Receive, Scope, Send

from api.fast_lookup import GeozoneAPI
from api.main import create_app
from geozone.errors import ReportStoreUnavailable
from geozone.settings import Settings

LOOKUP = "/api/v1/lookup"
AS_OF = "as_of=2026-11-25"

CASES = [
    # answers: red line core, every activity, off the territory, projected, a summary
    f"lon=116.95&lat=40.45&activity=general_industry&{AS_OF}",
    f"lon=116.95&lat=40.45&{AS_OF}",
    f"lon=121.47&lat=31.23&activity=urban_housing&{AS_OF}",
    f"lon=470069&lat=4416720&crs=EPSG:4548&{AS_OF}",
    f"lon=116.95&lat=40.45&detail=summary&tolerance_m=20&{AS_OF}",
    f"lon=116.95&lat=40.45&activity=commercial&activity=general_industry&{AS_OF}",
    # errors: each rendered by the app's exception handlers
    "lon=nan&lat=40.45",
    "lon=116.95",
    "lon=40.45&lat=116.95",
    f"lon=116.95&lat=40.45&activity=no_such_activity&{AS_OF}",
    "lon=116.95&lat=40.45&as_of=1990-01-01",
    "lon=116.95&lat=40.45&tolerance_m=inf",
    "lon=116.95&lat=40.45&crs=IAU_2015:30100",
    "lon=116.95&lat=40.45&as_of=not-a-date",
]


class CountingStack:
    """Wraps an app's built middleware stack, counting the requests that reach it."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.calls = 0

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            self.calls += 1
        await self.app(scope, receive, send)


def count_stack(client: TestClient) -> CountingStack:
    """Build the client's middleware stack (a request through it) and count calls into it."""
    assert client.get("/healthz").status_code == 200
    app = client.app
    assert isinstance(app, GeozoneAPI)
    counter = CountingStack(app.middleware_stack)  # type: ignore[arg-type]
    app.middleware_stack = counter  # type: ignore[assignment]
    return counter


@pytest.fixture(scope="module")
def clients(
    demo_layers_dir: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[TestClient, TestClient]]:
    """(fast, full stack): the same settings, each with its own report store."""
    with ExitStack() as stack:
        pair = []
        for name in ("fast", "full"):
            client = stack.enter_context(api_client(demo_layers_dir, tmp_path_factory.mktemp(name)))
            assert isinstance(client.app, GeozoneAPI)
            client.app.fast_lookup = name == "fast"
            pair.append(client)
        yield pair[0], pair[1]


def answered(response: Any) -> tuple[int, list[tuple[str, str]], bytes]:
    return response.status_code, list(response.headers.items()), response.content


@pytest.mark.parametrize("query", CASES)
def test_fast_path_answers_as_the_full_stack(
    clients: tuple[TestClient, TestClient], query: str
) -> None:
    fast, full = clients
    got, want = fast.get(f"{LOOKUP}?{query}"), full.get(f"{LOOKUP}?{query}")
    assert answered(got) == answered(want)
    assert got.headers["x-content-type-options"] == "nosniff"


@pytest.mark.parametrize(
    ("method", "headers", "content"),
    [
        ("GET", {"origin": "https://gis.example.org"}, None),
        ("HEAD", {}, None),
        ("GET", {"content-type": "application/json"}, b'{"a": 1}'),  # a body on a GET
        ("POST", {}, None),
    ],
)
def test_other_requests_answer_alike(
    clients: tuple[TestClient, TestClient],
    method: str,
    headers: dict[str, str],
    content: bytes | None,
) -> None:
    fast, full = clients
    url = f"{LOOKUP}?lon=116.95&lat=40.45&activity=general_industry&{AS_OF}"
    got = fast.request(method, url, headers=headers, content=content)
    want = full.request(method, url, headers=headers, content=content)
    assert answered(got) == answered(want)


def test_with_cors_lookups_take_the_stack(demo_layers_dir: Path, tmp_path: Path) -> None:
    """CORS adds ``Vary: Origin`` to every answer, so its lookups are the stack's."""
    cors = ["https://gis.example.org"]
    with api_client(demo_layers_dir, tmp_path, cors_origins=cors) as fast:
        stack = count_stack(fast)
        got = fast.get(
            f"{LOOKUP}?lon=116.95&lat=40.45&{AS_OF}", headers={"origin": "https://gis.example.org"}
        )
        assert got.headers["access-control-allow-origin"] == "https://gis.example.org"
        assert fast.get(f"{LOOKUP}?lon=116.95&lat=40.45&{AS_OF}").headers["vary"] == "Origin"
        assert stack.calls == 2


def test_plain_lookups_skip_the_stack_and_errors_take_it(
    demo_layers_dir: Path, tmp_path: Path
) -> None:
    with api_client(demo_layers_dir, tmp_path) as client:
        stack = count_stack(client)
        ok = client.get(f"{LOOKUP}?lon=116.95&lat=40.45&activity=general_industry&{AS_OF}")
        assert ok.status_code == 200 and stack.calls == 0
        fetched = client.get(f"/api/v1/reports/{ok.json()['report_id']}")
        assert fetched.status_code == 200 and stack.calls == 1
        bad = client.get(f"{LOOKUP}?lon=nan&lat=40.45")
        assert bad.status_code == 422 and stack.calls == 2
        assert bad.json()["code"] == "invalid_request"
        client.app.fast_lookup = False  # type: ignore[attr-defined]
        assert client.get(f"{LOOKUP}?lon=116.95&lat=40.45&{AS_OF}").status_code == 200
        assert stack.calls == 3


class Stamp:
    """A middleware the fast path does not know: it stamps every response."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        async def stamped(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), (b"x-stamp", b"1")]
            await send(message)

        await self.app(scope, receive, stamped)  # type: ignore[arg-type]


def test_unknown_middleware_turns_the_fast_path_off(demo_layers_dir: Path, tmp_path: Path) -> None:
    settings = Settings(
        layers_dir=demo_layers_dir,
        report_store=tmp_path / "reports.sqlite",
        jobs_dir=tmp_path / "jobs",
    )
    app = create_app(settings)
    app.add_middleware(Stamp)
    with TestClient(app) as client:
        got = client.get(f"{LOOKUP}?lon=116.95&lat=40.45&activity=general_industry&{AS_OF}")
        assert got.status_code == 200 and got.headers["x-stamp"] == "1"


def failing_saves(times: int | None) -> Callable[..., Any]:
    """A ``save_async`` failing the first ``times`` calls (``None``: every call)."""
    calls = {"n": 0}

    def wrap(real: Callable[..., Any]) -> Callable[..., Any]:
        async def save_async(*args: Any, **kwargs: Any) -> str:
            calls["n"] += 1
            if times is None or calls["n"] <= times:
                raise ReportStoreUnavailable("the report store cannot write (disk_full)")
            result: str = await real(*args, **kwargs)
            return result

        return save_async

    return wrap


def test_a_failed_commit_is_tried_again_by_the_stack(
    demo_layers_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with api_client(demo_layers_dir, tmp_path) as client:
        reports = client.app.state.reports  # type: ignore[attr-defined]
        monkeypatch.setattr(reports, "save_async", failing_saves(1)(reports.save_async))
        got = client.get(f"{LOOKUP}?lon=116.95&lat=40.45&activity=general_industry&{AS_OF}")
        assert got.status_code == 200
        stored = client.get(f"/api/v1/reports/{got.json()['report_id']}")
        assert stored.status_code == 200


def test_a_store_that_cannot_commit_answers_503(
    demo_layers_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with api_client(demo_layers_dir, tmp_path) as client:
        reports = client.app.state.reports  # type: ignore[attr-defined]
        monkeypatch.setattr(reports, "save_async", failing_saves(None)(reports.save_async))
        got = client.get(f"{LOOKUP}?lon=116.95&lat=40.45&activity=general_industry&{AS_OF}")
        assert got.status_code == 503
        assert got.json()["code"] == "report_store_unavailable"
        assert "retry-after" in got.headers
        assert "report_id" not in got.text
