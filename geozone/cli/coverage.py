"""``geozone coverage``: park service-radius coverage from the layer set or your own files."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from geozone.cli.common import DATE, echo_json, layers_option, load_layer_state
from geozone.coverage.catalog import coverage_for_catalog
from geozone.coverage.metric import park_coverage
from geozone.coverage.presets import PRESETS
from geozone.coverage.result import CoverageResult
from geozone.errors import InvalidInput
from geozone.settings import Settings


def _pct(value: float | None) -> str:
    return "n/a" if value is None or value != value else f"{value * 100:.2f} %"


def _print_table(result: CoverageResult) -> None:
    flag = "  [SYNTHETIC DEMO DATA]" if result.synthetic else ""
    label = result.extent_label or "all residential land"
    click.echo(f"Park service-radius coverage, preset {result.preset.name}, {label}{flag}")
    if result.units is not None:
        click.echo(f"{'code':<12}{'name':<12}{'covered ha':>12}{'total ha':>12}{'ratio':>10}"
                   f"{'target':>9}  met")  # fmt: skip
        for row in result.units_records() or []:
            met = {True: "yes", False: "NO", None: "-"}[row["met"]]
            click.echo(
                f"{row['code']:<12}{(row['name'] or ''):<12}{row['covered_ha']:>12.2f}"
                f"{row['total_ha']:>12.2f}{_pct(row['ratio']):>10}{_pct(row['target']):>9}  {met}"
            )
    click.echo(
        f"overall: {_pct(result.ratio)} = {result.covered_ha:.2f} ha of {result.total_ha:.2f} ha "
        f"residential land ({', '.join(result.residential_classes)}); "
        f"{len(result.parks)} of {result.parks_considered} parks count {result.radius_counts()}"
    )
    for t in result.comparison():
        if not t["comparable"]:
            click.echo(f"  target {t['label_en']} ({t['source']}): not comparable, defined with "
                       f"preset {t['preset']} (run with --preset {t['preset']})")  # fmt: skip
            continue
        met = {True: "met", False: "NOT met", None: "-"}[t["met"]]
        click.echo(f"  target {t['label_en']} ({t['source']}): {met}")
    for w in result.warnings:
        click.secho(f"warning: {w}", fg="yellow", err=True)


@click.command()
@click.option("--district", default=None, help="District adcode or name (layer-set mode).")
@click.option(
    "--preset",
    default=None,
    help=f"{', '.join(PRESETS)} or a CSV/YAML tier table (default from settings).",
)
@click.option(
    "--by",
    "by",
    default=None,
    help="Layer-set mode: township | district | none (default township). "
    "File mode: a file of unit polygons.",
)
@click.option(
    "--extent",
    default=None,
    help="Layer-set mode: urban (集中建设区, default) | district. File mode: a file.",
)
@click.option("--parks", type=click.Path(path_type=Path), default=None, help="Your park file.")
@click.option(
    "--residential",
    type=click.Path(path_type=Path),
    default=None,
    help="Your residential-land file.",
)
@click.option("--crs", default=None, help="Declared CRS of your files, e.g. EPSG:4490, GCJ02.")
@click.option("--classes", default=None, help="Residential classes, e.g. 0701,0703.")
@click.option("--as-of", type=DATE, default=None, help="Layer versions in force on this date.")
@layers_option
@click.option(
    "--blind-spots",
    type=click.Path(path_type=Path),
    default=None,
    help="Write uncovered residential land (.gpkg or .geojson).",
)
@click.option(
    "--map",
    "map_path",
    type=click.Path(path_type=Path),
    default=None,
    help="Write an offline HTML map.",
)
@click.option(
    "--chart",
    type=click.Path(path_type=Path),
    default=None,
    help="Write a PNG bar chart per unit against the target.",
)
@click.option(
    "--population",
    type=click.Path(path_type=Path),
    default=None,
    help="Population GeoTIFF: also report the population-weighted share.",
)
@click.option(
    "--raster-check",
    type=float,
    default=None,
    metavar="CELL_M",
    help="Also rasterise at this cell size (m) and report the difference.",
)
@click.option(
    "--suggest",
    type=int,
    default=0,
    metavar="N",
    help="Also propose N park sites (greedy) covering the most blind spots.",
)
@click.option("--suggest-radius", type=float, default=500.0, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@click.option("--include-geometry", is_flag=True, help="With --json: add WGS84 GeoJSON.")
@click.option("--quiet", is_flag=True, help="No progress bar.")
def coverage(
    district: str | None, preset: str | None, by: str | None, extent: str | None,
    parks: Path | None, residential: Path | None, crs: str | None, classes: str | None,
    as_of: Any, layers_dir: Path | None, blind_spots: Path | None, map_path: Path | None,
    chart: Path | None, population: Path | None, raster_check: float | None, suggest: int,
    suggest_radius: float, as_json: bool, include_geometry: bool, quiet: bool,
) -> None:  # fmt: skip
    """Share of residential land within the parks' service radius, per unit, with targets.

    Layer-set mode: --district 通州区 [--by township] [--extent urban|district].
    File mode: --parks FILE --residential FILE [--extent FILE] [--by FILE] [--crs ...].
    Areas are m² in EPSG:4548.
    """
    settings = Settings()
    preset = preset or settings.coverage.default_preset
    res_classes: Any = classes or settings.coverage.residential_classes
    if parks is not None or residential is not None:
        if parks is None or residential is None:
            raise InvalidInput("file mode needs both --parks and --residential")
        result = park_coverage(
            parks, residential, extent=extent, preset=preset, by=by,
            residential_classes=res_classes, crs=crs, progress=not quiet,
        )  # fmt: skip
    else:
        if not district:
            raise InvalidInput("give --district (layer-set mode) or --parks and --residential")
        catalog = load_layer_state(layers_dir).catalog
        unit = None if (by or "township").lower() in {"none", ""} else (by or "township")
        result = coverage_for_catalog(
            catalog, district, preset=preset, by=unit, as_of=as_of,
            extent=extent or "urban", residential_classes=res_classes, progress=not quiet,
        )  # fmt: skip
    data = result.to_dict(include_geometry=include_geometry)
    written = _write_outputs(result, data, blind_spots, map_path, chart, population,
                             raster_check, suggest, suggest_radius)  # fmt: skip
    if as_json:
        data["files"] = [str(p) for p in written]
        echo_json(data)
        return
    _print_table(result)
    for key in ("population", "raster_check"):
        if key in data:
            click.echo(f"{key}: {data[key]}")
    if "suggested_sites" in data:
        for site in data["suggested_sites"]["sites"]:
            gain = f"+{site['gain_m2'] / 10_000:.2f} ha (+{site['gain_pp']:.2f} pp)"
            click.echo(f"  site {site['rank']}: {site['lon']:.5f}, {site['lat']:.5f} {gain}")
    for p in written:
        click.echo(f"wrote {p}")


def _write_outputs(
    result: CoverageResult, data: dict[str, Any], blind_spots: Path | None,
    map_path: Path | None, chart: Path | None, population: Path | None,
    raster_check: float | None, suggest: int, suggest_radius: float,
) -> list[Path]:  # fmt: skip
    """Optional files and extra figures; adds them to ``data``; returns written paths."""
    written: list[Path] = []
    if population is not None:
        from geozone.coverage.population import population_coverage

        data["population"] = population_coverage(result, population).to_dict()
    if raster_check is not None:
        from geozone.coverage.raster import raster_crosscheck

        data["raster_check"] = raster_crosscheck(result, raster_check).to_dict()
    if suggest > 0:
        from geozone.coverage.whatif import suggest_sites

        data["suggested_sites"] = suggest_sites(result, suggest, suggest_radius).to_dict()
    if blind_spots is not None:
        driver = "GeoJSON" if blind_spots.suffix.lower() in {".geojson", ".json"} else "GPKG"
        frame = (
            result.blind_spots.to_crs("EPSG:4326") if driver == "GeoJSON" else result.blind_spots
        )
        frame.to_file(blind_spots, driver=driver, engine="pyogrio")
        written.append(blind_spots)
    if map_path is not None or chart is not None:
        from geozone.coverage.maps import write_chart, write_map

        if map_path is not None:
            written.append(write_map(result, map_path))
        if chart is not None:
            written.append(write_chart(result, chart))
    return written
