// A Leaflet GridLayer that draws Mapbox Vector Tiles (the service's OGC API Tiles,
// /ogc/collections/{id}/tiles/WebMercatorQuad/{z}/{y}/{x}) on one canvas per tile.
//
// Why this and not a plugin: leaflet.vectorgrid 1.3.0 (the usual choice) calls
// L.DomEvent.fakeStop, removed in Leaflet 1.8, so it breaks on our Leaflet 1.9;
// protomaps-leaflet brings its own style language, label engine and PMTiles reader for
// what is here ~150 lines. The decoding is done by Mapbox's maintained decoders
// (@mapbox/vector-tile 3 + pbf 5, the ones MapLibre uses); drawing uses the same
// Leaflet path styles as before (styles.js), so the legend still matches the map.
// No workers, no blob: URLs: the CSP stays as it was.

import { VectorTile } from "@mapbox/vector-tile";
import { PbfReader } from "pbf";

const L = window.L;

/** Fill and stroke one feature's rings (tile units) on a canvas context. */
function drawFeature(ctx, feature, scale, style, ratio) {
  const rings = feature.loadGeometry();
  ctx.beginPath();
  rings.forEach((ring) => {
    ring.forEach((p, i) => {
      const x = p.x * scale;
      const y = p.y * scale;
      if (i === 0) ctx.moveTo(x, y);
      else ctx.lineTo(x, y);
    });
    if (feature.type === 3) ctx.closePath();
  });
  if (feature.type === 3 && style.fill !== false && style.fillOpacity > 0) {
    ctx.globalAlpha = style.fillOpacity;
    ctx.fillStyle = style.fillColor || style.color;
    ctx.fill("evenodd");
  }
  if ((style.weight ?? 1) > 0 && style.stroke !== false) {
    ctx.globalAlpha = style.opacity ?? 1;
    ctx.strokeStyle = style.color;
    ctx.lineWidth = (style.weight ?? 1) * ratio;
    ctx.setLineDash(style.dashArray ? String(style.dashArray).split(/[ ,]+/).map((d) => Number(d) * ratio) : []);
    ctx.stroke();
  }
}

export const VectorTileLayer = L.GridLayer.extend({
  options: {
    // url: template with {z}/{y}/{x}; style(properties) -> Leaflet path style
    url: "",
    style: () => ({}),
    // 512-pixel tiles one zoom up (tile z = map zoom - 1): a quarter of the requests of
    // 256-pixel ones for the same detail (the server simplifies in tile units)
    tileSize: 512,
    zoomOffset: -1,
    maxNativeZoom: 21,
    updateWhenZooming: false,
  },

  initialize(options) {
    L.GridLayer.prototype.initialize.call(this, options);
    this.drawn = new Map(); // tile key -> feature ids drawn on it
    this.requests = 0; // tile requests made (tests and the benchmark read it)
    this.on("tileunload", (e) => {
      if (e.tile.abort) e.tile.abort.abort();
      this.drawn.delete(e.tile.dataset.key);
    });
  },

  /** Switch to another URL (e.g. another as-of date) and draw again. */
  setUrl(url) {
    if (url === this.options.url) return this;
    this.options.url = url;
    this.drawn.clear();
    this.redraw();
    return this;
  },

  /** Every feature id drawn on the tiles now shown. */
  featureIds() {
    const ids = new Set();
    this.drawn.forEach((set) => set.forEach((id) => ids.add(id)));
    return ids;
  },

  createTile(coords, done) {
    const canvas = L.DomUtil.create("canvas", "leaflet-tile");
    const size = this.getTileSize();
    const ratio = window.devicePixelRatio || 1;
    canvas.width = size.x * ratio;
    canvas.height = size.y * ratio;
    const key = `${coords.x}:${coords.y}:${coords.z}`;
    canvas.dataset.key = key;
    const url = this.options.url
      .replace("{z}", coords.z + this.options.zoomOffset)
      .replace("{y}", coords.y)
      .replace("{x}", coords.x);
    const abort = new AbortController();
    canvas.abort = abort;
    this.requests += 1;
    fetch(url, { signal: abort.signal, credentials: "same-origin" })
      .then((r) => {
        if (r.status === 204) return null; // no feature meets this tile
        if (!r.ok) throw new Error(`tile ${key}: HTTP ${r.status}`);
        return r.arrayBuffer();
      })
      .then((buf) => {
        const ids = new Set();
        if (buf) {
          const tile = new VectorTile(new PbfReader(buf));
          const ctx = canvas.getContext("2d");
          Object.values(tile.layers).forEach((layer) => {
            const scale = (size.x * ratio) / layer.extent;
            for (let i = 0; i < layer.length; i += 1) {
              const f = layer.feature(i);
              drawFeature(ctx, f, scale, this.options.style(f.properties), ratio);
              if (f.properties.feature_id !== undefined) ids.add(String(f.properties.feature_id));
            }
          });
        }
        this.drawn.set(key, ids);
        done(null, canvas);
      })
      .catch((err) => {
        if (err.name !== "AbortError") console.warn(err.message);
        done(err.name === "AbortError" ? null : err, canvas);
      });
    return canvas;
  },
});
