"""``GET /healthz``: status, the loaded layer set, the report store and library versions.

``"status": "ok"`` (HTTP 200) while the report store can commit answers; ``"degraded"``
with HTTP 503 while it cannot (disk full, read-only, I/O error): every new lookup would be
refused with 503 then, so a load balancer (or a Kubernetes readiness probe, which go by
the status code) should send the traffic elsewhere. Use it for readiness, not liveness:
restarting the process does not free a disk. It reads the store's state in memory (the
store's writer thread probes the disk itself), so it never writes.

With ``GEOZONE_DATABASE_URL`` it also runs one ``SELECT 1`` (waiting at most a second for
a connection): ``database`` is ``{"reachable", "error", "where"}`` and the status is
``degraded`` (503) while the database cannot be reached, as every lookup would then be
refused (its report cannot be stored). ``layers.database_error`` says since when the
worker's follower could not read the database.
"""

from __future__ import annotations

import os
from typing import Any

from fastapi import APIRouter, Request, Response

from api.deps import LayersDep, ReportsDep
from api.schemas import Health
from geozone.versions import library_versions

router = APIRouter(tags=["health"])


@router.get(
    "/healthz",
    summary="Service health, loaded layer set and library versions",
    response_model=None,
    responses={
        200: {"description": "Healthy.", "model": Health},
        503: {
            "description": "Degraded: the report store cannot store answers, or the "
            "database is unreachable.",
            "model": Health,
        },
    },
)
def healthz(
    request: Request, layers: LayersDep, reports: ReportsDep, response: Response
) -> dict[str, Any]:
    """Report status, the report store, the layer-set generation, layer and library versions.

    ``report_store`` is ``{"writable", "error", "since"}``; while it cannot write the
    status is ``degraded`` and the HTTP status 503. ``generation`` is the layer-set
    generation this worker (``worker_pid``) serves; ``layers.reload_error`` says why a
    newer one on disk could not be loaded.
    """
    catalog = layers.catalog
    store = reports.health()
    database = request.app.state.storage.health()
    healthy = store["writable"] and (database is None or database["reachable"])
    if not healthy:
        response.status_code = 503
    return {
        "status": "ok" if healthy else "degraded",
        "worker_pid": os.getpid(),
        "report_store": store,
        "database": database,
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
