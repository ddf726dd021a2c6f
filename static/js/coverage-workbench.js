// The coverage workbench, under the coverage figure: presets by their human names (GET
// /api/v1/coverage/presets), candidate parks drawn on the map or read from a file and their
// effect (POST /api/v1/coverage with `parks`: the new figure, and `what_if`: the gain and the
// newly covered land), and n suggested park sites with their gain (POST with `suggest`).
// Areas from the server are m² (EPSG:4548); gains are also in percentage points.

import { api } from "./api.js";
import { t, lang, addStrings, formatArea, formatShare, onLangChange } from "./i18n.js";
import { el, renderError } from "./lookup-panel.js";
import { readParcelFile } from "./upload.js";
import { paneRenderer } from "./map.js";

const L = window.L;

export const CANDIDATE_STYLE = { color: "#389e0d", weight: 3, fillColor: "#52c41a", fillOpacity: 0.35, dashArray: "6 4" };
export const NEWLY_COVERED_STYLE = { color: "#237804", weight: 1, fillColor: "#95de64", fillOpacity: 0.6 };
export const SITE_STYLE = { color: "#d4380d", weight: 2, fillColor: "#ff7a45", fillOpacity: 0.12, dashArray: "4 4" };
const MAX_SUGGEST = 20;

addStrings({
  zh: {
    wb_whatif: "假设新增公园",
    wb_whatif_hint: "在地图上绘制候选公园，或上传 GeoJSON / 压缩 Shapefile / KML，查看覆盖率变化和新增覆盖的居住用地。",
    wb_draw: "绘制候选公园",
    wb_upload: "上传候选公园",
    wb_clear: "清除候选",
    wb_before_after: "覆盖率",
    wb_gain: "新增覆盖居住用地",
    wb_candidates: "候选公园",
    wb_not_counted: "按此标准不计入",
    wb_radius: "服务半径",
    wb_suggest: "推荐公园选址",
    wb_suggest_hint: "按服务盲区贪心选址：每处选址覆盖最多尚未覆盖的居住用地。",
    wb_suggest_n: "选址数量",
    wb_suggest_run: "推荐选址",
    wb_site: "选址",
    wb_no_sites: "没有可改善的服务盲区",
    wb_need_run: "请先计算覆盖",
    wb_with_candidates: "含候选公园",
    wb_newly_covered: "新增覆盖用地",
    wb_sites: "推荐选址",
    overlay_empty_hint: "空：在「公园覆盖」中计算后显示",
  },
  en: {
    wb_whatif: "What if: candidate parks",
    wb_whatif_hint: "Draw candidate parks on the map, or upload GeoJSON / zipped Shapefile / KML, to see the new coverage and the newly covered residential land.",
    wb_draw: "Draw a candidate park",
    wb_upload: "Upload candidate parks",
    wb_clear: "Clear candidates",
    wb_before_after: "Coverage",
    wb_gain: "Residential land newly covered",
    wb_candidates: "Candidate parks",
    wb_not_counted: "not counted by this standard",
    wb_radius: "service radius",
    wb_suggest: "Suggested park sites",
    wb_suggest_hint: "Greedy siting on the blind spots: each site covers the most still-uncovered residential land.",
    wb_suggest_n: "Number of sites",
    wb_suggest_run: "Suggest sites",
    wb_site: "Site",
    wb_no_sites: "No blind spot left to improve",
    wb_need_run: "Compute the coverage first",
    wb_with_candidates: "with candidate parks",
    wb_newly_covered: "Newly covered land",
    wb_sites: "Suggested sites",
    overlay_empty_hint: "empty: compute coverage in the Coverage tab",
  },
});

/** A preset's label: its zh/en title (standard and year), the code as a fallback. */
export function presetLabel(p) {
  const title = lang() === "en" ? p.title_en || p.title_zh : p.title_zh || p.title_en;
  return title || p.name;
}

