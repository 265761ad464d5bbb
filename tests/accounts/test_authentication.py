"""The API's token authentication (accounts.authentication): the same user and token DRF's
would give, from one statement; every refusal DRF's own."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from accounts.authentication import TokenAuthentication, token_lookup
from accounts.models import User
from revisions.counters import current

pytestmark = pytest.mark.django_db


def _fields(obj) -> dict:
    return {field.attname: getattr(obj, field.attname) for field in type(obj)._meta.concrete_fields}


def test_the_token_and_its_user_are_what_the_orm_reads(office_head):
    office_head.last_login = timezone.now() - datetime.timedelta(days=3)  # a datetime: converted on SQLite
    office_head.save()
    key = Token.objects.create(user=office_head).key
    token, user, _stands_in, revisions = token_lookup(key)
    orm = Token.objects.select_related("user").get(key=key)
    assert _fields(user) == _fields(orm.user) and _fields(token) == _fields(orm)
    assert token.user is user and revisions is None
    assert isinstance(user, User) and user._state.adding is False and user._state.db == "default"
    _token, _user, _stands_in, revisions = token_lookup(key, with_revisions=True)
    assert revisions == current()
    assert token_lookup("0" * 40) is None
    # the short read of a cached answer: the active user's id and the counters, no objects
    assert TokenAuthentication().lookup_with_revisions(key) == (office_head.pk, current())
    office_head.is_active = False
    office_head.save()
    assert TokenAuthentication().lookup_with_revisions(key) is None
    assert token_lookup(key)[1].is_active is False  # the full lookup finds them; DRF's code refuses


def test_one_statement_authenticates(office_head):
    key = Token.objects.create(user=office_head).key
    client = APIClient(HTTP_AUTHORIZATION=f"Token {key}")
    with CaptureQueriesContext(connection) as queries:
        me = client.get("/api/people/me/")
    assert me.status_code == 200 and me.json()["id"] == office_head.pk
    assert queries[0]["sql"].startswith("SELECT t.") and "authtoken_token" in queries[0]["sql"]
    assert sum("authtoken_token" in query["sql"] for query in queries) == 1


def test_every_refusal_is_drfs(office_head, monkeypatch):
    from rest_framework import authentication

    key = Token.objects.create(user=office_head).key
    office_head.is_active = False
    office_head.save()
    headers = [f"Token {key}", "Token 0123456789abcdef0123456789abcdef01234567", "Token", "Token a b", "token " + key]

    def answers():
        return [(response.status_code, response.json(), response.get("WWW-Authenticate"))
                for response in (APIClient(HTTP_AUTHORIZATION=header).get("/api/people/me/") for header in headers)]

    ours = answers()
    monkeypatch.setattr(TokenAuthentication, "authenticate_credentials",
                        authentication.TokenAuthentication.authenticate_credentials)
    assert ours == answers()  # the same as DRF's own class
    assert {status for status, _body, _header in ours} == {401}
    assert {header for _status, _body, header in ours} == {"Token"}
