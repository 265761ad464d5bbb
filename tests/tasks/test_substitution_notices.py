"""Notices during a substitution: digests and escalations meant for the replaced person reach the
acting one through the real SMTP server, and the replaced person only if they asked for copies."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import Role
from accounts.substitutions import substitution_create
from outbox.models import OutboxMessage
from outbox.rendering import messages_render
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


@pytest.mark.django_db
def test_the_stand_ins_notes_of_a_batch_cost_the_same_queries_for_one_or_many(policy, make_task):
    """Each stand-in's copy is rendered for the person replaced and gets the note on top; the
    substitutions are read once for the whole batch, not once per copy."""
    def render_copies(count: int) -> tuple[int, list[OutboxMessage]]:
        for n in range(count):
            person = make_user(f"absent{count}_{n}", role=Role.RESPONSIBLE, short_name=f"Отсутствующий {n}")
            stand_in = make_user(f"stand{count}_{n}", role=Role.RESPONSIBLE)
            make_task(person, DUE)
            _arrange(by=person, person=stand_in, replaces=person)
        reminders_plan(day=LATE_DAY)
        copies = list(OutboxMessage.objects.filter(key__contains="@", recipient__username__startswith=f"stand{count}_"))
        with CaptureQueriesContext(connection) as queries:
            messages_render(copies)
        return len(queries), copies

    one, [copy] = render_copies(1)
    many, copies = render_copies(4)

    assert one == many
    assert len(copies) == 4 and copy.subject.startswith("[И.о.]")
    assert all("Письмо адресовано: Отсутствующий" in message.body_text for message in [copy, *copies])
