// Drawing a parcel with @geoman-io/leaflet-geoman-free: polygon, rectangle, edit, delete.
// One parcel at a time; every create/edit sends it to the lookup, delete clears the answer.

import { lang, onLangChange } from "./i18n.js";
import { QUERY_STYLE } from "./styles.js";

/** Wire geoman on map; callbacks: onParcel(geometryWGS84), onClear(). Returns a controller. */
export function setupDraw(map, { onParcel, onClear }) {
  let current = null;

  map.pm.setGlobalOptions({
    pathOptions: { ...QUERY_STYLE, pmIgnore: false },
    templineStyle: { color: QUERY_STYLE.color },
    hintlineStyle: { color: QUERY_STYLE.color, dashArray: [5, 5] },
    allowSelfIntersection: false,
    snappable: false,
  });
  map.pm.addControls({
    position: "topleft",
    drawMarker: false,
    drawCircleMarker: false,
    drawPolyline: false,
    drawCircle: false,
    drawText: false,
    drawPolygon: true,
    drawRectangle: true,
    editMode: true,
    dragMode: false,
    cutPolygon: false,
    removalMode: true,
    rotateMode: false,
  });
  const setLang = () => map.pm.setLang(lang() === "zh" ? "zh" : "en");
  setLang();
  onLangChange(setLang);

  const send = (layer) => onParcel(layer.toGeoJSON().geometry);

  const adopt = (layer) => {
    if (current && current !== layer) current.remove();
    current = layer;
    layer.on("pm:edit", () => send(layer));
    layer.on("pm:remove", () => {
      if (current === layer) current = null;
      onClear();
    });
  };

  map.on("pm:create", (e) => {
    if (e.layer.options?.gzRole) return; // another tool's drawing (a coverage candidate park)
    adopt(e.layer);
    send(e.layer);
  });

  return {
    /** Show a parcel that came from elsewhere (upload, permalink) as the editable parcel. */
    showParcel(geometry) {
      const layer = window.L.geoJSON(geometry, { pmIgnore: false, style: () => ({ ...QUERY_STYLE }) }).getLayers()[0];
      if (!layer) return null;
      layer.addTo(map);
      adopt(layer);
      return layer;
    },
    clear() {
      if (current) current.remove();
      current = null;
    },
    get parcel() {
      return current;
    },
  };
}
