"""The daily digest of what still waits for a decision, through the daily chase to a real SMTP
server: the office head, the department head, and the escalation of what waits too long."""

from __future__ import annotations

import datetime

import pytest
import time_machine

from lifecycle.kernel import fire
from outbox.models import MessageKind, OutboxMessage
from tasks.chase import chase_run
from tasks.models import ReminderPolicy
from tasks.uploads import task_result_attach

pytestmark = pytest.mark.django_db

MSK = datetime.timezone(datetime.timedelta(hours=3))
SENT = datetime.datetime(2041, 3, 2, 10, 0, tzinfo=MSK)
DAY = datetime.date(2041, 3, 5)


def _digests(server, email) -> list:
    return [m for m in server.recorder.messages
            if m["To"] == email and str(m["Subject"]).strip().startswith("Ждут вашего решения")]


def _text(message) -> str:
    return message.get_body(("plain",)).get_content()


def test_the_office_head_hears_daily_what_waits_and_the_department_head_what_waits_too_long(
    seed_plan, secretary, office_head, department_head, responsible, make_task, smtp_server
):
    ReminderPolicy.objects.update_or_create(pk=1, defaults={"escalate_after_days": 3})
    with time_machine.travel(SENT, tick=False):
        fire(obj=seed_plan, name="submit", by=secretary)
        task = make_task(responsible, datetime.date(2041, 4, 1))
        fire(obj=task, name="start", by=responsible)
        task_result_attach(task=task, by=responsible, text="Отчёт")
        fire(obj=task, name="submit", by=responsible)

    with time_machine.travel(datetime.datetime(2041, 3, 5, 7, 0, tzinfo=MSK), tick=False):
        chase_run(day=DAY)
        chase_run(day=DAY)  # a re-run the same day writes nothing more

    [digest] = _digests(smtp_server, office_head.email)
    text = _text(digest)
    assert str(digest["Subject"]).strip() == "Ждут вашего решения: 2"
    assert f"{seed_plan} — ждёт с 02.03.2041 (3 дн.)" in text
    assert f"Отчёт: {task.title} (Петров П.П.) — ждёт с 02.03.2041 (3 дн.)" in text
    [escalated] = _digests(smtp_server, department_head.email)
    text = _text(escalated)
    assert "Ждёт решения руководителя Проектного офиса 3 дн. и дольше:" in text and str(seed_plan) in text
    assert not _digests(smtp_server, secretary.email)


def test_nothing_waiting_since_before_today_no_digest(seed_plan, secretary, office_head, smtp_server):
    with time_machine.travel(datetime.datetime(2041, 3, 5, 9, 0, tzinfo=MSK), tick=False):
        fire(obj=seed_plan, name="submit", by=secretary)  # today: its own notice went out already
        chase_run(day=DAY)
    assert not _digests(smtp_server, office_head.email)
    assert not OutboxMessage.objects.filter(kind=MessageKind.DECISION, key__startswith="digest").exists()


def test_an_agreed_plan_waits_for_the_department_head(seed_plan, secretary, office_head, department_head,
                                                      smtp_server):
    ReminderPolicy.objects.update_or_create(pk=1, defaults={"escalate_after_days": 0})
    with time_machine.travel(SENT, tick=False):
        fire(obj=seed_plan, name="submit", by=secretary)
        fire(obj=seed_plan, name="agree", by=office_head)
    with time_machine.travel(datetime.datetime(2041, 3, 5, 7, 0, tzinfo=MSK), tick=False):
        chase_run(day=DAY)
    [digest] = _digests(smtp_server, department_head.email)
    assert f"{seed_plan} — ждёт с 02.03.2041 (3 дн.)" in _text(digest)
    assert not _digests(smtp_server, office_head.email)
