"""Serialising API payloads: UTF-8 JSON/GeoJSON, optionally as a download."""

from __future__ import annotations

import json

from flask import Response

from geo.geojson import GEOJSON_MIME

__all__ = ["geojson_response", "json_response", "serialised_response", "to_json"]


def json_response(
    payload: object, mimetype: str = "application/json", filename: str | None = None
) -> Response:
    """``payload`` as UTF-8 JSON (umlauts unescaped); ``filename`` makes it a download."""
    return serialised_response(to_json(payload), mimetype, filename)


def to_json(payload: object) -> str:
    """The JSON text of ``payload`` (UTF-8, umlauts unescaped): what responses send."""
    return json.dumps(payload, ensure_ascii=False)


def serialised_response(
    text: str, mimetype: str = "application/json", filename: str | None = None
) -> Response:
    """Already serialised JSON text (a cached body) as a response."""
    response = Response(text, mimetype=mimetype)
    if filename:
        response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def geojson_response(payload: dict, filename: str | None = None) -> Response:
    """A GeoJSON object with its media type (RFC 7946)."""
    return json_response(payload, GEOJSON_MIME, filename)
