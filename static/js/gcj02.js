// GCJ-02 ("Mars coordinates") in the browser: the same published formula as the core's
// geozone/crs.py wgs84_to_gcj02 (checked against it in tests/test_web_map_ui.py), and its
// inverse by fixed-point iteration (as gcj02_to_wgs84). Degrees in, degrees out.

const A = 6378245.0;
const EE = 0.00669342162296594323;
const { sin, cos, sqrt, abs, PI } = Math;

function transformLat(x, y) {
  let ret = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * sqrt(abs(x));
  ret += ((20.0 * sin(6.0 * x * PI) + 20.0 * sin(2.0 * x * PI)) * 2.0) / 3.0;
  ret += ((20.0 * sin(y * PI) + 40.0 * sin((y / 3.0) * PI)) * 2.0) / 3.0;
  ret += ((160.0 * sin((y / 12.0) * PI) + 320 * sin((y * PI) / 30.0)) * 2.0) / 3.0;
  return ret;
}

function transformLon(x, y) {
  let ret = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * sqrt(abs(x));
  ret += ((20.0 * sin(6.0 * x * PI) + 20.0 * sin(2.0 * x * PI)) * 2.0) / 3.0;
  ret += ((20.0 * sin(x * PI) + 40.0 * sin((x / 3.0) * PI)) * 2.0) / 3.0;
  ret += ((150.0 * sin((x / 12.0) * PI) + 300.0 * sin((x / 30.0) * PI)) * 2.0) / 3.0;
  return ret;
}

/** Inside the rough mainland-China box where the GCJ-02 offset applies (as the core's). */
export function inChina(lon, lat) {
  return lon > 72.004 && lon < 137.8347 && lat > 0.8293 && lat < 55.8271;
}

/** WGS84 [lon, lat] -> GCJ-02 [lon, lat]; unchanged outside China. */
export function wgs84ToGcj02(lon, lat) {
  if (!inChina(lon, lat)) return [lon, lat];
  let dlat = transformLat(lon - 105.0, lat - 35.0);
  let dlon = transformLon(lon - 105.0, lat - 35.0);
  const radlat = (lat / 180.0) * PI;
  const magic = 1 - EE * sin(radlat) ** 2;
  const sqrtmagic = sqrt(magic);
  dlat = (dlat * 180.0) / (((A * (1 - EE)) / (magic * sqrtmagic)) * PI);
  dlon = (dlon * 180.0) / ((A / sqrtmagic) * cos(radlat) * PI);
  return [lon + dlon, lat + dlat];
}

/** GCJ-02 [lon, lat] -> WGS84 [lon, lat] (iterated to ~1e-9°, 0.1 mm). */
export function gcj02ToWgs84(lon, lat) {
  let wlon = lon;
  let wlat = lat;
  for (let i = 0; i < 20; i += 1) {
    const [flon, flat] = wgs84ToGcj02(wlon, wlat);
    const dlon = flon - lon;
    const dlat = flat - lat;
    wlon -= dlon;
    wlat -= dlat;
    if (abs(dlon) < 1e-9 && abs(dlat) < 1e-9) break;
  }
  return [wlon, wlat];
}
