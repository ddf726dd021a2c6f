"""``geozone layers``: list and validate layer sets."""

from __future__ import annotations

from pathlib import Path

import click

from geozone.catalog import load_catalog
from geozone.cli.common import DATE, default_layers_dir, echo_json


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
