"""iCalendar (RFC 5545) documents: a person's feed and one session's event.

* Time zone: ``settings.TIME_ZONE`` (Europe/Moscow by default), with its VTIMEZONE included.
* A session with an exact time is a timed event of ``SESSION_DURATION`` (two hours); a session
  known only by its month is an all-day event on ``Session.expected_date`` (the
  ``SESSION_DEFAULT_DAY`` of the month, 15 by default); one known only by a longer period
  («I квартал 2025 г.») is an all-day event spanning the period.
* Every event names its session by ``Session.title`` («Заседание в феврале 2023 г.»), as pages,
  e-mails and tasks do, never by a bare number.
* UIDs are stable (``session-<id>@<host>``, ``task-<id>@<host>``, host from ``SITE_URL``), so a
  calendar app that fetches the feed again replaces an event instead of adding a second one;
  a cancelled session or task stays in the feed with ``STATUS:CANCELLED``.
* Language: like the plan's documents and the e-mails, always ``settings.LANGUAGE_CODE``
  (Russian), whatever language the person chose for the pages: a calendar app fetches the
  feed without that choice, and an .ics file is forwarded to colleagues as it is.
"""

from __future__ import annotations

import datetime
import functools
import zoneinfo
from urllib.parse import urlsplit

from django.conf import settings
from django.utils import timezone, translation
from icalendar import Calendar, Event, Timezone

from accounts.models import User
from workflow.models import Session, SessionState

from .selectors import calendar_items, calendar_sessions_for, calendar_tasks_for

SESSION_DURATION = datetime.timedelta(hours=2)
PRODID = "-//Проектный офис департамента образования//План заседаний//RU"
_CANCELLED_TASK_STATES = frozenset({"cancelled"})
_DONE_TASK_STATES = frozenset({"done"})


def _host() -> str:
    return urlsplit(settings.SITE_URL).hostname or "localhost"


def session_uid(session: Session) -> str:
    return f"session-{session.pk}@{_host()}"


def task_uid(task) -> str:
    return f"task-{task.pk}@{_host()}"


def _calendar(name: str) -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", settings.TIME_ZONE)
    return calendar


@functools.cache
def _vtimezone(tzid: str) -> Timezone | None:
    """The VTIMEZONE of ``tzid``, made once per process: icalendar derives it from every
    transition in the tz database, about 12 ms for Europe/Moscow, which every feed and every
    batch of e-mails with an .ics paid again. None for a zone icalendar does not know."""
    try:
        return Timezone.from_tzid(tzid)
    except ValueError:
        return None


def _finish(calendar: Calendar) -> bytes:
    """What ``Calendar.add_missing_timezones`` does, with the zones made once (``_vtimezone``):
    each zone an event uses, before the events."""
    position = len(calendar.timezones)
    for tzid in sorted(calendar.get_missing_tzids()):
        if (zone := _vtimezone(tzid)) is not None:
            calendar.subcomponents.insert(position, zone)
            position += 1
    return calendar.to_ical()


def _session_description(session: Session, items) -> str:
    lines = [str(session.plan)]
    depth_of: dict[int, int] = {}
    responsibles: list[str] = []
    for item in items:
        depth = depth_of.get(item.parent_id, -1) + 1 if item.parent_id else 0
        depth_of[item.pk] = depth
        lines.append(f"{'    ' * depth}{'•' if depth == 0 else '–'} {item.text}")
        for responsibility in item.responsibilities.all():
            if responsibility.label not in responsibles:
                responsibles.append(responsibility.label)
    if responsibles:
        lines.append(f"Ответственные: {', '.join(responsibles)}")
    return "\n".join(lines)


def _tree_order(items) -> list:
    """Items depth first (parents before their children), siblings by order."""
    children: dict[int | None, list] = {}
    for item in items:
        children.setdefault(item.parent_id, []).append(item)
    ordered: list = []

    def walk(parent_id):
        for child in children.get(parent_id, []):
            ordered.append(child)
            walk(child.pk)

    walk(None)
    return ordered


def session_event(session: Session, items=()) -> Event:
    event = Event()
    event.add("uid", session_uid(session))
    event.add("dtstamp", timezone.now())
    event.add("summary", f"{session.title} — Проектный офис")
    if session.starts_at:
        tz = zoneinfo.ZoneInfo(settings.TIME_ZONE)
        start = session.starts_at.astimezone(tz)
        event.add("dtstart", start)
        event.add("dtend", start + SESSION_DURATION)
    else:
        day = session.expected_date
        first, last = (day, day) if day else (session.period_start, session.period_end)
        event.add("dtstart", first)
        event.add("dtend", last + datetime.timedelta(days=1))
        event.add("transp", "TRANSPARENT")  # a month-only date does not block the day
    if session.place:
        event.add("location", session.place)
    event.add("description", _session_description(session, _tree_order(items)))
    event.add("status", "CANCELLED" if session.state == SessionState.CANCELLED else (
        "CONFIRMED" if session.starts_at else "TENTATIVE"))
    return event


def task_event(task) -> Event:
    event = Event()
    event.add("uid", task_uid(task))
    event.add("dtstamp", timezone.now())
    event.add("summary", f"Срок: {task.title}")
    event.add("dtstart", task.due_date)
    event.add("dtend", task.due_date + datetime.timedelta(days=1))
    event.add("transp", "TRANSPARENT")
    event.add("description", f"Задача подготовки: {task.session.title} "
                             f"(срок по плану: {task.session.due_label}). Состояние: {task.get_state_display()}.")
    event.add("status", "CANCELLED" if task.state in _CANCELLED_TASK_STATES else "CONFIRMED")
    if task.state in _DONE_TASK_STATES:
        event.add("categories", ["Выполнено"])
    return event


def _items_by_session(sessions) -> dict[int, list]:
    by_session: dict[int, list] = {}
    for item in calendar_items(sessions=sessions):
        by_session.setdefault(item.session_id, []).append(item)
    return by_session


def session_ics(session: Session) -> bytes:
    """One session as an .ics file (for downloads and reminder e-mail attachments)."""
    with translation.override(settings.LANGUAGE_CODE):
        calendar = _calendar(f"{session.title} — Проектный офис")
        items = _items_by_session([session]).get(session.pk, [])
        calendar.add_component(session_event(session, items))
        return _finish(calendar)


def feed_ics(*, user: User) -> bytes:
    """A person's private feed: the sessions they take part in and their task deadlines."""
    with translation.override(settings.LANGUAGE_CODE):
        calendar = _calendar(f"Проектный офис: {user}")
        calendar.add("refresh-interval", datetime.timedelta(hours=1), parameters={"VALUE": "DURATION"})
        calendar.add("x-published-ttl", "PT1H")
        sessions = list(calendar_sessions_for(user=user))
        items = _items_by_session(sessions)
        for session in sessions:
            calendar.add_component(session_event(session, items.get(session.pk, [])))
        for task in calendar_tasks_for(user=user):
            calendar.add_component(task_event(task))
        return _finish(calendar)
