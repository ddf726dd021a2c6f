// Map colours per layer kind and class, after Chinese planning map habits:
// red line red, water protection blue shades (darker = stricter), ecological control green,
// restricted construction yellow, concentrated construction orange/brown; admin outlines grey/black.

export const KIND_ORDER = [
  "control_zone",
  "residential",
  "park",
  "control_unit",
  "reservoir_ring",
  "water_protection",
  "redline",
  "admin",
];

// Leaflet panes (z-index) so that strict zones sit above broad ones and outlines above fills.
export const PANES = {
  control_zone: 310,
  residential: 320,
  park: 330,
  service_area: 325,
  blind_spot: 335,
  control_unit: 340,
  reservoir_ring: 350,
  water_protection: 355,
  redline: 360,
  admin: 370,
  hits: 380, // below Leaflet's overlayPane (400) where geoman draws the editable parcel
  overlap: 390,
  query: 440,
};

const CLASS_STYLE = {
  redline: {
    core: { color: "#a8071a", fillColor: "#cf1322", fillOpacity: 0.62, weight: 2 },
    general: { color: "#e60012", fillColor: "#ff4d4f", fillOpacity: 0.5, weight: 2 },
  },
  water_protection: {
    grade1: { color: "#002c8c", fillColor: "#0050b3", fillOpacity: 0.5, weight: 1.5 },
    grade2: { color: "#0958d9", fillColor: "#1677ff", fillOpacity: 0.35, weight: 1.2 },
    quasi: { color: "#4096ff", fillColor: "#91caff", fillOpacity: 0.3, weight: 1 },
  },
  reservoir_ring: {
    management: { color: "#003eb3", fillColor: "#1d39c4", fillOpacity: 0.3, weight: 1.5 },
    ring100: { color: "#2f54eb", fillColor: "#597ef7", fillOpacity: 0.22, weight: 1, dashArray: "6 3" },
    ring1000: { color: "#597ef7", fillColor: "#adc6ff", fillOpacity: 0.18, weight: 1, dashArray: "2 4" },
  },
  control_zone: {
    eco_control: { color: "#389e0d", fillColor: "#73d13d", fillOpacity: 0.22, weight: 0.8 },
    restricted: { color: "#d4b106", fillColor: "#fadb14", fillOpacity: 0.22, weight: 0.8 },
    concentrated: { color: "#ad4e00", fillColor: "#d4883a", fillOpacity: 0.22, weight: 0.8 },
  },
  control_unit: {
    priority: { color: "#237804", fillColor: "#237804", fillOpacity: 0.0, weight: 1.5, dashArray: "8 4" },
    key: { color: "#c41d7f", fillColor: "#c41d7f", fillOpacity: 0.0, weight: 1.5, dashArray: "8 4" },
    general: { color: "#595959", fillColor: "#595959", fillOpacity: 0.0, weight: 1.2, dashArray: "8 4" },
  },
  park: {
    comprehensive: { color: "#135200", fillColor: "#3f8600", fillOpacity: 0.7, weight: 1 },
    specialized: { color: "#135200", fillColor: "#52c41a", fillOpacity: 0.7, weight: 1 },
    community: { color: "#237804", fillColor: "#95de64", fillOpacity: 0.7, weight: 1 },
    pocket: { color: "#389e0d", fillColor: "#b7eb8f", fillOpacity: 0.75, weight: 1 },
  },
  residential: {
    "0701": { color: "#ad6800", fillColor: "#ffc53d", fillOpacity: 0.65, weight: 0.8 },
    "0702": { color: "#ad4e00", fillColor: "#ff9c6e", fillOpacity: 0.65, weight: 0.8 },
    "0703": { color: "#876800", fillColor: "#ffe58f", fillOpacity: 0.65, weight: 0.8 },
  },
  admin: {
    district: { color: "#262626", fill: false, fillOpacity: 0, weight: 2.5, dashArray: "10 4 2 4" },
    township: { color: "#8c8c8c", fill: false, fillOpacity: 0, weight: 1, dashArray: "3 3" },
  },
};

export const SERVICE_AREA_STYLE = {
  color: "#52c41a",
  weight: 1,
  fillColor: "#b7eb8f",
  fillOpacity: 0.35,
  dashArray: "4 3",
};

export const BLIND_SPOT_STYLE = {
  color: "#a8071a",
  weight: 1.5,
  fillColor: "#ff7875",
  fillOpacity: 0.7,
};

export const HIT_STYLE = { color: "#000000", weight: 3, fillOpacity: 0.08, fillColor: "#000000", dashArray: "" };
export const OVERLAP_STYLE = { color: "#fa541c", weight: 2, fillColor: "#fa541c", fillOpacity: 0.5 };
export const QUERY_STYLE = { color: "#722ed1", weight: 3, fillColor: "#722ed1", fillOpacity: 0.08 };

const FALLBACK = { color: "#595959", fillColor: "#bfbfbf", fillOpacity: 0.3, weight: 1 };

/** Leaflet path style for a feature of a layer kind with a class code. */
export function styleFor(kind, zoneClass) {
  const s = CLASS_STYLE[kind]?.[zoneClass] || FALLBACK;
  return { fill: true, dashArray: null, ...s };
}

/** The verdict colours used in the panel and the report. */
export const VERDICT_COLOURS = {
  prohibited: "#cf1322",
  conditional: "#d48806",
  permitted: "#389e0d",
  outside: "#595959",
};
