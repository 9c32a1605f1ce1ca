"""The content API fuzzed from its own OpenAPI document with schemathesis, against the WSGI app
(no network): whatever the schema allows, and much that it does not, never gets a 500, and every
answer matches the status codes, content type and body schema the document promises."""

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from hypothesis import HealthCheck, settings
from schemathesis.checks import (
    content_type_conformance,
    negative_data_rejection,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

pytestmark = pytest.mark.django_db

schema = schemathesis.pytest.from_fixture("api_schema")
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
          response_schema_conformance, negative_data_rejection]


@pytest.fixture
def api_schema(newsroom, make_article):
    make_article(title="港口新闻", language="zh", featured_image_url="https://img.example.org/a.jpg",
                 source_name="Wire", source_url="https://wire.example.org/x",
                 translation_of=newsroom["lead"])
    return schemathesis.openapi.from_wsgi("/api/openapi.json", get_wsgi_application())


@schema.parametrize()
@settings(max_examples=10, deadline=None, derandomize=True,
          suppress_health_check=list(HealthCheck))
def test_api_conforms_to_its_description(case):
    case.call_and_validate(checks=CHECKS)
