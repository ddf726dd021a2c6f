"""``geozone lookup``: a point, a parcel file or a batch file against the layer set."""

from __future__ import annotations

import json
import sys
from collections import Counter
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import click
import orjson
from tqdm import tqdm

from geozone.batch import FORMATS, BatchRow, lookup_rows, read_batch, write_rows
from geozone.cli.common import DATE, layers_option, load_layer_state
from geozone.errors import InvalidInput
from geozone.lookup import answer, resolve_activities
from geozone.query import geojson_query, parse_activities, point_query
from geozone.settings import Settings


def _print_result(d: dict[str, Any]) -> None:
    """Print a lookup answer as readable tables (zh/en class names, verdicts, citations)."""
    q = d["query"]
    click.echo(f"report {d['report_id']}  as of {d['as_of']}  rules {d['rules_version']}")
    ls = d["layerset"]
    click.echo(f"layer set {ls['id']} {ls['version']} ({ls['hash']})")
    if d["synthetic"]:
        click.secho("SYNTHETIC DEMO DATA (合成演示数据): not official zoning", fg="yellow")
    area = f", area {q['area_m2']:.2f} m²" if q["area_m2"] is not None else ""
    click.echo(f"query: {q['type']} in {q['crs']}, tolerance {q['tolerance_m']:g} m{area}")
    admin = d["admin"]
    names = [f"{a['name']} ({a['code']})" for a in (admin["district"], admin["township"]) if a]
    where = " / ".join(names) if names else "-"
    click.echo(f"territory: {'inside' if d['inside_territory'] else 'OUTSIDE'}; admin: {where}")
    if q["type"] == "parcel":
        for label, key in (("districts", "districts"), ("townships", "townships")):
            units = [
                f"{u['name']} ({u['code']}) {u['area_m2']:.2f} m² {u['share']:.1%}"
                for u in admin.get(key, [])
            ]
            if len(units) > 1:
                click.echo(f"  {label}: " + "; ".join(units))
    click.echo("")
    click.echo("verdicts:")
    for v in d["verdicts"]:
        click.echo(f"  {v['activity']} ({v['activity_zh']} / {v['activity_en']}): ", nl=False)
        click.secho(v["verdict"].upper(), bold=True)
        by = v["decided_by"]
        if by:
            click.echo(
                f"    decided by {by['layer_id']}:{by['feature_id']} "
                f"{by['class_zh']} / {by['class_en']} (rule {v['rule_id']})"
            )
            click.echo(f"    condition: {v['condition_zh']} / {v['condition_en']}")
        cit = v["citation"]
        if cit:
            flag = " [verify]" if cit["confidence"] == "verify" else ""
            click.echo(f"    citation: {cit['document']} {cit['article']}{flag}")
            j = cit.get("jurisdiction")
            if j:
                click.echo(f"    jurisdiction: {j['name_zh']} / {j['name_en']} ({j['code']})")
        for part in v.get("parts") or []:
            unit = part["district"] or {"name": "?", "code": "?"}
            pc = part["citation"]
            cite = f": {pc['document']} {pc['article']}" if pc else ""
            click.echo(
                f"    part in {unit['name']} ({unit['code']}): {part['verdict']}"
                f" (rule {part['rule_id']}){cite}"
            )
    click.echo("")
    click.echo("hits (in = inside, edge = within tolerance of the boundary):")
    for h in d["hits"]:
        state = "in  " if h["inside"] else "near"
        state += " edge" if h["edge"] else "     "
        overlap = (
            f", overlap {h['overlap_m2']:.2f} m² ({h['overlap_share']:.1%})"
            if h["overlap_m2"] is not None
            else ""
        )
        click.echo(
            f"  [{state}] {h['layer_id']}:{h['feature_id']} {h['class_zh']} / {h['class_en']}"
            f", {h['distance_to_boundary_m']:.2f} m to boundary{overlap}"
        )
    for c in d.get("context", []):
        area = f", {c['overlap_m2']:.2f} m²" if c["overlap_m2"] is not None else ""
        click.echo(
            f"  [context] {c['layer_id']} {c['class_zh']} / {c['class_en']}: "
            f"{c['count']} feature(s){area}"
        )
    for w in d["warnings"]:
        click.secho(f"warning: {w}", fg="yellow")


