"""The app factory: ``create_app(settings)``; the layer catalog loads in the lifespan.

Nothing is loaded at import time: ``app`` at the bottom is built for
``uvicorn api.main:app`` and reads its layers only when the server starts it.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware

from api.docs import install_docs, swagger_ui
from api.errors import add_exception_handlers
from api.fast_lookup import GeozoneAPI
from api.geometry_pool import start_pool
from api.limits import BodySizeLimit
from api.openapi import install_openapi
from api.routes import (
    admin,
    challenges,
    config,
    coverage,
    health,
    jobs,
    layers,
    lookup,
    measure,
    meta,
    ogc,
    report_exports,
    reports,
    signed,
    tiles,
    web,
)
from api.security import SecurityHeaders, policy
from geozone import __version__, long_lived
from geozone.basemaps import tile_urls
from geozone.challenges import ChallengeStore
from geozone.jobs import JobRunner
from geozone.lanes import current_lane, register_current_thread
from geozone.layer_follower import LayerState
from geozone.lookup import prepare
from geozone.lookup_mode import configure as configure_lookup
from geozone.serving import open_storage
from geozone.settings import Settings
from geozone.signing import load_signer
from geozone.tiles import TileCache
from geozone.tokens import TokenRegistry

log = logging.getLogger("api")

TAGS = [
    {"name": "lookup", "description": "Point and parcel compliance lookups with verdicts."},
    {"name": "jobs", "description": "Large batch lookups as background jobs (file upload)."},
    {"name": "reports", "description": "Stored lookup answers, citable by report id."},
    {"name": "rules", "description": "Activities and the rule table behind every verdict."},
    {"name": "coverage", "description": "Park service-radius coverage and blind spots."},
    {"name": "layers", "description": "The loaded layer set and its versions."},
    {"name": "OGC API Features", "description": "Every layer as OGC API Features (Part 1)."},
    {"name": "OGC API Tiles", "description": "Every layer as vector tiles (MVT)."},
    {"name": "admin", "description": "Layer administration (bearer token)."},
    {"name": "health", "description": "Service health and versions."},
    {"name": "config", "description": "Settings the web map reads (basemap, class names)."},
    {"name": "measure", "description": "Lengths and areas in EPSG:4548 (the map's measure)."},
]


def _html_pages() -> list[str]:
    """The HTML pages the service serves, whose inline scripts/styles the CSP allows."""
    pages = [bytes(swagger_ui().body).decode("utf-8")]
    for path in (
        web.STATIC_DIR / "index.html",
        web.STATIC_DIR / "report.html",
        reports.TEMPLATES / "report.html",
    ):
        if path.is_file():
            pages.append(path.read_text(encoding="utf-8"))
    return pages


def _log_loaded(state: LayerState, source: str) -> None:
    catalog = state.catalog
    log.info(
        "loaded layer set %s %s from %s (%d layer versions, generation %d %s) in %.2f s",
        catalog.info.id,
        catalog.info.version,
        source,
        len(catalog.all_versions()),
        state.generation.counter,
        state.generation.id,
        catalog.load_seconds,
    )


def create_app(settings: Settings | None = None) -> FastAPI:
    """Build the geozone HTTP service.

    Parameters
    ----------
    settings
        Service settings; read from ``GEOZONE_*`` environment variables when omitted.
    """
    settings = settings or Settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        def publish(state: LayerState) -> None:
            # one object first (what deps read), then the two names older code reads
            app.state.layers = state
            app.state.catalog = state.catalog
            app.state.rules = state.rules
            # the replaced generation's objects may be garbage now: a full pass soon
            long_lived.settle_soon(full=True)

        # the event loop's lane (point lookups) is built before the first request; each
        # geometry-pool thread (everything else that touches GEOS indexes) builds its own
        # as its first task, in the background: see README "Architecture: concurrency"
        register_current_thread(primary=True)
        # the layer data leaves the GC's full passes once built (geozone/long_lived.py)
        long_lived.enable()
        configure_lookup(settings)  # GEOZONE_LOOKUP: memory index or SQL (geozone/lookup_mode.py)
        # every stored answer is signed (geozone/signing.py): the key file, or one
        # generated once beside the report store and shared by every worker
        signer = load_signer(settings.signing_key_file, settings.signing_key_path)
        # the layer folder or the database; prepare()s the index in the loop's lane
        storage = open_storage(settings, publish, signer)
        follower = storage.follower

        def warm_lane() -> None:
            prepare(app.state.layers.catalog, lanes=[current_lane()])

        app.state.geometry_pool = start_pool(settings.geometry_threads, warm=warm_lane)
        app.state.storage = storage
        app.state.follower = follower
        app.state.changes = storage.changes
        app.state.signer = signer
        app.state.reports = storage.reports
        app.state.challenges = ChallengeStore(settings.challenges_path)
        app.state.jobs = JobRunner(settings.jobs_path, settings.jobs)
        # no local holds the first generation: this frame lives as long as the service,
        # and a local here kept the first layer set in memory after every change
        _log_loaded(follower.current, storage.source)
        follower.start()
        try:
            yield
        finally:
            follower.stop()
            app.state.jobs.shutdown()
            app.state.geometry_pool.shutdown(wait=True, cancel_futures=True)
            storage.close()
            app.state.challenges.close()
            long_lived.disable()

    app = GeozoneAPI(
        title="geozone",
        version=__version__,
        description=(
            "Ecological zoning lookups with verdicts and legal citations, OGC API Features "
            "for every layer, and park service-radius coverage. Units are metres in EPSG:4548. "
            "Errors are JSON `{code, message, detail}`. The shipped layers are SYNTHETIC demo "
            "data drawn on real district outlines."
        ),
        lifespan=lifespan,
        openapi_tags=TAGS,
        docs_url=None,
        redoc_url=None,
    )
    app.state.settings = settings
    app.state.tile_cache = TileCache(int(settings.tile_cache_mb * 2**20))
    app.state.tokens = TokenRegistry(settings.tokens_path, settings.admin_token)
    add_exception_handlers(app)
    if settings.cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.cors_origins,
            allow_methods=["GET", "POST"],
            allow_headers=["*"],
        )
    app.add_middleware(BodySizeLimit, max_bytes=settings.max_body_bytes)
    # outermost: every response, a 413 included, carries the security headers
    app.add_middleware(
        SecurityHeaders,
        csp=policy(_html_pages(), tile_urls(settings)),
        public_url=settings.public_url,
    )
    # first, so the busiest request matches without trying every other route
    app.router.routes.insert(0, lookup.point_route)
    routers = (
        health,
        config,
        meta,
        layers,
        lookup,
        measure,
        jobs,
        reports,
        report_exports,
        coverage,
        ogc,
        tiles,
        admin,
    )
    for module in routers:
        app.include_router(module.router)
    app.include_router(signed.router)
    app.include_router(challenges.router)
    app.include_router(challenges.admin_router)
    app.include_router(web.router)
    install_openapi(app)
    install_docs(app)
    web.mount_static(app)
    return app


app = create_app()
