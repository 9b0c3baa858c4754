"""The API's OpenAPI description: valid, complete, and the app keeps to it under a bounded
property-based run (schemathesis): no 5xx, no answer outside the schema."""

from __future__ import annotations

import os
import re

import schemathesis
from hypothesis import HealthCheck, settings
from openapi_spec_validator import validate
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from app import create_app

APP = create_app({"TESTING": True, "TILE_URL": "", "LOG_LEVEL": "WARNING"})
SCHEMA = schemathesis.openapi.from_wsgi("/api/openapi.json", APP)
EXAMPLES = int(os.environ.get("NK_SCHEMATHESIS_EXAMPLES", "25"))  # bench/ runs more


def test_the_description_is_valid_and_covers_every_api_route(client):
    spec = client.get("/api/openapi.json").json
    validate(spec)
    routes = {re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule) for rule in APP.url_map.iter_rules()
              if rule.rule.startswith("/api/")}  # fmt: skip
    assert routes == set(spec["paths"])


def test_the_api_page_is_readable_and_self_hosted(client):
    page = client.get("/api")
    assert page.status_code == 200 and b"/api/coverage" in page.data
    assert b"http://" not in page.data.replace(b"http://localhost", b"")
    assert b"https://" not in page.data


@SCHEMA.parametrize()
@settings(max_examples=EXAMPLES, deadline=None, derandomize=True,
          suppress_health_check=list(HealthCheck))  # fmt: skip
def test_the_api_keeps_to_its_description(case):
    """No 5xx, only documented status codes and media types, bodies that match the schema.
    (A schema-valid request may still get a 400 when values contradict each other, e.g. a
    bbox with west > east, so acceptance of every generated request is not checked.)"""
    # identity: the WSGI transport does not decompress (gzip is tested in test_api_hardening)
    case.call_and_validate(headers={"Accept-Encoding": "identity"},
                           checks=[not_a_server_error, status_code_conformance,
                                   content_type_conformance, response_schema_conformance])  # fmt: skip
