"""A new password revokes what the old one could have been exchanged for: every API token of the
user (401 afterwards) and their calendar feed link (404), whichever way the password changed —
the password-change page, the reset-by-e-mail link, the admin's password form, ``changepassword``,
``set_password()`` with or without ``update_fields``, ``set_unusable_password()``. Saving the
profile, signing in, or Django re-hashing the same password on login revokes nothing."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.management.commands.changepassword import Command as ChangePasswordCommand
from django.core.management import call_command
from django.test import Client
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from accounts.models import Role
from calendars.models import CalendarFeedToken
from calendars.services import calendar_token_get_or_create
from tests.factories import PASSWORD, make_user

NEW_PASSWORD = "Совсем-новый-пароль-2024"
REVOKED_NOTE = "отозваны ключи доступа к API и ссылка на ваш личный календарь"


@pytest.fixture
def person(responsible):
    """The responsible person with an API token and a calendar feed link, both working."""
    api_key = Token.objects.create(user=responsible).key
    feed = calendar_token_get_or_create(user=responsible)[0].token
    assert _api_status(api_key) == 200 and _feed_status(feed) == 200
    return {"user": responsible, "api_key": api_key, "feed": feed}


def _api_status(key: str) -> int:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client.get("/api/people/me/").status_code


def _feed_status(feed: str) -> int:
    return Client().get(f"/calendar/{feed}.ics").status_code


def _assert_revoked(person) -> None:
    assert _api_status(person["api_key"]) == 401
    assert _feed_status(person["feed"]) == 404
    assert not Token.objects.filter(user=person["user"]).exists()
    assert not CalendarFeedToken.objects.filter(user=person["user"]).active().exists()


def _assert_kept(person) -> None:
    assert _api_status(person["api_key"]) == 200
    assert _feed_status(person["feed"]) == 200


def test_the_password_change_page_revokes(person):
    client = Client()
    client.force_login(person["user"])
    answer = client.post(
        "/accounts/password/change/",
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert answer.status_code == 302 and answer["Location"] == "/accounts/password/change/done/"
    _assert_revoked(person)
    # The page says so, and the session that changed the password stays signed in.
    assert REVOKED_NOTE in client.get(answer["Location"]).content.decode()
    print("proved: the password-change page revokes the API token (401) and the feed link (404)")


def test_the_reset_link_revokes(person, mailoutbox):
    client = Client()
    assert client.post("/accounts/password/reset/", {"email": person["user"].email}).status_code == 302
    link = re.search(r"http://testserver(/accounts/password/reset/\S+/)", mailoutbox[0].body).group(1)
    form_url = client.get(link)["Location"]
    _assert_kept(person)  # asking for a reset changes nothing yet
    answer = client.post(form_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert answer.status_code == 302 and answer["Location"] == "/accounts/password/reset/complete/"
    _assert_revoked(person)
    assert REVOKED_NOTE in client.get(answer["Location"]).content.decode()
    print("proved: setting a password from the reset e-mail revokes the API token and the feed link")


def test_the_admin_password_form_revokes(person):
    admin = make_user("admin", role=Role.SECRETARY, is_staff=True, is_superuser=True)
    admin_key = Token.objects.create(user=admin).key
    client = Client()
    client.force_login(admin)
    answer = client.post(
        f"/admin/accounts/user/{person['user'].pk}/password/",
        {"usable_password": "true", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    assert answer.status_code == 302, answer.content.decode()[-2000:]
    _assert_revoked(person)
    # The admin's own session and token are not touched.
    assert _api_status(admin_key) == 200
    print("proved: a password set by an administrator in the admin revokes the person's token and feed")


def test_changepassword_command_revokes(person, monkeypatch):
    monkeypatch.setattr(ChangePasswordCommand, "_get_pass", lambda self, prompt="Password: ": NEW_PASSWORD)
    call_command("changepassword", person["user"].username, stdout=None)
    _assert_revoked(person)


@pytest.mark.parametrize(
    "change",
    [
        pytest.param(lambda user: (user.set_password(NEW_PASSWORD), user.save()), id="set_password-save"),
        pytest.param(
            lambda user: (user.set_password(NEW_PASSWORD), user.save(update_fields=["password"])),
            id="set_password-update_fields",
        ),
        pytest.param(lambda user: (user.set_unusable_password(), user.save()), id="set_unusable_password"),
    ],
)
def test_set_password_in_code_revokes(person, change):
    change(person["user"])
    _assert_revoked(person)


def test_a_profile_save_and_a_login_keep_both(person, settings):
    user = person["user"]
    user.position = "руководитель портфеля"
    user.save()
    user.save(update_fields=["position"])
    _assert_kept(person)
    # A login stamps last_login; a login after the hasher's settings moved on also re-hashes the
    # same password (Django saves the new hash): neither is a password change.
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
        "django.contrib.auth.hashers.MD5PasswordHasher",
    ]
    answer = APIClient().post("/api/auth/token/", {"username": user.username, "password": PASSWORD}, format="json")
    assert answer.status_code == 200 and answer.json()["token"] == person["api_key"]
    user.refresh_from_db()
    assert user.password.startswith("pbkdf2_sha256$"), "the login did not re-hash the password"
    _assert_kept(person)
    print("proved: a profile save, a login and a re-hash on login keep the token and the feed link")


def test_another_users_password_change_keeps_mine(person, responsible2):
    responsible2.set_password(NEW_PASSWORD)
    responsible2.save()
    _assert_kept(person)
