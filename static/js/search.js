// Search by township name or code (the township rows of GET /api/v1/places: name, code and a
// WGS84 bbox, no geometry) or by coordinates "116.65, 39.90" (lon, lat; lat, lon is swapped
// when unambiguous), then fly there. A chosen township's bbox is flown to at once; its
// outline is the one feature fetched by id (/items/{id}) and drawn when it arrives.

import { api } from "./api.js";
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


/** Matching townships for a query (name substring or code prefix), best first. */
export function matchTownships(layers, text) {
  const q = text.trim().toLowerCase();
  if (!q) return [];
  return layers
    .places("township")
    .map((p) => {
      const name = String(p.name || "");
      const code = String(p.code || p.feature_id);
      const score = name === text.trim() ? 0 : name.startsWith(text.trim()) ? 1 : code.startsWith(q) ? 1 : 2;
      const hit =
        name.toLowerCase().includes(q) ||
        code.toLowerCase().startsWith(q) ||
        String(p.feature_id).toLowerCase() === q;
      return hit ? { p, name, code, score } : null;
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
  let wanted = 0;
  const flyToPlace = (p) => {
    if (outline) outline.remove();
    outline = null;
    const [minx, miny, maxx, maxy] = p.bbox;
    map.flyToBounds(
      [
        [miny, minx],
        [maxy, maxx],
      ],
      { maxZoom: 14, duration: 0.8 },
    );
    clearList();
    wanted += 1;
    const mine = wanted;
    api
      .item(p.layer_id, p.feature_id, { datetime: layers.asOf })
      .then((f) => {
        if (mine !== wanted) return; // another place was chosen meanwhile
        outline = L.geoJSON(f, {
          pane: "query",
          interactive: false,
          style: { color: "#13c2c2", weight: 3, fill: false },
        }).addTo(map);
      })
      .catch((err) => console.warn(`outline of ${p.feature_id}: ${err.message}`));
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
        flyToPlace(m.p);
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
      flyToPlace(matches[0].p);
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
