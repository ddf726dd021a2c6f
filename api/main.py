"""The app factory: ``create_app(settings)``; the layer catalog loads in the lifespan."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from api.errors import add_exception_handlers
from api.routes import health
from geozone import __version__
from geozone.catalog import load_catalog
from geozone.settings import Settings

log = logging.getLogger("api")


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
        catalog = load_catalog(settings.layers_dir)
        app.state.catalog = catalog
        log.info(
            "loaded layer set %s %s (%d layer versions) in %.2f s",
            catalog.info.id,
            catalog.info.version,
            len(catalog.all_versions()),
            catalog.load_seconds,
        )
        yield

    app = FastAPI(
        title="geozone",
        version=__version__,
        description=(
            "Ecological zoning lookups with verdicts and legal citations, OGC API Features "
            "for every layer, and park service-radius coverage. Units are metres in EPSG:4548."
        ),
        lifespan=lifespan,
    )
    app.state.settings = settings
    add_exception_handlers(app)
    app.include_router(health.router)
    return app
