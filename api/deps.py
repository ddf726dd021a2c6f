"""Dependencies that resolve request state to domain objects.

They are ``async def`` on purpose: they only read ``app.state``, and FastAPI runs a plain
``def`` dependency in the thread pool, a thread hop per dependency per request that cost
more than the lookup itself under load (``benchmarks/bench_api.py``).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from api.jobs import JobRunner
from geozone.catalog import Catalog
from geozone.report_store import ReportStore
from geozone.rules import RuleTable
from geozone.settings import Settings


async def get_settings(request: Request) -> Settings:
    """The settings the app was built with."""
    settings: Settings = request.app.state.settings
    return settings


async def get_catalog(request: Request) -> Catalog:
    """The layer catalog currently in force (swapped atomically on admin uploads)."""
    catalog: Catalog = request.app.state.catalog
    return catalog


async def get_rules(request: Request) -> RuleTable:
    """The rule table of the loaded layer set."""
    rules: RuleTable = request.app.state.rules
    return rules


async def get_reports(request: Request) -> ReportStore:
    """The SQLite store of answered lookups."""
    store: ReportStore = request.app.state.reports
    return store


async def get_jobs(request: Request) -> JobRunner:
    """The background batch-job runner."""
    jobs: JobRunner = request.app.state.jobs
    return jobs


SettingsDep = Annotated[Settings, Depends(get_settings)]
CatalogDep = Annotated[Catalog, Depends(get_catalog)]
RulesDep = Annotated[RuleTable, Depends(get_rules)]
ReportsDep = Annotated[ReportStore, Depends(get_reports)]
JobsDep = Annotated[JobRunner, Depends(get_jobs)]
