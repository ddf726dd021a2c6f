"""``geozone db``: create, fill, export and inspect the PostgreSQL/PostGIS store.

The database is ``--database-url`` or ``GEOZONE_DATABASE_URL``. A database that is down
prints ``error [database_unavailable]: ...`` (host:port/db, never the password), exit 2.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from geozone.cli.common import echo_json

url_option = click.option(
    "--database-url",
    "database_url",
    default=None,
    metavar="URL",
    help="postgresql://user:password@host:port/db (default: GEOZONE_DATABASE_URL).",
)


@click.group()
def db() -> None:
    """The PostgreSQL/PostGIS layer and report store (GEOZONE_DATABASE_URL)."""


@db.command("init")
@url_option
def init(database_url: str | None) -> None:
    """Create or upgrade the schema (safe to run again: applied migrations are skipped)."""
    from geozone.db.connection import open_database
    from geozone.db.migrations import LATEST, migrate

    with (
        open_database(database_url, min_size=1, max_size=1) as database,
        database.connection() as conn,
    ):
        conn.autocommit = True
        done = migrate(conn)
        conn.autocommit = False
    if done:
        click.echo(f"{database.where}: applied migrations {done}; schema at {LATEST}")
    else:
        click.echo(f"{database.where}: schema already at {LATEST}; nothing to do")


@db.command("import")
@click.argument("folder", type=click.Path(path_type=Path, exists=True, file_okay=False))
@url_option
def import_command(folder: Path, database_url: str | None) -> None:
    """Validate the layer FOLDER, then make it the database's layer set (one transaction)."""
    from geozone.db.connection import open_database
    from geozone.db.transfer import import_dir

    with open_database(database_url, min_size=1, max_size=2) as database:
        result = import_dir(database, folder)
    g = result.generation
    click.echo(
        f"{database.where}: imported {folder} ({result.versions} layer versions, "
        f"{result.features} features, {result.rule_files} rule files); "
        f"generation {g.counter} ({g.id})"
    )


@db.command("export")
@click.argument("folder", type=click.Path(path_type=Path))
@url_option
def export_command(folder: Path, database_url: str | None) -> None:
    """Write the database's layer set as a layer FOLDER (new or empty)."""
    from geozone.db.connection import open_database
    from geozone.db.transfer import export_dir

    with open_database(database_url, min_size=1, max_size=1) as database:
        export_dir(database, folder)
    click.echo(f"{database.where}: exported the layer set to {folder}")


def status_of(database: Any) -> dict[str, Any]:
    """Schema, generation and row counts of a database (JSON-ready)."""
    from geozone.db.migrations import LATEST, applied

    with database.connection() as conn:
        have = applied(conn)
        out: dict[str, Any] = {
            "database": database.where,
            "schema": max(have) if have else 0,
            "schema_latest": LATEST,
            "layer_set": None,
        }
        if not have:
            return out
        head = conn.execute(
            "SELECT layerset_id, hash, generation, updated_at FROM geozone.layer_set"
        ).fetchone()
        if head is not None:
            out["layer_set"] = {
                "id": head[0],
                "hash": head[1],
                "generation": int(head[2]),
                "updated_at": head[3].isoformat(),
            }
        for table in ("layer_versions", "features", "feature_parts", "rule_files", "reports"):
            row = conn.execute(f"SELECT count(*) FROM geozone.{table}").fetchone()
            out[table] = int(row[0]) if row else 0
    return out


@db.command("status")
@url_option
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def status(database_url: str | None, as_json: bool) -> None:
    """Schema version, layer set generation and row counts."""
    from geozone.db.connection import open_database

    with open_database(database_url, min_size=1, max_size=1) as database:
        data = status_of(database)
    if as_json:
        echo_json(data)
        return
    click.echo(f"database      {data['database']}")
    click.echo(f"schema        {data['schema']} (latest {data['schema_latest']})")
    ls = data["layer_set"]
    if ls is None:
        click.echo("layer set     none (run `geozone db import DIR`)")
    else:
        click.echo(f"layer set     {ls['id']}  hash {ls['hash']}  generation {ls['generation']}")
        click.echo(f"updated       {ls['updated_at']}")
    for key in ("layer_versions", "features", "feature_parts", "rule_files", "reports"):
        if key in data:
            click.echo(f"{key:<13} {data[key]}")
