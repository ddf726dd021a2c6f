"""The basemaps the web map offers, from the settings.

A basemap is drawn under the zone layers only when a user picks it in the map's switcher;
the map's default is none, so no request leaves the service's origin until then. What is
offered:

- ``tianditu_vec`` / ``tianditu_img``: 天地图 vector (``vec_w`` + labels ``cva_w``) and
  imagery (``img_w`` + ``cia_w``) in Web Mercator, only when ``GEOZONE_TIANDITU_KEY`` is
  set (the key goes into the tile URLs, as 天地图 requires: a browser key, not a secret).
  天地图 is CGCS2000, which is WGS84 to well under a metre: no offset is applied.
- ``osm``: OpenStreetMap's standard tiles (WGS84 Web Mercator).
- ``amap``: 高德 (AMap) vector tiles, which are drawn in GCJ-02: the map fetches the
  GCJ-02 tile and draws it where its corners fall in WGS84 (``static/js/gcj02-tiles.js``),
  so the zone layers (WGS84) line up with its roads.
- ``custom``: the ``GEOZONE_BASEMAP_URL`` template (``GEOZONE_BASEMAP_CRS``: ``wgs84``
  or ``gcj02``), e.g. a tile server inside the network.

``GEOZONE_BASEMAPS`` lists which public providers (``osm``, ``amap``) are offered;
empty for an offline deployment, where only ``custom`` (if set) and none remain. The
service's Content-Security-Policy allows images from exactly the offered hosts.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any
from urllib.parse import quote

from geozone.settings import Settings

PUBLIC_PROVIDERS = ("osm", "amap")
"""Public providers ``GEOZONE_BASEMAPS`` may name (天地图 is offered by its key)."""

_TIANDITU = (
    "https://t{{s}}.tianditu.gov.cn/{layer}_w/wmts?SERVICE=WMTS&REQUEST=GetTile&VERSION=1.0.0"
    "&LAYER={layer}&STYLE=default&TILEMATRIXSET=w&FORMAT=tiles&TILEMATRIX={{z}}"
    "&TILEROW={{y}}&TILECOL={{x}}&tk={key}"
)


@dataclass(frozen=True)
class Basemap:
    """One basemap entry of the map's switcher."""

    id: str
    zh: str
    en: str
    urls: tuple[str, ...]
    """Leaflet URL templates drawn bottom to top (e.g. imagery, then its labels)."""
    crs: str = "wgs84"
    """``wgs84`` (incl. CGCS2000) or ``gcj02`` (tiles offset by the GCJ-02 transform)."""
    subdomains: str = ""
    max_zoom: int = 18
    attribution: str = ""

    def to_dict(self) -> dict[str, Any]:
        """The entry as ``GET /api/v1/config`` lists it."""
        out = asdict(self)
        out["urls"] = list(self.urls)
        return out


def _tianditu(key: str) -> list[Basemap]:
    k = quote(key, safe="")
    attribution = "© 天地图 Tianditu"

    def basemap(id: str, zh: str, en: str, base: str, labels: str) -> Basemap:
        """A Tianditu base layer (``vec``, ``img``) with its annotation layer over it."""
        urls = tuple(_TIANDITU.format(layer=layer, key=k) for layer in (base, labels))
        return Basemap(id, zh, en, urls, subdomains="01234567", attribution=attribution)

    return [
        basemap("tianditu_vec", "天地图 矢量", "Tianditu map", "vec", "cva"),
        basemap("tianditu_img", "天地图 影像", "Tianditu imagery", "img", "cia"),
    ]


OSM = Basemap(
    "osm",
    "OpenStreetMap",
    "OpenStreetMap",
    ("https://tile.openstreetmap.org/{z}/{x}/{y}.png",),
    max_zoom=19,
    attribution="© OpenStreetMap contributors",
)

AMAP = Basemap(
    "amap",
    "高德地图",
    "AMap",
    (
        "https://webrd0{s}.is.autonavi.com/appmaptile?lang=zh_cn&size=1&scale=1&style=8&x={x}&y={y}&z={z}",
    ),
    crs="gcj02",
    subdomains="1234",
    max_zoom=18,
    attribution="© 高德 AutoNavi",
)


def offered(settings: Settings) -> list[Basemap]:
    """The basemaps the map offers besides none, in the switcher's order."""
    out: list[Basemap] = []
    if settings.tianditu_key:
        out.extend(_tianditu(settings.tianditu_key))
    chosen = set(settings.basemaps)
    out.extend(b for b in (OSM, AMAP) if b.id in chosen)
    if settings.basemap_url:
        out.append(
            Basemap(
                "custom",
                "自定义底图",
                "Custom basemap",
                (settings.basemap_url,),
                crs=settings.basemap_crs,
                subdomains="abc",
                max_zoom=19,
                attribution="basemap",
            )
        )
    return out


def tile_urls(settings: Settings) -> list[str]:
    """Every tile URL template the map may fetch from (for the CSP's img-src)."""
    return [url for b in offered(settings) for url in b.urls]
