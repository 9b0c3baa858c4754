"""Serialising API payloads: UTF-8 JSON/GeoJSON, optionally as a download."""

from __future__ import annotations

import json

from flask import Response

from geo.geojson import GEOJSON_MIME

__all__ = ["geojson_response", "json_response"]


def json_response(
    payload: object, mimetype: str = "application/json", filename: str | None = None
) -> Response:
    """``payload`` as UTF-8 JSON (umlauts unescaped); ``filename`` makes it a download."""
    response = Response(json.dumps(payload, ensure_ascii=False), mimetype=mimetype)
    if filename:
        response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def geojson_response(payload: dict, filename: str | None = None) -> Response:
    """A GeoJSON object with its media type (RFC 7946)."""
    return json_response(payload, GEOJSON_MIME, filename)
