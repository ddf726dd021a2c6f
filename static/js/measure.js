// The measure tool: distance (a line) and area (a polygon) clicked on the map. Every figure
// shown comes from the server, POST /api/v1/measure, which measures in EPSG:4548 (CGCS2000
// 3° Gauss-Krüger 117°E) like the lookups' parcel areas (geozone/measure_tool.py): metres, m²
// and hectares. While measuring, map clicks add vertices instead of asking for a lookup
// (main.js checks `active`); Enter or "完成/Finish" ends, Escape clears.

import { ApiError } from "./api.js";
import { t, onLangChange } from "./i18n.js";

const L = window.L;
const STYLE = { color: "#fa541c", weight: 3, dashArray: "6 4", fillOpacity: 0.12, interactive: false };

async function measureRequest(geometry) {
  const resp = await fetch("/api/v1/measure", {
    method: "POST",
    headers: { "Content-Type": "application/json", Accept: "application/json" },
    body: JSON.stringify({ geometry }),
  });
  const body = await resp.json().catch(() => null);
  if (!resp.ok) throw new ApiError(resp.status, body?.code || "http_error", body?.message || resp.statusText, body?.detail);
  return body;
}

/** "1,234.5 m" or "12.35 km" */
export function formatLength(m) {
  if (m >= 10000) return `${(m / 1000).toFixed(3)} ${t("kilometre")}`;
  return `${m.toFixed(2)} ${t("metre")}`;
}

export class MeasureTool {
  constructor(map) {
    this.map = map;
    this.mode = null; // "line" | "area" while clicking
    this.points = []; // L.LatLng
    this.shape = null;
    this.result = null; // the server's answer for the shape drawn
    this.seq = 0;
    this.pending = Promise.resolve();
    this.buildControl();
    map.on("click", (e) => this.onClick(e));
    document.addEventListener("keydown", (e) => this.onKey(e));
    onLangChange(() => this.render());
  }

  get active() {
    return this.mode !== null;
  }

  buildControl() {
    const Control = L.Control.extend({
      onAdd: () => {
        const div = L.DomUtil.create("div", "gz-control gz-measure");
        div.id = "measure-tool";
        L.DomEvent.disableClickPropagation(div);
        L.DomEvent.disableScrollPropagation(div);
        return div;
      },
    });
    this.control = new Control({ position: "topleft" });
    this.control.addTo(this.map);
    this.el = this.control.getContainer();
    this.render();
  }

  button(key, onClick) {
    const b = document.createElement("button");
    b.type = "button";
    b.dataset.measure = key;
    b.addEventListener("click", onClick);
    return b;
  }

  // Built once (a control re-built under a click would let Leaflet see that click as a map
  // click: its target is gone from the control); states and labels are updated in place.
  render() {
    const el = this.el;
    if (!this.title) {
      this.title = document.createElement("button");
      this.title.type = "button";
      this.title.className = "gz-control-title";
      this.title.addEventListener("click", () => {
        el.classList.toggle("gz-collapsed");
        this.render();
      });
      this.row = document.createElement("div");
      this.row.className = "gz-measure-buttons";
      this.row.setAttribute("role", "group");
      this.buttons = {
        distance: this.button("distance", () => this.start("line")),
        area: this.button("area", () => this.start("area")),
        finish: this.button("finish", () => this.finish()),
        clear: this.button("clear", () => this.clear()),
      };
      this.row.append(...Object.values(this.buttons));
      this.out = document.createElement("div");
      this.out.id = "measure-output";
      this.out.className = "gz-measure-output";
      this.out.setAttribute("aria-live", "polite");
      el.append(this.title, this.row, this.out);
    }
    this.title.textContent = t("measure");
    this.title.setAttribute("aria-expanded", String(!el.classList.contains("gz-collapsed")));
    this.row.setAttribute("aria-label", t("measure"));
    Object.entries(this.buttons).forEach(([key, b]) => {
      b.textContent = t(`measure_${key}`);
    });
    this.buttons.distance.setAttribute("aria-pressed", String(this.mode === "line"));
    this.buttons.area.setAttribute("aria-pressed", String(this.mode === "area"));
    this.buttons.finish.disabled = this.mode === null;
    this.renderOutput();
  }

