"""An offline folium map and a per-unit bar chart of a coverage result.

The map inlines Leaflet's JS and CSS (the vendored ``static/vendor/leaflet/dist``) and drops
folium's CDN resources (jQuery, Bootstrap, awesome-markers), so the saved HTML opens with
no network; base tiles are off unless a tile URL is given.
"""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any

import folium
import geopandas as gpd
import matplotlib
import numpy as np
from branca.element import Element, MacroElement
from jinja2 import Template

from geozone import ANALYSIS_CRS
from geozone.coverage.result import CoverageResult
from geozone.errors import GeozoneError
from geozone.resources import static_dir

matplotlib.use("Agg")
import matplotlib.pyplot as plt
from matplotlib import colormaps, font_manager

LEAFLET_DIR = static_dir() / "vendor" / "leaflet" / "dist"
TIER_COLOURS = {500.0: "#1b7837", 300.0: "#7fbf7b"}
CJK_FONTS = ("WenQuanYi Micro Hei", "Noto Sans CJK SC", "Noto Sans SC", "SimHei")
CJK_FILE_KEYS = ("wqy", "notosanscjk", "notosanssc", "simhei")


def _leaflet_assets(leaflet_dir: Path) -> tuple[str, str]:
    js, css = leaflet_dir / "leaflet.js", leaflet_dir / "leaflet.css"
    if not (js.is_file() and css.is_file()):
        raise GeozoneError(
            f"Leaflet assets not found in {leaflet_dir} (run scripts/vendor_web_assets.py)"
        )
    return js.read_text(encoding="utf-8"), css.read_text(encoding="utf-8")


def _strip_cdn(element: Any) -> None:
    """Drop the CDN links of an element and all its children (instance attributes)."""
    if hasattr(element, "default_js"):
        element.default_js = []
        element.default_css = []
    for child in getattr(element, "_children", {}).values():
        _strip_cdn(child)


def _geojson(frame: gpd.GeoDataFrame, columns: list[str]) -> dict[str, Any]:
    cols = [c for c in columns if c in frame.columns]
    out = frame[[*cols, "geometry"]].to_crs("EPSG:4326")
    data: dict[str, Any] = out.__geo_interface__
    return data


def _hex(value: float | None) -> str:
    if value is None or np.isnan(value):
        return "#bbbbbb"
    r, g, b, _ = colormaps["RdYlGn"](float(np.clip(value, 0.0, 1.0)))
    return f"#{int(r * 255):02x}{int(g * 255):02x}{int(b * 255):02x}"


_LEGEND = Template(
    """{% macro html(this, kwargs) %}
<div style="position:fixed;bottom:20px;left:20px;z-index:9999;background:#fff;padding:8px 10px;
font:12px sans-serif;border:1px solid #999;border-radius:4px;max-width:260px">
<b>{{ this.title }}</b><br>
{% for colour, label in this.items %}
<span style="display:inline-block;width:12px;height:12px;background:{{ colour }};
margin-right:4px;border:1px solid #666"></span>{{ label }}<br>
{% endfor %}
{% if this.synthetic %}<b style="color:#b2182b">synthetic demo data / 合成演示数据</b>{% endif %}
</div>
{% endmacro %}"""
)


class Legend(MacroElement):
    """A fixed HTML legend (no external resources)."""

    def __init__(self, title: str, items: list[tuple[str, str]], synthetic: bool) -> None:
        super().__init__()
        self._name = "Legend"
        self._template = _LEGEND
        self.title = html.escape(title)
        self.items = [(c, html.escape(label)) for c, label in items]
        self.synthetic = synthetic


