"""``geozone rules list`` and ``geozone activities``: show the loaded rule table."""

from __future__ import annotations

from pathlib import Path

import click

from geozone.cli.common import default_layers_dir, echo_json, layers_option
from geozone.manifest import MANIFEST_NAME, load_manifest
from geozone.rules import RuleTable, load_rules, zone_kinds


def _table(rules_dir: Path | None, layers_dir: Path | None) -> RuleTable:
    """Load the rule table from ``--rules-dir`` or from the layer set's manifest."""
    if rules_dir is not None:
        return load_rules(rules_dir)
    root = Path(layers_dir or default_layers_dir())
    if (root / MANIFEST_NAME).is_file():
        return load_rules(root / load_manifest(root).layerset.rules)
    return load_rules(root / "rules")


_rules_dir_option = click.option(
    "--rules-dir",
    type=click.Path(path_type=Path),
    default=None,
    help="Rule table folder (default: the layer set's rules folder).",
)


@click.group()
def rules() -> None:
    """Show the compliance rule table (verdict per zone class and activity)."""


@rules.command("list")
@click.option(
    "--kind",
    type=click.Choice([k.value for k in zone_kinds()]),
    default=None,
    help="Only this zone layer kind.",
)
@click.option("--activity", default=None, help="Only this activity code (defaults expanded).")
@click.option(
    "--district",
    default=None,
    help="Only the rules in force in this district (adcode, e.g. 110117 Pinggu). Without it: "
    "each city-wide or national rule, followed by any district's own rule.",
)
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
@_rules_dir_option
@layers_option
def list_rules(
    kind: str | None,
    activity: str | None,
    district: str | None,
    as_json: bool,
    rules_dir: Path | None,
    layers_dir: Path | None,
) -> None:
    """List the effective rule of every zone class for every (or one) activity.

    Each rule names its jurisdiction: national, Beijing (city-wide) or a district.
    """
    table = _table(rules_dir, layers_dir)
    resolved = table.resolved(kind=kind, activity=activity, district=district)
    if as_json:
        echo_json(
            {
                "version": table.version,
                "hash": table.hash,
                "rules": [r.to_dict() for r in resolved],
            }
        )
        return
    click.echo(f"rule table {table.version} ({table.hash}), {len(resolved)} rules")
    click.echo(
        f"{'kind':<18}{'class':<14}{'activity':<28}{'verdict':<13}{'conf':<8}"
        f"{'jurisdiction':<28}citation"
    )
    for r in resolved:
        cite = f"{r.citation.document} {r.citation.article}"
        j = r.jurisdiction
        where = f"{j.code} {j.name_en}"
        click.echo(
            f"{r.kind.value:<18}{r.zone_class:<14}{r.activity:<28}{r.verdict.value:<13}"
            f"{r.citation.confidence:<8}{where:<28}{cite}"
        )


@click.command("activities")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
@_rules_dir_option
@layers_option
def activities(as_json: bool, rules_dir: Path | None, layers_dir: Path | None) -> None:
    """List the activity codes a lookup can ask about."""
    table = _table(rules_dir, layers_dir)
    if as_json:
        echo_json([a.to_dict() for a in table.activities.values()])
        return
    for a in table.activities.values():
        click.echo(f"{a.code:<28}{a.zh}  /  {a.en}")