@click.command("lookup")
@click.argument("geojson", required=False, type=click.Path(path_type=Path, dir_okay=False))
@click.option("--lon", type=float, default=None, help="Longitude (or x in a projected --crs).")
@click.option("--lat", type=float, default=None, help="Latitude (or y in a projected --crs).")
@click.option(
    "--activity", "activities", multiple=True, help="Activity code (repeatable); default all."
)
@click.option(
    "--as-of", type=DATE, default=None, help="Date of the layer versions (default today)."
)
@click.option("--tolerance", type=float, default=None, help="Boundary tolerance in metres.")
@click.option("--crs", default=None, help="Declared CRS: EPSG code, WGS84, CGCS2000, GCJ02, BD09.")
@layers_option
@click.option("--repair", is_flag=True, help="Repair an invalid polygon instead of refusing it.")
@click.option("--json", "as_json", is_flag=True, help="Print the lookup JSON (LookupResult).")
@click.option(
    "--detail",
    type=click.Choice(["full", "summary"]),
    default="full",
    help="full: every hit; summary: control-layer hits, context layers counted per layer.",
)
@click.option(
    "--batch",
    "batch_file",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help="Batch input: .geojson, .gpkg, .zip/.shp or .csv.",
)
@click.option(
    "--out",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help="Batch output file.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(FORMATS),
    default=None,
    help="Batch output format (default from --out's suffix).",
)
def lookup_command(
    geojson: Path | None,
    lon: float | None,
    lat: float | None,
    activities: tuple[str, ...],
    as_of: date | None,
    tolerance: float | None,
    crs: str | None,
    layers_dir: Path | None,
    repair: bool,
    as_json: bool,
    detail: str,
    batch_file: Path | None,
    out: Path | None,
    fmt: str | None,
) -> None:
    r"""Verdicts, rules and citations for a point, a parcel or a batch file.

    \b
    geozone lookup --lon 116.65 --lat 39.90 --activity polluting_industry
    geozone lookup parcel.geojson --as-of 2025-06-01 --json
    geozone lookup --batch parcels.gpkg --out results.gpkg
    """
    modes = sum(x is not None for x in (geojson, batch_file)) + (lon is not None or lat is not None)
    if modes != 1:
        raise click.UsageError("give exactly one of --lon/--lat, a GeoJSON file, or --batch")
    settings = Settings().query
    layers = load_layer_state(layers_dir)
    catalog, rules = layers.catalog, layers.rules
    if batch_file is not None:
        if out is None:
            raise click.UsageError("--batch needs --out")
        codes = [a.code for a in resolve_activities(rules, parse_activities(activities))]
        rows = lookup_rows(
            catalog,
            rules,
            read_batch(batch_file),
            crs=crs,
            activities=codes,
            as_of=as_of,
            tolerance_m=tolerance,
            repair=repair,
            settings=settings,
        )
        counts: Counter[str] = Counter()

        def counted() -> Iterator[BatchRow]:
            for row in tqdm(rows, desc="lookup", unit="row", file=sys.stderr):
                counts[row.status] += 1
                yield row

        n = write_rows(counted(), out, codes, fmt=fmt)
        summary = ", ".join(f"{k} {counts[k]}" for k in ("ok", "edge", "error"))
        click.echo(f"{n} rows written to {out} ({summary})")
        return
    if geojson is not None:
        try:
            obj = json.loads(geojson.read_text("utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise InvalidInput(f"{geojson.name}: not readable JSON: {exc}") from None
        query = geojson_query(
            obj,
            crs=crs,
            activities=activities,
            as_of=as_of,
            tolerance_m=tolerance,
            repair=repair,
            settings=settings,
            detail=detail,
        )
    else:
        if lon is None or lat is None:
            raise click.UsageError("--lon and --lat go together")
        query = point_query(
            lon,
            lat,
            crs=crs,
            activities=activities,
            as_of=as_of,
            tolerance_m=tolerance,
            settings=settings,
            detail=detail,
        )
    body, _data = answer(catalog, rules, query)  # the bytes the API answers
    if as_json:
        click.echo(body.decode())
    else:
        _print_result(orjson.loads(body))
