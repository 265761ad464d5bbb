"""Notices during a substitution: digests and escalations meant for the replaced person reach the
acting one through the real SMTP server, and the replaced person only if they asked for copies."""

from __future__ import annotations

import datetime

import pytest
import time_machine

from accounts.substitutions import substitution_create
from outbox.sender import outbox_drain
from tasks.reminders import reminders_plan
from tests.factories import make_user

D = datetime.date
DUE = D(2031, 3, 10)
LATE_DAY = D(2031, 3, 13)  # 3 days late: the assignee's digest and the office head's escalation



@pytest.fixture
def deputy(db):
    return make_user("deputy", short_name="Кравцова И.В.", full_name="Кравцова Ирина Владимировна",
                     position="заместитель руководителя Проектного офиса")


def _arrange(*, by, person, replaces, copy=False):
    with time_machine.travel(datetime.datetime(2031, 3, 12, 9, tzinfo=datetime.UTC), tick=False):
        return substitution_create(by=by, person=person, replaces=replaces, starts_on=D(2031, 3, 12),
                                   ends_on=D(2031, 3, 18), copy_to_replaced=copy)


def _received(smtp_server) -> dict[str, list[str]]:
    by_to: dict[str, list[str]] = {}
    for message in smtp_server.recorder.messages:
        by_to.setdefault(message["To"], []).append(str(message["Subject"]).strip())
    return by_to


@pytest.mark.django_db
def test_the_escalation_reaches_the_acting_head_not_the_absent_one(
    policy, make_task, responsible, office_head, deputy, smtp_server
):
    make_task(responsible, DUE)
    _arrange(by=office_head, person=deputy, replaces=office_head)

    reminders_plan(day=LATE_DAY)
    outbox_drain()

    got = _received(smtp_server)
    assert office_head.email not in got
    assert len(got[deputy.email]) == 1 and got[deputy.email][0].startswith("[И.о.]")
    assert responsible.email in got  # the assignee's own digest is not affected
    body = next(m for m in smtp_server.recorder.messages if m["To"] == deputy.email)
    text = body.get_body(preferencelist=("plain",)).get_content()
    assert "Письмо адресовано: Сергеева О.А." in text


@pytest.mark.django_db
def test_the_replaced_head_keeps_a_copy_when_she_asked(
    policy, make_task, responsible, office_head, deputy, smtp_server
):
    make_task(responsible, DUE)
    _arrange(by=office_head, person=deputy, replaces=office_head, copy=True)

    reminders_plan(day=LATE_DAY)
    outbox_drain()

    got = _received(smtp_server)
    assert len(got[office_head.email]) == 1 and len(got[deputy.email]) == 1


@pytest.mark.django_db
def test_a_responsible_persons_reminders_go_to_their_stand_in_not_the_task(
    policy, make_task, responsible, responsible2, smtp_server
):
    task = make_task(responsible, DUE)
    _arrange(by=responsible, person=responsible2, replaces=responsible)

    reminders_plan(day=LATE_DAY)
    outbox_drain()

    got = _received(smtp_server)
    assert responsible.email not in got and len(got[responsible2.email]) == 1
    task.refresh_from_db()
    assert task.assignee == responsible  # the task itself stays with its assignee
    # Outside the period the reminders go to the assignee again.
    reminders_plan(day=D(2031, 3, 19))
    outbox_drain()
    assert responsible.email in _received(smtp_server)
