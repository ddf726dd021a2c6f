"""Render errors as JSON ``{"code", "message", "detail"}``; never leak a trace or a path.

Every message and detail passes :func:`geozone.errors.scrub_paths`, so an absolute server
path (a layer file, the report store, a job folder, an installed package) that slipped
into a message reaches the caller as its file name only. A 405 keeps its ``Allow`` header.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Mapping

import psycopg
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from psycopg_pool import PoolTimeout
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match, Mount

from geozone.errors import DatabaseUnavailable, GeozoneError, scrub_paths, without_paths

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
    if exc.status == 503:
        # an expected outage (report store, audit log, change lock), logged where it is
        # noticed: its safe message (the kind of failure, never a path) and when to retry
        detail = exc.detail if isinstance(exc.detail, dict) else {}
        retry = {"Retry-After": str(detail.get("retry_after", 5))}
        return error_response(exc.status, exc.code, exc.message, exc.detail, retry)
    if exc.status == 501:
        # a deliberate refusal (e.g. layer_in_database_only): its safe message names why
        log.info("%s %s: %s", request.method, request.url.path, exc.message)
        return error_response(exc.status, exc.code, exc.message, exc.detail, exc.headers)
    if exc.status >= 500:
        log.error("%s %s failed", request.method, request.url.path, exc_info=exc)
        return error_response(exc.status, exc.code, "internal error")
    return error_response(exc.status, exc.code, exc.message, exc.detail, exc.headers)


def json_position(doc: str, pos: int) -> tuple[int, int]:
    r"""The 1-based ``(line, column)`` of character offset ``pos`` in ``doc``.

    >>> json_position('{\n  "a": 1\n  "b"}', 13)
    (3, 3)
    """
    pos = max(0, min(pos, len(doc)))
    line = doc.count("\n", 0, pos) + 1
    return line, pos - (doc.rfind("\n", 0, pos) + 1) + 1


def _invalid_json(exc: RequestValidationError, error: Mapping[str, object]) -> JSONResponse:
    """422 ``invalid_json`` naming the line, column and the parser's complaint."""
    loc = error.get("loc") or ()
    pos = loc[1] if isinstance(loc, tuple | list) and len(loc) > 1 else 0
    doc = exc.body if isinstance(exc.body, str) else ""
    line, column = json_position(doc, pos if isinstance(pos, int) else 0)
    ctx = error.get("ctx")
    reason = str(ctx.get("error", "")) if isinstance(ctx, Mapping) else ""
    reason = reason or "not valid JSON"
    return error_response(
        422,
        "invalid_json",
        f"invalid JSON at line {line}, column {column}: {reason}; the body must be one JSON "
        "document (check quotes, commas and brackets around that place)",
        {"line": line, "column": column, "position": pos, "error": reason},
    )


def _not_json(request: Request) -> JSONResponse:
    """422 ``invalid_json`` for a body sent without a JSON content type."""
    content_type = request.headers.get("content-type")
    sent = f"as {content_type}" if content_type else "without a Content-Type"
    return error_response(
        422,
        "invalid_json",
        f"the body was sent {sent}, so it was not read as JSON; send it with "
        "Content-Type: application/json (curl: -H 'Content-Type: application/json')",
        {"content_type": content_type},
    )


async def _validation_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors = list(exc.errors())
    first_error = errors[0] if errors else {}
    if first_error.get("type") == "json_invalid":
        return _invalid_json(exc, first_error)
    if tuple(first_error.get("loc", ())) == ("body",):
        if isinstance(first_error.get("input"), bytes):
            return _not_json(request)
        if first_error.get("type") == "missing":
            return error_response(
                422,
                "invalid_request",
                "the request has no body; send a JSON object (Content-Type: application/json)",
                [{"loc": ["body"], "msg": "Field required"}],
            )
    problems = [
        {"loc": [str(p) for p in e.get("loc", ())], "msg": str(e.get("msg", ""))} for e in errors
    ]
    first = problems[0] if problems else {"loc": [], "msg": "invalid request"}
    where = ".".join(first["loc"])  # type: ignore[arg-type]
    # a problem with the body as a whole is a sentence of its own ("the body is ...")
    message = first["msg"] if where in ("", "body") else f"{where}: {first['msg']}"
    return error_response(422, "invalid_request", str(message), problems)


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


_BODY_PARSE_ERROR = "There was an error parsing the body"
"""FastAPI's 400 detail when a JSON body cannot be decoded as text (bad UTF-8)."""


async def _http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    code = {404: "not_found", 405: "method_not_allowed", 413: "query_too_large"}.get(
        exc.status_code, "http_error"
    )
    if exc.status_code == 405:
        headers = {**(exc.headers or {}), "Allow": allowed_methods(request)}
        return error_response(405, code, str(exc.detail), headers=headers)
    if exc.status_code == 400 and exc.detail == _BODY_PARSE_ERROR:  # e.g. not UTF-8
        return error_response(
            400,
            "invalid_json",
            "the body could not be read as JSON text; send UTF-8 encoded JSON "
            "(Content-Type: application/json)",
        )
    # keeps the exception's headers: Allow on a 405, WWW-Authenticate on a 401
    return error_response(exc.status_code, code, str(exc.detail), headers=exc.headers)


async def _database_error(request: Request, exc: Exception) -> JSONResponse:
    """A database failure no store turned into a domain error: 503, never a 500.

    The stores raise :class:`~geozone.errors.DatabaseUnavailable` themselves; this is the
    net under them for a connection that breaks mid-request (a database restart).
    """
    log.error("%s %s: database failure: %s", request.method, request.url.path, exc)
    return error_response(
        503,
        DatabaseUnavailable.code,
        "the database is unavailable; retry shortly",
        {"retry_after": 5},
        {"Retry-After": "5"},
    )


async def _unhandled(request: Request, exc: Exception) -> JSONResponse:
    log.error("%s %s failed", request.method, request.url.path, exc_info=exc)
    return error_response(500, "internal", "internal error")


def add_exception_handlers(app: FastAPI) -> None:
    """Install the handlers: domain errors, request validation, HTTP errors, anything else."""
    app.add_exception_handler(GeozoneError, _geozone_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(psycopg.OperationalError, _database_error)
    app.add_exception_handler(PoolTimeout, _database_error)
    app.add_exception_handler(Exception, _unhandled)
