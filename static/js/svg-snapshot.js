// A static SVG map of the query and the zones it hit, for the printable report (tile canvases
// cannot be exported reliably, so the snapshot is drawn from the geometries themselves).
// Projection: local equirectangular around the view centre (x scaled by cos(lat)), metres.

import { styleFor, QUERY_STYLE, OVERLAP_STYLE } from "./styles.js";
import { overlapPart } from "./highlight.js";

const NS = "http://www.w3.org/2000/svg";
const R = 6371008.8;

function bboxOf(geometry) {
  const b = [Infinity, Infinity, -Infinity, -Infinity];
  const walk = (c) => {
    if (typeof c[0] === "number") {
      b[0] = Math.min(b[0], c[0]);
      b[1] = Math.min(b[1], c[1]);
      b[2] = Math.max(b[2], c[0]);
      b[3] = Math.max(b[3], c[1]);
    } else c.forEach(walk);
  };
  walk(geometry.coordinates);
  return b;
}

function node(tag, attrs, parent) {
  const n = document.createElementNS(NS, tag);
  Object.entries(attrs).forEach(([k, v]) => {
    if (v !== null && v !== undefined) n.setAttribute(k, String(v));
  });
  if (parent) parent.appendChild(n);
  return n;
}

/**
 * The view: the query's bounding box widened to show context. A point's view reaches past the
 * nearest boundary of the zones it is in, so the snapshot shows where the zone ends.
 */
function viewFor(query, hits) {
  const b = bboxOf(query);
  const lat0 = (b[1] + b[3]) / 2;
  const lon0 = (b[0] + b[2]) / 2;
  const kx = (Math.PI / 180) * R * Math.cos((lat0 * Math.PI) / 180);
  const ky = (Math.PI / 180) * R;
  const w = (b[2] - b[0]) * kx;
  const h = (b[3] - b[1]) * ky;
  let half = Math.max(600, Math.max(w, h) * 0.9);
  if (query.type === "Point") {
    const d = hits
      .filter((x) => (x.rules || []).length && typeof x.distance_to_boundary_m === "number")
      .map((x) => x.distance_to_boundary_m);
    if (d.length) half = Math.min(5000, Math.max(half, Math.min(...d) * 1.6));
  }
  return { lon0, lat0, kx, ky, half };
}

function pathData(geometry, project) {
  const ring = (r) => r.map((c, i) => `${i ? "L" : "M"}${project(c).join(",")}`).join("") + "Z";
  if (geometry.type === "Polygon") return geometry.coordinates.map(ring).join("");
  if (geometry.type === "MultiPolygon") return geometry.coordinates.flatMap((p) => p.map(ring)).join("");
  return "";
}

/**
 * Build the SVG: hit features coloured by class, overlap parts, the query, a scale bar and a
 * north arrow. fetched: [{hit, feature}] from highlight.fetchHitFeatures.
 */
export function snapshotSvg(result, fetched, size = 520) {
  const query = result.query.geometry;
  const v = viewFor(query, result.hits || []);
  const scale = size / (2 * v.half);
  const project = ([lon, lat]) => [
    +((size / 2 + (lon - v.lon0) * v.kx * scale).toFixed(1)),
    +((size / 2 - (lat - v.lat0) * v.ky * scale).toFixed(1)),
  ];
  const svg = node("svg", {
    xmlns: NS,
    viewBox: `0 0 ${size} ${size}`,
    width: "100%",
    class: "gz-snapshot",
    role: "img",
  });
  node("rect", { x: 0, y: 0, width: size, height: size, fill: "#fafafa", stroke: "#bfbfbf" }, svg);
  const clip = node("clipPath", { id: "gz-clip" }, node("defs", {}, svg));
  node("rect", { x: 0, y: 0, width: size, height: size }, clip);
  const g = node("g", { "clip-path": "url(#gz-clip)" }, svg);
  const order = ["control_zone", "residential", "park", "control_unit", "reservoir_ring", "water_protection", "redline"];
  [...fetched]
    .sort((a, b) => order.indexOf(a.hit.layer_kind) - order.indexOf(b.hit.layer_kind))
    .forEach(({ hit, feature }) => {
      const d = pathData(feature.geometry, project);
      if (!d) return;
      const s = styleFor(hit.layer_kind, hit.zone_class);
      node(
        "path",
        {
          d,
          fill: s.fill === false ? "none" : s.fillColor,
          "fill-opacity": result.query.type === "parcel" ? 0.18 : Math.min(0.6, (s.fillOpacity || 0.2) + 0.1),
          "fill-rule": "evenodd",
          stroke: s.color,
          "stroke-width": 1.5,
          "stroke-dasharray": hit.inside ? null : "5 4",
          "data-layer": hit.layer_id,
        },
        g,
      );
    });
  if (result.query.type === "parcel") {
    // overlapping parts in their zone's colour, strongly filled (the rest of each zone is pale)
    [...fetched]
      .filter(({ hit }) => hit.inside && (hit.rules || []).length)
      .sort((a, b) => order.indexOf(a.hit.layer_kind) - order.indexOf(b.hit.layer_kind))
      .forEach(({ hit, feature }) => {
        const part = overlapPart(query, feature);
        if (part) {
          node(
            "path",
            {
              d: pathData(part.geometry, project),
              fill: styleFor(hit.layer_kind, hit.zone_class).fillColor,
              "fill-opacity": 0.5,
              "fill-rule": "evenodd",
              stroke: OVERLAP_STYLE.color,
              "stroke-width": 1,
            },
            g,
          );
        }
      });
    node(
      "path",
      { d: pathData(query, project), fill: "none", stroke: QUERY_STYLE.color, "stroke-width": 3, "fill-rule": "evenodd" },
      g,
    );
  } else {
    const [x, y] = project(query.coordinates);
    node("circle", { cx: x, cy: y, r: 7, fill: QUERY_STYLE.color, stroke: "#fff", "stroke-width": 2 }, g);
  }
  // scale bar: a round length near a fifth of the width
  const target = (2 * v.half) / 5;
  const pow = 10 ** Math.floor(Math.log10(target));
  const len = [1, 2, 5, 10].map((m) => m * pow).filter((m) => m <= target).pop() || pow;
  const px = len * scale;
  node("rect", { x: 12, y: size - 26, width: px, height: 6, fill: "#262626" }, svg);
  const label = node("text", { x: 12, y: size - 32, "font-size": 12, fill: "#262626" }, svg);
  label.textContent = len >= 1000 ? `${len / 1000} km` : `${len} m`;
  const north = node("g", { transform: `translate(${size - 24},30)` }, svg);
  node("path", { d: "M0,-16 L7,8 L0,3 L-7,8 Z", fill: "#262626" }, north);
  const n = node("text", { x: 0, y: 22, "font-size": 12, "text-anchor": "middle", fill: "#262626" }, north);
  n.textContent = "N";
  return svg;
}
