"""Substitutions: who may arrange them, overlaps refused, changes only before they start,
ending early; the API and the admin go through the same rules."""

from __future__ import annotations

import datetime

import pytest
import time_machine

from accounts.exceptions import SubstitutionError
from accounts.models import Substitution
from accounts.substitutions import (
    acting_for,
    notice_recipients,
    position_genitive,
    substitution_create,
    substitution_end,
    substitution_update,
)
from tests.accounts.conftest import TODAY
from tests.api.conftest import token_client
from tests.factories import make_user

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("on_today")]
D = datetime.timedelta


@pytest.fixture
def deputy(db):
    return make_user("deputy", short_name="Кравцова И.В.", full_name="Кравцова Ирина Владимировна",
                     position="заместитель руководителя Проектного офиса")


def test_the_replaced_person_arranges_and_the_period_is_inclusive(office_head, deputy):
    sub = substitution_create(by=office_head, person=deputy, replaces=office_head, starts_on=TODAY,
                              ends_on=TODAY + D(days=6), comment="Отпуск")
    assert acting_for(deputy, day=TODAY) == [office_head]
    assert acting_for(deputy, day=TODAY + D(days=6)) == [office_head]
    assert acting_for(deputy, day=TODAY + D(days=7)) == []
    assert sub.created_by == office_head


def test_who_may_arrange(office_head, department_head, responsible, deputy):
    with pytest.raises(SubstitutionError) as info:
        substitution_create(by=responsible, person=deputy, replaces=office_head, starts_on=TODAY, ends_on=TODAY)
    assert info.value.status == 403
    substitution_create(by=department_head, person=deputy, replaces=office_head, starts_on=TODAY, ends_on=TODAY)


def test_overlapping_periods_for_one_person_are_refused_with_a_clear_message(office_head, deputy, secretary):
    substitution_create(by=office_head, person=deputy, replaces=office_head, starts_on=TODAY + D(days=2),
                        ends_on=TODAY + D(days=9))
    with pytest.raises(SubstitutionError) as info:
        substitution_create(by=office_head, person=secretary, replaces=office_head, starts_on=TODAY + D(days=9),
                            ends_on=TODAY + D(days=12))
    assert (info.value.status, info.value.code) == (409, "overlap")
    assert "Кравцова И.В." in info.value.message and "03.12.2026" in info.value.message
    # Back to back is fine.
    substitution_create(by=office_head, person=secretary, replaces=office_head, starts_on=TODAY + D(days=10),
                        ends_on=TODAY + D(days=12))


@pytest.mark.parametrize("starts, ends, message", [
    (-1, 0, "в прошлом"), (3, 2, "раньше первого"),
])
def test_bad_periods_are_refused(office_head, deputy, starts, ends, message):
    with pytest.raises(SubstitutionError) as info:
        substitution_create(by=office_head, person=deputy, replaces=office_head, starts_on=TODAY + D(days=starts),
                            ends_on=TODAY + D(days=ends))
    assert info.value.status == 400 and message in info.value.message
    with pytest.raises(SubstitutionError):
        substitution_create(by=office_head, person=office_head, replaces=office_head, starts_on=TODAY, ends_on=TODAY)
    assert not Substitution.objects.exists()


def test_editable_before_it_starts_then_only_ended_early(office_head, deputy, secretary):
    sub = substitution_create(by=office_head, person=deputy, replaces=office_head, starts_on=TODAY + D(days=1),
                              ends_on=TODAY + D(days=5))
    substitution_update(sub=sub, by=office_head, person=secretary, ends_on=TODAY + D(days=3))
    assert (sub.person, sub.ends_on) == (secretary, TODAY + D(days=3))
    with time_machine.travel(datetime.datetime(2026, 12, 2, 9, 0, tzinfo=datetime.UTC), tick=False):
        with pytest.raises(SubstitutionError) as info:
            substitution_update(sub=sub, by=office_head, ends_on=TODAY + D(days=4))
        assert info.value.status == 409
        substitution_end(sub=sub, by=secretary)  # the acting person may end it too
        assert sub.ends_on == TODAY + D(days=1) and sub.ended_at is not None
        assert acting_for(make_fresh(secretary), day=TODAY + D(days=1)) == []


def make_fresh(user):
    return type(user).objects.get(pk=user.pk)


def test_notices_go_to_the_acting_person_and_a_copy_only_on_request(office_head, deputy):
    assert notice_recipients(office_head, day=TODAY) == [office_head]
    sub = substitution_create(by=office_head, person=deputy, replaces=office_head, starts_on=TODAY, ends_on=TODAY)
    assert notice_recipients(office_head, day=TODAY) == [deputy]
    substitution_end(sub=sub, by=office_head)
    substitution_create(by=office_head, person=deputy, replaces=office_head, starts_on=TODAY + D(days=1),
                        ends_on=TODAY + D(days=1), copy_to_replaced=True)
    assert notice_recipients(office_head, day=TODAY + D(days=1)) == [office_head, deputy]


def test_position_in_the_genitive_for_acting():
    assert position_genitive("руководитель департамента образования") == "руководителя департамента образования"
    assert position_genitive("Руководитель Проектного офиса") == "руководителя Проектного офиса"
    assert position_genitive("первый заместитель руководителя") == "первого заместителя руководителя"
    assert position_genitive("аналитик отдела") == "аналитик отдела"


def test_the_api_lists_creates_refuses_and_ends(office_head, deputy, responsible, department_head):
    client = token_client(office_head)
    created = client.post("/api/substitutions/", {"person": deputy.pk, "replaces": office_head.pk,
                                                  "starts_on": "2026-12-01", "ends_on": "2026-12-07",
                                                  "comment": "Отпуск"}, format="json")
    assert created.status_code == 201, created.json()
    body = created.json()
    assert (body["state"], body["person_name"], body["replaces_name"]) == ("running", "Кравцова И.В.", "Сергеева О.А.")
    overlap = client.post("/api/substitutions/", {"person": responsible.pk, "replaces": office_head.pk,
                                                  "starts_on": "2026-12-05", "ends_on": "2026-12-06"}, format="json")
    assert overlap.status_code == 409 and overlap.json()["code"] == "overlap"
    stranger = token_client(responsible).post(
        "/api/substitutions/", {"person": responsible.pk, "replaces": department_head.pk,
                                "starts_on": "2026-12-05", "ends_on": "2026-12-06"}, format="json")
    assert stranger.status_code == 403
    assert token_client(responsible).get(f"/api/substitutions/{body['id']}/").status_code == 404
    assert token_client(deputy).get(f"/api/substitutions/{body['id']}/").status_code == 200
    changed = client.patch(f"/api/substitutions/{body['id']}/", {"ends_on": "2026-12-09"}, format="json")
    assert changed.status_code == 409  # already running
    ended = client.post(f"/api/substitutions/{body['id']}/end/")
    assert ended.status_code == 200 and ended.json()["state"] == "ended"
    assert token_client(None).get("/api/substitutions/").status_code == 401