/** Fill a select with the presets (GET /api/v1/coverage/presets), `first` leading; relabel on language change. */
export async function fillPresets(select, first) {
  const doc = await api.coveragePresets();
  const presets = [...doc.presets].sort((a, b) => (b.name === first) - (a.name === first));
  const label = () =>
    [...select.options].forEach((o) => {
      const p = presets.find((q) => q.name === o.value);
      if (p) o.textContent = presetLabel(p);
    });
  select.innerHTML = "";
  presets.forEach((p) => {
    const o = el("option", null, presetLabel(p));
    o.value = p.name;
    o.title = p.source;
    select.appendChild(o);
  });
  onLangChange(label);
  return presets;
}

/** Candidate parks of a file or drawing as a FeatureCollection, one polygon per feature. */
export function candidateFeatures(geometry) {
  const polys = geometry.type === "MultiPolygon" ? geometry.coordinates : geometry.type === "Polygon" ? [geometry.coordinates] : [];
  return polys.map((coordinates, i) => ({
    type: "Feature",
    properties: { name: `candidate ${i + 1}` },
    geometry: { type: "Polygon", coordinates },
  }));
}

export class CoverageWorkbench {
  /** view: the CoverageView (its show(result) draws a coverage answer); container: a div. */
  constructor(map, view, container) {
    this.map = map;
    this.view = view;
    this.container = container;
    this.base = null; // {district, preset, includeGeometry, result}
    this.candidates = []; // GeoJSON Features (WGS84 unless this.crs says otherwise)
    this.crs = "EPSG:4326";
    this.whatIf = null;
    this.sites = null;
    this.busy = 0;
    this.candidateLayer = L.geoJSON(null, { pane: "query", interactive: false, style: () => ({ ...CANDIDATE_STYLE }) }).addTo(map);
    this.newlyCovered = L.geoJSON(null, {
      pane: "service_area",
      renderer: paneRenderer("service_area"),
      interactive: false,
      style: () => ({ ...NEWLY_COVERED_STYLE }),
    }).addTo(map);
    this.siteLayer = L.layerGroup().addTo(map);
    map.on("pm:create", (e) => {
      if (e.layer.options?.gzRole !== "candidate") return;
      const geometry = e.layer.toGeoJSON().geometry;
      e.layer.remove();
      this.addCandidates(candidateFeatures(geometry), "EPSG:4326");
    });
    this.build();
    onLangChange(() => this.build());
  }

  build() {
    const c = this.container;
    c.innerHTML = "";
    c.hidden = !this.base;
    c.appendChild(el("h3", null, t("wb_whatif")));
    c.appendChild(el("p", "gz-hint", t("wb_whatif_hint")));
    const row = el("div", "gz-wb-row");
    const draw = el("button", "gz-button", t("wb_draw"));
    draw.type = "button";
    draw.id = "candidate-draw";
    draw.addEventListener("click", () => this.startDrawing());
    const upload = el("label", "gz-button gz-file-button");
    upload.appendChild(el("span", null, t("wb_upload")));
    const file = document.createElement("input");
    file.type = "file";
    file.id = "candidate-file";
    file.accept = ".geojson,.json,.zip,.kml";
    file.addEventListener("change", () => this.readFile(file));
    upload.appendChild(file);
    const clear = el("button", "gz-button", t("wb_clear"));
    clear.type = "button";
    clear.id = "candidate-clear";
    clear.addEventListener("click", () => this.clearCandidates());
    row.append(draw, upload, clear);
    c.appendChild(row);
    this.whatIfOut = el("div", "gz-wb-output");
    this.whatIfOut.id = "whatif-output";
    c.appendChild(this.whatIfOut);
    c.appendChild(el("h3", null, t("wb_suggest")));
    c.appendChild(el("p", "gz-hint", t("wb_suggest_hint")));
    const srow = el("div", "gz-wb-row");
    const label = el("label", null);
    label.appendChild(el("span", null, `${t("wb_suggest_n")} `));
    this.nInput = document.createElement("input");
    this.nInput.type = "number";
    this.nInput.id = "suggest-n";
    this.nInput.min = "1";
    this.nInput.max = String(MAX_SUGGEST);
    this.nInput.value = this.nValue || "3";
    this.nInput.addEventListener("change", () => (this.nValue = this.nInput.value));
    label.appendChild(this.nInput);
    const go = el("button", "gz-button", t("wb_suggest_run"));
    go.type = "button";
    go.id = "suggest-run";
    go.addEventListener("click", () => this.suggest());
    srow.append(label, go);
    c.appendChild(srow);
    this.siteOut = el("div", "gz-wb-output");
    this.siteOut.id = "suggest-output";
    c.appendChild(this.siteOut);
    if (this.whatIf) this.renderWhatIf();
    if (this.sites) this.renderSites();
  }

