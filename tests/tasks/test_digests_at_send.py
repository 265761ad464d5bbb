"""The day's digests are planned as rows and rendered when sent, from the tasks as they are then."""

import datetime

from lifecycle.kernel import fire
from outbox.models import MessageKind, OutboxMessage, OutboxStatus
from outbox.sender import outbox_drain
from tasks.handover import task_hand_over
from tasks.reminders import reminders_plan
from tasks.uploads import task_result_attach

D = datetime.date
DUE = D(2031, 3, 10)



def test_a_digest_is_a_row_of_task_ids_until_it_is_sent(policy, make_task, responsible):
    first, second = make_task(responsible, DUE), make_task(responsible, D(2031, 3, 9))

    reminders_plan(day=DUE)

    row = OutboxMessage.objects.get(kind=MessageKind.REMINDER)
    assert (row.subject, row.body_text, row.render_as) == ("", "", "tasks.reminder")
    assert row.related_ids == [second.pk, first.pk]  # by due date
    assert row.to_email == responsible.email and row.status == OutboxStatus.PENDING


def test_a_task_submitted_after_planning_is_not_in_the_mail(policy, make_task, responsible, smtp_server):
    kept, submitted = make_task(responsible, DUE, title="Отчёт остаётся"), make_task(responsible, DUE, title="Сдан")
    reminders_plan(day=DUE)

    fire(obj=submitted, name="start", by=responsible)
    task_result_attach(task=submitted, by=responsible, text="Готово.")
    fire(obj=submitted, name="submit", by=responsible)
    assert outbox_drain().sent == 1

    text = smtp_server.recorder.text(smtp_server.recorder.messages[0])
    assert "Отчёт остаётся" in text and "Сдан" not in text
    row = OutboxMessage.objects.get(kind=MessageKind.REMINDER)
    assert row.status == OutboxStatus.SENT and row.related_ids == [kept.pk]
    assert "Отчёт остаётся" in row.body_text and row.subject  # the row keeps what was sent


def test_a_digest_with_nothing_left_is_not_sent(policy, make_task, responsible, office_head, smtp_server):
    task = make_task(responsible, DUE)
    reminders_plan(day=DUE)

    fire(obj=task, name="cancel", by=office_head, comment="Тема снята с повестки")
    row = OutboxMessage.objects.get(kind=MessageKind.REMINDER)
    result = outbox_drain()

    assert result.skipped == 1
    assert str(row.pk) not in {m["X-Outbox-Id"] for m in smtp_server.recorder.messages}
    row.refresh_from_db()
    assert row.status == OutboxStatus.SKIPPED and row.body_text == ""
    assert reminders_plan(day=DUE).queued == 0  # and a re-run of the day does not plan it again


def test_a_task_handed_over_after_planning_leaves_the_first_persons_digest(
    policy, make_task, responsible, responsible2, office_head, smtp_server
):
    moved, staying = make_task(responsible, DUE, title="Передана"), make_task(responsible, DUE, title="Осталась")
    reminders_plan(day=DUE)

    task_hand_over(task=moved, to=responsible2, by=office_head, reason="Отпуск")
    outbox_drain()

    row = OutboxMessage.objects.get(kind=MessageKind.REMINDER, recipient=responsible)
    digests = [m for m in smtp_server.recorder.messages if m["X-Outbox-Id"] == str(row.pk)]
    assert len(digests) == 1
    text = smtp_server.recorder.text(digests[0])
    assert "Осталась" in text and "Передана" not in text
    row.refresh_from_db()
    assert row.related_ids == [staying.pk]


def test_the_escalation_lists_the_late_tasks_as_they_are_when_sent(
    policy, make_task, responsible, office_head, smtp_server
):
    done_meanwhile = make_task(responsible, D(2031, 3, 1), title="Сдана позже")
    still_late = make_task(responsible, D(2031, 3, 2), title="Всё ещё просрочена")
    reminders_plan(day=DUE)

    fire(obj=done_meanwhile, name="cancel", by=office_head, comment="Не нужна")
    outbox_drain()

    row = OutboxMessage.objects.get(kind=MessageKind.ESCALATION)
    escalation = next(m for m in smtp_server.recorder.messages if m["X-Outbox-Id"] == str(row.pk))
    text = smtp_server.recorder.text(escalation)
    assert "Всё ещё просрочена" in text and "Сдана позже" not in text
    row.refresh_from_db()
    assert row.related_ids == [still_late.pk] and row.status == OutboxStatus.SENT


def test_the_reasons_are_those_of_the_planned_day_when_sent_later(policy, make_task, responsible, smtp_server):
    make_task(responsible, DUE, title="Сегодняшняя")
    reminders_plan(day=DUE)

    # The server was down for two days: the digest goes out late and still says «срок — сегодня».
    OutboxMessage.objects.update(next_attempt_at=datetime.datetime(2031, 3, 12, tzinfo=datetime.UTC))
    outbox_drain(now=datetime.datetime(2031, 3, 12, 9, tzinfo=datetime.UTC))

    text = smtp_server.recorder.text(smtp_server.recorder.messages[0])
    assert "Срок — сегодня" in text and "10.03.2031" in text
