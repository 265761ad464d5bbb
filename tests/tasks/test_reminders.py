"""Planning a day's reminders: before, on, overdue repeat, escalation; one digest per person."""

import datetime

import pytest

from lifecycle.kernel import fire
from outbox.models import MessageKind, OutboxMessage
from outbox.sender import outbox_drain
from tasks.reminders import reminders_plan
from tests.factories import make_user, rendered

D = datetime.date
DUE = D(2031, 3, 10)



def _digest(person, day):
    """The person's digest of ``day`` as the sender renders it (rows are planned as data)."""
    message = OutboxMessage.objects.filter(recipient=person, kind=MessageKind.REMINDER, day=day).first()
    return message and rendered(message)



@pytest.mark.parametrize(
    ("day", "expected", "heading"),
    [
        (D(2031, 3, 6), False, None),
        (D(2031, 3, 7), True, "Скоро срок"),  # 3 days before
        (D(2031, 3, 8), False, None),
        (D(2031, 3, 10), True, "Срок — сегодня"),
        (D(2031, 3, 11), True, "Просрочено"),  # 1 day late
        (D(2031, 3, 12), False, None),  # every 2 days
        (D(2031, 3, 13), True, "Просрочено"),
        (D(2031, 3, 15), True, "Просрочено"),
    ],
)
def test_reminder_days_follow_the_policy(policy, make_task, responsible, day, expected, heading):
    make_task(responsible, DUE)

    reminders_plan(day=day)

    digest = _digest(responsible, day)
    assert (digest is not None) == expected
    if expected:
        assert heading in digest.body_text and heading in digest.body_html
        assert digest.to_email == responsible.email


def test_digests_carry_their_sessions_calendar_and_escalations_do_not(
    policy, make_task, responsible, office_head, smtp_server
):
    from icalendar import Calendar

    task = make_task(responsible, DUE, session_month=D(2031, 4, 1))

    reminders_plan(day=D(2031, 3, 13))  # 3 days late: a digest, and the office head's list

    assert outbox_drain().sent == 2
    by_to = {m["To"]: m for m in smtp_server.recorder.messages}
    calendars = [part for part in by_to[responsible.email].walk() if part.get_content_type() == "text/calendar"]
    assert [part.get_filename() for part in calendars] == [f"session-{task.session_id}.ics"]
    event = Calendar.from_ical(calendars[0].get_payload(decode=True)).walk("VEVENT")[0]
    assert str(event["UID"]).startswith(f"session-{task.session_id}@")
    assert not [p for p in by_to[office_head.email].walk() if p.get_content_type() == "text/calendar"]


def test_a_digest_carries_at_most_five_sessions_each_rendered_once(policy, responsible, responsible2):
    from tasks.models import PreparationTask, TaskKind
    from tests.factories import make_plan

    plan = make_plan(year=2031, sessions=6, items_per_session=1)
    for person in (responsible, responsible2):
        for item in plan.items.order_by("session__number"):
            PreparationTask.objects.create(
                item=item, session=item.session, assignee=person, kind=TaskKind.ITEM_PREPARATION,
                kind_key="item", title=f"Задача {item.session.number}", due_date=DUE,
            )

    reminders_plan(day=DUE)

    first, second = (_digest(person, DUE) for person in (responsible, responsible2))
    sessions = list(plan.sessions.order_by("number").values_list("pk", flat=True))
    assert [a["filename"] for a in first.attachments] == [f"session-{pk}.ics" for pk in sessions[:5]]
    assert first.attachments == second.attachments  # the same session, the same file (rendered once)


def test_policy_changes_apply_without_a_deploy(policy, make_task, responsible):
    make_task(responsible, DUE)
    policy.days_before_due, policy.remind_on_due_date, policy.overdue_every_days = 5, False, 0
    policy.save()

    for day in (D(2031, 3, 5), D(2031, 3, 7), D(2031, 3, 10), D(2031, 3, 11)):
        reminders_plan(day=day)

    assert list(OutboxMessage.objects.values_list("day", flat=True)) == [D(2031, 3, 5)]


def test_one_digest_per_person_with_all_their_tasks(policy, make_task, responsible, responsible2):
    late = make_task(responsible, D(2031, 3, 9))
    today = make_task(responsible, D(2031, 3, 10))
    soon = make_task(responsible, D(2031, 3, 13))
    make_task(responsible, D(2031, 3, 12))  # nothing today for this one
    other = make_task(responsible2, D(2031, 3, 10))

    plan = reminders_plan(day=D(2031, 3, 10))

    assert plan.reminders == plan.queued == 2
    digest = _digest(responsible, D(2031, 3, 10))
    assert sorted(digest.related_ids) == sorted([late.pk, today.pk, soon.pk])
    assert "просрочено на 1 дн." in digest.body_text
    assert "13.03.2031" in digest.body_text and f"/tasks/{soon.pk}/" in digest.body_text
    assert _digest(responsible2, D(2031, 3, 10)).related_ids == [other.pk]


def test_a_second_run_the_same_day_queues_nothing(policy, make_task, responsible):
    make_task(responsible, DUE)
    first = reminders_plan(day=DUE)
    second = reminders_plan(day=DUE)

    assert first.queued == 1 and second.queued == 0
    assert OutboxMessage.objects.count() == 1


