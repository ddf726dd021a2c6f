// A Leaflet tile layer for a GCJ-02 provider (AMap/高德): its tile (x, y, z) is a square of
// Web Mercator drawn on GCJ-02 coordinates, so on a WGS84 map it belongs ~500 m away from
// where the plain TileLayer would put it. How the offset is handled:
//  - which tiles: the view's centre is converted to GCJ-02 and the tile range is taken
//    around it (so the tiles fetched are the GCJ-02 tiles of what the view shows);
//  - where each tile goes: its north-west corner (a GCJ-02 point) is converted back to
//    WGS84 (gcj02ToWgs84) and projected on the map; its size spans to the next tile's
//    corner, so neighbouring tiles meet without seams.
// Each tile gets its own offset: the offset varies by at most 0.0035 m per metre around
// Beijing (geozone/crs.py's formula), under 1 px across a 256 px tile at any zoom, so a
// feature of the zone layers and the same place on the tile agree to about a pixel.

import { gcj02ToWgs84, wgs84ToGcj02 } from "./gcj02.js";

const L = window.L;

export const Gcj02TileLayer = L.TileLayer.extend({
  _getTiledPixelBounds(center) {
    const [lon, lat] = wgs84ToGcj02(center.lng, center.lat);
    return L.TileLayer.prototype._getTiledPixelBounds.call(this, L.latLng(lat, lon));
  },

  /** The map pixel (at tile zoom z) where GCJ-02 tile corner (x, y) falls in WGS84. */
  _cornerPixel(x, y, z) {
    const size = this.getTileSize();
    const gcj = this._map.unproject(L.point(x * size.x, y * size.y), z);
    const [lon, lat] = gcj02ToWgs84(gcj.lng, gcj.lat);
    return this._map.project(L.latLng(lat, lon), z).round();
  },

  _getTilePos(coords) {
    return this._cornerPixel(coords.x, coords.y, coords.z).subtract(this._level.origin);
  },

  createTile(coords, done) {
    const tile = L.TileLayer.prototype.createTile.call(this, coords, done);
    const nw = this._cornerPixel(coords.x, coords.y, coords.z);
    const se = this._cornerPixel(coords.x + 1, coords.y + 1, coords.z);
    tile.dataset.gcjTile = `${coords.z}/${coords.x}/${coords.y}`;
    tile._gzSize = se.subtract(nw);
    return tile;
  },

  _initTile(tile) {
    L.TileLayer.prototype._initTile.call(this, tile);
    if (tile._gzSize) {
      tile.style.width = `${tile._gzSize.x}px`;
      tile.style.height = `${tile._gzSize.y}px`;
    }
  },
});