  renderOutput() {
    const out = this.out;
    out.innerHTML = "";
    delete out.dataset.lengthM;
    delete out.dataset.areaM2;
    delete out.dataset.done;
    if (this.mode && !this.result) {
      out.textContent = t(this.mode === "line" ? "measure_hint_line" : "measure_hint_area");
      return;
    }
    const r = this.result;
    if (!r) return;
    if (r.error) {
      out.textContent = r.error;
      return;
    }
    const lines = [];
    if (r.area_m2 === null) {
      lines.push(`${t("measure_length")}: ${formatLength(r.length_m)}`);
    } else {
      lines.push(`${t("measure_area_label")}: ${r.area_ha.toFixed(4)} ${t("hectare")} (${r.area_m2.toFixed(1)} ${t("m2")})`);
      lines.push(`${t("measure_perimeter")}: ${formatLength(r.length_m)}`);
    }
    lines.forEach((text) => {
      const div = document.createElement("div");
      div.textContent = text;
      out.appendChild(div);
    });
    const note = document.createElement("div");
    note.className = "gz-small";
    note.textContent = t("measure_crs_note");
    out.appendChild(note);
    out.dataset.lengthM = String(r.length_m);
    if (r.area_m2 !== null) out.dataset.areaM2 = String(r.area_m2);
  }

  /** Start measuring a line ("line") or an area ("area"); a started shape is replaced. */
  start(mode) {
    this.clear();
    this.mode = mode;
    if (this.map.pm?.globalDrawModeEnabled()) this.map.pm.disableDraw();
    this.map.doubleClickZoom.disable();
    this.map.getContainer().classList.add("gz-measuring");
    this.render();
  }

  onClick(e) {
    if (!this.mode || this.el.contains(e.originalEvent?.target)) return;
    this.points.push(e.latlng);
    this.redraw();
    this.update();
  }

  onKey(e) {
    if (!this.mode || e.defaultPrevented) return;
    // typing in a form field (search, corners) is not a measure command
    if (e.target?.closest?.("input, select, textarea, form")) return;
    if (e.key === "Enter" && e.target?.tagName !== "BUTTON") {
      e.preventDefault();
      this.finish();
    } else if (e.key === "Escape") {
      this.clear();
    }
  }

  geometry() {
    const pos = this.points.map((p) => [p.lng, p.lat]);
    if (this.mode === "area" || (!this.mode && this.shape instanceof L.Polygon)) {
      if (pos.length < 3) return null;
      return { type: "Polygon", coordinates: [[...pos, pos[0]]] };
    }
    if (pos.length < 2) return null;
    return { type: "LineString", coordinates: pos };
  }

  redraw() {
    if (this.shape) this.shape.remove();
    const polygon = this.mode === "area" && this.points.length >= 3;
    this.shape = polygon ? L.polygon(this.points, STYLE) : L.polyline(this.points, STYLE);
    this.shape.addTo(this.map);
  }

  /** Ask the server for the shape's figures; resolves with the answer (the latest wins). */
  update() {
    const geometry = this.geometry();
    this.seq += 1;
    const seq = this.seq;
    if (!geometry) {
      this.result = null;
      this.renderOutput();
      return this.pending;
    }
    this.pending = measureRequest(geometry).then(
      (r) => {
        if (seq === this.seq) this.result = r;
      },
      (err) => {
        if (seq === this.seq) this.result = { error: err.message };
      },
    ).then(() => {
      if (seq === this.seq) this.renderOutput();
      return this.result;
    });
    return this.pending;
  }

  /** End the shape: clicks go back to lookups; the shape and its figures stay. */
  finish() {
    if (!this.mode) return this.pending;
    this.mode = null;
    this.map.doubleClickZoom.enable();
    this.map.getContainer().classList.remove("gz-measuring");
    const done = this.pending;
    this.render();
    return done;
  }

  clear() {
    this.mode = null;
    this.points = [];
    this.seq += 1;
    this.result = null;
    if (this.shape) this.shape.remove();
    this.shape = null;
    this.map.doubleClickZoom.enable();
    this.map.getContainer().classList.remove("gz-measuring");
    this.render();
  }
}
