// The coverage view: pick a district, see park service areas and uncovered residential land
// (blind spots), with the coverage figure against the plan targets and a per-township table.
// Data: GET /api/v1/coverage?district=&preset=&by=township&include_geometry=true.

import { api } from "./api.js";
import { t, pick, pickPlain, lang, formatArea, formatShare, onLangChange } from "./i18n.js";
import { el, syntheticNode, renderError, renderLoading } from "./lookup-panel.js";
import { SERVICE_AREA_STYLE, BLIND_SPOT_STYLE } from "./styles.js";
import { paneRenderer } from "./map.js";
import { CoverageWorkbench, fillPresets } from "./coverage-workbench.js";

const L = window.L;
// radius500 first: the plans' targets are 500 m coverage (公园绿地500米服务半径覆盖率), so the
// default figure is the one they are stated in
const FIRST_PRESET = "radius500";

export class CoverageView {
  constructor(map, layers, { districtSelect, presetSelect, button, output }) {
    this.map = map;
    this.layers = layers;
    this.districtSelect = districtSelect;
    this.presetSelect = presetSelect;
    this.output = output;
    this.result = null;
    this.serviceAreas = L.geoJSON(null, {
      pane: "service_area",
      renderer: paneRenderer("service_area"),
      interactive: false,
      style: () => ({ ...SERVICE_AREA_STYLE }),
    });
    this.blindSpots = L.geoJSON(null, {
      pane: "blind_spot",
      renderer: paneRenderer("blind_spot"),
      interactive: false,
      style: () => ({ ...BLIND_SPOT_STYLE }),
    });
    // both stay empty until coverage is run: the switcher says so instead of showing nothing
    layers.addOverlay("service_areas", this.serviceAreas, "service_area", false, "overlay_empty_hint");
    layers.addOverlay("blind_spots", this.blindSpots, "blind_spot", false, "overlay_empty_hint");
    fillPresets(presetSelect, FIRST_PRESET).catch((err) => renderError(output, err));
    const bench = document.createElement("div");
    bench.id = "coverage-workbench";
    bench.className = "gz-workbench";
    output.after(bench);
    this.workbench = new CoverageWorkbench(map, this, bench);
    button.addEventListener("click", () => this.run());
    layers.onLoaded(() => this.fillDistricts());
    onLangChange(() => this.result && this.render(this.result));
  }

  /** The districts in force (GET /api/v1/places rows: code, name, WGS84 bbox). */
  districts() {
    return this.layers.places("district");
  }

  fillDistricts() {
    const keep = this.districtSelect.value;
    this.districtSelect.innerHTML = "";
    this.districts().forEach((p) => {
      const o = el("option", null, p.name || p.code);
      o.value = p.code;
      this.districtSelect.appendChild(o);
    });
    if (keep && [...this.districtSelect.options].some((o) => o.value === keep)) this.districtSelect.value = keep;
  }

  /** Compute coverage for the selected district and show it. */
  async run() {
    const district = this.districtSelect.value;
    if (!district) return;
    renderLoading(this.output);
    try {
      // coverage is drawn from these kinds: when one of them is restricted the server keeps the
      // geometry for token holders, so the map asks for the figures only
      const kinds = new Set(["admin", "park", "residential", "control_zone"]);
      const restricted = (this.layers.config.layers || []).some(
        (l) => l.access === "restricted" && kinds.has(l.kind),
      );
      const preset = this.presetSelect.value;
      const result = await api.coverage({ district, preset, by: "township", includeGeometry: !restricted });
      this.show(result);
      this.workbench.setBase({ district, preset, includeGeometry: !restricted, result });
    } catch (err) {
      renderError(this.output, err);
    }
  }

