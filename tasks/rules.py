"""Assignment rules as plain functions: who prepares what for an agenda item, and by when.

- An item that needs no preparation (``needs_preparation`` off, e.g. «Разное») creates nothing.
- An item with sub-items is a heading: it creates nothing itself, its sub-items carry the work
  (the February heading «Промежуточные итоги … сетевых проектов:» creates the three project
  reports of its sub-items). A sub-item without responsible persons of its own inherits its
  parent's.
- An item naming a project creates a project report for each of the project's leads; a project
  without leads falls back to the item's responsible persons. Any other item creates a
  preparation task for each responsible person. A group expands to its active members; a
  person named twice (directly and through a group) gets one task.
- Due date: the session's expected date (``Session.expected_date``: the exact date, or
  ``SESSION_DEFAULT_DAY`` of a one-month period; a session known only by a longer period —
  «I квартал», «в течение года» — has none, and gets its tasks once its date is set, see
  ``selectors.session_in_window`` and ``tasks.session_dates``) minus ``TASKS_DUE_DAYS_BEFORE`` days, moved
  back to the previous Russian working day (weekends, public holidays and the transferred days
  off of the ``holidays`` calendar; working Saturdays count as working days). Never before the
  day of assignment.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from functools import lru_cache

import holidays
from django.conf import settings
from django.utils.translation import gettext as _

from .models import TaskKind


@lru_cache(maxsize=32)
def _russian_calendar(year: int) -> holidays.HolidayBase:
    return holidays.Russia(years=year)


def is_working_day(day: datetime.date) -> bool:
    return _russian_calendar(day.year).is_working_day(day)


def previous_working_day(day: datetime.date) -> datetime.date:
    """``day`` itself when it is a working day, else the closest working day before it."""
    while not is_working_day(day):
        day -= datetime.timedelta(days=1)
    return day


def due_date_for(*, session_date: datetime.date, today: datetime.date | None = None) -> datetime.date:
    due = previous_working_day(session_date - datetime.timedelta(days=settings.TASKS_DUE_DAYS_BEFORE))
    if today is not None and due < today:
        # Assigned late (an amendment close to the session): due today, not already overdue.
        return today
    return due


@dataclass(frozen=True)
class TaskSpec:
    """One task the rules call for; ``kind_key`` is its identity within the item and assignee."""

    item_id: int
    session_id: int
    assignee_id: int
    kind: str
    kind_key: str
    project_id: int | None
    title: str


def _people(responsibilities) -> list:
    people = {}
    for resp in responsibilities:
        members = [resp.person] if resp.person_id else list(resp.group.members.all())
        for user in members:
            if user.is_active:
                people.setdefault(user.pk, user)
    return list(people.values())


def item_task_specs(item) -> list[TaskSpec]:
    """The tasks ``item`` calls for. Expects children, responsibilities (with group members)
    and the project's leads prefetched (see ``selectors.items_for_assignment``)."""
    if not item.needs_preparation or list(item.children.all()):
        return []
    responsibilities = list(item.responsibilities.all())
    if not responsibilities and item.parent_id is not None:
        responsibilities = list(item.parent.responsibilities.all())
    if item.project_id is not None:
        project = item.project
        people = [u for u in project.leads.all() if u.is_active] or _people(responsibilities)
        kind, kind_key = TaskKind.PROJECT_REPORT, f"project:{project.pk}"
        title = _("Отчёт по проекту «%(project)s»") % {"project": project.name.strip("«» ")}
    else:
        people = _people(responsibilities)
        kind, kind_key = TaskKind.ITEM_PREPARATION, "item"
        text = item.text.strip().rstrip(":").strip()
        title = _("Подготовка вопроса «%(text)s»") % {"text": text}
    return [
        TaskSpec(
            item_id=item.pk,
            session_id=item.session_id,
            assignee_id=user.pk,
            kind=kind,
            kind_key=kind_key,
            project_id=item.project_id,
            title=title,
        )
        for user in sorted(people, key=lambda u: u.pk)
    ]
