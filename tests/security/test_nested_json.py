"""A JSON body nested 50,000 levels deep (``[[[[…`` or ``{"a": {"a": …``) answers 400 in the API's
error shape, never a 500 (Python's json raised RecursionError): on the token endpoint, signed
out, and on a plan transition, signed in, where nothing is decided. A body that parses but nests
deeper than ``API_JSON_MAX_DEPTH`` is refused the same way; an ordinary body still works."""

from __future__ import annotations

import pytest
from django.urls import URLResolver, get_resolver
from rest_framework.parsers import JSONParser
from rest_framework.test import APIClient

from approvals.models import ApprovalState, Decision

from .conftest import token_client

DEPTH = 50_000
BODIES = {
    "array": "[" * DEPTH + "]" * DEPTH,
    "object": '{"a": ' * DEPTH + "null" + "}" * DEPTH,
    # Parses (about a hundred levels), but deeper than any client of this API needs.
    "comment of 100 levels": '{"comment": ' + "[" * 100 + "]" * 100 + "}",
}


def _assert_too_deep(answer) -> None:
    assert answer.status_code == 400, answer.content[:300]
    body = answer.json()
    assert set(body) == {"code", "detail"}
    assert body["code"] == "parse_error"
    assert "вложено слишком глубоко" in body["detail"]


@pytest.mark.parametrize("shape", BODIES)
def test_token_endpoint_refuses_a_deep_body(shape, db):
    answer = APIClient().post("/api/auth/token/", BODIES[shape], content_type="application/json")
    _assert_too_deep(answer)


@pytest.mark.parametrize("shape", BODIES)
def test_a_transition_refuses_a_deep_body_and_decides_nothing(shape, people, world):
    plan = world["submitted"]
    decisions = Decision.objects.count()
    client = token_client(people["office_head"])

    _assert_too_deep(client.post(f"/api/plans/{plan.pk}/agree/", BODIES[shape], content_type="application/json"))

    plan.refresh_from_db()
    assert plan.state == ApprovalState.SUBMITTED
    assert Decision.objects.count() == decisions
    # The same client, an ordinary body: the transition goes through.
    answer = client.post(f"/api/plans/{plan.pk}/agree/", '{"comment": "ок"}', content_type="application/json")
    assert answer.status_code == 200, answer.content
    plan.refresh_from_db()
    assert plan.state == ApprovalState.AGREED
    print(f"proved: a {shape} body gives 400 parse_error; an ordinary one still agrees the plan")


@pytest.mark.parametrize(
    ("content_type", "code"),
    [
        ("application/x-www-form-urlencoded", "invalid"),  # a long key, not the fields asked for
        ("multipart/form-data; boundary=B", "parse_error"),  # Django refuses the over-long part header
    ],
)
def test_form_bodies_cannot_nest(content_type, code, db):
    """Form and multipart bodies are flat key/value lists: a key of 50,000 brackets is just a long key."""
    key = "username" + "[0]" * DEPTH
    if content_type.startswith("multipart"):
        body = f'--B\r\nContent-Disposition: form-data; name="{key}"\r\n\r\nx\r\n--B--\r\n'
    else:
        body = f"{key}=x"
    answer = APIClient().post("/api/auth/token/", body, content_type=content_type)
    assert answer.status_code == 400
    assert answer.json()["code"] == code


def _api_views(patterns, prefix=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _api_views(pattern.url_patterns, prefix + str(pattern.pattern))
        elif getattr(pattern.callback, "cls", None) is not None:
            yield prefix + str(pattern.pattern), pattern.callback


def test_every_api_view_parses_json_with_the_depth_limit():
    """A view naming its own parsers (as DRF's token view does) must not bring the plain JSON parser back."""
    from config.api_parsers import DepthLimitedJSONParser

    checked = 0
    for route, view in _api_views(get_resolver().url_patterns):
        parsers = (getattr(view, "initkwargs", None) or {}).get("parser_classes") or view.cls.parser_classes
        for parser in parsers:
            if issubclass(parser, JSONParser):
                assert issubclass(parser, DepthLimitedJSONParser), f"{route}: {parser.__name__}"
                checked += 1
    assert checked > 20
