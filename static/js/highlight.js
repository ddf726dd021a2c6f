// Highlight an answer on the map: the query geometry (the API's WGS84 geometry), every zone hit
// with a strong outline (features from /ogc/collections/{layer}/items/{id}) and, for parcels,
// the overlapping parts computed here with @turf/intersect.

import intersect from "@turf/intersect";
import { api } from "./api.js";
import { HIT_STYLE, OVERLAP_STYLE, QUERY_STYLE, styleFor, KIND_ORDER } from "./styles.js";

const L = window.L;

/** Ids of the restricted layers in a /api/v1/config answer (their geometry needs a token). */
export function restrictedLayerIds(config) {
  return new Set((config?.layers || []).filter((l) => l.access === "restricted").map((l) => l.id));
}

/**
 * Fetch the features of the hits that are zones (admin outlines are left out). Hits of
 * restricted layers are not fetched: the server serves their geometry to token holders only,
 * and the map has no token; their verdicts and citations are in the answer itself.
 */
export async function fetchHitFeatures(result, restricted = new Set()) {
  const hits = (result.hits || []).filter(
    (h) => h.layer_kind !== "admin" && !restricted.has(h.layer_id),
  );
  const jobs = hits.map(async (h) => {
    try {
      const f = await api.item(h.layer_id, h.feature_id, { datetime: result.as_of });
      return { hit: h, feature: f };
    } catch (err) {
      console.warn(`hit ${h.layer_id}/${h.feature_id}: ${err.message}`);
      return null;
    }
  });
  return (await Promise.all(jobs)).filter(Boolean);
}

/** The part of a hit feature inside the parcel (GeoJSON Feature) or null. */
export function overlapPart(parcelGeometry, feature) {
  if (!feature?.geometry || !/Polygon/.test(feature.geometry.type)) return null;
  if (!/Polygon/.test(parcelGeometry?.type || "")) return null;
  try {
    return intersect({
      type: "FeatureCollection",
      features: [
        { type: "Feature", properties: {}, geometry: parcelGeometry },
        { type: "Feature", properties: {}, geometry: feature.geometry },
      ],
    });
  } catch (err) {
    console.warn(`overlap: ${err.message}`);
    return null;
  }
}

export class Highlighter {
  constructor(map, restricted = new Set()) {
    this.map = map;
    this.restricted = restricted;
    this.hits = L.featureGroup([], { pane: "hits" }).addTo(map);
    this.overlaps = L.featureGroup([], { pane: "overlap" }).addTo(map);
    this.query = L.featureGroup([], { pane: "query" }).addTo(map);
    this.token = 0;
    this.overlapCount = 0;
  }

  clear() {
    this.token += 1;
    this.hits.clearLayers();
    this.overlaps.clearLayers();
    this.query.clearLayers();
    this.overlapCount = 0;
  }

  /** Draw the query geometry; drawQuery=false when the parcel is already on the map (geoman). */
  showQuery(result, drawQuery) {
    this.query.clearLayers();
    const g = result.query?.geometry;
    if (!g || !drawQuery) return;
    if (g.type === "Point") {
      const [lon, lat] = g.coordinates;
      L.circleMarker([lat, lon], { pane: "query", radius: 7, ...QUERY_STYLE, fillOpacity: 0.6 }).addTo(
        this.query,
      );
    } else {
      L.geoJSON(g, { pane: "query", style: () => ({ ...QUERY_STYLE, fillOpacity: 0.02 }) }).addTo(this.query);
    }
  }

  /** Outline the hit zones and fill the overlap parts; resolves with the fetched features. */
  async show(result) {
    const token = ++this.token;
    this.hits.clearLayers();
    this.overlaps.clearLayers();
    this.overlapCount = 0;
    const fetched = await fetchHitFeatures(result, this.restricted);
    if (token !== this.token) return fetched;
    const parcel = result.query?.type === "parcel" ? result.query.geometry : null;
    // broad zones first, strict ones (red line) last so that they stay on top
    const ordered = [...fetched].sort(
      (a, b) => KIND_ORDER.indexOf(a.hit.layer_kind) - KIND_ORDER.indexOf(b.hit.layer_kind),
    );
    ordered.forEach(({ hit, feature }) => {
      L.geoJSON(feature, {
        pane: "hits",
        interactive: false,
        style: () => ({ ...HIT_STYLE, dashArray: hit.inside ? null : "6 6" }),
      }).addTo(this.hits);
      if (parcel && hit.inside && (hit.rules || []).length) {
        const part = overlapPart(parcel, feature);
        if (part) {
          // the overlapping part in its zone's colour, strongly filled, with an orange edge
          const fill = styleFor(hit.layer_kind, hit.zone_class).fillColor;
          L.geoJSON(part, {
            pane: "overlap",
            interactive: false,
            style: () => ({ ...OVERLAP_STYLE, fillColor: fill }),
          }).addTo(this.overlaps);
          this.overlapCount += 1;
        }
      }
    });
    return fetched;
  }
}