def coverage_map(
    result: CoverageResult,
    *,
    tiles: str | None = None,
    attribution: str | None = None,
    leaflet_dir: Path = LEAFLET_DIR,
) -> folium.Map:
    """A folium map of a coverage result that works offline.

    Layers: per-unit choropleth (coverage ratio, red → green), service areas, covered and
    uncovered residential land, parks by radius tier; a legend that says "synthetic demo
    data" when the inputs are synthetic. Leaflet is inlined; no CDN resource is referenced.

    Parameters
    ----------
    result
        A coverage result.
    tiles
        Optional XYZ tile URL template (the only network reference then); none by default.
    attribution
        Attribution for ``tiles``.
    leaflet_dir
        Folder holding ``leaflet.js`` and ``leaflet.css``.
    """
    js, css = _leaflet_assets(leaflet_dir)
    extent = result.extent if result.extent is not None else result.service_area
    if extent is None or extent.is_empty:
        extent = gpd.GeoSeries(result.parcels.geometry).union_all()
    bounds = gpd.GeoSeries([extent], crs=ANALYSIS_CRS).to_crs("EPSG:4326").total_bounds
    m = folium.Map(tiles=None, control_scale=True, prefer_canvas=True)
    if tiles:
        folium.TileLayer(tiles=tiles, attr=attribution or "tiles", name="base map").add_to(m)
    m.fit_bounds([[bounds[1], bounds[0]], [bounds[3], bounds[2]]])
    if result.units is not None and len(result.units):
        units = result.units.copy()
        units["colour"] = [_hex(v) for v in units["ratio"].astype(float)]
        units["percent"] = [None if v != v else round(v * 100, 2) for v in units["ratio"]]
        folium.GeoJson(
            _geojson(units, ["code", "name", "percent", "target", "colour"]),
            name="coverage per unit",
            style_function=lambda f: {
                "fillColor": f["properties"]["colour"], "color": "#444", "weight": 1,
                "fillOpacity": 0.35,
            },
            tooltip=folium.GeoJsonTooltip(["code", "name", "percent", "target"]),
        ).add_to(m)  # fmt: skip
    service = gpd.GeoDataFrame(geometry=[result.service_area], crs=ANALYSIS_CRS)
    if not result.service_area.is_empty:
        folium.GeoJson(
            _geojson(service, []),
            name="service areas",
            style_function=lambda f: {"fillColor": "#4393c3", "color": "#2166ac", "weight": 1,
                                      "fillOpacity": 0.15},
        ).add_to(m)  # fmt: skip
    for frame, name, colour in (
        (result.covered_land, "covered residential land", "#1a9850"),
        (result.blind_spots, "uncovered residential land (blind spots)", "#d73027"),
    ):
        if len(frame):
            folium.GeoJson(
                _geojson(frame, ["feature_id"]),
                name=name,
                style_function=lambda f, c=colour: {"fillColor": c, "color": c, "weight": 0.5,
                                                    "fillOpacity": 0.7},
            ).add_to(m)  # fmt: skip
    for radius, colour in TIER_COLOURS.items():
        tier = result.parks[result.parks["radius_m"] == radius]
        if len(tier):
            folium.GeoJson(
                _geojson(tier, ["feature_id", "name", "park_class", "area_m2", "radius_m"]),
                name=f"parks at {radius:g} m",
                style_function=lambda f, c=colour: {"fillColor": c, "color": "#00441b",
                                                    "weight": 1, "fillOpacity": 0.9},
                tooltip=folium.GeoJsonTooltip(["name", "park_class", "area_m2", "radius_m"]),
            ).add_to(m)  # fmt: skip
    other = result.parks[~result.parks["radius_m"].isin(list(TIER_COLOURS))]
    if len(other):
        folium.GeoJson(
            _geojson(other, ["feature_id", "name", "radius_m"]), name="parks (other radii)"
        ).add_to(m)
    pct = "n/a" if result.ratio is None else f"{result.ratio * 100:.2f} %"
    items = [("#1a9850", "covered residential 覆盖居住用地"),
             ("#d73027", "blind spots 未覆盖居住用地"),
             ("#4393c3", "service areas 服务范围"),
             ("#1b7837", "park, 500 m 公园"), ("#7fbf7b", "park, 300 m 公园")]  # fmt: skip
    if result.units is not None:
        items += [(_hex(0.0), "unit coverage 0 %"), (_hex(0.5), "50 %"), (_hex(1.0), "100 %")]
    Legend(f"Coverage {pct} ({result.preset.name})", items, result.synthetic).add_to(m)
    folium.LayerControl(collapsed=False).add_to(m)
    _strip_cdn(m)
    header = m.get_root().header  # type: ignore[attr-defined]
    header.add_child(Element(f"<style>{css}</style>"), name="leaflet_css_inline")
    header.add_child(Element(f"<script>{js}</script>"), name="leaflet_js_inline")
    return m


def write_map(result: CoverageResult, path: Path | str, **kwargs: Any) -> Path:
    """Save :func:`coverage_map` as a self-contained HTML file and return its path."""
    out = Path(path)
    m = coverage_map(result, **kwargs)
    _strip_cdn(m.get_root())
    out.write_text(m.get_root().render(), encoding="utf-8")
    return out


def _cjk_font() -> str | None:
    """A CJK font family for Chinese unit names, or ``None`` (labels fall back to codes)."""
    names = {f.name for f in font_manager.fontManager.ttflist}
    found = next((n for n in CJK_FONTS if n in names), None)
    if found is None:  # matplotlib's font cache may predate the font's installation
        for font_file in font_manager.findSystemFonts():
            if any(key in Path(font_file).name.lower() for key in CJK_FILE_KEYS):
                font_manager.fontManager.addfont(font_file)
        names = {f.name for f in font_manager.fontManager.ttflist}
        found = next((n for n in CJK_FONTS if n in names), None)
    return found


def write_chart(result: CoverageResult, path: Path | str) -> Path:
    """Bar chart (PNG) of coverage per unit against each unit's target; overall if no units."""
    out = Path(path)
    font = _cjk_font()
    if result.units is not None and len(result.units):
        # units without residential land of the counted classes have no ratio: no bar
        units = result.units[result.units["total_m2"] > 0]
        labels = [
            f"{n}" if font else str(c) for c, n in zip(units["code"], units["name"], strict=True)
        ]
        values = [0.0 if v != v or v is None else v * 100 for v in units["ratio"]]
        targets = [None if t != t or t is None else t * 100 for t in units["target"]]
    else:
        labels, values = ["overall"], [0.0 if result.ratio is None else result.ratio * 100]
        headline = result.headline()  # the most specific target of the result's own preset
        targets = [None if headline is None else headline["value"] * 100]
    with plt.rc_context({"font.family": [font, "sans-serif"] if font else ["sans-serif"]}):
        fig, ax = plt.subplots(figsize=(max(6.0, 0.45 * len(labels) + 2), 4.5))
        colours = [
            _hex(v / 100) if t is None or v >= t else "#d73027"
            for v, t in zip(values, targets, strict=True)
        ]
        x = np.arange(len(labels))
        ax.bar(x, values, color=colours, edgecolor="#333")
        for i, t in enumerate(targets):
            if t is not None:
                ax.hlines(t, i - 0.45, i + 0.45, colors="#000", linestyles="--", linewidth=1.2)
        ax.set_xticks(x, labels, rotation=60 if len(labels) > 4 else 0, ha="right", fontsize=8)
        ax.set_ylim(0, 105)
        ax.set_ylabel("coverage (% of residential land)")
        title = f"Park service-radius coverage, preset {result.preset.name} (dashed: target)"
        if result.synthetic:
            title += "\nsynthetic demo data"
        ax.set_title(title, fontsize=10)
        fig.tight_layout()
        fig.savefig(out, dpi=110)
        plt.close(fig)
    return out
