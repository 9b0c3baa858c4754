"""Security headers and the per-request CSP nonce.

Every page script is either served from this app or carries the request's nonce; the policy
forbids scripts from any other host and any inline script without the nonce. Styles allow
inline attributes because Leaflet and folium position elements with them.
"""

from __future__ import annotations

import secrets

from flask import Flask, Response, g, request

__all__ = ["csp_nonce", "init_app"]


def csp_nonce() -> str:
    """Return this request's CSP nonce (created on first use)."""
    if "csp_nonce" not in g:
        g.csp_nonce = secrets.token_urlsafe(16)
    return g.csp_nonce


def _policy(nonce: str | None) -> str:
    script = "'self'" + (f" 'nonce-{nonce}'" if nonce else "")
    return "; ".join(
        [
            "default-src 'self'",
            f"script-src {script}",
            "style-src 'self' 'unsafe-inline'",
            # Tiles may come from a configured server; images are inert, scripts are not.
            "img-src 'self' data: https: http:",
            "connect-src 'self'",
            "font-src 'self'",
            "object-src 'none'",
            "base-uri 'none'",
            "frame-ancestors 'none'",
            "form-action 'self'",
        ]
    )


def _add_headers(response: Response) -> Response:
    response.headers["Content-Security-Policy"] = _policy(g.get("csp_nonce"))
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["X-Frame-Options"] = "DENY"
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["Permissions-Policy"] = "geolocation=(self), camera=(), microphone=()"
    response.headers["Cross-Origin-Opener-Policy"] = "same-origin"
    if request.path.startswith("/api/"):
        response.headers.setdefault("Access-Control-Allow-Origin", "*")
    return response


def init_app(app: Flask) -> None:
    """Attach the headers to every response and expose ``csp_nonce`` to templates."""
    app.after_request(_add_headers)
    app.jinja_env.globals["csp_nonce"] = csp_nonce
