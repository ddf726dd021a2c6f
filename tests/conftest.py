"""Shared fixtures and the no-silent-skip rule.

A skipped test fails the session: a missing component (Chromium, ogrinfo, a package)
is a failure to fix, not a skip to ignore. Set GEOZONE_ALLOW_SKIPS=1 to relax this
locally while developing.
"""

from __future__ import annotations

import itertools
import os
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from pg_cluster import ClusterUnavailable, PgCluster

if TYPE_CHECKING:
    from playwright.sync_api import Browser

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"
SHARED_DATA = SHARED / "data" / "beijing"
LAYERS = REPO / "layers"
TEST_DATA = Path(__file__).resolve().parent / "data"

_skipped: list[str] = []


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    if report.skipped:
        _skipped.append(report.nodeid)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    if _skipped and not os.environ.get("GEOZONE_ALLOW_SKIPS"):
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if _skipped and not os.environ.get("GEOZONE_ALLOW_SKIPS"):
        terminalreporter.write_line(
            f"FAILED: {len(_skipped)} test(s) skipped; a skip is a missing component:",
            red=True,
        )
        for nodeid in _skipped:
            terminalreporter.write_line(f"  {nodeid}", red=True)


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """The real Beijing reference data beside the repo (``../shared/data/beijing``)."""
    assert SHARED_DATA.is_dir(), f"{SHARED_DATA} is missing: clone with ../shared beside the repo"
    return SHARED_DATA


@pytest.fixture(scope="session")
def demo_layers_dir() -> Path:
    """The shipped layer set."""
    return LAYERS


@pytest.fixture(scope="module")  # closed after each module: a sync Playwright is one at a time
def browser() -> Iterator[Browser]:
    """Debian's Chromium for the browser tests of one module (tests/e2e_browser.py)."""
    from e2e_browser import launch_chromium
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = launch_chromium(p)
        yield b
        b.close()


@pytest.fixture(scope="session")
def pg_cluster() -> Iterator[PgCluster]:
    """A throw-away PostgreSQL 15 + PostGIS 3 cluster on loopback for the session.

    Missing binaries fail the tests with what to install (tests/pg_cluster.py).
    """
    cluster = PgCluster()
    try:
        cluster.start()
    except ClusterUnavailable as exc:
        cluster.destroy()
        pytest.fail(str(exc))
    try:
        yield cluster
    finally:
        cluster.destroy()


_databases = itertools.count(1)


@pytest.fixture(scope="session")
def pg_template(pg_cluster: PgCluster) -> str:
    """Name of a database with PostGIS and the geozone schema, copied by :func:`pg_url`."""
    from geozone.db.connection import connect
    from geozone.db.migrations import migrate

    url = pg_cluster.create_database("geozone_template")
    with connect(url, autocommit=True) as conn:
        migrate(conn)
    return "geozone_template"


@pytest.fixture
def pg_url(pg_cluster: PgCluster, pg_template: str) -> str:
    """The URL of a new database of the session cluster with the geozone schema, no rows."""
    return pg_cluster.create_database(f"geozone_t{next(_databases)}", template=pg_template)
