"""Security headers, the per-request CSP nonce, and the CORS policy of the open data API.

Every page script is either served from this app or carries the request's nonce; the policy
forbids scripts from any other host and any inline script without the nonce. Styles allow
inline attributes because Leaflet and folium position elements with them. Images come from the
app, ``data:`` URLs (Leaflet's icons) and the configured tile server only.

CORS: the ``/api/`` data is open, so any site may read it with GET (``Access-Control-Allow-
Origin: *``, no credentials); a preflight may ask for any well-formed request headers and gets
them allowed for GET, HEAD and OPTIONS. Nothing else is allowed across origins.
"""

from __future__ import annotations

import re
import secrets
from urllib.parse import urlsplit

from flask import Flask, Response, g, request

__all__ = ["csp_nonce", "init_app", "tile_origin"]


def csp_nonce() -> str:
    """Return this request's CSP nonce (created on first use)."""
    if "csp_nonce" not in g:
        g.csp_nonce = secrets.token_urlsafe(16)
    return g.csp_nonce


def tile_origin(tile_url: str) -> str | None:
    """The origin (scheme://host[:port]) of an XYZ tile URL template, if it is http(s); a
    placeholder in the host name (``{s}``) allows that label's sibling hosts.

    >>> tile_origin("https://{s}.tile.example.org/{z}/{x}/{y}.png")
    'https://*.tile.example.org'
    """
    parts = urlsplit(re.sub(r"\{[a-z]+\}", "x", tile_url))
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return None
    host = urlsplit(tile_url).netloc.rsplit("@", 1)[-1]
    if "{" in host:
        host = "*." + host.split(".", 1)[1] if "." in host else ""
    if not host or "{" in host or not re.fullmatch(r"[*A-Za-z0-9.:-]+", host):
        return None
    return f"{parts.scheme}://{host}"


def _policy(nonce: str | None, tiles: str | None) -> str:
    script = "'self'" + (f" 'nonce-{nonce}'" if nonce else "")
    images = "'self' data:" + (f" {tiles}" if tiles else "")
    return "; ".join(
        [
            "default-src 'self'",
            f"script-src {script}",
            "style-src 'self' 'unsafe-inline'",
            f"img-src {images}",
            "connect-src 'self'",
            "font-src 'self'",
            "object-src 'none'",
            "base-uri 'none'",
            "frame-ancestors 'none'",
            "form-action 'self'",
        ]
    )


CORS_METHODS = "GET, HEAD, OPTIONS"
CORS_MAX_AGE_S = "86400"
_HEADER_LIST = re.compile(r"[A-Za-z0-9-]{1,64}(?:\s*,\s*[A-Za-z0-9-]{1,64}){0,19}")


def _add_cors(response: Response) -> None:
    response.headers["Access-Control-Allow-Origin"] = "*"
    if request.method == "OPTIONS":
        response.headers["Access-Control-Allow-Methods"] = CORS_METHODS
        response.headers["Access-Control-Max-Age"] = CORS_MAX_AGE_S
        asked = request.headers.get("Access-Control-Request-Headers", "").strip()
        if asked and len(asked) <= 1000 and _HEADER_LIST.fullmatch(asked):
            response.headers["Access-Control-Allow-Headers"] = asked


def init_app(app: Flask) -> None:
    """Attach the headers to every response and expose ``csp_nonce`` to templates."""
    tiles = tile_origin(app.config.get("TILE_URL", "") or "")

    @app.after_request
    def _add_headers(response: Response) -> Response:
        response.headers["Content-Security-Policy"] = _policy(g.get("csp_nonce"), tiles)
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["X-Frame-Options"] = "DENY"
        response.headers["Referrer-Policy"] = "no-referrer"
        response.headers["Permissions-Policy"] = "geolocation=(self), camera=(), microphone=()"
        response.headers["Cross-Origin-Opener-Policy"] = "same-origin"
        if request.path.startswith("/api/"):
            _add_cors(response)
        return response

    app.jinja_env.globals["csp_nonce"] = csp_nonce
