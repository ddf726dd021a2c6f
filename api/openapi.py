"""The service's OpenAPI document, served as OpenAPI 3.0.3.

FastAPI writes OpenAPI 3.1 (JSON Schema 2020-12). OGC API Features Part 1 names an
OpenAPI 3.0 conformance class, the Swagger UI bundled for offline ``/docs`` reads 3.0,
and GDAL's OAPIF driver reads 3.0. :func:`downgrade` rewrites the few 3.1 constructs
FastAPI emits into their 3.0 spellings: ``anyOf [X, null]`` becomes ``nullable``,
schema ``examples`` lists become ``example``, ``const`` becomes a one-value ``enum``,
numeric ``exclusiveMinimum``/``exclusiveMaximum`` become the boolean form and file
uploads become ``format: binary``.
"""

from __future__ import annotations

import copy
from collections.abc import Awaitable, Callable
from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi
from pydantic import BaseModel
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from starlette.types import ASGIApp

OPENAPI_VERSION = "3.0.3"

_SCHEMA_LISTS = ("anyOf", "oneOf", "allOf", "prefixItems")
_SCHEMA_MAPS = ("properties", "patternProperties", "$defs", "definitions")
_SCHEMA_ONE = ("items", "not", "additionalProperties", "contains", "propertyNames")


def _is_null(schema: Any) -> bool:
    """A schema that only admits null (already rewritten, or not)."""
    return isinstance(schema, dict) and schema in ({"type": "null"}, {"nullable": True})


def _schema(node: Any) -> Any:
    """Rewrite one JSON Schema (2020-12 as FastAPI writes it) into OpenAPI 3.0 form."""
    if not isinstance(node, dict):
        return node
    out: dict[str, Any] = {}
    for key, value in node.items():
        if key in _SCHEMA_LISTS and isinstance(value, list):
            out[key] = [_schema(v) for v in value]
        elif key in _SCHEMA_MAPS and isinstance(value, dict):
            out[key] = {k: _schema(v) for k, v in value.items()}
        elif key in _SCHEMA_ONE and isinstance(value, dict):
            out[key] = _schema(value)
        elif key in ("$schema", "$id", "contentEncoding"):
            continue
        else:
            out[key] = value
    if "prefixItems" in out:
        items = out.pop("prefixItems")
        out.setdefault("items", {"anyOf": items} if items else {})
    if "examples" in out and isinstance(out["examples"], list):
        examples = out.pop("examples")
        if examples:
            out.setdefault("example", examples[0])
    if "const" in out:
        out["enum"] = [out.pop("const")]
    for bound, plain in (("exclusiveMinimum", "minimum"), ("exclusiveMaximum", "maximum")):
        value = out.get(bound)
        if isinstance(value, int | float) and not isinstance(value, bool):
            out[plain] = value
            out[bound] = True
    if out.pop("contentMediaType", None) is not None:
        out["type"] = "string"
        out["format"] = "binary"
    if isinstance(out.get("type"), list):
        types = [t for t in out["type"] if t != "null"]
        if len(types) < len(out["type"]):
            out["nullable"] = True
        out["type"] = types[0] if len(types) == 1 else types
        if isinstance(out["type"], list):
            out["anyOf"] = [{"type": t} for t in out.pop("type")]
    for key in ("anyOf", "oneOf"):
        options = out.get(key)
        if isinstance(options, list) and any(_is_null(o) for o in options):
            rest = [o for o in options if not _is_null(o)]
            out["nullable"] = True
            if len(rest) == 1:
                del out[key]
                only = rest[0]
                if "$ref" in only:
                    out["allOf"] = [only]
                else:
                    out = {**only, **out}
            else:
                out[key] = rest
    if out.get("type") == "null":
        del out["type"]
        out["nullable"] = True
    return out


def _content(content: dict[str, Any]) -> dict[str, Any]:
    return {
        media: {**body, "schema": _schema(body["schema"])} if "schema" in body else body
        for media, body in content.items()
    }


