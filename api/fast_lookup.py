"""The app class, with the fast path of ``GET /api/v1/lookup`` in front of the middleware.

Every request to a FastAPI app passes some ten layers of middleware before its route:
FastAPI's (telemetry, body limit, exception handling, the dependency exit stack) and
geozone's (:class:`~api.security.SecurityHeaders`, :class:`~api.limits.BodySizeLimit`,
CORS when configured). Measured in process, that stack costs ~50 us per request, as much
as a point lookup's own work besides parsing and storing (``benchmarks/bench_api.py``).

:class:`GeozoneAPI` answers a successful point lookup without it: when a request is a
plain ``GET /api/v1/lookup`` (no body, no OpenTelemetry configured, and only the
middleware listed in :data:`FAST_PATH_MIDDLEWARE` installed: with CORS configured, every
response carries the stack's ``Vary: Origin``, so lookups take the stack),
it asks the route's own endpoint for the answer and sends it with the headers the stack
would add (:data:`~api.security.COMMON_HEADERS`).

Anything else goes through the full stack, so every error is rendered by the one set of
exception handlers: when the fast path's answer fails (bad parameters, a report store
that cannot commit, a bug), the request is passed on to the stack, which runs the same
endpoint again and answers the same error as for any other route. Before a failure
nothing is sent and nothing is stored (a report is acknowledged only once committed), so
running it again is safe; a failed commit is tried once more. ``tests/test_fast_lookup.py``
compares status, headers and bytes of both paths over valid and invalid requests.
"""

from __future__ import annotations

from fastapi import FastAPI
from starlette.types import Receive, Scope, Send

from api.limits import BodySizeLimit
from api.routes.lookup import POINT_LOOKUP, point_route, send_answer
from api.security import COMMON_HEADERS, SecurityHeaders

FAST_PATH_MIDDLEWARE = (SecurityHeaders, BodySizeLimit)
"""Middleware whose effect on a plain GET's answer the fast path reproduces: the common
security headers (JSON gets no CSP), and no body to limit. Any other turns it off."""

_BODY_HEADERS = (b"content-length", b"transfer-encoding")


class GeozoneAPI(FastAPI):
    """FastAPI, with successful point lookups answered ahead of the middleware stack.

    Set ``fast_lookup = False`` on an instance to send every request through the stack.
    """

    fast_lookup = True

    def _takes_fast_path(self, scope: Scope) -> bool:
        if not (
            self.fast_lookup
            and scope["type"] == "http"
            and scope["path"] == point_route.path
            and scope["method"] == "GET"
            and not scope.get("root_path")
            and not self.root_path
            # read per request: middleware may be added until the stack is first built
            and all(m.cls in FAST_PATH_MIDDLEWARE for m in self.user_middleware)
        ):
            return False
        for name, value in scope["headers"]:
            if name in _BODY_HEADERS and not (name == b"content-length" and value == b"0"):
                return False
        telemetry = getattr(self, "_native_telemetry", None)
        # FastAPI reports requests to OpenTelemetry when a provider is configured: leave
        # them to it (and to the stack when this FastAPI has no such check to ask)
        return telemetry is not None and not telemetry.enabled()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Answer a plain point lookup here; everything else through the full stack."""
        if self._takes_fast_path(scope):
            scope["app"] = self
            try:
                body = await POINT_LOOKUP.body(scope)
            except Exception:  # the stack runs it again and renders the error
                pass
            else:
                await send_answer(send, body, COMMON_HEADERS)
                return
        await super().__call__(scope, receive, send)