def test_submitted_done_and_cancelled_tasks_are_not_chased(policy, make_task, responsible):
    for state in ("submitted", "done", "cancelled"):
        make_task(responsible, DUE, state=state)

    assert reminders_plan(day=D(2031, 3, 11)).reminders == 0


def test_escalation_to_office_heads_after_the_delay(policy, make_task, responsible, office_head):
    second_head = make_user("head2", role="office_head")
    make_user("head_no_mail", role="office_head", email="")
    task = make_task(responsible, DUE)

    reminders_plan(day=D(2031, 3, 12))  # 2 days late: not yet
    assert not OutboxMessage.objects.filter(kind=MessageKind.ESCALATION).exists()

    plan = reminders_plan(day=D(2031, 3, 13))  # 3 days late
    plan_next = reminders_plan(day=D(2031, 3, 14))  # and daily afterwards

    escalations = OutboxMessage.objects.filter(kind=MessageKind.ESCALATION)
    assert plan.escalations == plan_next.escalations == 2
    assert {m.recipient for m in escalations.filter(day=D(2031, 3, 13))} == {office_head, second_head}
    message = rendered(escalations.get(recipient=office_head, day=D(2031, 3, 13)))
    assert message.related_ids == [task.pk]
    assert str(responsible) in message.body_text and "просрочено на 3 дн." in message.body_text


def test_escalation_can_be_turned_off(policy, make_task, responsible, office_head):
    policy.escalate_after_days = 0
    policy.save()
    make_task(responsible, DUE)

    reminders_plan(day=D(2031, 3, 20))

    assert not OutboxMessage.objects.filter(kind=MessageKind.ESCALATION).exists()


def test_tasks_of_held_sessions_are_not_chased(policy, make_task, responsible, office_head):
    task = make_task(responsible, DUE)

    fire(name="hold", obj=task.session, by=office_head)

    assert reminders_plan(day=D(2031, 3, 11)).reminders == 0


def _digests(day) -> dict:
    return {
        m.recipient_id: sorted(m.related_ids) for m in OutboxMessage.objects.filter(kind=MessageKind.REMINDER, day=day)
    }


def test_each_person_gets_one_whole_digest(policy, make_task, responsible, responsible2):
    people = [responsible, responsible2, *(make_user(f"many{n}") for n in range(3))]
    expected = {}
    for index, person in enumerate(people):
        count = 7 if index == 0 else 2
        tasks = [make_task(person, D(2031, 3, 9) - datetime.timedelta(days=2 * n)) for n in range(count)]
        expected[person.pk] = sorted(t.pk for t in tasks)
    make_task(people[1], D(2031, 3, 8))  # late by 2 days: not a reminder day for it

    plan = reminders_plan(day=D(2031, 3, 10))

    assert _digests(D(2031, 3, 10)) == expected
    assert plan.reminders == plan.queued == len(people)
    assert plan.tasks_in_digests == 7 + 2 * 4
    again = reminders_plan(day=D(2031, 3, 10))
    assert again.queued == 0 and again.reminders == len(people)


def test_queries_do_not_grow_with_tasks(policy, make_task, responsible, responsible2):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    policy.escalate_after_days = 0  # the escalation's queries are a fixed few, counted elsewhere
    policy.save()

    def queries_for(day, tasks_each: int) -> int:
        for person in (responsible, responsible2):
            for _n in range(tasks_each):
                make_task(person, day)
        with CaptureQueriesContext(connection) as captured:
            plan = reminders_plan(day=day)
        assert plan.queued == 2
        return len(captured)

    assert queries_for(D(2031, 3, 10), 1) == queries_for(D(2031, 4, 10), 30)


def test_escalation_list_is_built_from_counts_and_the_oldest_tasks(
    policy, make_task, responsible, responsible2, office_head, monkeypatch
):
    monkeypatch.setattr("tasks.digests.ESCALATION_LIST_LIMIT", 2)
    oldest = make_task(responsible2, D(2031, 3, 1))
    second = make_task(responsible, D(2031, 3, 2))
    make_task(responsible, D(2031, 3, 3))
    make_task(responsible, D(2031, 3, 5))
    make_task(responsible, D(2031, 3, 9))  # 1 day late: not escalated
    make_task(responsible, D(2031, 3, 2), state="submitted")  # waits for the office, not late

    reminders_plan(day=D(2031, 3, 10))

    message = rendered(OutboxMessage.objects.get(kind=MessageKind.ESCALATION, recipient=office_head))
    assert message.related_ids == [oldest.pk, second.pk]  # the longest-late first, at most the limit
    text = message.body_text
    assert "(на 10.03.2031): 4." in text
    assert f"- {responsible}: 3\n- {responsible2}: 1" in text  # by person, most first
    assert f"- {oldest.session}: 4" in text  # by session
    assert "…и ещё 2" in text
    assert text.index(oldest.title) < text.index(f"/tasks/{second.pk}/")
    assert "просрочено на 9 дн." in text and "просрочено на 5 дн." not in text
    assert f"{oldest.session}: 4" in message.body_html
