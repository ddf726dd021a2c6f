// Reading a parcel from a file (GeoJSON, zipped shapefile via shpjs, KML) or from a pasted
// list of corner coordinates (拐点, "x,y" per line). Returns {geometry, crs, notes}; the API
// converts the declared CRS, and the map shows the API's WGS84 query geometry.

/** True when coordinates look like degrees (lon/lat) rather than metres. */
function looksGeographic(coords) {
  return coords.every(([x, y]) => Math.abs(x) <= 180 && Math.abs(y) <= 90);
}

function flatCoords(geometry) {
  const out = [];
  const walk = (c) => {
    if (typeof c[0] === "number") out.push(c);
    else c.forEach(walk);
  };
  walk(geometry.coordinates);
  return out;
}

/** Merge the polygonal geometries of a FeatureCollection/Feature/geometry into one geometry. */
export function polygonalGeometry(obj) {
  const geoms = [];
  const take = (g) => {
    if (!g) return;
    if (g.type === "Polygon") geoms.push(g.coordinates);
    else if (g.type === "MultiPolygon") geoms.push(...g.coordinates);
    else if (g.type === "GeometryCollection") g.geometries.forEach(take);
    else if (g.type === "Point" && !geoms.length) geoms.point = g;
  };
  const visit = (o) => {
    if (!o) return;
    if (Array.isArray(o)) o.forEach(visit);
    else if (o.type === "FeatureCollection") o.features.forEach(visit);
    else if (o.type === "Feature") take(o.geometry);
    else take(o);
  };
  visit(obj);
  if (geoms.length === 1) return { type: "Polygon", coordinates: geoms[0] };
  if (geoms.length > 1) return { type: "MultiPolygon", coordinates: geoms };
  if (geoms.point) return geoms.point;
  throw new Error("no polygon found in the file / 文件中没有多边形");
}

/** The CRS a GeoJSON object declares in its (pre-RFC 7946) "crs" member, if any. */
function declaredCrs(obj) {
  const name = obj?.crs?.properties?.name;
  return typeof name === "string" ? name : null;
}

/** Parse KML text with DOMParser: every <Polygon> (outer and inner rings) becomes a polygon. */
export function parseKml(text) {
  const doc = new DOMParser().parseFromString(text, "application/xml");
  if (doc.getElementsByTagName("parsererror").length) {
    throw new Error("KML is not well-formed XML / KML 格式错误");
  }
  const ring = (node) =>
    node.textContent
      .trim()
      .split(/\s+/)
      .filter(Boolean)
      .map((tuple) => tuple.split(",").slice(0, 2).map(Number));
  const polygons = [...doc.getElementsByTagNameNS("*", "Polygon")].map((poly) => {
    const rings = [];
    ["outerBoundaryIs", "innerBoundaryIs"].forEach((tag) => {
      [...poly.getElementsByTagNameNS("*", tag)].forEach((b) => {
        const c = b.getElementsByTagNameNS("*", "coordinates")[0];
        if (c) rings.push(ring(c));
      });
    });
    return rings;
  });
  if (!polygons.length) throw new Error("no <Polygon> in the KML / KML 中没有多边形");
  return polygons.length === 1
    ? { type: "Polygon", coordinates: polygons[0] }
    : { type: "MultiPolygon", coordinates: polygons };
}

/**
 * Parse corner coordinates, one "x,y" per line (commas, Chinese commas, tabs or spaces; an
 * optional leading point label such as "J1" is ignored). Surveyors' tables in China list
 * X = northing first: in a projected CRS a first value above 1e6 with a second below it is
 * swapped to easting,northing, and "lat,lon" in degrees is swapped when unambiguous. One line
 * gives a point; three or more give a polygon (closed automatically).
 */
export function parseCorners(text, crs) {
  const notes = [];
  const rows = text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter(Boolean)
    .map((line) => {
      const nums = line
        .replace(/[，；;\t]/g, ",")
        .split(/[,\s]+/)
        .filter(Boolean)
        .filter((tok, i, all) => !(i === 0 && all.length > 2 && Number.isNaN(Number(tok))))
        .map(Number);
      if (nums.length < 2 || nums.slice(0, 2).some((n) => !Number.isFinite(n))) {
        throw new Error(`cannot read coordinates "${line}" / 无法解析坐标`);
      }
      return nums.slice(0, 2);
    });
  if (!rows.length) throw new Error("no coordinates / 没有坐标");
  const projected = crs === "EPSG:4548";
  let swapped = false;
  if (projected && rows.every(([x, y]) => x > 1e6 && y < 1e6)) swapped = true;
  if (!projected && rows.every(([x, y]) => x >= 15 && x <= 55 && y >= 70 && y <= 140)) swapped = true;
  const pts = swapped ? rows.map(([x, y]) => [y, x]) : rows;
  if (swapped) notes.push("swapped_xy");
  if (pts.length === 1) return { geometry: { type: "Point", coordinates: pts[0] }, notes };
  if (pts.length < 3) throw new Error("a parcel needs at least 3 corners / 地块至少需要3个拐点");
  const first = pts[0];
  const last = pts[pts.length - 1];
  const ring = first[0] === last[0] && first[1] === last[1] ? pts : [...pts, first];
  return { geometry: { type: "Polygon", coordinates: [ring] }, notes };
}

/**
 * Read a parcel file. chosenCrs is the user's CRS choice; a file's own declaration wins
 * (GeoJSON "crs" member; shapefiles with a .prj are reprojected to WGS84 by shpjs).
 */
export async function readParcelFile(file, chosenCrs) {
  const name = file.name.toLowerCase();
  if (name.endsWith(".zip")) {
    const fc = await window.shp(await file.arrayBuffer());
    const geometry = polygonalGeometry(fc);
    const degrees = looksGeographic(flatCoords(geometry));
    const chosenIsGeographic = chosenCrs !== "EPSG:4548";
    let crs = chosenCrs;
    if (degrees && !chosenIsGeographic) crs = "EPSG:4326";
    if (!degrees && chosenIsGeographic) crs = "EPSG:4548";
    return { geometry, crs, notes: [] };
  }
  const text = await file.text();
  if (name.endsWith(".kml")) {
    return { geometry: parseKml(text), crs: chosenCrs, notes: [] };
  }
  let obj;
  try {
    obj = JSON.parse(text);
  } catch {
    throw new Error("not valid JSON / 不是有效的 GeoJSON");
  }
  return { geometry: polygonalGeometry(obj), crs: declaredCrs(obj) || chosenCrs, notes: [] };
}
