"""Sessions known only by a period longer than a month: no preparation tasks until their date is
set; the office head is reminded to set it as the period comes near (in the daily chase)."""

from __future__ import annotations

import datetime

import pytest

from calendars.ics import session_ics
from lifecycle.kernel import fire
from outbox.models import MessageKind, OutboxMessage
from tasks.assignment import tasks_assign
from tasks.chase import chase_run
from tasks.models import PreparationTask
from tasks.session_dates import session_date_reminders_queue
from tests.calendars.conftest import events
from tests.factories import make_plan, make_user
from tests.tasks.conftest import approve
from workflow.models import Session

D = datetime.date


pytestmark = pytest.mark.usefixtures("rule_settings")


@pytest.fixture
def quarter_plan(secretary, office_head, department_head):
    """An approved 2025 plan: session 1 in February, session 2 «II квартал» (no date yet)."""
    person = make_user(short_name="Петрова А.Б.")
    plan = make_plan(year=2025, sessions=2, responsible=person)
    quarter = plan.sessions.get(number=2)
    quarter.set_period(start=D(2025, 4, 1), end=D(2025, 6, 30), label="II квартал")
    quarter.save()
    return approve(plan, secretary, office_head, department_head)


def test_a_period_session_gets_its_tasks_once_its_date_is_set(quarter_plan, secretary):
    quarter = quarter_plan.sessions.get(number=2)
    tasks_assign(today=D(2025, 4, 2))
    assert not PreparationTask.objects.filter(session=quarter).exists()

    fire(name="schedule", obj=quarter, by=secretary, starts_at=datetime.datetime(2025, 5, 20, 12, tzinfo=datetime.UTC))
    tasks_assign(today=D(2025, 4, 2))

    task = PreparationTask.objects.get(session=quarter)
    # 20 May - 10 days = Saturday 10 May -> Wednesday 7 May (8 and 9 May 2025 are days off).
    assert task.due_date == D(2025, 5, 7)


def test_a_one_month_session_is_counted_back_from_its_default_day(quarter_plan):
    month = quarter_plan.sessions.get(number=1)
    month.planned_month = D(2025, 3, 1)
    month.save()
    tasks_assign(today=D(2025, 2, 1))
    assert PreparationTask.objects.get(session=month).due_date == D(2025, 3, 5)  # 15 March - 10 days, a Wednesday
    assert not PreparationTask.objects.filter(session__number=2).exists()


def test_the_office_head_is_reminded_once_to_set_the_date(quarter_plan, office_head):
    assert session_date_reminders_queue(day=D(2025, 2, 27)) == 0  # more than 30 days before 1 April
    assert session_date_reminders_queue(day=D(2025, 3, 2)) == 1
    assert session_date_reminders_queue(day=D(2025, 3, 3)) == 0  # once per session and person

    message = OutboxMessage.objects.get(kind=MessageKind.REMINDER, key__startswith="session-date:")
    assert message.recipient == office_head
    assert message.subject == "Назначьте дату: Заседание во II квартале 2025 г."
    assert "в срок «II квартал»" in message.body_text and "01.04.2025" in message.body_text


def test_the_daily_chase_reminds_and_a_scheduled_session_is_not_reminded(quarter_plan, office_head, secretary):
    report = chase_run(day=D(2025, 3, 10), send=False)
    assert report.session_dates == 1
    other = Session.objects.get(plan=quarter_plan, number=2)
    fire(name="schedule", obj=other, by=secretary, starts_at=datetime.datetime(2025, 5, 20, 12, tzinfo=datetime.UTC))
    OutboxMessage.objects.all().delete()
    assert chase_run(day=D(2025, 4, 10), send=False).session_dates == 0


def test_a_period_session_is_an_all_day_event_spanning_the_period(quarter_plan):
    quarter = quarter_plan.sessions.get(number=2)
    event = events(session_ics(quarter))[f"session-{quarter.pk}@127.0.0.1"]
    assert event.decoded("DTSTART") == D(2025, 4, 1) and event.decoded("DTEND") == D(2025, 7, 1)
    assert str(event["SUMMARY"]) == "Заседание во II квартале 2025 г. — Проектный офис"
    assert str(event["STATUS"]) == "TENTATIVE"


def test_setting_the_date_of_a_period_session_queues_its_assignment_at_once(
    quarter_plan, secretary, monkeypatch, django_capture_on_commit_callbacks
):
    queued = []
    monkeypatch.setattr("tasks.signals.assignment_enqueue", queued.append)
    quarter = quarter_plan.sessions.get(number=2)
    with django_capture_on_commit_callbacks(execute=True):
        fire(name="schedule", obj=quarter, by=secretary,
             starts_at=datetime.datetime(2025, 5, 20, 12, tzinfo=datetime.UTC))
    assert queued == [list(quarter.items.values_list("pk", flat=True))]

    month = quarter_plan.sessions.get(number=1)  # a one-month session had its tasks already
    with django_capture_on_commit_callbacks(execute=True):
        fire(name="schedule", obj=month, by=secretary, starts_at=datetime.datetime(2025, 1, 20, 12, tzinfo=datetime.UTC))
    assert len(queued) == 1