def _operation(op: dict[str, Any]) -> dict[str, Any]:
    op = dict(op)
    if "parameters" in op:
        op["parameters"] = [
            {**p, "schema": _schema(p["schema"])} if "schema" in p else p for p in op["parameters"]
        ]
    body = op.get("requestBody")
    if isinstance(body, dict) and "content" in body:
        op["requestBody"] = {**body, "content": _content(body["content"])}
    responses = op.get("responses")
    if isinstance(responses, dict):
        op["responses"] = {
            code: {**r, "content": _content(r["content"])} if "content" in r else r
            for code, r in responses.items()
        }
    return op


def downgrade(document: dict[str, Any]) -> dict[str, Any]:
    """Return an OpenAPI 3.0.3 copy of an OpenAPI 3.1 document written by FastAPI.

    Parameters
    ----------
    document
        The document from :func:`fastapi.openapi.utils.get_openapi`; left unchanged.

    Examples
    --------
    >>> doc = {"openapi": "3.1.0", "info": {"title": "t", "version": "1"}, "paths": {},
    ...        "components": {"schemas": {"A": {"anyOf": [{"type": "string"},
    ...                                                  {"type": "null"}]}}}}
    >>> downgrade(doc)["components"]["schemas"]["A"]
    {'nullable': True, 'type': 'string'}
    """
    doc = copy.deepcopy(document)
    doc["openapi"] = OPENAPI_VERSION
    doc.pop("jsonSchemaDialect", None)
    doc.pop("webhooks", None)
    for path, item in doc.get("paths", {}).items():
        doc["paths"][path] = {
            method: _operation(op) if isinstance(op, dict) and method != "parameters" else op
            for method, op in item.items()
        }
    components = doc.get("components", {})
    if "schemas" in components:
        components["schemas"] = {k: _schema(v) for k, v in components["schemas"].items()}
    return doc


def query_parameters(model: type[BaseModel]) -> list[dict[str, Any]]:
    """OpenAPI ``parameters`` (in: query) describing a flat pydantic model's fields."""
    props = model.model_json_schema()["properties"]
    out = []
    for name, info in model.model_fields.items():
        prop = props[name]
        schema = next((s for s in prop.get("anyOf", []) if s != {"type": "null"}), prop)
        examples = info.examples or []
        out.append(
            {
                "name": name,
                "in": "query",
                "required": info.is_required(),
                "description": info.description,
                "schema": {"type": schema["type"]},
                "examples": {str(v): {"value": v} for v in examples},
            }
        )
    return out


class DocumentedRoute(Route):
    """A plain Starlette route that appears in the OpenAPI document through ``operation``.

    FastAPI's per-request machinery (dependency solving, parameter and response
    handling) costs ~0.1 ms, a third of a hello-world request. The busiest read path
    (``GET /api/v1/lookup``) is an endpoint of its own (a ``request -> response``
    function, or a bare ASGI app) and brings its OpenAPI operation (an OpenAPI 3.1
    operation object, as FastAPI writes them) along.
    """

    def __init__(
        self,
        path: str,
        endpoint: Callable[[Request], Awaitable[Response]] | ASGIApp,
        *,
        method: str,
        operation: dict[str, Any],
    ) -> None:
        super().__init__(path, endpoint, methods=[method], include_in_schema=False)
        self.method = method.lower()
        self.operation = operation


def install_openapi(app: FastAPI) -> None:
    """Make ``app.openapi()`` (and so ``/openapi.json``) return the 3.0.3 document, cached.

    Operations of :class:`DocumentedRoute` routes are added to FastAPI's own.
    """

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            document = get_openapi(
                title=app.title,
                version=app.version,
                description=app.description,
                routes=app.routes,
                tags=app.openapi_tags,
                servers=app.servers,
            )
            for route in app.routes:
                if isinstance(route, DocumentedRoute):
                    item = document.setdefault("paths", {}).setdefault(route.path, {})
                    item[route.method] = route.operation
            app.openapi_schema = downgrade(document)
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
