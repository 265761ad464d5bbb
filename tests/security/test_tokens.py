"""Token revocation: POST /api/auth/logout/ and a token deleted by an administrator both stop
the key working at once; a deactivated user's token stops working too."""

from __future__ import annotations

from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from tests.factories import PASSWORD


def _client(key: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def test_logout_revokes_the_token(people):
    answer = APIClient().post("/api/auth/token/", {"username": "portfolio1", "password": PASSWORD}, format="json")
    assert answer.status_code == 200
    key = answer.json()["token"]
    client = _client(key)
    assert client.get("/api/tasks/").status_code == 200
    assert client.post("/api/auth/logout/").status_code == 204
    answer = _client(key).get("/api/tasks/")
    assert answer.status_code == 401 and answer.json()["code"] == "not_authenticated"
    assert not Token.objects.filter(key=key).exists()
    # Signing in again gives a new, different key.
    again = APIClient().post("/api/auth/token/", {"username": "portfolio1", "password": PASSWORD}, format="json")
    assert again.status_code == 200 and again.json()["token"] != key
    print("proved: after logout the old token gets 401, a new login gets a new token")


def test_a_deleted_token_stops_working(people):
    token = Token.objects.create(user=people["office_head"])
    client = _client(token.key)
    assert client.get("/api/plans/").status_code == 200
    token.delete()  # what the admin's «Токены» page does
    assert client.get("/api/plans/").status_code == 401


def test_a_deactivated_users_token_stops_working(people):
    user = people["secretary"]
    token = Token.objects.create(user=user)
    user.is_active = False
    user.save(update_fields=["is_active"])
    assert _client(token.key).get("/api/plans/").status_code == 401


def test_logout_needs_a_login():
    assert APIClient().post("/api/auth/logout/").status_code == 401
