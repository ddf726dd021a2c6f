// The Leaflet map: panes per layer kind (the basemap switcher lives in basemaps.js).
// Leaflet, geoman and shpjs are classic scripts (window.L, window.shp) served from /static/vendor/.

import { PANES } from "./styles.js";

const L = window.L;

// The three demo districts (Tongzhou, Pinggu, Miyun) span roughly this box (WGS84).
const START_BOUNDS = [
  [39.6, 116.5],
  [40.8, 117.55],
];

/** Create the map in element id with the panes geozone draws into (basemaps: basemaps.js). */
export function createMap(id) {
  // geoman handles only layers that opt in (pmIgnore: false): the drawn/uploaded parcel, never
  // the zone layers or highlights (edit mode would otherwise make every zone editable)
  L.PM.setOptIn(true);
  const map = L.map(id, {
    zoomControl: true,
    attributionControl: true,
    minZoom: 6,
    maxZoom: 19,
    pmIgnore: false,
  });
  Object.entries(PANES).forEach(([name, z]) => {
    const pane = map.createPane(name);
    pane.style.zIndex = String(z);
  });
  map.attributionControl.setPrefix("geozone · Leaflet");
  map.fitBounds(START_BOUNDS);
  L.control.scale({ imperial: false }).addTo(map);
  return map;
}

/** A canvas renderer bound to a pane (fast for many polygons). */
export function paneRenderer(pane) {
  return L.canvas({ pane, padding: 0.3 });
}
