// The basemap switcher: none (the default: no request leaves the service's origin until a
// user picks a basemap), then what GET /api/v1/config offers (`basemaps`, geozone/basemaps.py):
// 天地图 vector/imagery (with GEOZONE_TIANDITU_KEY), OpenStreetMap, AMap in GCJ-02 (drawn
// offset-corrected by gcj02-tiles.js) and the custom GEOZONE_BASEMAP_URL. The choice is kept
// in localStorage and in the URL (url-state.js, `basemap=`).

import { t, lang, onLangChange, pickPlain } from "./i18n.js";
import { Gcj02TileLayer } from "./gcj02-tiles.js";

const L = window.L;
const STORAGE_KEY = "geozone.basemap";
export const NONE = "none";

function storedChoice() {
  try {
    return window.localStorage.getItem(STORAGE_KEY);
  } catch {
    return null;
  }
}

function tileLayer(entry, url) {
  const options = {
    maxZoom: 19,
    maxNativeZoom: entry.max_zoom,
    subdomains: entry.subdomains || "abc",
    attribution: entry.attribution,
    // no crossOrigin: tiles are only shown, never read back, and a CORS request would
    // fail on providers that send no CORS headers
  };
  return entry.crs === "gcj02" ? new Gcj02TileLayer(url, options) : L.tileLayer(url, options);
}

export class Basemaps {
  /** The switcher on map for config.basemaps; `initial` (from the URL) beats localStorage. */
  constructor(map, config, initial) {
    this.map = map;
    this.entries = config.basemaps || [];
    this.layer = null;
    this.listeners = new Set();
    this.current = NONE;
    this.control = this.buildControl();
    const wanted = initial || storedChoice() || NONE;
    this.set(this.entries.some((e) => e.id === wanted) ? wanted : NONE, { remember: false });
    onLangChange(() => this.render());
  }

  onChange(fn) {
    this.listeners.add(fn);
  }

  /** Show basemap id (or none); unknown ids fall back to none. */
  set(id, { remember = true } = {}) {
    const entry = this.entries.find((e) => e.id === id) || null;
    if (this.layer) {
      this.layer.remove();
      this.layer = null;
    }
    this.current = entry ? entry.id : NONE;
    if (entry) {
      this.layer = L.layerGroup(entry.urls.map((url) => tileLayer(entry, url)));
      this.layer.addTo(this.map);
    }
    if (remember) {
      try {
        window.localStorage.setItem(STORAGE_KEY, this.current);
      } catch {
        /* private mode: kept in the URL only */
      }
    }
    if (this.select) this.select.value = this.current;
    this.listeners.forEach((fn) => fn(this.current));
  }

  buildControl() {
    const Control = L.Control.extend({
      onAdd: () => {
        const div = L.DomUtil.create("div", "gz-control gz-basemaps");
        div.id = "basemap-switcher";
        L.DomEvent.disableClickPropagation(div);
        L.DomEvent.disableScrollPropagation(div);
        return div;
      },
    });
    const control = new Control({ position: "topright" });
    control.addTo(this.map);
    this.el = control.getContainer();
    this.render();
    return control;
  }

  render() {
    const el = this.el;
    el.innerHTML = "";
    const label = document.createElement("label");
    label.className = "gz-basemap-label";
    const span = document.createElement("span");
    span.textContent = t("basemap");
    const select = document.createElement("select");
    select.id = "basemap-select";
    select.setAttribute("aria-label", t("basemap"));
    select.title = t("basemap_hint");
    const add = (value, text) => {
      const o = document.createElement("option");
      o.value = value;
      o.textContent = text;
      select.appendChild(o);
    };
    add(NONE, t("basemap_none"));
    this.entries.forEach((e) => {
      const name = pickPlain(e) || e.id;
      add(e.id, e.crs === "gcj02" ? `${name} · ${t("basemap_offset_note")}` : name);
    });
    select.value = this.current || NONE;
    select.addEventListener("change", () => this.set(select.value));
    label.append(span, select);
    el.appendChild(label);
    this.select = select;
    el.lang = lang() === "zh" ? "zh-CN" : "en";
  }
}
