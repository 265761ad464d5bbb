"""The overdue board's filters and «Напомнить»: one reminder now, through the outbox to a real
SMTP server, counted against the day's digest, never twice in a minute."""

import datetime

import time_machine

from outbox.models import MessageKind, OutboxMessage
from outbox.sender import outbox_drain
from tasks.reminders import reminders_plan
from tests.tasks.conftest import smtp_server  # noqa: F401 - the real SMTP server fixture

from .conftest import NOW

DEC_8 = datetime.datetime(2023, 12, 8, 10, 0, tzinfo=NOW.tzinfo)


def _html(response) -> str:
    return response.content.decode()


def test_filters_by_person_and_days_late(login, office_head, responsible, responsible2, december_tasks):
    with time_machine.travel(DEC_8, tick=False):
        head = login(office_head)  # a session of that day
        everyone = _html(head.get("/overdue/"))
        mine = _html(head.get(f"/overdue/?person={responsible.pk}"))
        none = _html(head.get("/overdue/?days=30"))
        junk = head.get("/overdue/?person=abc&days=-1&session=")
    for task in december_tasks:
        assert f'href="/tasks/{task.pk}/"' in everyone
        assert (f'href="/tasks/{task.pk}/"' in mine) == (task.assignee_id == responsible.pk)
        assert f'href="/tasks/{task.pk}/"' not in none
    assert f"Показано {december_tasks.filter(assignee=responsible).count()} из {december_tasks.count()}" in mine
    assert junk.status_code == 200


def test_remind_sends_one_now_counted_as_the_days_digest(login, office_head, responsible, december_tasks,
                                                        smtp_server):  # noqa: F811
    with time_machine.travel(DEC_8, tick=False):
        head = login(office_head)
        answer = head.post("/overdue/remind/", {"person": responsible.pk}, follow=True)
        assert "Напоминание отправлено: Петров П.П." in _html(answer)
        assert "в очереди на отправку с 08.12.2023 10:00" in _html(answer)  # until the sender takes it
        again = head.post("/overdue/remind/", {"person": responsible.pk}, follow=True)
        assert "меньше минуты назад" in _html(again)
        reminders_plan(day=DEC_8.date())  # the daily run: the person has today's digest already
        outbox_drain()

    def reminders_to_him():
        return [m for m in smtp_server.recorder.messages
                if m["To"] == responsible.email and str(m["Subject"]).strip().startswith("Просрочены")]

    to_him = reminders_to_him()
    assert len(to_him) == 1
    assert OutboxMessage.objects.filter(recipient=responsible, kind=MessageKind.REMINDER).count() == 1

    with time_machine.travel(DEC_8 + datetime.timedelta(minutes=2), tick=False):
        later = head.post("/overdue/remind/", {"person": responsible.pk}, follow=True)
        assert "Напоминание отправлено" in _html(later)
        outbox_drain()
    assert len(reminders_to_him()) == 2


def test_only_the_office_head_reminds(login, secretary, responsible, december_tasks):
    assert login(secretary).post("/overdue/remind/", {"person": responsible.pk}).status_code == 403
    assert not OutboxMessage.objects.filter(kind=MessageKind.REMINDER).exists()
