"""``GET /api/v1/config``: what the web map needs before it draws anything.

The basemaps the map may offer (``basemaps``, :mod:`geozone.basemaps`: none is its default;
``basemap_url`` is the custom one's template), the dates a
lookup can answer (``dates``: ``valid_from``, ``valid_to``, ``ranges``; ``null`` without an
admin layer), the zh/en labels of codes shown to people (``labels``: layer kinds and rule
dimensions), each layer
with its titles and versions (validity dates, so the map can follow an as-of date), the layer
kinds and their class vocabularies with zh/en names (from :mod:`geozone.vocab`, so the legend
never disagrees with the lookups) and whether the loaded layer set is synthetic demo data.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from api.deps import CatalogDep, SettingsDep
from api.schemas_meta import ConfigDocument
from geozone import __version__
from geozone.basemaps import offered
from geozone.vocab import CLASSES, KINDS, labels

router = APIRouter(prefix="/api/v1", tags=["config"])


@router.get(
    "/config",
    summary="Web map configuration: basemap, class vocabularies, synthetic",
    response_model=None,
    responses={200: {"description": "The map's configuration.", "model": ConfigDocument}},
)
def config(settings: SettingsDep, catalog: CatalogDep) -> dict[str, Any]:
    """Return the basemap URL, layers with their versions, every kind with its classes, flags."""
    return {
        "geozone_version": __version__,
        "basemap_url": settings.basemap_url,
        # the switcher's entries besides none (geozone/basemaps.py); none is the default
        "basemaps": [b.to_dict() for b in offered(settings)],
        "synthetic": catalog.synthetic,
        "layerset": {
            "id": catalog.info.id,
            "version": catalog.info.version,
            "title_zh": catalog.info.title_zh,
            "title_en": catalog.info.title_en,
        },
        "layers": [
            {
                "id": layer_id,
                "kind": versions[-1].kind.value,
                "title_zh": versions[-1].entry.title_zh,
                "title_en": versions[-1].entry.title_en,
                "feature_count": max(v.feature_count for v in versions),
                # restricted: the map lists the layer as "token needed" and never loads it
                "access": "restricted" if catalog.restricted(layer_id) else "public",
                "versions": [
                    {
                        "version": v.version,
                        "title_zh": v.entry.title_zh,
                        "title_en": v.entry.title_en,
                        "valid_from": v.entry.valid_from.isoformat(),
                        "valid_to": v.entry.valid_to.isoformat() if v.entry.valid_to else None,
                        "feature_count": v.feature_count,
                        "synthetic": v.entry.synthetic,
                    }
                    for v in versions
                ],
            }
            for layer_id, versions in catalog.versions.items()
        ],
        # the dates a lookup can answer (an admin layer in force): the map's date picker
        # offers only these; a date outside them answers 422 no_layers_in_force
        "dates": catalog.answerable_dates(),
        "labels": labels(),
        "kinds": [
            {
                "kind": kind.value,
                "zh": info.zh,
                "en": info.en,
                "is_zone": info.is_zone,
                "classes": [
                    {"code": c.code, "zh": c.zh, "en": c.en, "rank": c.rank} for c in CLASSES[kind]
                ],
            }
            for kind, info in KINDS.items()
        ],
    }
