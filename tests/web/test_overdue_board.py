"""The office head's board of overdue tasks: by session, by person, with the last reminder."""

import datetime

import time_machine

from lifecycle.kernel import fire
from outbox.sender import outbox_drain
from tasks.reminders import reminders_plan
from tasks.uploads import task_result_attach

from .conftest import NOW

DEC_6 = datetime.datetime(2023, 12, 6, 9, 30, tzinfo=NOW.tzinfo)
DEC_8 = datetime.datetime(2023, 12, 8, 10, 0, tzinfo=NOW.tzinfo)


def test_only_the_office_head_sees_the_board(login, secretary, department_head, responsible, db):
    for user in (secretary, department_head, responsible):
        response = login(user).get("/overdue/")
        assert response.status_code == 403
        assert "доступна руководителю Проектного офиса" in response.content.decode()


def test_nav_link_only_for_the_office_head(login, office_head, responsible, db):
    assert 'href="/overdue/"' in login(office_head).get("/plans/").content.decode()
    assert 'href="/overdue/"' not in login(responsible).get("/plans/").content.decode()


def test_board_by_session_and_person_with_the_last_reminder_sent(
    login, office_head, responsible, responsible2, december_tasks
):
    done = december_tasks.filter(assignee=responsible2).first()
    fire(obj=done, name="start", by=responsible2)
    task_result_attach(task=done, by=responsible2, text="Готово")
    fire(obj=done, name="submit", by=responsible2)  # submitted: not late any more
    with time_machine.travel(DEC_6, tick=False):  # due 5 December: a day late, reminders go out
        reminders_plan(day=DEC_6.date())
        outbox_drain()
    with time_machine.travel(DEC_8, tick=False):
        response = login(office_head).get("/overdue/")
    html = response.content.decode()
    assert response.status_code == 200
    late = december_tasks.exclude(pk=done.pk)
    assert f"просрочено задач: <strong>{late.count()}</strong>" in html
    assert "По заседаниям" in html and "По исполнителям" in html
    assert "Заседание в декабре 2023 г." in html  # named by its period, as in e-mails and calendars
    for task in late:
        assert f'href="/tasks/{task.pk}/"' in html
    assert f'href="/tasks/{done.pk}/"' not in html
    assert "3 дн." in html  # 8 December vs due 5 December
    assert "06.12.2023 09:30" in html  # the digest the assignees got on 6 December
    assert "Петров Пётр Петрович" in html and "Смирнова Анна Викторовна" in html
