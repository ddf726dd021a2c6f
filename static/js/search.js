// Search box: suggestions as you type from GET /api/v1/places/search (every named place of the
// layer set in force: townships, parks, water sources, reservoirs, named zones; or coordinates
// in any supported CRS, "116.65, 39.90", "EPSG:4548 470069 4416720", "GCJ02: 116.66, 39.90").
// Typing is debounced; ArrowUp/ArrowDown move through the list, Enter picks (the first match
// when none is highlighted), Esc closes. A place's bbox is flown to at once; a single
// feature's outline is fetched by id (/items/{id}) and drawn when it arrives. Coordinates
// drop a marker and run a point lookup.

import { api } from "./api.js";
import { t, pick, lang, addStrings } from "./i18n.js";

const L = window.L;
const DEBOUNCE_MS = 200;
const LIMIT = 10;

addStrings({
  zh: {
    search_placeholder: "乡镇、公园、水源地、水库名称或坐标",
    search_none: "未找到匹配的地名或坐标",
    search_coordinates: "坐标",
    search_water_source: "水源地",
    search_features: "个要素",
    search_list: "搜索建议",
  },
  en: {
    search_placeholder: "Place name (township, park, reservoir…) or lon, lat",
    search_none: "No matching place or coordinates",
    search_coordinates: "Coordinates",
    search_water_source: "Water source",
    search_features: "features",
    search_list: "Suggestions",
  },
});

/** A result row's second line: its layer (or the CRS it was read in), zh/en. */
export function describe(row) {
  if (row.type === "coordinates") return `${t("search_coordinates")} · ${row.crs}`;
  const parts = [pick(row, "layer_title") || row.layer_id];
  if (row.role === "water_source") parts.unshift(t("search_water_source"));
  if (row.code) parts.push(row.code);
  if (row.feature_count > 1) parts.push(`${row.feature_count} ${t("search_features")}`);
  return parts.join(" · ");
}

/** Wire the search box: form element, input, results list; onPoint(lon, lat) for coordinates. */
export function setupSearch(map, layers, { form, input, list, onPoint }) {
  let marker = null;
  let outline = null;
  let rows = [];
  let shownFor = null; // the text the listed rows answer
  let active = -1;
  let timer = null;
  let asked = 0; // the latest request; older answers are dropped
  let wanted = 0; // the latest outline fetched
  list.setAttribute("role", "listbox");
  list.setAttribute("aria-label", t("search_list"));
  input.setAttribute("role", "combobox");
  input.setAttribute("aria-autocomplete", "list");
  input.setAttribute("aria-controls", list.id);
  input.setAttribute("aria-expanded", "false");

  const close = () => {
    list.innerHTML = "";
    list.hidden = true;
    rows = [];
    shownFor = null;
    active = -1;
    input.setAttribute("aria-expanded", "false");
    input.removeAttribute("aria-activedescendant");
  };

  const highlight = (i) => {
    const items = [...list.querySelectorAll("li[role=option]")];
    if (!items.length) return;
    active = (i + items.length) % items.length;
    items.forEach((li, n) => li.setAttribute("aria-selected", String(n === active)));
    input.setAttribute("aria-activedescendant", items[active].id);
    items[active].scrollIntoView({ block: "nearest" });
  };

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
    wanted += 1;
    const mine = wanted;
    if (p.feature_count !== 1) return; // several features share the name: their bbox is shown
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

  const flyToPoint = (row) => {
    if (marker) marker.remove();
    marker = L.circleMarker([row.lat, row.lon], { pane: "query", radius: 7, color: "#13c2c2", weight: 3 }).addTo(map);
    map.flyTo([row.lat, row.lon], Math.max(map.getZoom(), 14), { duration: 0.8 });
    onPoint?.(row.lon, row.lat);
  };

  const choose = (row) => {
    input.value = row.name;
    close();
    form.dataset.chosen = row.type === "place" ? `${row.layer_id}/${row.feature_id}` : `${row.lon},${row.lat}`;
    if (row.type === "coordinates") flyToPoint(row);
    else flyToPlace(row);
  };

  const showNone = () => {
    close();
    const li = document.createElement("li");
    li.className = "gz-muted";
    li.textContent = t("search_none");
    list.appendChild(li);
    list.hidden = false;
  };

  const render = (found, text) => {
    close();
    rows = found;
    shownFor = text;
    if (!rows.length) return;
    rows.forEach((row, i) => {
      const li = document.createElement("li");
      li.id = `search-option-${i}`;
      li.setAttribute("role", "option");
      li.setAttribute("aria-selected", "false");
      li.dataset.type = row.type;
      li.dataset.match = row.match;
      const name = document.createElement("span");
      name.className = "gz-search-name";
      name.textContent = lang() === "en" && row.name_en ? `${row.name_en} · ${row.name}` : row.name;
      const sub = document.createElement("small");
      sub.textContent = describe(row);
      li.append(name, sub);
      // mousedown, not click: picking must happen before the input's blur closes the list
      li.addEventListener("mousedown", (e) => {
        e.preventDefault();
        choose(row);
      });
      list.appendChild(li);
    });
    list.hidden = false;
    input.setAttribute("aria-expanded", "true");
  };

  /** Ask the server for matches of the input's text; resolves to the rows (or [] if stale). */
  const ask = async () => {
    clearTimeout(timer);
    const text = input.value.trim();
    asked += 1;
    const mine = asked;
    if (!text) {
      close();
      return [];
    }
    try {
      const doc = await api.search(text, { asOf: layers.asOf, limit: LIMIT });
      if (mine !== asked) return null;
      return doc.results || [];
    } catch (err) {
      if (mine !== asked) return null;
      close();
      const li = document.createElement("li");
      li.className = "gz-muted";
      li.textContent = err.message;
      list.appendChild(li);
      list.hidden = false;
      return null;
    }
  };

  input.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(async () => {
      const text = input.value.trim();
      const found = await ask();
      if (found) render(found, text);
    }, DEBOUNCE_MS);
  });
  input.addEventListener("keydown", (e) => {
    if (e.key === "ArrowDown" || e.key === "ArrowUp") {
      if (list.hidden || !rows.length) return;
      e.preventDefault();
      highlight(active + (e.key === "ArrowDown" ? 1 : -1));
    } else if (e.key === "Escape") {
      if (!list.hidden) {
        e.preventDefault();
        close();
      }
    }
  });
  input.addEventListener("blur", () => setTimeout(() => close(), 150));
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    if (rows.length && !list.hidden && shownFor === input.value.trim()) {
      choose(rows[Math.max(active, 0)]);
      return;
    }
    const found = await ask(); // Enter before the suggestions came: ask now, take the best
    if (found === null) return;
    if (found.length) choose(found[0]);
    else showNone();
  });
}
