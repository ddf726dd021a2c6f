// Zone layers from OGC API Features: small layers whole, big ones (parks, residential land)
// by bounding box on every moveend; all of them follow the as-of date (items `datetime=`).
// Also the layer switcher and the legend (zh/en class names, synthetic label).

import { api, allItems } from "./api.js";
import { t, pickPlain, onLangChange, lang } from "./i18n.js";
import { styleFor, KIND_ORDER, SERVICE_AREA_STYLE, BLIND_SPOT_STYLE } from "./styles.js";
import { paneRenderer } from "./map.js";

const L = window.L;
const BBOX_KINDS = new Set(["park", "residential"]);
const BBOX_LIMIT = 2000;
// Residential land has thousands of parcels: drawn from this zoom on (a bbox page of the whole
// three districts would be an arbitrary subset).
const MIN_ZOOM = { residential: 11 };
const WHOLE_LIMIT = 1000;

/**
 * Ground size of one screen pixel (metres) at the map's zoom and centre: the tolerance
 * the server uses to simplify bbox-loaded layers for display (never for lookups).
 */
function pixelMetres(map) {
  const lat = (map.getCenter().lat * Math.PI) / 180;
  const metres = (40075016.686 * Math.cos(lat)) / (256 * 2 ** map.getZoom());
  return Math.min(1000, Math.max(0, Math.round(metres * 10) / 10));
}

/** The version of a layer in force on asOf ("YYYY-MM-DD"), or null (valid_to is inclusive). */
export function versionInForce(layer, asOf) {
  const found = layer.versions.filter(
    (v) => v.valid_from <= asOf && (v.valid_to === null || asOf <= v.valid_to),
  );
  return found.length ? found[found.length - 1] : null;
}

export class LayerManager {
  constructor(map, config) {
    this.map = map;
    this.config = config;
    this.asOf = null;
    this.entries = new Map(); // layer id -> {meta, group, token, visible, loaded}
    this.extra = new Map(); // name -> {group, labelKey, visible}
    this.loadedListeners = new Set();
    const ordered = [...config.layers].sort(
      (a, b) => KIND_ORDER.indexOf(a.kind) - KIND_ORDER.indexOf(b.kind),
    );
    ordered.forEach((meta) => {
      const group = L.geoJSON(null, {
        pane: meta.kind,
        renderer: paneRenderer(meta.kind),
        interactive: false,
        style: (f) => styleFor(meta.kind, f.properties?.zone_class),
      });
      this.entries.set(meta.id, { meta, group, token: 0, visible: true, features: [] });
      group.addTo(map);
    });
    map.on("moveend", () => this.refreshBboxLayers());
    this.switcher = this.buildSwitcher();
    this.legend = this.buildLegend();
    onLangChange(() => {
      this.renderSwitcher();
      this.renderLegend();
    });
  }

  /** Register an extra overlay (e.g. park service areas) shown in the switcher. */
  addOverlay(name, group, labelKey, visible = false) {
    this.extra.set(name, { group, labelKey, visible });
    if (visible) group.addTo(this.map);
    this.renderSwitcher();
  }

  onLoaded(fn) {
    this.loadedListeners.add(fn);
  }

  /** Load every layer as of a date ("YYYY-MM-DD"); resolves when all are drawn. */
  async setAsOf(asOf) {
    this.asOf = asOf;
    const jobs = [...this.entries.values()].map((e) => this.load(e));
    await Promise.all(jobs);
    this.renderSwitcher();
    this.loadedListeners.forEach((fn) => fn(asOf));
  }

  refreshBboxLayers() {
    if (!this.asOf) return;
    [...this.entries.values()]
      .filter((e) => BBOX_KINDS.has(e.meta.kind) && e.visible)
      .forEach((e) => this.load(e));
  }

  async load(entry) {
    const { meta, group } = entry;
    entry.token += 1;
    const token = entry.token;
    const version = versionInForce(meta, this.asOf);
    if (meta.access === "restricted") {
      // its geometry is served to reader/admin tokens only; the map has none
      group.clearLayers();
      entry.features = [];
      entry.version = version;
      return;
    }
    if (!version) {
      group.clearLayers();
      entry.features = [];
      entry.version = null;
      return;
    }
    if (!entry.visible && BBOX_KINDS.has(meta.kind)) return;
    if (this.map.getZoom() < (MIN_ZOOM[meta.kind] || 0)) {
      group.clearLayers();
      entry.features = [];
      entry.version = version;
      entry.tooFar = true;
      this.renderSwitcher();
      return;
    }
    if (entry.tooFar) {
      entry.tooFar = false;
      this.renderSwitcher();
    }
    let fc;
    try {
      if (BBOX_KINDS.has(meta.kind)) {
        const b = this.map.getBounds().pad(0.1);
        fc = await api.items(meta.id, {
          bbox: [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()],
          limit: BBOX_LIMIT,
          datetime: this.asOf,
          simplify: pixelMetres(this.map),
        });
      } else {
        fc = await allItems(meta.id, { datetime: this.asOf, limit: WHOLE_LIMIT });
      }
    } catch (err) {
      console.warn(`layer ${meta.id}: ${err.message}`);
      return;
    }
    if (token !== entry.token) return; // a newer request superseded this one
    group.clearLayers();
    entry.features = fc.features || [];
    entry.version = version;
    group.addData(fc);
  }

  /** Features currently loaded for a layer id (WGS84 GeoJSON). */
  features(layerId) {
    return this.entries.get(layerId)?.features || [];
  }