  /** A new coverage run was shown: candidates and sites of the previous one no longer apply. */
  setBase(base) {
    this.base = base;
    this.clearCandidates({ quiet: true });
    this.clearSites();
    this.build();
  }

  startDrawing() {
    if (!this.base) return;
    this.map.pm.enableDraw("Polygon", {
      pathOptions: { ...CANDIDATE_STYLE, gzRole: "candidate" },
      templineStyle: { color: CANDIDATE_STYLE.color },
      hintlineStyle: { color: CANDIDATE_STYLE.color, dashArray: [5, 5] },
    });
  }

  async readFile(input) {
    const f = input.files?.[0];
    if (!f) return;
    try {
      if (/\.(geo)?json$/i.test(f.name)) {
        const obj = JSON.parse(await f.text());
        const features = obj.type === "FeatureCollection" ? obj.features : obj.type === "Feature" ? [obj] : [{ type: "Feature", properties: {}, geometry: obj }];
        const named = obj.crs?.properties?.name;
        this.addCandidates(features, named || "EPSG:4326");
      } else {
        const parsed = await readParcelFile(f, "EPSG:4326");
        this.addCandidates(candidateFeatures(parsed.geometry), parsed.crs);
      }
    } catch (err) {
      renderError(this.whatIfOut, err);
    }
    input.value = "";
  }

  addCandidates(features, crs) {
    if (!this.base || !features.length) return;
    if (crs !== this.crs && this.candidates.length) this.candidates = []; // one CRS per request
    this.crs = crs;
    this.candidates.push(...features);
    if (crs === "EPSG:4326") this.candidateLayer.addData({ type: "FeatureCollection", features });
    this.runWhatIf();
  }

  clearCandidates({ quiet = false } = {}) {
    this.candidates = [];
    this.crs = "EPSG:4326";
    this.whatIf = null;
    this.candidateLayer.clearLayers();
    this.newlyCovered.clearLayers();
    if (this.whatIfOut) this.whatIfOut.innerHTML = "";
    if (!quiet && this.base) this.view.show(this.base.result); // back to the figure without them
  }

  clearSites() {
    this.sites = null;
    this.siteLayer.clearLayers();
    if (this.siteOut) this.siteOut.innerHTML = "";
  }

  body(extra) {
    const b = this.base;
    return { district: b.district, preset: b.preset, by: "township", include_geometry: b.includeGeometry, ...extra };
  }

  async runWhatIf() {
    const out = this.whatIfOut;
    out.innerHTML = "";
    out.appendChild(el("div", "gz-muted", t("loading")));
    out.dataset.state = "loading";
    const mine = (this.busy += 1);
    try {
      const parks = { type: "FeatureCollection", features: this.candidates };
      const crs = this.crs === "EPSG:4326" ? {} : { crs: this.crs };
      const result = await api.coveragePost(this.body({ parks, ...crs }));
      if (mine !== this.busy) return;
      this.whatIf = result.what_if;
      this.newlyCovered.clearLayers();
      if (result.what_if?.newly_covered) this.newlyCovered.addData(result.what_if.newly_covered);
      if (this.crs !== "EPSG:4326") {
        // the server read the file's CRS: show the candidates as it measured them (none sent back),
        // so frame the newly covered land instead
        const b = this.newlyCovered.getBounds();
        if (b.isValid()) this.map.fitBounds(b, { maxZoom: 15 });
      }
      this.view.show(result, { keepView: true });
      this.renderWhatIf();
      out.dataset.state = "done";
    } catch (err) {
      if (mine !== this.busy) return;
      renderError(out, err);
      out.dataset.state = "error";
    }
  }

