"""The ``geozone`` command line: the same core functions as the HTTP API.

Each command group lives in its own module, imported only when that command runs
(:class:`LazyGroup`): ``geozone serve`` does not pay for geopandas, the coverage engine
or the batch readers the other commands import, and neither does each spawned worker
(which re-imports the main module).
"""

from __future__ import annotations

import importlib

import click

from geozone import __version__
from geozone.cli.common import run_safely

COMMANDS = {
    "layers": "geozone.cli.layers:layers",
    "lookup": "geozone.cli.lookup:lookup_command",
    "serve": "geozone.cli.serve:serve",
    "versions": "geozone.cli.serve:versions",
    "rules": "geozone.cli.rules:rules",
    "activities": "geozone.cli.rules:activities",
    "coverage": "geozone.cli.coverage:coverage",
    "token": "geozone.cli.tokens:token",
    "report": "geozone.cli.report:report",
    "db": "geozone.cli.db:db",
}
"""Command name -> ``module:attribute`` of its click command."""


class LazyGroup(click.Group):
    """A click group whose commands are imported on first use (``COMMANDS``)."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        """Every command name, sorted (``--help`` imports them all)."""
        return sorted({*super().list_commands(ctx), *COMMANDS})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        """The command, importing its module the first time it is asked for."""
        if cmd_name in self.commands or cmd_name not in COMMANDS:
            return super().get_command(ctx, cmd_name)
        module, attr = COMMANDS[cmd_name].split(":")
        command = getattr(importlib.import_module(module), attr)
        if not isinstance(command, click.Command):
            raise TypeError(f"{COMMANDS[cmd_name]} is not a click command")
        self.add_command(command, cmd_name)
        return command


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="geozone")
def cli() -> None:
    """Ecological zoning layers, compliance lookups and coverage metrics."""


def main() -> None:
    """Console entry point: run the CLI, turning geozone errors into a message and exit 2."""
    run_safely(cli)
