"""Render errors as JSON ``{"code", "message", "detail"}``; never leak a trace or a path.

Every message and detail passes :func:`geozone.errors.scrub_paths`, so an absolute server
path (a layer file, the report store, a job folder, an installed package) that slipped
into a message reaches the caller as its file name only. A 405 keeps its ``Allow`` header.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Mapping

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match, Mount

from geozone.errors import GeozoneError, scrub_paths, without_paths

log = logging.getLogger("api")


def _json_safe(value: object) -> object:
    """``value`` with non-finite floats as strings (``"nan"``): strict JSON has no NaN."""
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    if isinstance(value, dict):
        return {str(k): _json_safe(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_json_safe(v) for v in value]
    return value


def error_response(
    status: int,
    code: str,
    message: str,
    detail: object = None,
    headers: Mapping[str, str] | None = None,
) -> JSONResponse:
    """A JSON error response in the service's one error shape (401s name the Bearer scheme)."""
    headers = dict(headers or {})
    if status == 401:
        headers.setdefault("WWW-Authenticate", "Bearer")
    return JSONResponse(
        status_code=status,
        content={
            "code": code,
            "message": without_paths(message),
            "detail": _json_safe(scrub_paths(detail)),
        },
        headers=headers or None,
    )


async def _geozone_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, GeozoneError)
    if exc.status >= 500:
        log.error("%s %s failed", request.method, request.url.path, exc_info=exc)
        return error_response(exc.status, exc.code, "internal error")
    return error_response(exc.status, exc.code, exc.message, exc.detail, exc.headers)


async def _validation_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    problems = [
        {"loc": [str(p) for p in e.get("loc", ())], "msg": str(e.get("msg", ""))}
        for e in exc.errors()
    ]
    first = problems[0] if problems else {"loc": [], "msg": "invalid request"}
    where = ".".join(first["loc"])  # type: ignore[arg-type]
    return error_response(422, "invalid_request", f"{where}: {first['msg']}", problems)


_METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")


def allowed_methods(request: Request) -> str:
    """The ``Allow`` value for the request's path: each method some route fully matches.

    Starlette's 405 names only the methods of the first route that matched the path, and
    ``/api/v1/lookup`` is two routes (the bare GET app and the POST operation). Each
    method is tried against the app's routes as the router would; a mount (static files)
    serves GET and HEAD.
    """
    allowed = []
    # inside a mount the scope's root_path has grown by the mount's prefix: match from the top
    top = request.scope.get("app_root_path", request.scope.get("root_path", ""))
    for method in _METHODS:
        scope = {**request.scope, "method": method, "root_path": top}
        for route in request.app.router.routes:
            match, _ = route.matches(scope)
            if match is Match.FULL and (not isinstance(route, Mount) or method in ("GET", "HEAD")):
                allowed.append(method)
                break
    return ", ".join(allowed)


async def _http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    code = {404: "not_found", 405: "method_not_allowed", 413: "query_too_large"}.get(
        exc.status_code, "http_error"
    )
    if exc.status_code == 405:
        headers = {**(exc.headers or {}), "Allow": allowed_methods(request)}
        return error_response(405, code, str(exc.detail), headers=headers)
    # keeps the exception's headers: Allow on a 405, WWW-Authenticate on a 401
    return error_response(exc.status_code, code, str(exc.detail), headers=exc.headers)


async def _unhandled(request: Request, exc: Exception) -> JSONResponse:
    log.error("%s %s failed", request.method, request.url.path, exc_info=exc)
    return error_response(500, "internal", "internal error")


def add_exception_handlers(app: FastAPI) -> None:
    """Install the handlers: domain errors, request validation, HTTP errors, anything else."""
    app.add_exception_handler(GeozoneError, _geozone_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(Exception, _unhandled)
