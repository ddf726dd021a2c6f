"""``GET /healthz``: status, the loaded layer set and library versions."""

from __future__ import annotations

import os
from typing import Any

from fastapi import APIRouter, Request

from api.deps import LayersDep
from geozone.versions import library_versions

router = APIRouter(tags=["health"])


@router.get("/healthz", summary="Service health, loaded layer set and library versions")
def healthz(request: Request, layers: LayersDep) -> dict[str, Any]:
    """Report status, layer set id/version/hash, each layer version and library versions.

    ``generation`` is the layer-set generation this worker (``worker_pid``) serves;
    ``layers.reload_error`` says why a newer one on disk could not be loaded.
    """
    catalog = layers.catalog
    return {
        "status": "ok",
        "worker_pid": os.getpid(),
        "generation": layers.generation.to_dict(),
        "layers": request.app.state.follower.health(),
        "layerset": {
            "id": catalog.info.id,
            "version": catalog.info.version,
            "hash": catalog.hash,
            "synthetic": catalog.synthetic,
            "load_seconds": round(catalog.load_seconds, 3),
            "layers": [
                {
                    "id": v.id,
                    "version": v.version,
                    "kind": v.kind.value,
                    "valid_from": v.entry.valid_from.isoformat(),
                    "valid_to": v.entry.valid_to.isoformat() if v.entry.valid_to else None,
                    "feature_count": v.feature_count,
                    "synthetic": v.entry.synthetic,
                }
                for v in catalog.all_versions()
            ],
        },
        "versions": library_versions(),
    }