  /** Layer metadata entries of a kind. */
  layersOfKind(kind) {
    return [...this.entries.values()].filter((e) => e.meta.kind === kind).map((e) => e.meta);
  }

  setVisible(id, visible) {
    const e = this.entries.get(id);
    if (e) {
      e.visible = visible;
      if (visible) {
        e.group.addTo(this.map);
        if (BBOX_KINDS.has(e.meta.kind)) this.load(e);
      } else {
        e.group.remove();
      }
      return;
    }
    const x = this.extra.get(id);
    if (x) {
      x.visible = visible;
      if (visible) x.group.addTo(this.map);
      else x.group.remove();
    }
  }

  buildSwitcher() {
    const Control = L.Control.extend({
      onAdd: () => {
        const div = L.DomUtil.create("div", "gz-control gz-switcher");
        div.id = "layer-switcher";
        L.DomEvent.disableClickPropagation(div);
        L.DomEvent.disableScrollPropagation(div);
        return div;
      },
    });
    const control = new Control({ position: "topright" });
    control.addTo(this.map);
    this.switcherEl = control.getContainer();
    this.renderSwitcher();
    return control;
  }

  renderSwitcher() {
    const el = this.switcherEl;
    if (!el) return;
    el.innerHTML = "";
    el.appendChild(this.collapsibleTitle(el, t("layers")));
    const addRow = (id, label, checked, note, disabled = false) => {
      const row = document.createElement("label");
      row.className = "gz-switch-row";
      if (disabled) row.classList.add("gz-restricted");
      const box = document.createElement("input");
      box.type = "checkbox";
      box.checked = checked;
      box.disabled = disabled;
      box.dataset.layer = id;
      box.addEventListener("change", () => this.setVisible(id, box.checked));
      row.appendChild(box);
      const span = document.createElement("span");
      span.textContent = label;
      row.appendChild(span);
      if (note) {
        const small = document.createElement("small");
        small.textContent = note;
        row.appendChild(small);
      }
      el.appendChild(row);
    };
    this.entries.forEach((e, id) => {
      const v = this.asOf ? versionInForce(e.meta, this.asOf) : null;
      const named = v && v.title_zh ? v : e.meta; // the title of the version in force
      const title = lang() === "zh" ? named.title_zh : named.title_en;
      if (e.meta.access === "restricted") {
        addRow(id, title || id, false, t("restricted_layer"), true);
        return;
      }
      const note = v ? v.version + (e.tooFar ? ` · ${t("zoom_in")}` : "") : this.asOf ? "–" : "";
      addRow(id, title || id, e.visible, note);
    });
    this.extra.forEach((x, id) => addRow(id, t(x.labelKey), x.visible, ""));
  }

  /** A control title that folds the control (state kept on the container's class). */
  collapsibleTitle(container, text) {
    const title = document.createElement("button");
    title.type = "button";
    title.className = "gz-control-title";
    title.textContent = text;
    title.addEventListener("click", () => container.classList.toggle("gz-collapsed"));
    return title;
  }

  buildLegend() {
    const Control = L.Control.extend({
      onAdd: () => {
        const div = L.DomUtil.create("div", "gz-control gz-legend");
        div.id = "legend";
        L.DomEvent.disableClickPropagation(div);
        L.DomEvent.disableScrollPropagation(div);
        return div;
      },
    });
    const control = new Control({ position: "bottomright" });
    control.addTo(this.map);
    this.legendEl = control.getContainer();
    this.renderLegend();
    return control;
  }

  renderLegend() {
    const el = this.legendEl;
    if (!el) return;
    el.innerHTML = "";
    el.appendChild(this.collapsibleTitle(el, t("legend")));
    if (this.config.synthetic) {
      const syn = document.createElement("div");
      syn.className = "gz-synthetic";
      syn.textContent = "synthetic demo data / 合成演示数据";
      el.appendChild(syn);
    }
    const other = lang() === "zh" ? "en" : "zh";
    const kindsPresent = new Set(this.config.layers.map((l) => l.kind));
    const swatch = (style) => {
      const s = document.createElement("span");
      s.className = "gz-swatch";
      s.style.borderColor = style.color;
      s.style.borderStyle = style.dashArray ? "dashed" : "solid";
      const hollow = style.fill === false || !style.fillOpacity;
      s.style.background = hollow ? "transparent" : style.fillColor;
      s.style.opacity = hollow ? "1" : String(Math.min(1, style.fillOpacity + 0.35));
      return s;
    };
    const addRow = (style, primary, secondary, key) => {
      const row = document.createElement("div");
      row.className = "gz-legend-row";
      if (key) row.dataset.class = key;
      row.appendChild(swatch(style));
      const text = document.createElement("span");
      text.textContent = primary;
      row.appendChild(text);
      if (secondary) {
        const small = document.createElement("small");
        small.textContent = secondary;
        row.appendChild(small);
      }
      el.appendChild(row);
    };
    [...this.config.kinds]
      .filter((k) => kindsPresent.has(k.kind))
      .sort((a, b) => KIND_ORDER.indexOf(b.kind) - KIND_ORDER.indexOf(a.kind))
      .forEach((k) => {
        const group = document.createElement("div");
        group.className = "gz-legend-kind";
        group.textContent = pickPlain(k);
        el.appendChild(group);
        k.classes.forEach((c) =>
          addRow(styleFor(k.kind, c.code), pickPlain(c), c[other], `${k.kind}:${c.code}`),
        );
      });
    addRow(SERVICE_AREA_STYLE, t("service_area"), "", "service_area");
    addRow(BLIND_SPOT_STYLE, t("blind_spot"), "", "blind_spot");
  }
}
