"""Assignment rules on the seed plan and on small hand-made plans; idempotency."""

import datetime

import pytest

from lifecycle.kernel import fire
from outbox.models import MessageKind, OutboxMessage
from tasks.assignment import tasks_assign
from tasks.models import PreparationTask, TaskEvent, TaskKind, TaskState
from tests.factories import make_plan, make_user, rendered
from tests.tasks.conftest import approve
from workflow.models import Project, Responsibility

D = datetime.date
JAN_16 = D(2023, 1, 16)


pytestmark = pytest.mark.usefixtures("rule_settings")


def test_february_session_gets_the_three_network_project_reports(approved_plan, office_head):
    result = tasks_assign(today=JAN_16)

    tasks = list(PreparationTask.objects.order_by("id"))
    assert result.created == 3 == len(tasks)
    assert {t.kind for t in tasks} == {TaskKind.PROJECT_REPORT}
    assert {t.assignee for t in tasks} == {office_head}  # projects without leads: the item's responsible
    assert {t.session.number for t in tasks} == {1}
    assert {t.due_date for t in tasks} == {D(2023, 2, 3)}  # 15 Feb - 10 = Sunday 5 Feb -> Friday 3 Feb
    titles = " ".join(t.title for t in tasks)
    assert "помогающих зон" in titles and "Центр управления полетами" in titles and "Театр ПЛЮС" in titles
    # The heading «Промежуточные итоги …» creates nothing itself; its sub-items do.
    assert all(t.item.parent_id is not None for t in tasks)
    assert all(t.events.get().transition == "assign" for t in tasks)


def test_one_assignment_notice_per_person_listing_their_tasks(approved_plan, office_head):
    tasks_assign(today=JAN_16)

    notice = rendered(OutboxMessage.objects.exclude(kind=MessageKind.DECISION).get())  # decisions: tests/notices
    assert notice.kind == MessageKind.ASSIGNED and notice.recipient == office_head
    assert notice.to_email == office_head.email
    assert sorted(notice.related_ids) == sorted(PreparationTask.objects.values_list("id", flat=True))
    assert "03.02.2023" in notice.body_text and "Заседание в феврале 2023 г." in notice.body_text
    task = PreparationTask.objects.first()
    assert f"http://127.0.0.1:8000/tasks/{task.pk}/" in notice.body_text
    assert f"/tasks/{task.pk}/" in notice.body_html


def test_the_assignment_notice_carries_the_sessions_calendar(approved_plan, office_head):
    from icalendar import Calendar

    tasks_assign(today=JAN_16)

    notice = rendered(OutboxMessage.objects.get(kind=MessageKind.ASSIGNED))
    session_id = PreparationTask.objects.values_list("session_id", flat=True).distinct().get()
    [attachment] = notice.attachments
    assert attachment["filename"] == f"session-{session_id}.ics"
    assert attachment["mimetype"].startswith("text/calendar")
    event = Calendar.from_ical(attachment["content"]).walk("VEVENT")[0]
    assert str(event["UID"]).startswith(f"session-{session_id}@")


def test_running_twice_creates_nothing_more(approved_plan):
    first = tasks_assign(today=JAN_16)
    second = tasks_assign(today=JAN_16)
    third = tasks_assign(today=D(2023, 1, 20))

    assert first.created == 3
    assert second.created == third.created == 0
    assert PreparationTask.objects.count() == 3
    assert OutboxMessage.objects.exclude(kind=MessageKind.DECISION).count() == 1
    assert TaskEvent.objects.count() == 3


def test_sessions_outside_the_window_wait_for_the_sweep(approved_plan, office_head):
    tasks_assign(today=JAN_16)
    assert not PreparationTask.objects.filter(session__number=2).exists()  # April: 89 days ahead

    result = tasks_assign(today=D(2023, 3, 1))  # the daily sweep, once April is in the window

    april = PreparationTask.objects.filter(session__number=2, session__planned_month__month=4)
    assert result.created == april.count() == 1
    task = april.get()
    assert task.kind == TaskKind.ITEM_PREPARATION and task.assignee == office_head
    assert "Августовской конференции" in task.title  # «Разное» needs no preparation
    assert task.due_date == D(2023, 4, 5)


def test_a_group_expands_to_its_members_and_a_person_gets_one_task_per_item(
    approved_plan, office_head, responsible, responsible2
):
    tasks_assign(today=D(2023, 11, 20))

    december = PreparationTask.objects.filter(session__planned_month=D(2023, 12, 1))
    items = {t.item_id for t in december}
    assert len(items) == 2
    for item_id in items:
        assert {t.assignee for t in december.filter(item_id=item_id)} == {office_head, responsible, responsible2}
    assert december.count() == 6
    # One notice per person, however many tasks they got.
    assert OutboxMessage.objects.filter(kind=MessageKind.ASSIGNED).count() == 3


def test_project_leads_take_the_report_when_the_project_has_any(approved_plan, office_head):
    lead = make_user("lead1", short_name="Орлова Н.Н.")
    project = Project.objects.filter(items__session__number=1).first()
    project.leads.add(lead)

    tasks_assign(today=JAN_16)

    assert PreparationTask.objects.get(project=project).assignee == lead
    assert PreparationTask.objects.filter(assignee=office_head).count() == 2


def test_items_of_a_plan_not_yet_approved_get_nothing(seed_plan):
    assert tasks_assign(today=JAN_16).created == 0


def test_no_tasks_for_past_held_or_cancelled_sessions(approved_plan, office_head):
    tasks_assign(today=D(2023, 2, 16))  # the February session is past
    assert not PreparationTask.objects.filter(session__number=1).exists()

    february = approved_plan.sessions.get(number=1)

    fire(name="cancel", obj=february, by=office_head)
    assert tasks_assign(today=JAN_16).created == 0
    assert not PreparationTask.objects.filter(session=february).exists()


def test_item_without_preparation_and_inactive_people_get_nothing(secretary, office_head, department_head):
    active = make_user("active1")
    gone = make_user("gone1", is_active=False)
    plan = make_plan(year=2031, sessions=1, items_per_session=2, responsible=active)
    first, second = plan.items.order_by("order")
    Responsibility.objects.create(item=first, person=gone, order=5)
    second.needs_preparation = False
    second.save()
    approve(plan, secretary, office_head, department_head)

    tasks_assign(today=D(2030, 12, 20))  # the January 2031 session

    assert [(t.item_id, t.assignee) for t in PreparationTask.objects.all()] == [(first.pk, active)]
    assert PreparationTask.objects.get().state == TaskState.ASSIGNED


def test_sub_item_without_responsibles_inherits_the_parents(secretary, office_head, department_head):
    person = make_user("parent_resp")
    plan = make_plan(year=2031, sessions=1, items_per_session=1, responsible=person)
    heading = plan.items.get()
    from workflow.models import AgendaItem

    child = AgendaItem.objects.create(plan=plan, session=heading.session, parent=heading, order=0, text="Подтема")
    approve(plan, secretary, office_head, department_head)

    tasks_assign(today=D(2030, 12, 20))

    task = PreparationTask.objects.get()
    assert task.item == child and task.assignee == person
