"""The token lookup says in the same query whether the user stands in for someone today
(``substitutions.stands_in_sql``), so that ``acting_for`` asks nothing for everyone else: its
answer is ``acting_for``'s, in every case a substitution can be in, and a request by token
sees the roles of the person replaced exactly when ``acting_for`` says so."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework import authentication, exceptions
from rest_framework.authtoken.models import Token

from accounts.authentication import TokenAuthentication
from accounts.models import Role, Substitution, User
from accounts.substitutions import acting_for, roles_now, stands_in_sql
from tests.accounts.conftest import TODAY
from tests.api.conftest import token_client
from tests.factories import make_user

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("on_today")]
D = datetime.timedelta


def _case(name: str, *, starts: int, ends: int, ended: bool = False, replaced_active: bool = True) -> User:
    """A person with one substitution ``starts``..``ends`` days from today (none when ``starts`` is None)."""
    person = make_user(f"{name}_person")
    replaced = make_user(f"{name}_replaced", role=Role.OFFICE_HEAD, is_active=replaced_active)
    Substitution.objects.create(person=person, replaces=replaced, starts_on=TODAY + D(starts), ends_on=TODAY + D(ends),
                                ended_at=datetime.datetime(2026, 12, 1, 8, tzinfo=datetime.UTC) if ended else None)
    return person


def test_the_query_answers_as_acting_for_in_every_case():
    people = {
        "running": _case("running", starts=-3, ends=3),
        "first_day": _case("first", starts=0, ends=5),
        "last_day": _case("last", starts=-5, ends=0),
        "not_yet": _case("not_yet", starts=1, ends=5),
        "over": _case("over", starts=-5, ends=-1),
        "ended_early": _case("ended", starts=-3, ends=3, ended=True),
        "replaced_gone": _case("gone", starts=-3, ends=3, replaced_active=False),
        "no_one": make_user("no_one"),
    }
    column = f'"{User._meta.db_table}"."id"'
    found = dict(User.objects.filter(pk__in=[u.pk for u in people.values()])
                 .annotate(stands_in=stands_in_sql(day=TODAY, person_column=column)).values_list("pk", "stands_in"))

    expected = {name: bool(acting_for(User.objects.get(pk=user.pk), day=TODAY)) for name, user in people.items()}
    assert {name: bool(found[user.pk]) for name, user in people.items()} == expected
    assert {name for name, yes in expected.items() if yes} == {"running", "first_day", "last_day"}


def test_a_token_request_knows_the_stand_in_roles_without_a_query_of_its_own():
    stand_in, plain = _case("tok", starts=-1, ends=1), make_user("tok_plain")
    auth = TokenAuthentication()

    for user, roles in ((stand_in, {Role.RESPONSIBLE, Role.OFFICE_HEAD}), (plain, {Role.RESPONSIBLE})):
        key = Token.objects.create(user=user).key
        found, _token = auth.authenticate_credentials(key)
        with CaptureQueriesContext(connection) as queries:
            assert roles_now(found) == roles
        assert len(queries) == (1 if user is stand_in else 0)  # whom they stand for is read only for them

    # And over HTTP: the stand-in reads every task as the office head does; the other one gets 403
    # from the office head's summary.
    assert token_client(stand_in).get("/api/tasks/overdue-summary/").status_code == 200
    assert token_client(plain).get("/api/tasks/overdue-summary/").status_code == 403


def test_refused_tokens_are_refused_in_drfs_words():
    gone = make_user("gone_user", is_active=False)
    key = Token.objects.create(user=gone).key
    for candidate in (key, "nonexistent0000000000000000000000000000"):
        details = []
        for auth in (TokenAuthentication(), authentication.TokenAuthentication()):
            with pytest.raises(exceptions.AuthenticationFailed) as refused:
                auth.authenticate_credentials(candidate)
            details.append(str(refused.value.detail))
        assert details[0] == details[1]
        client = token_client(None)
        client.credentials(HTTP_AUTHORIZATION=f"Token {candidate}")
        response = client.get("/api/tasks/")
        assert response.status_code == 401 and response.json()["detail"] == details[0]
