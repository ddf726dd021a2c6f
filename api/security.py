"""Security headers on every response, and a Content-Security-Policy on HTML pages.

A pure ASGI middleware (like :mod:`api.limits`): every response gets
``X-Content-Type-Options: nosniff``, ``Referrer-Policy: no-referrer`` and
``X-Frame-Options: DENY``; a response whose content type is ``text/html`` (the web map
``/``, ``/static/report.html``, the report pages, ``/docs``) also gets :func:`policy`.

The policy allows scripts, styles, connections and fonts from the service itself only,
images from it, ``data:`` URLs and the hosts of the basemaps offered (``geozone.basemaps``), and
no framing. The few inline ``<script>``/``<style>`` blocks the pages need (the web map's
import map, the report page's bootstrap module, Swagger UI's init script, the report
template's print styles) are allowed by their SHA-256 hashes, computed at start-up from
the pages themselves (:func:`inline_hashes`), so editing a page cannot silently break it
and no other inline script can run.

With ``public_url`` set (``GEOZONE_PUBLIC_URL``), a redirect the framework builds from
the request's Host header (Starlette's trailing-slash redirects, ``/ogc/`` -> ``/ogc``)
is rewritten to start with the public URL, like every link the service writes.

The hot path (``GET /api/v1/lookup``) pays a copy of its two headers, one extend with
three prebuilt header tuples and a scan for the content type (about 1.5 µs).
"""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Iterable
from urllib.parse import urlsplit, urlunsplit

from starlette.types import ASGIApp, Message, Receive, Scope, Send

COMMON_HEADERS: tuple[tuple[bytes, bytes], ...] = (
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
)

_INLINE = re.compile(r"<(script|style)\b([^>]*)>(.*?)</\1\s*>", re.DOTALL | re.IGNORECASE)
_PLACEHOLDER = re.compile(r"\{[^}]*\}")


def _sha256(text: str) -> str:
    digest = hashlib.sha256(text.encode("utf-8")).digest()
    return f"'sha256-{base64.b64encode(digest).decode()}'"


def inline_hashes(pages: Iterable[str]) -> tuple[list[str], list[str]]:
    """CSP hash sources of the inline ``<script>`` and ``<style>`` blocks of HTML pages.

    Returns ``(script_hashes, style_hashes)``, each sorted and without duplicates;
    scripts with a ``src`` attribute are not inline and are left out.
    """
    scripts: set[str] = set()
    styles: set[str] = set()
    for page in pages:
        for tag, attrs, body in _INLINE.findall(page):
            if tag.lower() == "script":
                if "src=" not in attrs.lower() and body.strip():
                    scripts.add(_sha256(body))
            elif body.strip():
                styles.add(_sha256(body))
    return sorted(scripts), sorted(styles)


def basemap_source(url: str | None) -> str | None:
    """The CSP source of a basemap tile URL template, e.g. ``https://*.tile.example.org``.

    A leftmost label holding a placeholder (``{s}``, ``t{s}``, ``webrd0{s}``) becomes ``*``
    (CSP allows a wildcard as the leftmost label only); a placeholder elsewhere in the host
    falls back to the scheme (``https:``).
    """
    if not url:
        return None
    parts = urlsplit(_PLACEHOLDER.sub("PLACEHOLDER", url))
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return None
    host = parts.netloc.split("@")[-1]
    labels = host.split(".")
    if "PLACEHOLDER" in labels[0] and len(labels) > 2:
        labels[0] = "*"
    if any("PLACEHOLDER" in label for label in labels):
        return f"{parts.scheme}:"
    return f"{parts.scheme}://{'.'.join(labels)}"


def policy(pages: Iterable[str] = (), basemap_urls: Iterable[str] = ()) -> str:
    """The Content-Security-Policy of the service's HTML pages.

    ``basemap_urls`` are the tile URL templates of the basemaps the map offers
    (:func:`geozone.basemaps.tile_urls`); images may come from their hosts only.
    """
    scripts, styles = inline_hashes(pages)
    images = ["'self'", "data:"]
    for url in basemap_urls:
        source = basemap_source(url)
        if source and source not in images:
            images.append(source)
    directives = [
        "default-src 'self'",
        "script-src " + " ".join(["'self'", *scripts]),
        "style-src " + " ".join(["'self'", *styles]),
        "img-src " + " ".join(images),
        "font-src 'self' data:",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
    return "; ".join(directives)


class SecurityHeaders:
    """ASGI middleware adding :data:`COMMON_HEADERS`, and ``csp`` on HTML responses."""

    def __init__(self, app: ASGIApp, csp: str, public_url: str | None = None) -> None:
        self.app = app
        self.csp = (b"content-security-policy", csp.encode("ascii"))
        self.public_url = public_url.rstrip("/") if public_url else None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Pass the request on; add the headers to the response's start message."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = message.get("headers")
                headers = list(headers) if headers is not None else []
                headers.extend(COMMON_HEADERS)
                for name, value in headers:
                    if name.lower() == b"content-type":
                        if value.startswith(b"text/html"):
                            headers.append(self.csp)
                        break
                if self.public_url and 300 <= message["status"] < 400:
                    headers = [self._public_location(scope, h) for h in headers]
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)

    def _public_location(self, scope: Scope, header: tuple[bytes, bytes]) -> tuple[bytes, bytes]:
        """A ``Location`` on the request's own host, moved onto the public URL."""
        name, value = header
        if name.lower() != b"location" or self.public_url is None:
            return header
        parts = urlsplit(value.decode("latin-1"))
        host = dict(scope.get("headers", [])).get(b"host", b"").decode("latin-1")
        if not parts.netloc or parts.netloc != host:
            return header
        path = parts.path
        root = scope.get("root_path", "")
        if root and path.startswith(root):
            path = path[len(root) :]
        public = urlsplit(self.public_url)
        moved = urlunsplit(
            (public.scheme, public.netloc, public.path + path, parts.query, parts.fragment)
        )
        return name, moved.encode("latin-1")
