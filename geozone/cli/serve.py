"""``geozone serve`` (the HTTP service under uvicorn) and ``geozone versions``."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from geozone.cli.common import check_database, echo_json, layers_option


@click.command()
@layers_option
@click.option("--host", default=None, help="Bind address (default 127.0.0.1).")
@click.option("--port", type=int, default=None, help="Port (default 8000).")
@click.option(
    "--workers",
    type=click.IntRange(min=1),
    default=1,
    show_default=True,
    help="Worker processes; each loads the layer set (about one per CPU core). On Linux "
    "they are supervised, also a single one: a worker that dies is replaced.",
)
@click.option("--reload", is_flag=True, help="Reload on code changes (development).")
def serve(
    layers_dir: Path | None, host: str | None, port: int | None, workers: int, reload: bool
) -> None:
    """Start the HTTP service (API, OGC API Features, web map) with uvicorn."""
    import uvicorn

    from geozone.cli.workers import reuse_port_available, run_workers
    from geozone.settings import Settings

    if layers_dir is not None:
        if Settings().database_url:
            raise click.UsageError(
                "--layers serves a folder, GEOZONE_DATABASE_URL the database: give one of them"
            )
        os.environ["GEOZONE_LAYERS_DIR"] = str(layers_dir.resolve())
    settings = Settings()
    if settings.database_url:
        # before any worker starts: a database that is down (or empty) is one clear line
        # and exit code 2 (geozone.cli.common.run_safely), not a traceback per worker
        where = check_database(settings.database_url)
        click.echo(f"geozone: layers and reports in the database {where}", err=True)
    bind_host, bind_port = host or settings.host, port or settings.port
    if not reload and reuse_port_available():
        # supervised for any worker count, one: a worker that dies (a crash in a native
        # library, an OOM kill) is replaced instead of taking the service down. A listening
        # socket per worker, so the kernel spreads connections over them.
        config = uvicorn.Config(
            "api.main:create_app",
            factory=True,
            host=bind_host,
            port=bind_port,
            log_level="info",
            ws="none",  # no WebSocket routes: skip importing a WebSocket stack (~60 ms)
        )
        sys.exit(run_workers(config, workers))
    uvicorn.run(
        "api.main:create_app",
        factory=True,
        host=bind_host,
        port=bind_port,
        workers=None if reload else workers,
        reload=reload,
        log_level="info",
        ws="none",
    )


@click.command()
def versions() -> None:
    """Print versions of geozone and its geospatial libraries as JSON."""
    from geozone.versions import library_versions  # geopandas: not for `geozone serve`

    echo_json(library_versions())
