// Search by township name or code (township features of the admin layer, fetched through OGC
// items and filtered here) or by coordinates "116.65, 39.90" (lon, lat; lat, lon is swapped
// when unambiguous), then fly there.

import { t } from "./i18n.js";

const L = window.L;
const COORDS = /^\s*(-?\d+(?:\.\d+)?)\s*[,，\s]\s*(-?\d+(?:\.\d+)?)\s*$/;

/** Parse "lon, lat" text; returns [lon, lat] or null. */
export function parseCoordinates(text) {
  const m = COORDS.exec(text);
  if (!m) return null;
  let a = Number(m[1]);
  let b = Number(m[2]);
  if (a >= 15 && a <= 55 && b >= 70 && b <= 140) [a, b] = [b, a];
  if (Math.abs(a) > 180 || Math.abs(b) > 90) return null;
  return [a, b];
}

function townshipCode(props) {
  const keys = ["code", "admin_code", "township_code", "adcode", "feature_id"];
  for (const k of keys) if (props[k]) return String(props[k]);
  return "";
}

/** Township features among the admin layers' loaded features. */
function townships(layers) {
  return layers
    .layersOfKind("admin")
    .flatMap((meta) => layers.features(meta.id))
    .filter((f) => f.properties?.zone_class === "township");
}

/** Matching townships for a query (name substring or code prefix), best first. */
export function matchTownships(layers, text) {
  const q = text.trim().toLowerCase();
  if (!q) return [];
  return townships(layers)
    .map((f) => {
      const name = String(f.properties.name || "");
      const code = townshipCode(f.properties);
      const score = name === text.trim() ? 0 : name.startsWith(text.trim()) ? 1 : code.startsWith(q) ? 1 : 2;
      const hit =
        name.toLowerCase().includes(q) ||
        code.toLowerCase().startsWith(q) ||
        Object.values(f.properties).some((v) => typeof v === "string" && v.toLowerCase() === q);
      return hit ? { f, name, code, score } : null;
    })
    .filter(Boolean)
    .sort((a, b) => a.score - b.score || a.name.localeCompare(b.name, "zh"))
    .slice(0, 12);
}

/** Wire the search box: form element, input, results list; onPoint(lon, lat) for coordinates. */
export function setupSearch(map, layers, { form, input, list, onPoint }) {
  let marker = null;
  let outline = null;
  const clearList = () => {
    list.innerHTML = "";
    list.hidden = true;
  };
  const flyToFeature = (f) => {
    if (outline) outline.remove();
    outline = L.geoJSON(f, {
      pane: "query",
      interactive: false,
      style: { color: "#13c2c2", weight: 3, fill: false },
    }).addTo(map);
    map.flyToBounds(outline.getBounds(), { maxZoom: 14, duration: 0.8 });
    clearList();
  };
  const showMatches = () => {
    clearList();
    const text = input.value;
    if (parseCoordinates(text)) return;
    const matches = matchTownships(layers, text);
    matches.forEach((m) => {
      const li = document.createElement("li");
      li.textContent = m.code ? `${m.name} (${m.code})` : m.name;
      li.tabIndex = 0;
      li.addEventListener("click", () => {
        input.value = m.name;
        flyToFeature(m.f);
      });
      list.appendChild(li);
    });
    list.hidden = matches.length === 0;
  };
  input.addEventListener("input", showMatches);
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    const coords = parseCoordinates(input.value);
    if (coords) {
      const [lon, lat] = coords;
      if (marker) marker.remove();
      marker = L.circleMarker([lat, lon], { pane: "query", radius: 7, color: "#13c2c2", weight: 3 }).addTo(map);
      map.flyTo([lat, lon], Math.max(map.getZoom(), 14), { duration: 0.8 });
      clearList();
      onPoint?.(lon, lat);
      return;
    }
    const matches = matchTownships(layers, input.value);
    if (matches.length) {
      input.value = matches[0].name;
      flyToFeature(matches[0].f);
    } else {
      clearList();
      const li = document.createElement("li");
      li.className = "gz-muted";
      li.textContent = t("search_none");
      list.appendChild(li);
      list.hidden = false;
    }
  });
}
