"""Assignment is set-based: its SQL queries do not grow with the number of items or tasks, and
what it writes for many items is what it writes for each (one task per person and item, one
history row per task, one notice per person listing all their new tasks)."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from outbox.models import MessageKind, OutboxMessage
from tasks.assignment import tasks_assign
from tasks.models import PreparationTask, TaskEvent
from tests.factories import make_group, make_plan, make_user, rendered
from tests.tasks.conftest import approve

D = datetime.date


pytestmark = pytest.mark.usefixtures("rule_settings")


def _assign(year: int, *, items: int, person, group, personas) -> tuple[list[int], list[int], list[int]]:
    """An approved plan of ``items`` items in one January session, each with ``person`` and
    ``group``; assigned twice on 20 December before. Returns the queries of each run and the
    plan's item ids."""
    plan = make_plan(year=year, sessions=1, items_per_session=items, responsible=person, group=group)
    approve(plan, personas["secretary"], personas["office_head"], personas["department_head"])
    item_ids = list(plan.items.values_list("pk", flat=True))
    counts = []
    for _run in range(2):
        with CaptureQueriesContext(connection) as queries:
            tasks_assign(today=D(year - 1, 12, 20), item_ids=item_ids)
        # SQLite takes a bulk insert in batches of its largest statement: count those once.
        inserts_batched = connection.vendor == "sqlite"
        counts.append(len({q["sql"].split("(")[0] if inserts_batched and q["sql"].startswith("INSERT") else n
                           for n, q in enumerate(queries.captured_queries)}))
    return counts[0], counts[1], item_ids


def test_queries_do_not_grow_with_the_items(personas):
    person = make_user("scale_person")
    group = make_group("Группа масштаба", [make_user(f"scale_member{n}") for n in range(5)])

    small_first, small_again, small_items = _assign(2031, items=10, person=person, group=group, personas=personas)
    big_first, big_again, big_items = _assign(2032, items=100, person=person, group=group, personas=personas)

    assert (big_first, big_again) == (small_first, small_again)
    # Reads of the items and their people, the tasks there, the inserts, the new tasks and their
    # people, the history rows, the stand-ins, the notices (planned rows), the flag (and
    # the test transaction's savepoints); a run that finds everything done stops after the reads.
    assert big_first <= 20 and big_again <= 9, (big_first, big_again)
    # What was written: six people (the person and the group's five), a task each per item.
    for item_ids in (small_items, big_items):
        tasks = PreparationTask.objects.filter(item_id__in=item_ids)
        assert tasks.count() == 6 * len(item_ids)
        assert TaskEvent.objects.filter(task__in=tasks, transition="assign").count() == tasks.count()
        first = tasks.order_by("pk").first().pk
        notices = [m for m in OutboxMessage.objects.filter(kind=MessageKind.ASSIGNED) if first in m.related_ids]
        assert len(notices) == 1
    big_notices = OutboxMessage.objects.filter(kind=MessageKind.ASSIGNED, day=D(2031, 12, 20))
    assert big_notices.count() == 6
    for notice in big_notices:
        own = PreparationTask.objects.filter(item_id__in=big_items, assignee_id=notice.recipient_id)
        assert sorted(notice.related_ids) == sorted(own.values_list("pk", flat=True))
        assert notice.key == f"task:{min(notice.related_ids)}"
        assert rendered(notice).body_text.count("Подготовка вопроса") == 100
    assert not PreparationTask.objects.filter(assignment_notified_at__isnull=True).exists()


def test_an_unnotified_task_is_notified_once_not_created_again(personas):
    """A task there but not yet notified (its notice's transaction never came) is taken up by
    the next run: its history row and notice, no second task."""
    person = make_user("late_notice")
    plan = make_plan(year=2031, sessions=1, items_per_session=3, responsible=person)
    approve(plan, personas["secretary"], personas["office_head"], personas["department_head"])
    first = tasks_assign(today=D(2030, 12, 20))
    leftover = PreparationTask.objects.get(pk=first.task_ids[0])
    PreparationTask.objects.filter(pk=leftover.pk).update(assignment_notified_at=None)

    again = tasks_assign(today=D(2030, 12, 21))

    assert (again.created, again.notices, again.task_ids) == (1, 1, [leftover.pk])
    assert PreparationTask.objects.filter(item__plan=plan).count() == 3
    notice = OutboxMessage.objects.get(kind=MessageKind.ASSIGNED, day=D(2030, 12, 21))
    assert notice.related_ids == [leftover.pk] and notice.recipient == person
