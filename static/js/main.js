// Wiring of the web map: config, map, layers, activities, as-of date, point/parcel lookups,
// upload, search, report, coverage, language, permalink (/?report=<id>).
// window.geozone exposes handles for the browser tests (map, layers, state, lookups).

import { api } from "./api.js";
import { t, lang, setLang, applyTo, onLangChange, pickPlain, setLabels } from "./i18n.js";
import { createMap } from "./map.js";
import { LayerManager } from "./layers.js";
import { renderResult, renderError, renderLoading } from "./lookup-panel.js";
import { setupDraw } from "./draw.js";
import { readParcelFile, parseCorners } from "./upload.js";
import { setupSearch } from "./search.js";
import { Highlighter, restrictedLayerIds } from "./highlight.js";
import { reportUrl } from "./report.js";
import { CoverageView } from "./coverage.js";
import { appendExportLinks } from "./export.js";
import "./strings-mapui.js";
import { Basemaps } from "./basemaps.js";
import { MeasureTool } from "./measure.js";
import { readUrlState, applyLayers, UrlState } from "./url-state.js";
import { setupLayout } from "./layout.js";

const $ = (id) => document.getElementById(id);

function today() {
  const d = new Date();
  const pad = (n) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

const state = {
  config: null,
  activities: [],
  activity: null,
  asOf: today(),
  last: null, // {kind: "point", lon, lat, crs} | {kind: "geometry", geometry, crs, editable}
  result: null,
  busy: 0,
};

function activityList(body) {
  const list = Array.isArray(body) ? body : body?.activities || [];
  return list.map((a) => ({ ...a, code: a.code || a.activity }));
}

function fillActivities(select) {
  const keep = select.value || state.activity;
  select.innerHTML = "";
  state.activities.forEach((a) => {
    const o = document.createElement("option");
    o.value = a.code;
    o.textContent = pickPlain(a) || a.code;
    select.appendChild(o);
  });
  if (keep) select.value = keep;
  state.activity = select.value;
}

/** Set the date input's min/max to the answerable dates; return `value` kept within them. */
function limitDates(input, dates, value) {
  if (!dates) return value;
  if (dates.valid_from) input.min = dates.valid_from;
  if (dates.valid_to) input.max = dates.valid_to;
  else input.removeAttribute("max");
  if (dates.valid_from && value < dates.valid_from) return dates.valid_from;
  if (dates.valid_to && value > dates.valid_to) return dates.valid_to;
  return value;
}

/** True when an admin layer is in force on `value` (YYYY-MM-DD), per config.dates.ranges. */
function answerable(dates, value) {
  if (!dates) return true; // a layer set without admin layers: the API answers with a warning
  return (dates.ranges || []).some(([from, to]) => value >= from && (!to || value <= to));
}

async function start() {
  applyTo(document);
  const initial = readUrlState(); // the view a shared URL describes (url-state.js)
  const panel = $("result");
  const banner = $("synthetic-banner");
  let ready;
  const readyPromise = new Promise((resolve) => {
    ready = resolve;
  });
  window.geozone = { state, ready: readyPromise };

  $("lang-toggle").addEventListener("click", () => setLang(lang() === "zh" ? "en" : "zh"));

  const config = await api.config();
  state.config = config;
  banner.hidden = !config.synthetic;

  const map = createMap("map");
  const basemaps = new Basemaps(map, config, initial.basemap);
  const measure = new MeasureTool(map);
  const layers = new LayerManager(map, config);
  const highlighter = new Highlighter(map, restrictedLayerIds(config));
  window.geozone.map = map;
  window.geozone.layers = layers;
  window.geozone.basemaps = basemaps;
  window.geozone.measure = measure;

  const asOfInput = $("as-of");
  // offer only the dates a lookup can answer (an admin layer in force), GET /api/v1/config
  const wantedDate = initial.date && answerable(config.dates, initial.date) ? initial.date : state.asOf;
  state.asOf = limitDates(asOfInput, config.dates, wantedDate);
  asOfInput.value = state.asOf;
  setLabels(config.labels);
  const activitySelect = $("activity");
  const crsSelect = $("crs");
  const toleranceInput = $("tolerance");

  const panelActions = {
    onReport: (r) => window.open(reportUrl(r.report_id), "_blank"),
    footer: appendExportLinks,
  };
  const showResult = async (result, { drawQuery }) => {
    state.result = result;
    window.geozone.result = result;
    renderResult(panel, result, panelActions);
    highlighter.showQuery(result, drawQuery);
    await highlighter.show(result);
    panel.dataset.state = "done";
    window.geozone.urlState?.write();
  };

  const run = async (query) => {
    state.last = query;
    state.busy += 1;
    panel.dataset.state = "loading";
    renderLoading(panel);
    const common = {
      activity: state.activity,
      asOf: state.asOf,
      toleranceM: toleranceInput.value === "" ? undefined : Number(toleranceInput.value),
    };
    try {
      let result;
      if (query.kind === "point") {
        result = await api.lookupPoint({ lon: query.lon, lat: query.lat, crs: query.crs, ...common });
      } else {
        result = await api.lookupGeometry({ geometry: query.geometry, crs: query.crs, detail: "summary", ...common });
      }
      if (state.last !== query) return null; // superseded by a newer query
      if (query.kind === "geometry" && query.fromFile && result.query?.geometry?.type !== "Point") {
        // show the API's WGS84 geometry (the API converted the declared CRS) as the editable parcel
        draw.clear();
        draw.showParcel(result.query.geometry);
        state.last = { kind: "geometry", geometry: result.query.geometry, crs: "EPSG:4326" };
        map.fitBounds(draw.parcel.getBounds(), { maxZoom: 16, padding: [40, 40] });
      }
      await showResult(result, { drawQuery: query.kind === "point" || result.query?.geometry?.type === "Point" });
      return result;
    } catch (err) {
      if (state.last === query) {
        renderError(panel, err);
        highlighter.clear();
        panel.dataset.state = "error";
      }
      return null;
    } finally {
      state.busy -= 1;
    }
  };

  const draw = setupDraw(map, {
    onParcel: (geometry) => run({ kind: "geometry", geometry, crs: "EPSG:4326" }),
    onClear: () => {
      state.last = null;
      highlighter.clear();
      panel.innerHTML = "";
      panel.appendChild(document.createTextNode(t("result_empty")));
      window.geozone.urlState?.write();
    },
  });

  window.geozone.draw = draw;

  map.on("click", (e) => {
    const pm = map.pm;
    if (pm.globalDrawModeEnabled() || pm.globalEditModeEnabled() || pm.globalRemovalModeEnabled()) return;
    if (measure.active) return; // the measure tool takes the clicks
    draw.clear();
    run({ kind: "point", lon: e.latlng.lng, lat: e.latlng.lat, crs: "EPSG:4326" });
  });

  const rerun = () => {
    if (!state.last) return;
    run(state.last);
  };

  activitySelect.addEventListener("change", () => {
    state.activity = activitySelect.value;
    rerun();
  });
  asOfInput.addEventListener("change", async () => {
    if (!asOfInput.value) return;
    if (!answerable(config.dates, asOfInput.value)) {
      // typed past min/max (or into a gap): say why instead of asking the API (422)
      const detail = { ...config.dates, as_of: asOfInput.value };
      renderError(panel, { code: "no_layers_in_force", message: `${asOfInput.value}: ${t("no_layers_for_date")}`, detail });
      highlighter.clear();
      panel.dataset.state = "error";
      asOfInput.value = state.asOf;
      return;
    }
    state.asOf = asOfInput.value;
    rerun();
    await layers.setAsOf(state.asOf);
  });

  $("upload-file").addEventListener("change", async (e) => {
    const file = e.target.files?.[0];
    if (!file) return;
    try {
      const parsed = await readParcelFile(file, crsSelect.value);
      await run({ kind: "geometry", geometry: parsed.geometry, crs: parsed.crs, fromFile: true });
    } catch (err) {
      renderError(panel, err);
    }
    e.target.value = "";
  });
  $("corners-form").addEventListener("submit", async (e) => {
    e.preventDefault();
    try {
      const parsed = parseCorners($("corners").value, crsSelect.value);
      if (parsed.geometry.type === "Point") {
        const [lon, lat] = parsed.geometry.coordinates;
        await run({ kind: "point", lon, lat, crs: crsSelect.value });
      } else {
        await run({ kind: "geometry", geometry: parsed.geometry, crs: crsSelect.value, fromFile: true });
      }
    } catch (err) {
      renderError(panel, err);
    }
  });

  setupSearch(map, layers, {
    form: $("search-form"),
    input: $("search-input"),
    list: $("search-results"),
    onPoint: (lon, lat) => run({ kind: "point", lon, lat, crs: "EPSG:4326" }),
  });

  const coverage = new CoverageView(map, layers, {
    districtSelect: $("coverage-district"),
    presetSelect: $("coverage-preset"),
    button: $("coverage-run"),
    output: $("coverage-output"),
  });
  window.geozone.coverage = coverage;

  document.querySelectorAll("[data-tab]").forEach((btn) =>
    btn.addEventListener("click", () => {
      document.querySelectorAll("[data-tab]").forEach((b) => b.classList.toggle("active", b === btn));
      document.querySelectorAll(".gz-tab").forEach((p) => {
        p.hidden = p.id !== `tab-${btn.dataset.tab}`;
      });
    }),
  );

  onLangChange(() => {
    fillActivities(activitySelect);
    if (state.result) renderResult(panel, state.result, panelActions);
  });

  window.geozone.lookupPoint = (lon, lat, crs = "EPSG:4326") => run({ kind: "point", lon, lat, crs });
  window.geozone.lookupGeometry = (geometry, crs = "EPSG:4326") =>
    run({ kind: "geometry", geometry, crs, fromFile: true });

  if (initial.layers) applyLayers(layers, initial.layers);
  const [activitiesBody] = await Promise.all([api.activities(), layers.setAsOf(state.asOf)]);
  state.activities = activityList(activitiesBody);
  if (initial.activity && state.activities.some((a) => a.code === initial.activity)) {
    state.activity = initial.activity;
  }
  fillActivities(activitySelect);

  const reportId = initial.report;
  if (reportId) {
    try {
      const result = await api.report(reportId);
      state.asOf = result.as_of;
      asOfInput.value = result.as_of;
      const act = result.query?.activities?.[0];
      if (act) {
        activitySelect.value = act;
        state.activity = activitySelect.value;
      }
      await layers.setAsOf(state.asOf);
      const g = result.query.geometry;
      if (g.type === "Point") {
        state.last = { kind: "point", lon: g.coordinates[0], lat: g.coordinates[1], crs: "EPSG:4326" };
        map.setView([g.coordinates[1], g.coordinates[0]], 15);
      } else {
        draw.showParcel(g);
        state.last = { kind: "geometry", geometry: g, crs: "EPSG:4326" };
        map.fitBounds(draw.parcel.getBounds(), { maxZoom: 16, padding: [40, 40] });
      }
      await showResult(result, { drawQuery: g.type === "Point" });
    } catch (err) {
      renderError(panel, err);
    }
  } else if (initial.point) {
    const [lon, lat] = initial.point;
    if (!initial.center) map.setView([lat, lon], initial.zoom ?? 15, { animate: false });
    await run({ kind: "point", lon, lat, crs: "EPSG:4326" });
  }
  if (initial.center && initial.zoom !== null) {
    map.setView(initial.center, initial.zoom, { animate: false });
  }
  setupLayout({ sidebar: $("sidebar"), result: panel });
  window.geozone.urlState = new UrlState({ map, layers, state, basemaps });
  document.body.dataset.ready = "true";
  ready();
}

start().catch((err) => {
  const panel = $("result");
  if (panel) renderError(panel, err);
  console.error(err);
});
