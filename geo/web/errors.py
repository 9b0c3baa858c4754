"""Error responses: JSON under /api/, a short HTML page elsewhere; never a stack trace."""

from __future__ import annotations

import logging

from flask import Flask, Response, jsonify, render_template, request
from werkzeug.exceptions import HTTPException, InternalServerError

from geo.i18n import strings
from geo.params import ParameterError
from geo.web.language import current_language

__all__ = ["ApiError", "init_app"]

log = logging.getLogger(__name__)


class ApiError(Exception):
    """A client error with an HTTP status and a message that says what and why."""

    def __init__(self, status: int, message: str, parameter: str | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.parameter = parameter


def _wants_json() -> bool:
    return request.path.startswith("/api/") or request.path.startswith("/ogc/")


# Pages get a short text in the UI language (geo.i18n.site: error_<status>_title/_text);
# API clients get werkzeug's English names and the detail.
PAGE_STATUSES = (400, 404, 405, 500)


def _respond(status: int, title: str, message: str, parameter: str | None = None) -> Response:
    if _wants_json():
        body: dict[str, object] = {"error": title, "status": status, "message": message}
        if parameter:
            body["parameter"] = parameter
        response = jsonify(body)
    else:
        t = strings(current_language())
        key = f"error_{status}" if status in PAGE_STATUSES else "error_other"
        page_title, page_message = t[f"{key}_title"], t[f"{key}_text"]
        response = Response(
            render_template("error.html", status=status, title=page_title, message=page_message)
        )
    response.status_code = status
    return response


def init_app(app: Flask) -> None:
    """Register handlers for `ApiError`, HTTP errors and unexpected exceptions."""

    @app.errorhandler(ApiError)
    def _api_error(err: ApiError) -> Response:
        return _respond(
            err.status, "Bad Request" if err.status == 400 else "Error", err.message, err.parameter
        )

    @app.errorhandler(ParameterError)
    def _parameter_error(err: ParameterError) -> Response:
        return _respond(400, "Bad Request", str(err), err.parameter)

    @app.errorhandler(HTTPException)
    def _http_error(err: HTTPException) -> Response:
        response = _respond(err.code or 500, err.name, err.description or err.name)
        for name, value in err.get_headers():  # e.g. Allow on 405, Retry-After on 503
            if name.lower() != "content-type":
                response.headers[name] = value
        return response

    @app.errorhandler(Exception)
    def _unexpected(err: Exception) -> Response:
        log.exception("unhandled error on %s %s", request.method, request.path)
        generic = InternalServerError()
        return _respond(500, generic.name, "Interner Fehler. Bitte später erneut versuchen.")
