"""The OpenAPI paths of the municipalities' machine interface (``/api/verwaltung``), merged into
the API's description by `geo.api_openapi`: a municipality can script its nightly sync from it."""

from __future__ import annotations

from geo.facilities import FIELDS

__all__ = ["ADMIN_PATHS", "BEARER"]

BEARER = {
    "type": "http",
    "scheme": "bearer",
    "description": "the token from `flask accounts create` (account id, dot, secret)",
}
_SECURED = [{"token": []}]
_ERROR = {"$ref": "#/components/responses/error"}
_JSON = "application/json"
_FACILITY = {
    "type": "object",
    "description": "the fields of a facility as text (the importer's validation applies)",
    "properties": {
        f: {"type": "string", "maxLength": 500}
        for f in FIELDS
        if f not in ("id", "category", "ags")
    },
    "additionalProperties": False,
}
_REASON = {"type": "string", "minLength": 1, "maxLength": 500}
_VERSION = {"type": "integer", "minimum": 0, "maximum": 1_000_000}
_CHANGED = {
    "type": "object",
    "required": ["change_set", "id"],
    "properties": {
        "change_set": {"type": "integer"},
        "id": {"type": "string"},
        "version": {"type": "integer", "nullable": True},
    },
}


def _body(properties: dict, required: list[str]) -> dict:
    return {
        "required": True,
        "content": {
            _JSON: {
                "schema": {
                    "type": "object",
                    "properties": properties,
                    "required": required,
                    "additionalProperties": False,
                }
            }
        },
    }


def _op(
    summary: str, ok_code: str, ok_schema: dict, refusals: tuple[str, ...], **extra: object
) -> dict:
    responses = {ok_code: {"description": "done", "content": {_JSON: {"schema": ok_schema}}}}
    for code in ("400", "401", "429", *refusals):
        responses[code] = _ERROR
    return {"summary": summary, "security": _SECURED, "responses": responses, **extra}


_ID = {
    "name": "facility_id",
    "in": "path",
    "required": True,
    "description": "facility id",
    "schema": {"type": "string", "maxLength": 40},
}
_SET = {
    "name": "set_id",
    "in": "path",
    "required": True,
    "description": "change set id",
    "schema": {"type": "integer", "minimum": 1, "maximum": 2_000_000_000},
}
_OBJECT = {"type": "object"}

ADMIN_PATHS: dict[str, dict] = {
    "/api/verwaltung/facilities": {
        "get": _op("the account's own entries, each with its version", "200", _OBJECT, ()),
        "post": _op(
            "add an entry",
            "201",
            _CHANGED,
            ("403", "409", "413", "415"),
            requestBody=_body({"facility": _FACILITY, "reason": _REASON}, ["facility", "reason"]),
        ),
    },
    "/api/verwaltung/facilities/{facility_id}": {
        "put": _op(
            "replace an entry, made on its version (409 if it changed meanwhile)",
            "200",
            _CHANGED,
            ("403", "404", "409", "413", "415"),
            parameters=[_ID],
            requestBody=_body(
                {"facility": _FACILITY, "version": _VERSION, "reason": _REASON},
                ["facility", "version", "reason"],
            ),
        ),
        "delete": _op(
            "retire an entry",
            "200",
            _CHANGED,
            ("403", "404", "409"),
            parameters=[
                _ID,
                {
                    "name": "version",
                    "in": "query",
                    "required": True,
                    "description": "its version",
                    "schema": _VERSION,
                },
                {
                    "name": "reason",
                    "in": "query",
                    "required": True,
                    "description": "why",
                    "schema": _REASON,
                },
            ],
        ),
    },
    "/api/verwaltung/lists/{category}/checked": {
        "post": _op(
            "declare the list of a category complete (Liste geprüft): the Gemeinde moves to the "
            "geprueft tier and its rows get last_verified",
            "201",
            _OBJECT,
            ("403", "404", "413", "415"),
            parameters=[
                {
                    "name": "category",
                    "in": "path",
                    "required": True,
                    "description": "category",
                    "schema": {"type": "string", "enum": ["treffpunkt", "beratung"]},
                },
            ],
            requestBody=_body(
                {"ags": {"type": "string", "pattern": "^[0-9]{8}$"}, "reason": _REASON}, ["reason"]
            ),
        ),
    },
    "/api/verwaltung/changes": {
        "get": _op("the account's change sets, newest first", "200", _OBJECT, ()),
    },
    "/api/verwaltung/changes/{set_id}": {
        "get": _op(
            "one change set with the before and after of each row",
            "200",
            _OBJECT,
            ("403", "404"),
            parameters=[_SET],
        ),
    },
    "/api/verwaltung/changes/{set_id}/undo": {
        "post": _op(
            "undo a change set (409 if a row changed again since)",
            "201",
            _OBJECT,
            ("403", "404", "409", "413", "415"),
            parameters=[_SET],
            requestBody=_body({"reason": _REASON}, ["reason"]),
        ),
    },
}
