"""``GET /api/v1/config``: what the web map needs before it draws anything.

The basemap tile URL (a setting; the map works on the layers alone without it), the layer
kinds and their class vocabularies with zh/en names (from :mod:`geozone.vocab`, so the legend
never disagrees with the lookups) and whether the loaded layer set is synthetic demo data.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from api.deps import CatalogDep, SettingsDep
from geozone import __version__
from geozone.vocab import CLASSES, KINDS

router = APIRouter(prefix="/api/v1", tags=["config"])


@router.get("/config", summary="Web map configuration: basemap, class vocabularies, synthetic")
def config(settings: SettingsDep, catalog: CatalogDep) -> dict[str, Any]:
    """Return the basemap URL, every layer kind with its classes (zh/en, rank) and flags."""
    return {
        "geozone_version": __version__,
        "basemap_url": settings.basemap_url,
        "synthetic": catalog.synthetic,
        "layerset": {
            "id": catalog.info.id,
            "version": catalog.info.version,
            "title_zh": catalog.info.title_zh,
            "title_en": catalog.info.title_en,
        },
        "kinds": [
            {
                "kind": kind.value,
                "zh": info.zh,
                "en": info.en,
                "is_zone": info.is_zone,
                "classes": [
                    {"code": c.code, "zh": c.zh, "en": c.en, "rank": c.rank}
                    for c in CLASSES[kind]
                ],
            }
            for kind, info in KINDS.items()
        ],
    }
