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

from api.schemas import DATE_PATTERN, ErrorBody
from geozone.ogc_features import BBOX_PATTERN
from geozone.vocab import LayerKind, classes_of

OPENAPI_VERSION = "3.0.3"

_SCHEMA_LISTS = ("anyOf", "oneOf", "allOf", "prefixItems")
_SCHEMA_MAPS = ("properties", "patternProperties", "$defs", "definitions")
_SCHEMA_ONE = ("items", "not", "additionalProperties", "contains", "propertyNames")


OGC_INTERVAL_PATTERN = (
    r"^(\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2}))?|\.\.)"
    r"/(\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2}))?|\.\.)$"
)
"""An OGC ``datetime`` interval: ``start/end``, each a date, an RFC 3339 time or ``..``."""

NULL_ONLY: dict[str, Any] = {"nullable": True, "enum": [None]}
"""The OpenAPI 3.0 schema of the value null alone."""


def _is_null(schema: Any) -> bool:
    """A schema that only admits null (already rewritten, or not)."""
    return isinstance(schema, dict) and schema in ({"type": "null"}, {"nullable": True}, NULL_ONLY)


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
            if any("$ref" in o for o in rest):
                # ``nullable`` beside a $ref does not reach the referenced schema (3.0.3):
                # null is an alternative of its own
                out[key] = [*rest, NULL_ONLY]
            elif len(rest) == 1:
                del out[key]
                out = {**rest[0], **out, "nullable": True}
                if "enum" in out and None not in out["enum"]:
                    # a nullable enum admits null only when null is one of its values
                    out["enum"] = [*out["enum"], None]
            else:
                out[key] = rest
                out["nullable"] = True
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


_CONSTRAINTS = ("enum", "format", "pattern", "minimum", "maximum", "minLength", "maxLength")


