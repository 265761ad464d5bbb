"""The «Замещения» page: the replaced person arranges, both see it, the acting one may end it;
the acting office head gets the overdue board in the navigation."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.urls import reverse

from accounts.models import Substitution
from tests.factories import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(datetime.datetime(2026, 12, 1, 9, tzinfo=datetime.UTC), tick=False):
        yield


def test_the_office_head_arranges_and_the_deputy_sees_and_ends_it(client, office_head, responsible):
    client.force_login(office_head)
    page = client.get(reverse("web:substitutions"))
    assert page.status_code == 200 and "Оформить замещение" in page.content.decode()
    response = client.post(reverse("web:substitutions"), {
        "replaces": office_head.pk, "person": responsible.pk, "starts_on": "2026-12-01", "ends_on": "2026-12-07",
        "comment": "Отпуск"})
    assert response.status_code == 302
    sub = Substitution.objects.get()
    assert (sub.person, sub.replaces, sub.created_by) == (responsible, office_head, office_head)

    client.force_login(responsible)
    page = client.get(reverse("web:substitutions")).content.decode()
    assert "И.о. руководителя Проектного офиса" in page and "Завершить досрочно" in page
    assert reverse("web:overdue") in page  # the acting head has the board in the navigation
    assert client.get(reverse("web:overdue")).status_code == 200
    client.post(reverse("web:substitution-end", args=[sub.pk]))
    sub.refresh_from_db()
    assert sub.ended_at is not None
    assert client.get(reverse("web:overdue")).status_code == 403


def test_overlap_is_shown_on_the_form_and_strangers_cannot_arrange(client, office_head, responsible, responsible2):
    client.force_login(office_head)
    for person in (responsible, responsible2):
        response = client.post(reverse("web:substitutions"), {
            "replaces": office_head.pk, "person": person.pk, "starts_on": "2026-12-02", "ends_on": "2026-12-03"})
    assert response.status_code == 200 and "уже есть замещение" in response.content.decode()
    assert Substitution.objects.count() == 1
    other = make_user("someone", short_name="Иной И.И.")
    client.force_login(responsible2)
    refused = client.post(reverse("web:substitutions"), {
        "replaces": office_head.pk, "person": other.pk, "starts_on": "2026-12-10", "ends_on": "2026-12-11"})
    assert refused.status_code == 200 and Substitution.objects.count() == 1  # not a choice for them
