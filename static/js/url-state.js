// The URL carries the view so it can be shared: centre and zoom (`c=lat,lon`, `z`), the
// visible layers (`layers=`, only when they differ from the default), the date (`date`), the
// activity (`activity`), the answer shown (`report=<id>`: the stored report, replayed as
// answered; or `pt=lon,lat` for a point to ask about) and the basemap (`basemap`). It is
// rewritten with history.replaceState on every pan, zoom, click, layer toggle, date or
// activity change; main.js restores all of it on load.

function pair(text) {
  if (!text) return null;
  const parts = text.split(",").map(Number);
  return parts.length === 2 && parts.every(Number.isFinite) ? parts : null;
}

/** The view described by a query string (location.search by default); absent keys are null. */
export function readUrlState(search = window.location.search) {
  const q = new URLSearchParams(search);
  const centre = pair(q.get("c"));
  const zoom = q.has("z") ? Number(q.get("z")) : NaN;
  const date = q.get("date");
  return {
    center: centre && Math.abs(centre[0]) <= 90 && Math.abs(centre[1]) <= 180 ? centre : null,
    zoom: Number.isFinite(zoom) ? zoom : null,
    layers: q.has("layers") ? q.get("layers").split(",").filter(Boolean) : null,
    date: date && /^\d{4}-\d{2}-\d{2}$/.test(date) ? date : null,
    activity: q.get("activity"),
    report: q.get("report"),
    point: pair(q.get("pt")),
    basemap: q.get("basemap"),
  };
}

/** Ids of the layers shown now (zone layers and extra overlays), in the switcher's order. */
export function visibleLayers(layers) {
  const ids = [];
  layers.entries.forEach((e, id) => {
    if (e.visible && e.meta.access !== "restricted") ids.push(id);
  });
  layers.extra.forEach((x, id) => {
    if (x.visible) ids.push(id);
  });
  return ids;
}

/** Show exactly the layers listed (unknown ids are ignored). */
export function applyLayers(layers, ids) {
  const wanted = new Set(ids);
  layers.entries.forEach((e, id) => {
    if (e.visible !== wanted.has(id)) layers.setVisible(id, wanted.has(id));
  });
  layers.extra.forEach((x, id) => {
    if (x.visible !== wanted.has(id)) layers.setVisible(id, wanted.has(id));
  });
}

export class UrlState {
  /** Keep the URL in step with the map; `state` is main.js's state, `basemaps` the switcher. */
  constructor({ map, layers, state, basemaps }) {
    this.map = map;
    this.layers = layers;
    this.state = state;
    this.basemaps = basemaps;
    // the map's default: every zone layer the public may see, no extra overlay
    this.defaultLayers = [...layers.entries]
      .filter(([, e]) => e.meta.access !== "restricted")
      .map(([id]) => id)
      .join(",");
    const write = () => this.write();
    map.on("moveend", write);
    basemaps.onChange(write);
    // the switcher re-renders its rows; its container stays, so listen there
    layers.switcherEl?.addEventListener("change", () => setTimeout(write, 0));
    ["activity", "as-of"].forEach((id) =>
      document.getElementById(id)?.addEventListener("change", () => setTimeout(write, 0)),
    );
    this.write();
  }

  /** The query string of the view now. */
  params() {
    const q = new URLSearchParams();
    const c = this.map.getCenter();
    q.set("c", `${c.lat.toFixed(6)},${c.lng.toFixed(6)}`);
    q.set("z", String(this.map.getZoom()));
    if (this.basemaps.current && this.basemaps.current !== "none") q.set("basemap", this.basemaps.current);
    const shown = visibleLayers(this.layers).join(",");
    if (shown !== this.defaultLayers) q.set("layers", shown);
    if (this.state.asOf) q.set("date", this.state.asOf);
    if (this.state.activity) q.set("activity", this.state.activity);
    const last = this.state.last;
    const id = last && this.state.result?.report_id;
    if (id) q.set("report", id);
    else if (last?.kind === "point" && last.crs === "EPSG:4326") {
      q.set("pt", `${last.lon.toFixed(7)},${last.lat.toFixed(7)}`);
    }
    return q;
  }

  write() {
    const query = this.params().toString().replaceAll("%2C", ","); // commas stay readable
    const url = `${window.location.pathname}?${query}${window.location.hash}`;
    if (url !== `${window.location.pathname}${window.location.search}${window.location.hash}`) {
      window.history.replaceState(window.history.state, "", url);
    }
  }
}
