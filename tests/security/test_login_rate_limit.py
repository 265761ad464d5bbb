"""Login rate limiting (django-axes): AXES_FAILURE_LIMIT wrong passwords for one username from
one address lock that pair out — the right password is then refused too, with 429 and a
Russian message — on the API token endpoint, the admin login and the login page. Another
address is not locked (an attacker cannot lock a colleague out from elsewhere), and the
lock ends after the cool-off."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.test import Client
from rest_framework.test import APIClient

from tests.factories import PASSWORD

LIMIT = 3


@pytest.fixture(autouse=True)
def axes_on(settings):
    settings.AXES_ENABLED = True
    settings.AXES_FAILURE_LIMIT = LIMIT
    settings.AXES_COOLOFF_TIME = 0.25  # hours


def _token(username: str, password: str, ip: str = "10.0.0.1"):
    return APIClient(REMOTE_ADDR=ip).post("/api/auth/token/", {"username": username, "password": password},
                                          format="json")


def test_token_endpoint_locks_after_the_limit(people):
    for _attempt in range(LIMIT - 1):
        assert _token("portfolio1", "wrong").status_code == 400
    locked = _token("portfolio1", "wrong")
    assert locked.status_code == 429, locked.content
    answer = _token("portfolio1", PASSWORD)
    assert answer.status_code == 429
    body = answer.json()
    assert body["code"] == "throttled" and "Слишком много неудачных попыток входа" in body["detail"]
    assert "token" not in body
    # The same person from another address, and another person from this one, still get in.
    assert _token("portfolio1", PASSWORD, ip="10.0.0.2").status_code == 200
    assert _token("office_head", PASSWORD).status_code == 200
    # After the cool-off the lock is gone.
    with time_machine.travel(datetime.datetime.now(tz=datetime.UTC) + datetime.timedelta(minutes=16)):
        assert _token("portfolio1", PASSWORD).status_code == 200
    print(f"proved: {LIMIT} failures lock username+address with 429; other addresses and the cool-off unlock")


def test_a_success_before_the_limit_resets_the_count(people):
    for _attempt in range(LIMIT - 1):
        _token("portfolio1", "wrong")
    assert _token("portfolio1", PASSWORD).status_code == 200
    for _attempt in range(LIMIT - 1):
        assert _token("portfolio1", "wrong").status_code == 400
    assert _token("portfolio1", PASSWORD).status_code == 200


@pytest.mark.parametrize("url", ["/admin/login/", "/accounts/login/"])
def test_login_forms_lock_after_the_limit(url, people):
    client = Client(REMOTE_ADDR="10.0.0.3")
    for _attempt in range(LIMIT - 1):
        answer = client.post(url, {"username": "office_head", "password": "wrong"})
        assert answer.status_code == 200  # the form again, with its error
    assert client.post(url, {"username": "office_head", "password": "wrong"}).status_code == 429
    answer = client.post(url, {"username": "office_head", "password": PASSWORD})
    assert answer.status_code == 429
    assert "Слишком много неудачных попыток входа" in answer.content.decode()
    assert "_auth_user_id" not in client.session
