// Thin client for the public geozone HTTP API (no private shortcuts).

export class ApiError extends Error {
  constructor(status, code, message, detail) {
    super(message);
    this.status = status;
    this.code = code;
    this.detail = detail;
  }
}

async function request(path, options = {}) {
  const resp = await fetch(path, {
    headers: { Accept: "application/json", ...(options.body ? { "Content-Type": "application/json" } : {}) },
    ...options,
  });
  const text = await resp.text();
  let body = null;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    body = null;
  }
  if (!resp.ok) {
    const message = body?.message || body?.detail?.toString?.() || `${resp.status} ${resp.statusText}`;
    throw new ApiError(resp.status, body?.code || "http_error", message, body?.detail);
  }
  return body;
}

function query(params) {
  const q = new URLSearchParams();
  Object.entries(params).forEach(([k, v]) => {
    if (v !== undefined && v !== null && v !== "") q.set(k, String(v));
  });
  const s = q.toString();
  return s ? `?${s}` : "";
}

export const api = {
  health: () => request("/healthz"),
  config: () => request("/api/v1/config"),
  activities: () => request("/api/v1/activities"),
  layers: () => request("/api/v1/layers"),

  lookupPoint: ({ lon, lat, activity, asOf, crs, toleranceM }) =>
    request(
      `/api/v1/lookup${query({ lon, lat, activity, as_of: asOf, crs, tolerance_m: toleranceM })}`,
    ),

  // detail: "summary" lists the control-layer hits and counts the context layers
  // (admin, parks, residential) per layer; the map asks it for parcels
  lookupGeometry: ({ geometry, activity, asOf, crs, toleranceM, detail }) =>
    request("/api/v1/lookup", {
      method: "POST",
      body: JSON.stringify({
        geometry,
        ...(detail ? { detail } : {}),
        ...(activity ? { activity } : {}),
        ...(asOf ? { as_of: asOf } : {}),
        ...(crs ? { crs } : {}),
        ...(toleranceM !== undefined && toleranceM !== null ? { tolerance_m: toleranceM } : {}),
      }),
    }),

  report: (id) => request(`/api/v1/reports/${encodeURIComponent(id)}`),

  places: (asOf) => request(`/api/v1/places${query({ as_of: asOf })}`),

  search: (q, { asOf, limit } = {}) =>
    request(`/api/v1/places/search${query({ q, as_of: asOf, limit })}`),

  collections: () => request("/ogc/collections"),

  items: (collection, { bbox, limit, offset, datetime, simplify } = {}) =>
    request(
      `/ogc/collections/${encodeURIComponent(collection)}/items${query({
        bbox: bbox ? bbox.map((n) => n.toFixed(6)).join(",") : undefined,
        limit,
        offset,
        datetime,
        simplify,
        f: "json",
      })}`,
    ),

  item: (collection, featureId, { datetime } = {}) =>
    request(
      `/ogc/collections/${encodeURIComponent(collection)}/items/${encodeURIComponent(
        featureId,
      )}${query({ datetime, f: "json" })}`,
    ),

  coveragePresets: () => request("/api/v1/coverage/presets"),

  // what-if (`parks`) and suggested sites (`suggest`): the body as POST /api/v1/coverage takes it
  coveragePost: (body) => request("/api/v1/coverage", { method: "POST", body: JSON.stringify(body) }),

  coverage: ({ district, preset, by = "township", includeGeometry = true }) =>
    request(
      `/api/v1/coverage${query({ district, preset, by, include_geometry: includeGeometry })}`,
    ),
};
