"""Serialising API payloads: UTF-8 JSON/GeoJSON, optionally as a download; cached bodies with
an ETag, a Cache-Control lifetime and a gzip copy, so a warm request only sends bytes."""

from __future__ import annotations

import gzip
import hashlib
import json
from collections.abc import Callable, Hashable
from dataclasses import dataclass

from flask import Response, request

from geo.geojson import GEOJSON_MIME
from geo.web.context import lru_cached

__all__ = [
    "CACHE_CONTROL",
    "Body",
    "cached_body",
    "geojson_response",
    "json_response",
    "send_body",
    "serialised_response",
    "to_json",
]

# The data change only with a new dataset (and a restart): clients may reuse an answer for
# ten minutes and revalidate it by its ETag after that.
CACHE_CONTROL = "public, max-age=600"
GZIP_MIN_BYTES = 1024  # smaller bodies are not worth compressing
GZIP_LEVEL = 6


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
    """Already serialised JSON text as a response."""
    response = Response(text, mimetype=mimetype)
    if filename:
        response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def geojson_response(payload: dict, filename: str | None = None) -> Response:
    """A GeoJSON object with its media type (RFC 7946)."""
    return json_response(payload, GEOJSON_MIME, filename)


@dataclass(frozen=True)
class Body:
    """A serialised response body, its gzip copy and its entity tag (hash of the bytes)."""

    raw: bytes
    gzipped: bytes | None
    etag: str

    @classmethod
    def of(cls, text: str) -> Body:
        raw = text.encode("utf-8")
        gzipped = gzip.compress(raw, GZIP_LEVEL, mtime=0) if len(raw) >= GZIP_MIN_BYTES else None
        return cls(raw=raw, gzipped=gzipped, etag=hashlib.sha256(raw).hexdigest()[:32])


def cached_body(key: Hashable, build: Callable[[], object]) -> Body:
    """The body of ``build()`` serialised once per ``key`` (kept with the newest analyses)."""
    return lru_cached(key, lambda: Body.of(to_json(build())), maxsize=256, name="bodies")


def send_body(body: Body, mimetype: str = "application/json") -> Response:
    """``body`` with ETag, Cache-Control and, when the client accepts it, gzip; 304 when the
    client's copy is current."""
    zipped = body.gzipped is not None and "gzip" in request.headers.get("Accept-Encoding", "")
    response = Response(body.gzipped if zipped else body.raw, mimetype=mimetype)
    if zipped:
        response.headers["Content-Encoding"] = "gzip"
    response.headers["Vary"] = "Accept-Encoding"
    response.headers["Cache-Control"] = CACHE_CONTROL
    response.set_etag(body.etag + ("-gz" if zipped else ""))
    return response.make_conditional(request)
