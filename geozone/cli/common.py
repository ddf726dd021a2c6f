"""Helpers shared by CLI commands: error handling, JSON output, option types."""

from __future__ import annotations

import json
import sys
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from geozone.errors import GeozoneError
from geozone.settings import Settings

if TYPE_CHECKING:
    from geozone.layer_follower import LayerState


def run_safely(group: click.Group) -> None:
    """Run a click group; a :class:`GeozoneError` prints ``error [code]: message``, exits 2."""
    try:
        group.main(standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("aborted", err=True)
        sys.exit(1)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except GeozoneError as exc:
        click.echo(f"error [{exc.code}]: {exc.message}", err=True)
        zh = exc.detail.get("message_zh") if isinstance(exc.detail, dict) else None
        if zh:
            click.echo(f"  {zh}", err=True)
        sys.exit(2)
    except SystemExit:
        raise


def default_layers_dir() -> Path:
    """Layers folder from ``GEOZONE_LAYERS_DIR`` or the shipped ``layers/``."""
    return Settings().layers_dir


def load_layer_state(layers_dir: Path | None) -> LayerState:
    """The layer set a CLI command reads, with its rules.

    ``--layers DIR`` when given; else the database's layer set when
    ``GEOZONE_DATABASE_URL`` is set (no folder read); else the default folder.
    """
    from geozone.catalog import load_catalog
    from geozone.layer_changes import Generation, read_counter
    from geozone.layer_follower import LayerState
    from geozone.rules import load_rules

    settings = Settings()
    if layers_dir is None and settings.database_url:
        from geozone.db.connection import Database
        from geozone.db.layer_store import PostgisLayerStore
        from geozone.serving import memory_max_features

        with Database(settings.database_url, min_size=1, max_size=2) as db:
            store = PostgisLayerStore(db, memory_max_features=memory_max_features(settings))
            try:
                return store.load()
            finally:
                store.close()
    root = layers_dir or settings.layers_dir
    catalog = load_catalog(root)
    rules = load_rules(catalog.rules_dir)
    return LayerState(catalog, rules, Generation(catalog.hash, read_counter(Path(root))))


def check_database(url: str) -> str:
    """Fail with one clear line unless ``url`` reaches a database holding a layer set.

    Returns ``host:port/db``. Raises :class:`~geozone.errors.DatabaseUnavailable`
    (down), :class:`~geozone.db.layer_store.EmptyDatabase` (no layer set) or
    :class:`GeozoneError` (schema not initialised), which :func:`run_safely` prints.
    """
    from geozone.db.connection import Database
    from geozone.db.layer_store import PostgisLayerStore

    with Database(url, min_size=1, max_size=1) as db:
        PostgisLayerStore(db).generation()
        return db.where


def echo_json(data: Any) -> None:
    """Print ``data`` as indented UTF-8 JSON (Chinese kept readable)."""
    click.echo(json.dumps(data, ensure_ascii=False, indent=2, default=_json_default))


def _json_default(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Path):
        return str(value)
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


layers_option = click.option(
    "--layers",
    "--layers-dir",
    "layers_dir",
    type=click.Path(path_type=Path),
    default=None,
    help="Layer set folder (default: the database's layer set when GEOZONE_DATABASE_URL is "
    "set, else GEOZONE_LAYERS_DIR or the shipped layers/).",
)
"""The ``--layers`` option every command that reads a layer set shares."""


class DateParam(click.ParamType):
    """A click parameter type for ISO dates (YYYY-MM-DD)."""

    name = "date"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> date:
        """Parse an ISO date or fail with a clear message."""
        if isinstance(value, date):
            return value
        try:
            return date.fromisoformat(str(value))
        except ValueError:
            self.fail(f"{value!r} is not a date (YYYY-MM-DD)", param, ctx)


DATE = DateParam()