  renderWhatIf() {
    const w = this.whatIf;
    const out = this.whatIfOut;
    out.innerHTML = "";
    if (!w) return;
    const facts = el("dl", "gz-facts");
    const add = (k, v) => {
      facts.appendChild(el("dt", null, k));
      facts.appendChild(el("dd", null, v));
    };
    add(t("wb_before_after"), `${formatShare(w.before)} → ${formatShare(w.after)} (+${w.gain_pp.toFixed(2)} pp)`);
    add(t("wb_gain"), formatArea(w.gain_m2));
    out.appendChild(facts);
    out.appendChild(el("div", "gz-small", `${t("wb_candidates")} (${w.candidates.length})`));
    const ul = el("ul", "gz-small gz-wb-list");
    w.candidates.forEach((c, i) => {
      const radius = c.radius_m > 0 ? `${t("wb_radius")} ${c.radius_m} m` : t("wb_not_counted");
      ul.appendChild(el("li", null, `${c.name || i + 1}: ${formatArea(c.area_m2)} · ${radius}`));
    });
    out.appendChild(ul);
  }

  async suggest() {
    const out = this.siteOut;
    if (!this.base) {
      out.textContent = t("wb_need_run");
      return;
    }
    const n = Math.max(1, Math.min(MAX_SUGGEST, Math.round(Number(this.nInput.value) || 1)));
    this.nInput.value = String(n);
    out.innerHTML = "";
    out.appendChild(el("div", "gz-muted", t("loading")));
    out.dataset.state = "loading";
    try {
      const result = await api.coveragePost(this.body({ suggest: n, include_geometry: false }));
      this.sites = result.suggested_sites;
      this.drawSites();
      this.renderSites();
      out.dataset.state = "done";
    } catch (err) {
      renderError(out, err);
      out.dataset.state = "error";
    }
  }

  drawSites() {
    this.siteLayer.clearLayers();
    (this.sites?.sites || []).forEach((s) => {
      L.circle([s.lat, s.lon], { ...SITE_STYLE, radius: this.sites.radius_m, interactive: false, pane: "query" }).addTo(this.siteLayer);
      const marker = L.marker([s.lat, s.lon], {
        icon: L.divIcon({ className: "gz-site-marker", html: String(s.rank), iconSize: [22, 22] }),
        title: `${t("wb_site")} ${s.rank}`,
        keyboard: true,
      });
      marker.bindTooltip(`${t("wb_site")} ${s.rank}: +${formatArea(s.gain_m2)} (+${s.gain_pp.toFixed(2)} pp)`);
      marker.addTo(this.siteLayer);
    });
  }

  renderSites() {
    const out = this.siteOut;
    out.innerHTML = "";
    const sites = this.sites?.sites || [];
    if (!sites.length) {
      out.appendChild(el("div", "gz-muted", t("wb_no_sites")));
      return;
    }
    const ol = el("ol", "gz-small gz-wb-list");
    sites.forEach((s) => {
      const li = el(
        "li",
        "gz-site",
        `+${formatArea(s.gain_m2)} (+${s.gain_pp.toFixed(2)} pp) → ${formatShare(s.ratio_after)} · ${s.lon.toFixed(5)}, ${s.lat.toFixed(5)}`,
      );
      li.tabIndex = 0;
      li.dataset.rank = String(s.rank);
      const fly = () => this.map.flyTo([s.lat, s.lon], Math.max(this.map.getZoom(), 14), { duration: 0.6 });
      li.addEventListener("click", fly);
      li.addEventListener("keydown", (e) => {
        if (e.key === "Enter") fly();
      });
      ol.appendChild(li);
    });
    out.appendChild(ol);
  }
}