def query_parameters(model: type[BaseModel]) -> list[dict[str, Any]]:
    """OpenAPI ``parameters`` (in: query) describing a flat pydantic model's fields."""
    props = model.model_json_schema()["properties"]
    out = []
    for name, info in model.model_fields.items():
        prop = props[name]
        schema = next((s for s in prop.get("anyOf", []) if s != {"type": "null"}), prop)
        schema = {**schema, **{k: v for k, v in prop.items() if k in _CONSTRAINTS}}
        examples = info.examples or []
        out.append(
            {
                "name": name,
                "in": "query",
                "required": info.is_required(),
                "description": info.description,
                "schema": {k: v for k, v in schema.items() if k in ("type", *_CONSTRAINTS)},
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
            declare_errors(document)
            app.openapi_schema = downgrade(document)
            fill_vocabulary(app.openapi_schema, app)
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]


ERROR_REF = {"$ref": "#/components/schemas/ErrorBody"}

ERROR_DESCRIPTIONS = {
    400: "Malformed body: not UTF-8 JSON text, or a multipart body that cannot be parsed.",
    401: "No bearer token where one is required (`WWW-Authenticate: Bearer`).",
    403: "The bearer token is unknown, or lacks the role (reader/admin) needed.",
    404: "Nothing with that id (layer, version, collection, feature, report or job).",
    405: "Method not allowed (the `Allow` header lists those that are).",
    409: "Conflict with the current state (`If-Match` mismatch, job not finished).",
    410: "Gone: the job's results were deleted after retention.",
    413: "The body, upload or query is over its size limit.",
    422: "Invalid input: `detail` names the field and what was expected.",
    429: "Too many requests: a quota is spent (`Retry-After`).",
    503: "A store (reports, audit log, layer change lock) cannot work now (`Retry-After`).",
    507: "The jobs folder is full: no new job until old results expire.",
}
"""What each error status means, for responses declared without a description."""

_HEADERS = {
    401: {"WWW-Authenticate": {"description": "`Bearer`", "schema": {"type": "string"}}},
    503: {"Retry-After": {"description": "Seconds to wait.", "schema": {"type": "string"}}},
}


def _error_codes(path: str, op: dict[str, Any]) -> set[int]:
    """The error statuses an operation can answer, beyond those it declares."""
    codes = {int(c) for c in op.get("responses", {}) if c.isdigit() and int(c) >= 400}
    params = op.get("parameters", [])
    if params or "requestBody" in op:
        codes.add(422)
    if any(p.get("in") == "path" for p in params):
        codes.add(404)
    body = op.get("requestBody", {}).get("content", {})
    if body:
        codes.update((400, 413))  # 400: a body that is not UTF-8 text or not multipart
    if op.get("security"):
        codes.add(403)  # an unknown token is refused, never read as anonymous
    return codes


def _own_schema(response: dict[str, Any]) -> bool:
    """Whether a declared response has a schema of its own (not FastAPI's validation error)."""
    schema = response.get("content", {}).get("application/json", {}).get("schema", {})
    return bool(schema) and "ValidationError" not in str(schema.get("$ref", ""))


def declare_errors(document: dict[str, Any]) -> None:
    """Declare ``ErrorBody`` for every error status each operation can answer, in place.

    FastAPI declares 422 as its own ``HTTPValidationError``; the service answers every
    error as ``{code, message, detail}`` (:func:`api.errors.error_response`), so each
    4xx/5xx response gets that schema. Bearer security is optional (``{}`` first) except
    on admin operations: a reader token only widens what is shown.
    """
    schemas = document.setdefault("components", {}).setdefault("schemas", {})
    schemas["ErrorBody"] = ErrorBody.model_json_schema()
    for path, item in document.get("paths", {}).items():
        for op in item.values():
            if not isinstance(op, dict) or "responses" not in op:
                continue
            responses = op["responses"]
            for code in sorted(_error_codes(path, op)):
                old = responses.get(str(code), {})
                if _own_schema(old):  # e.g. /healthz's 503 is the health document
                    continue
                new: dict[str, Any] = {
                    "description": old.get("description") or ERROR_DESCRIPTIONS[code],
                    "content": {"application/json": {"schema": ERROR_REF}},
                }
                if code in _HEADERS:
                    new["headers"] = _HEADERS[code]
                responses[str(code)] = new
            if op.get("security") and not path.startswith("/api/v1/admin"):
                op["security"] = [{}, *[s for s in op["security"] if s]]
    for unused in ("HTTPValidationError", "ValidationError"):
        schemas.pop(unused, None)


def _walk_schemas(document: dict[str, Any]) -> list[tuple[str, dict[str, Any], str]]:
    """``(name, holder, where)`` of every query parameter and request-body property.

    ``holder["schema"]`` is the schema; ``where`` is ``"query"`` or the body's media type.
    """
    out: list[tuple[str, dict[str, Any], str]] = []
    components = document.get("components", {}).get("schemas", {})
    for item in document.get("paths", {}).values():
        for op in item.values():
            if not isinstance(op, dict):
                continue
            for p in op.get("parameters", []):
                if p.get("in") == "query" and "schema" in p:
                    out.append((p["name"], p, "query"))
            for media, body in op.get("requestBody", {}).get("content", {}).items():
                schema = body.get("schema", {})
                ref = schema.get("$ref", "")
                if ref.startswith("#/components/schemas/"):
                    schema = components[ref.rsplit("/", 1)[1]]
                for alt in [schema, *schema.get("anyOf", [])]:
                    for name, prop in alt.get("properties", {}).items():
                        holder = {"schema": prop}
                        out.append((name, holder, media))
                        alt["properties"][name] = holder["schema"]
    return out


DATE_NAMES = ("as_of", "valid_from", "valid_to")
"""Parameters and fields that are dates (YYYY-MM-DD) wherever they occur."""

CRS_NAMES = (
    "EPSG:4326",
    "EPSG:4490",
    "EPSG:4548",
    "WGS84",
    "CRS84",
    "OGC:CRS84",
    "CGCS2000",
    "GCJ02",
    "BD09",
)
"""The CRS names the schema lists for ``crs`` (any EPSG code pyproj knows is accepted too)."""


def _class_list(schema: dict[str, Any], codes: list[str]) -> None:
    """Class codes as a list, or as one comma-separated string (empty: the default)."""
    one = "|".join(codes)
    for sub in [schema, *schema.get("anyOf", [])]:
        if sub.get("type") == "array":
            sub["items"] = {"type": "string", "enum": codes}
        elif sub.get("type") == "string":
            sub["pattern"] = f"^(({one})(,({one}))*)?$"


def fill_vocabulary(document: dict[str, Any], app: FastAPI) -> None:
    """Give parameters and fields the values the running service accepts, in place.

    ``activity``/``activities`` get the rule table's codes, ``tolerance_m`` the settings'
    ``query.max_tolerance_m``, dates their format, ``crs`` the names it is documented
    with; multipart form fields are not nullable (a form has no null: leave a field out).
    The rule table is read once the lifespan has loaded the layers.
    """
    settings = getattr(app.state, "settings", None)
    layers = getattr(app.state, "layers", None)
    codes = sorted(layers.rules.activities) if layers is not None else None
    for name, holder, where in _walk_schemas(document):
        schema = holder["schema"]
        if where == "multipart/form-data":
            schema.pop("nullable", None)
        is_text = schema.get("type") == "string"
        if name in DATE_NAMES and is_text and "format" not in schema:
            # read by geozone.query.parse_as_of: a date, or empty for the default (today)
            date = {"format": "date", "pattern": DATE_PATTERN}
            empty_ok = name == "as_of" or where == "query"
            schema["anyOf"] = [date, {"enum": [""]}] if empty_ok else [date]
            schema.pop("pattern", None)
        elif name in DATE_NAMES and is_text:  # a pydantic date: YYYY-MM-DD, never empty
            schema["pattern"] = DATE_PATTERN
        if name == "datetime" and where == "query" and is_text and "anyOf" not in schema:
            # OGC `datetime` (geozone.ogc_features.parse_datetime): an instant, or an interval
            # start/end with `..` for an open end; empty = absent
            schema["anyOf"] = [
                {"format": "date"},
                {"format": "date-time"},
                {"pattern": OGC_INTERVAL_PATTERN},
                {"enum": [""]},
            ]
        if name == "bbox" and where == "query" and is_text and "anyOf" not in schema:
            schema["anyOf"] = [{"pattern": BBOX_PATTERN}, {"enum": [""]}]
        if name == "since" and is_text:
            schema["anyOf"] = [{"format": "date-time"}, {"enum": [""]}]
            schema.pop("format", None)
        if where == "multipart/form-data" and is_text and schema.get("format") != "binary":
            schema.setdefault("minLength", 1)  # FastAPI reads an empty form field as absent
        if name in ("crs", "source_crs") and is_text and "enum" not in schema:
            schema["enum"] = [*CRS_NAMES, *([None] if schema.get("nullable") else [])]
        if name == "residential_classes":
            _class_list(schema, [c.code for c in classes_of(LayerKind.RESIDENTIAL)])
        if name == "tolerance_m" and settings is not None:
            schema["minimum"] = 0
            schema["maximum"] = settings.query.max_tolerance_m
        if name in ("activity", "activities") and codes:
            # in a query string an empty value (`activity=`) is skipped, as in a comma list
            items = {"type": "string", "enum": [*codes, ""] if where == "query" else codes}
            if schema.get("type") == "array":
                schema["items"] = items
            elif where == "query":  # a repeated or comma-separated parameter
                holder["schema"] = {"type": "array", "items": items}
                holder["style"], holder["explode"] = "form", True
                for example in holder.get("examples", {}).values():
                    example["value"] = str(example["value"]).split(",")
