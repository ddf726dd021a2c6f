"""Render errors as JSON ``{"code", "message", "detail"}``; never leak a trace."""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from geozone.errors import GeozoneError, ReportStoreUnavailable

log = logging.getLogger("api")


def error_response(
    status: int,
    code: str,
    message: str,
    detail: object = None,
    headers: dict[str, str] | None = None,
) -> JSONResponse:
    """A JSON error response in the service's one error shape (401s name the Bearer scheme)."""
    if status == 401:
        headers = {**(headers or {}), "WWW-Authenticate": "Bearer"}
    return JSONResponse(
        status_code=status,
        content={"code": code, "message": message, "detail": detail},
        headers=headers,
    )


async def _geozone_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, GeozoneError)
    if isinstance(exc, ReportStoreUnavailable):
        # an expected outage, already logged once by the store: its safe message (the kind
        # of failure, never a path) and when to retry, no trace per request
        retry = {"Retry-After": str((exc.detail or {}).get("retry_after", 5))}
        return error_response(exc.status, exc.code, exc.message, exc.detail, retry)
    if exc.status >= 500:
        log.error("%s %s failed", request.method, request.url.path, exc_info=exc)
        return error_response(exc.status, exc.code, "internal error")
    return error_response(exc.status, exc.code, exc.message, exc.detail)


async def _validation_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    problems = [
        {"loc": [str(p) for p in e.get("loc", ())], "msg": str(e.get("msg", ""))}
        for e in exc.errors()
    ]
    first = problems[0] if problems else {"loc": [], "msg": "invalid request"}
    where = ".".join(first["loc"])  # type: ignore[arg-type]
    return error_response(422, "invalid_request", f"{where}: {first['msg']}", problems)


async def _http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    code = {404: "not_found", 405: "method_not_allowed", 413: "query_too_large"}.get(
        exc.status_code, "http_error"
    )
    return error_response(exc.status_code, code, str(exc.detail))


async def _unhandled(request: Request, exc: Exception) -> JSONResponse:
    log.error("%s %s failed", request.method, request.url.path, exc_info=exc)
    return error_response(500, "internal", "internal error")


def add_exception_handlers(app: FastAPI) -> None:
    """Install the handlers: domain errors, request validation, HTTP errors, anything else."""
    app.add_exception_handler(GeozoneError, _geozone_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(Exception, _unhandled)
