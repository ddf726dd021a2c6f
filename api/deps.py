"""Dependencies that resolve request state to domain objects.

They are ``async def`` on purpose: they only read ``app.state``, and FastAPI runs a plain
``def`` dependency in the thread pool, a thread hop per dependency per request that cost
more than the lookup itself under load (``benchmarks/bench_api.py``).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from starlette.datastructures import URL

from geozone.catalog import Catalog
from geozone.errors import Forbidden, Unauthorized
from geozone.jobs import JobRunner
from geozone.layer_follower import LayerState
from geozone.rules import RuleTable
from geozone.settings import Settings
from geozone.stores import ReportStore
from geozone.tokens import Principal, TokenRegistry


async def get_settings(request: Request) -> Settings:
    """The settings the app was built with."""
    settings: Settings = request.app.state.settings
    return settings


def public_base(request: Request) -> str:
    """The service's base URL for absolute links, without a trailing slash.

    ``GEOZONE_PUBLIC_URL`` when set; otherwise the URL the request came in on (Host
    header), which a client controls: set the public URL behind a proxy or in production.
    """
    settings: Settings = request.app.state.settings
    if settings.public_url:
        return settings.public_url.rstrip("/")
    return str(request.base_url).rstrip("/")


def public_request_url(request: Request) -> URL:
    """The request's own URL (path and query) on :func:`public_base`."""
    path = request.url.path
    root = request.scope.get("root_path", "")
    if root and path.startswith(root):
        path = path[len(root) :]
    query = request.url.query
    return URL(public_base(request) + path + (f"?{query}" if query else ""))


async def get_layers(request: Request) -> LayerState:
    """The catalog, rules and generation in force, read once per request.

    FastAPI caches a dependency within a request, so a route that takes both the catalog
    and the rules gets the pair of one generation even while a new one is published.
    """
    layers: LayerState = request.app.state.layers
    return layers


LayersDep = Annotated[LayerState, Depends(get_layers)]


async def get_catalog(layers: LayersDep) -> Catalog:
    """The layer catalog currently in force (swapped whole when a new generation loads)."""
    return layers.catalog


async def get_rules(layers: LayersDep) -> RuleTable:
    """The rule table of the loaded layer set (of the same generation as the catalog)."""
    return layers.rules


async def get_reports(request: Request) -> ReportStore:
    """The store of answered lookups (SQLite, or PostgreSQL with a database URL)."""
    store: ReportStore = request.app.state.reports
    return store


async def get_jobs(request: Request) -> JobRunner:
    """The background batch-job runner."""
    jobs: JobRunner = request.app.state.jobs
    return jobs


bearer = HTTPBearer(
    auto_error=False,
    description="A named admin or reader token (geozone token new; GEOZONE_TOKENS_FILE).",
)


async def get_principal(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> Principal | None:
    """Who is asking: ``None`` without a bearer token; an unknown token is 403.

    A wrong token is refused rather than treated as anonymous, so a client with a
    mistyped token learns it at once instead of silently getting the public view.
    """
    if credentials is None:
        return None
    tokens: TokenRegistry = request.app.state.tokens
    principal = tokens.identify(credentials.credentials)
    if principal is None:
        raise Forbidden("unknown token")
    return principal


PrincipalDep = Annotated[Principal | None, Depends(get_principal)]


async def require_admin(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> Principal:
    """An admin token: none configured -> 403, missing -> 401, reader or unknown -> 403."""
    tokens: TokenRegistry = request.app.state.tokens
    if not tokens.has_admins():
        raise Forbidden(
            "admin is switched off: no admin token is configured "
            "(geozone token new NAME --role admin, or GEOZONE_ADMIN_TOKEN)"
        )
    principal = await get_principal(request, credentials)
    if principal is None:
        raise Unauthorized("admin needs 'Authorization: Bearer <token>'")
    if not principal.is_admin:
        raise Forbidden(f"token {principal.name!r} is not an admin token")
    return principal


AdminDep = Annotated[Principal, Depends(require_admin)]
SettingsDep = Annotated[Settings, Depends(get_settings)]
CatalogDep = Annotated[Catalog, Depends(get_catalog)]
RulesDep = Annotated[RuleTable, Depends(get_rules)]
ReportsDep = Annotated[ReportStore, Depends(get_reports)]
JobsDep = Annotated[JobRunner, Depends(get_jobs)]
