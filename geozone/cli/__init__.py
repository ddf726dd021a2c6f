"""The ``geozone`` command line: the same core functions as the HTTP API.

Each command group lives in its own module and is registered here.
"""

from __future__ import annotations

import click

from geozone import __version__
from geozone.cli.common import run_safely
from geozone.cli.coverage import coverage
from geozone.cli.layers import layers
from geozone.cli.lookup import lookup_command
from geozone.cli.rules import activities, rules
from geozone.cli.serve import serve, versions
from geozone.cli.tokens import token


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="geozone")
def cli() -> None:
    """Ecological zoning layers, compliance lookups and coverage metrics."""


cli.add_command(layers)
cli.add_command(lookup_command)
cli.add_command(serve)
cli.add_command(versions)
cli.add_command(rules)
cli.add_command(activities)
cli.add_command(coverage)
cli.add_command(token)


def main() -> None:
    """Console entry point: run the CLI, turning geozone errors into a message and exit 2."""
    run_safely(cli)