  /** Draw a coverage answer: service areas, blind spots, the figure; fly to its district. */
  show(result, { keepView = false } = {}) {
    this.result = result;
    this.serviceAreas.clearLayers();
    this.blindSpots.clearLayers();
    if (result.service_area) this.serviceAreas.addData(result.service_area);
    if (result.blind_spots?.geojson) this.blindSpots.addData(result.blind_spots.geojson);
    this.layers.setVisible("service_areas", true);
    this.layers.setVisible("blind_spots", true);
    this.layers.renderSwitcher();
    const place = this.districts().find((p) => p.code === result.district?.code);
    if (place && !keepView) {
      const [minx, miny, maxx, maxy] = place.bbox;
      this.map.flyToBounds(
        [
          [miny, minx],
          [maxy, maxx],
        ],
        { duration: 0.6 },
      );
    }
    this.render(result);
  }

  render(r) {
    const out = this.output;
    out.innerHTML = "";
    if (r.synthetic) out.appendChild(syntheticNode());
    const fig = el("div", "gz-coverage-figure");
    fig.id = "coverage-figure";
    fig.appendChild(el("div", "gz-small", t("coverage_ratio")));
    // only a target defined with the figure's own preset is compared (the server marks the
    // others comparable: false); the headline is the most specific comparable one
    const targets = r.targets || [];
    const comparable = targets.filter((tg) => tg.comparable !== false);
    const headline = r.headline_target || comparable[comparable.length - 1];
    const big = el("div", "gz-big", r.ratio === null ? "–" : formatShare(r.ratio));
    if (headline && headline.met === false) big.classList.add("gz-big-below");
    fig.appendChild(big);
    out.appendChild(fig);
    if (headline) {
      const line = el("div", `gz-target ${headline.met ? "gz-met" : "gz-below"}`);
      line.appendChild(
        el(
          "div",
          null,
          `${t("coverage_target")}: ${headline.comparator} ${formatShare(headline.value)} — ${
            headline.met ? t("coverage_meets") : t("coverage_below")
          }`,
        ),
      );
      line.appendChild(el("div", "gz-small", `${pick(headline, "label")} · ${headline.source}`));
      out.appendChild(line);
    }
    const others = targets.filter((tg) => !headline || tg.label_en !== headline.label_en);
    if (others.length) {
      const ul = el("ul", "gz-small gz-target-list");
      others.forEach((tg) => {
        const mark =
          tg.comparable === false
            ? `${t("coverage_not_comparable")} (${t("coverage_preset")} ${tg.preset})`
            : tg.met
              ? "✓"
              : "✗";
        ul.appendChild(el("li", null, `${pick(tg, "label")}: ${mark} (${tg.source})`));
      });
      out.appendChild(ul);
    }
    const facts = el("dl", "gz-facts");
    const add = (k, v) => {
      facts.appendChild(el("dt", null, k));
      facts.appendChild(el("dd", null, v));
    };
    add(t("coverage_covered"), formatArea(r.covered_m2));
    add(t("coverage_residential"), formatArea(r.total_m2));
    add(t("coverage_uncovered"), `${formatArea(r.blind_spots?.area_m2)} (${r.blind_spots?.count ?? "–"})`);
    add(t("coverage_preset"), pickPlain({ zh: r.preset?.title_zh, en: r.preset?.title_en }) || r.preset?.name || "");
    out.appendChild(facts);
    if (Array.isArray(r.units) && r.units.length) {
      out.appendChild(el("h3", null, t("coverage_by_township")));
      const tbl = el("table", "gz-table gz-small");
      const head = el("tr");
      [t("coverage_township"), t("coverage_ratio"), t("coverage_residential")].forEach((h) =>
        head.appendChild(el("th", null, h)),
      );
      tbl.appendChild(head);
      [...r.units]
        .sort((a, b) => (a.ratio ?? 2) - (b.ratio ?? 2))
        .forEach((u) => {
          const tr = el("tr", u.met === false ? "gz-below" : "");
          tr.appendChild(el("td", null, u.name || u.code));
          tr.appendChild(el("td", null, u.ratio === null ? "–" : formatShare(u.ratio)));
          tr.appendChild(el("td", null, formatArea(u.total_m2)));
          tbl.appendChild(tr);
        });
      out.appendChild(tbl);
    }
    (r.warnings || []).forEach((w) => out.appendChild(el("div", "gz-warning gz-small", w)));
    out.dataset.lang = lang();
  }
}
