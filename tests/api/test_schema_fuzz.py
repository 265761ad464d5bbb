"""The OpenAPI schema is valid, and a schema-driven fuzzer finds no 5xx and no response the
schema does not describe (schemathesis, in-process against the WSGI app, bounded examples).

Checks used: not_a_server_error, status_code_conformance, content_type_conformance,
response_headers_conformance, response_schema_conformance. Requests carry the secretary's
token (who sees and may write everything) over a database holding a draft and an approved
plan, so small ids hit real objects as well as missing ones.
"""

from __future__ import annotations

import pytest
import schemathesis
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, settings
from rest_framework.authtoken.models import Token
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from config.wsgi import application
from tests.factories import make_plan

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]

# The served schema needs a login, and no user exists at collection time: load the same
# document from the generator, and let the calls go to the WSGI app.
schema = schemathesis.openapi.from_dict(SchemaGenerator().get_schema(request=None, public=True))
schema.app = application


def test_schema_is_served_and_valid(client, django_user_model):
    from drf_spectacular.validation import validate_schema

    validate_schema(SchemaGenerator().get_schema(request=None, public=True))
    client.force_login(django_user_model.objects.create(username="reader"))
    response = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    body = response.json()
    paths = body["paths"]
    for name in ("submit", "agree", "approve", "return", "archive"):
        assert f"/api/plans/{{id}}/{name}/" in paths
        assert f"/api/agenda-items/{{id}}/{name}/" in paths
    assert {
        "/api/auth/token/",
        "/api/plans/import/",
        "/api/plans/{id}/decisions/",
        "/api/people/",
        "/api/groups/",
        "/api/projects/",
        "/api/sessions/",
    } <= set(paths)
    agree = paths["/api/plans/{id}/agree/"]["post"]
    assert {"200", "400", "401", "403", "404", "409"} <= set(agree["responses"])
    assert agree["responses"]["409"]["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/Error"}
    assert {"tokenAuth", "cookieAuth"} <= set(body["components"]["securitySchemes"])
    assert "Возврат на доработку" in str(agree["requestBody"])  # Russian examples
    docs = client.get("/api/docs/")
    assert docs.status_code == 200
    # Swagger UI's files are ours (drf-spectacular-sidecar): no CDN needed.
    assert "drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in docs.content.decode()
    assert "cdn.jsdelivr" not in docs.content.decode()


@pytest.fixture
def wsgi_keeps_test_connection():
    """The real WSGI handler closes the connection after each request (as in production);
    Django's own test client switches that off, and so must a WSGI client inside a test."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def fuzz_world(personas, portfolio_group, wsgi_keeps_test_connection):
    """A draft and an approved plan (ids 1 and 2 exist), with nested items, people and a project."""
    from lifecycle.kernel import fire
    from workflow.models import AgendaItem, Project

    make_plan(year=2030, sessions=2, items_per_session=2, responsible=personas["responsible"], group=portfolio_group)
    approved = make_plan(year=2023, sessions=3, items_per_session=3, responsible=personas["responsible"])
    first, *rest = approved.items.order_by("id")
    project = Project.objects.create(name="Школа — территория здоровья", kind="network")
    AgendaItem.objects.filter(pk__in=[i.pk for i in rest[:2]]).update(parent=first, project=project)
    for name, by in (("submit", "secretary"), ("agree", "office_head"), ("approve", "department_head")):
        fire(obj=approved, name=name, by=personas[by])
    token, _ = Token.objects.get_or_create(user=personas["secretary"])
    return {"Authorization": f"Token {token.key}"}


@pytest.mark.django_db
@schema.parametrize()
@settings(max_examples=5, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
def test_api_conforms_to_its_schema(case, fuzz_world):
    case.call_and_validate(headers=fuzz_world, checks=CHECKS)
