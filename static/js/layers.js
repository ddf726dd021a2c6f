// Zone layers drawn from the service's vector tiles (OGC API Tiles, Mapbox Vector Tiles,
// vector-tiles.js): the map fetches only the tiles of the view, never a whole layer, so a
// city's 10^5-10^6 residential parcels cost what the view shows. Every layer follows the
// as-of date (tiles `datetime=`). Search and the coverage view list districts and townships
// by name from GET /api/v1/places (names, codes and a bbox, no geometry), fetched once per
// date. Also the layer switcher and the legend (zh/en class names, synthetic label).

import { api } from "./api.js";
import { t, pickPlain, onLangChange, lang } from "./i18n.js";
import { styleFor, KIND_ORDER, SERVICE_AREA_STYLE, BLIND_SPOT_STYLE } from "./styles.js";
import { VectorTileLayer } from "./vector-tiles.js";

const L = window.L;
// Residential land has many small parcels: drawn from map zoom 13 on (tile zoom 12,
// ~10 km tiles). Below it parcels are a few pixels and a city's tile would carry tens of
// thousands of them (81,000 parcels, 4.6 MB in one zoom-10 tile of the 200,000-parcel
// benchmark grid; at tile zoom 12 about 6,000 per tile at most).
const MIN_ZOOM = { residential: 13 };

/** The tile URL template of a collection on a date (YYYY-MM-DD). */
export function tileUrl(collection, asOf) {
  const base = `/ogc/collections/${encodeURIComponent(collection)}/tiles/WebMercatorQuad/{z}/{y}/{x}`;
  return `${base}?datetime=${encodeURIComponent(asOf)}`;
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
    this.placeList = []; // {layer_id, feature_id, zone_class, code, name, bbox} (WGS84)
    this.placesToken = 0;
    const ordered = [...config.layers].sort(
      (a, b) => KIND_ORDER.indexOf(a.kind) - KIND_ORDER.indexOf(b.kind),
    );
    ordered.forEach((meta) => {
      const group = new VectorTileLayer({
        pane: meta.kind,
        minZoom: MIN_ZOOM[meta.kind] || 0,
        style: (props) => styleFor(meta.kind, props.zone_class),
      });
      this.entries.set(meta.id, { meta, group, token: 0, visible: true, onMap: false });
    });
    map.on("zoomend", () => this.renderSwitcher());
    this.switcher = this.buildSwitcher();
    this.legend = this.buildLegend();
    onLangChange(() => {
      this.renderSwitcher();
      this.renderLegend();
    });
  }

  /** Register an extra overlay (e.g. park service areas); emptyHint: what to do while it is empty. */
  addOverlay(name, group, labelKey, visible = false, emptyHint = null) {
    this.extra.set(name, { group, labelKey, visible, emptyHint });
    if (visible) group.addTo(this.map);
    this.renderSwitcher();
  }

  onLoaded(fn) {
    this.loadedListeners.add(fn);
  }

  /** Show every layer as of a date ("YYYY-MM-DD"); resolves when the view's tiles are drawn. */
  async setAsOf(asOf) {
    this.asOf = asOf;
    const jobs = [...this.entries.values()].map((e) => this.load(e));
    await Promise.all([...jobs, this.loadPlaces(asOf)]);
    this.renderSwitcher();
    this.loadedListeners.forEach((fn) => fn(asOf));
  }

  /** Whether a layer's tiles are drawn at the map's zoom. */
  tooFar(entry) {
    return this.map.getZoom() < (MIN_ZOOM[entry.meta.kind] || 0);
  }

  /** Put a layer's tile layer on the map (or off it) for the date; resolve once drawn. */
  async load(entry) {
    const { meta, group } = entry;
    entry.token += 1;
    const token = entry.token;
    const version = versionInForce(meta, this.asOf);
    entry.version = version;
    // restricted: its geometry is served to reader/admin tokens only; the map has none
    const shown = meta.access !== "restricted" && version !== null && entry.visible;
    let drawn = Promise.resolve();
    if (!shown) {
      group.remove();
    } else {
      const url = tileUrl(meta.id, this.asOf);
      const changed = url !== group.options.url || !this.map.hasLayer(group);
      if (changed && !this.tooFar(entry)) {
        drawn = new Promise((resolve) => group.once("load", resolve));
      }
      group.setUrl(url);
      if (!this.map.hasLayer(group)) group.addTo(this.map);
    }
    await drawn;
  }

  /** Fetch the named districts and townships in force on asOf (none on a refused date). */
  async loadPlaces(asOf) {
    this.placesToken += 1;
    const token = this.placesToken;
    const list = await api.places(asOf).then(
      (doc) => doc.places || [],
      (err) => {
        console.warn(`places: ${err.message}`);
        return [];
      },
    );
    if (token === this.placesToken) this.placeList = list;
  }

  /** Named admin units of a zone class ("district", "township") for the date shown. */
  places(zoneClass) {
    return this.placeList.filter((p) => p.zone_class === zoneClass);
  }

  /** Layer metadata entries of a kind. */
  layersOfKind(kind) {
    return [...this.entries.values()].filter((e) => e.meta.kind === kind).map((e) => e.meta);
  }

  /** Feature ids drawn now for a layer id (from the tiles of the view). */
  drawnIds(layerId) {
    return this.entries.get(layerId)?.group.featureIds() || new Set();
  }

  setVisible(id, visible) {
    const e = this.entries.get(id);
    if (e) {
      e.visible = visible;
      if (visible) this.load(e);
      else e.group.remove();
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
      const far = this.tooFar(e);
      const note = v ? v.version + (far ? ` · ${t("zoom_in")}` : "") : this.asOf ? "–" : "";
      addRow(id, title || id, e.visible, note);
    });
    this.extra.forEach((x, id) => {
      const empty = x.emptyHint && x.group.getLayers().length === 0;
      addRow(id, t(x.labelKey), x.visible, empty ? t(x.emptyHint) : "");
    });
  }

  /** A control title that folds the control (state kept on the container's class). */
  collapsibleTitle(container, text) {
    const title = document.createElement("button");
    title.type = "button";
    title.className = "gz-control-title";
    title.textContent = text;
    const expanded = () => String(!container.classList.contains("gz-collapsed"));
    title.setAttribute("aria-expanded", expanded());
    title.addEventListener("click", () => {
      container.classList.toggle("gz-collapsed");
      title.setAttribute("aria-expanded", expanded());
    });
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
