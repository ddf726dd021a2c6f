"""``geozone layers``: list and validate layer sets."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

import click

from geozone.catalog import load_catalog
from geozone.cli.common import DATE, default_layers_dir, echo_json
from geozone.validate import validate_layers_dir


@click.group()
def layers() -> None:
    """List and validate layer sets."""


@layers.command("list")
@click.argument("layers_dir", required=False, type=click.Path(path_type=Path))
@click.option("--as-of", type=DATE, default=None, help="Mark the versions in force on this date.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
def list_layers(layers_dir: Path | None, as_of: object, as_json: bool) -> None:
    """Show every layer with its versions, validity dates and feature counts."""
    catalog = load_catalog(layers_dir or default_layers_dir())
    if as_json:
        echo_json(catalog.summary())
        return
    info = catalog.info
    flag = "  [SYNTHETIC DEMO DATA]" if catalog.synthetic else ""
    click.echo(f"{info.id} {info.version}: {info.title_en} / {info.title_zh}{flag}")
    click.echo(f"hash {catalog.hash}, loaded in {catalog.load_seconds:.2f} s")
    click.echo(f"{'layer':<22}{'kind':<18}{'version':<10}{'valid':<25}{'features':>9}  in force")
    for layer_id in catalog.layer_ids():
        current = catalog.in_force(layer_id, as_of)  # type: ignore[arg-type]
        for v in catalog.versions_of(layer_id):
            e = v.entry
            valid = f"{e.valid_from} .. {e.valid_to or ''}"
            mark = "*" if current is v else ""
            row = f"{e.id:<22}{e.kind.value:<18}{e.version:<10}{valid:<25}"
            click.echo(f"{row}{v.feature_count:>9}  {mark}")
            for w in v.warnings:
                click.secho(f"  warning: {w}", fg="yellow")


@layers.command("validate")
@click.argument("layers_dir", required=False, type=click.Path(path_type=Path))
@click.option("--as-of", type=DATE, default=None, help="Check only the versions in force then.")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@click.option(
    "--tolerance",
    "tolerance_m2",
    type=float,
    default=1.0,
    show_default=True,
    help="Area (m², EPSG:4548) below which gaps, overlaps and excesses pass.",
)
def validate_layers(
    layers_dir: Path | None, as_of: date | None, as_json: bool, tolerance_m2: float
) -> None:
    """Check a layer set: geometries, ids, classes, dates, CRS, tiling and nesting.

    Prints a readable report (or JSON with --json); exits 1 if any error was found.
    """
    report = validate_layers_dir(
        layers_dir or default_layers_dir(), tolerance_m2=tolerance_m2, as_of=as_of
    )
    if as_json:
        echo_json(report.to_dict())
    else:
        click.echo(report.render())
    if not report.ok:
        sys.exit(1)
