"""``GET /healthz``: status, the loaded layer set and library versions."""

from __future__ import annotations

import os
from typing import Any

from fastapi import APIRouter

from api.deps import CatalogDep
from geozone.versions import library_versions

router = APIRouter(tags=["health"])


@router.get("/healthz", summary="Service health, loaded layer set and library versions")
def healthz(catalog: CatalogDep) -> dict[str, Any]:
    """Report status, worker pid, layer set id/version/hash, layer versions, library versions."""
    return {
        "status": "ok",
        "worker_pid": os.getpid(),  # which worker answered (a replaced one has a new pid)
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
