"""iCalendar documents: which events a person's feed holds, dates, time zone and stable UIDs."""

from __future__ import annotations

import datetime
import zoneinfo

import icalendar
import pytest

from calendars.ics import feed_ics, session_ics
from lifecycle.kernel import fire
from tests.calendars.conftest import events

MSK = zoneinfo.ZoneInfo("Europe/Moscow")


def _session_uids(plan) -> list[str]:
    return [f"session-{pk}@127.0.0.1" for pk in plan.sessions.order_by("number").values_list("pk", flat=True)]


def test_staff_see_every_session_of_the_approved_plan(approved_plan, secretary, office_head, department_head):
    for person in (secretary, office_head, department_head):
        assert sorted(events(feed_ics(user=person))) == sorted(_session_uids(approved_plan))


def test_responsible_sees_the_sessions_of_their_group_only(approved_plan, responsible):
    december = approved_plan.sessions.get(number=5)

    found = events(feed_ics(user=responsible))

    assert list(found) == [f"session-{december.pk}@127.0.0.1"]
    event = found[f"session-{december.pk}@127.0.0.1"]
    assert str(event["SUMMARY"]) == "Заседание в декабре 2023 г. — Проектный офис"
    description = str(event["DESCRIPTION"])
    assert "• Итоги реализации управленческих проектов МОУ в 2023 году." in description
    assert "Руководители управленческих портфелей департамента образования" in description


def test_a_draft_plan_is_in_nobodys_calendar(seed_plan, office_head, responsible):
    assert events(feed_ics(user=office_head)) == {}
    assert events(feed_ics(user=responsible)) == {}


def test_outsider_gets_an_empty_calendar(approved_plan, outsider):
    assert events(feed_ics(user=outsider)) == {}


def test_month_only_session_is_all_day_on_the_default_day(approved_plan, office_head):
    february = approved_plan.sessions.get(number=1)

    event = events(feed_ics(user=office_head))[f"session-{february.pk}@127.0.0.1"]

    assert event.decoded("DTSTART") == datetime.date(2023, 2, 15)
    assert event.decoded("DTEND") == datetime.date(2023, 2, 16)
    assert str(event["STATUS"]) == "TENTATIVE"


def test_default_day_comes_from_settings(approved_plan, office_head, settings):
    settings.SESSION_DEFAULT_DAY = 3
    february = approved_plan.sessions.get(number=1)

    event = events(feed_ics(user=office_head))[f"session-{february.pk}@127.0.0.1"]

    assert event.decoded("DTSTART") == datetime.date(2023, 2, 3)


def test_scheduled_session_is_timed_in_the_configured_time_zone(approved_plan, office_head, secretary):
    april = approved_plan.sessions.get(number=2)
    fire(name="schedule", obj=april, by=secretary, starts_at=datetime.datetime(2023, 4, 12, 10, 0, tzinfo=MSK),
                     place="Зал заседаний, каб. 301")

    content = feed_ics(user=office_head)

    event = events(content)[f"session-{april.pk}@127.0.0.1"]
    start = event.decoded("DTSTART")
    assert start == datetime.datetime(2023, 4, 12, 10, 0, tzinfo=MSK)
    assert str(start.tzinfo) == "Europe/Moscow"
    assert event.decoded("DTEND") - start == datetime.timedelta(hours=2)
    assert str(event["LOCATION"]) == "Зал заседаний, каб. 301"
    assert b"DTSTART;TZID=Europe/Moscow:20230412T100000" in content
    timezones = [str(tz["TZID"]) for tz in icalendar.Calendar.from_ical(content).walk("VTIMEZONE")]
    assert timezones == ["Europe/Moscow"]


def test_uids_are_stable_across_exports_and_changes(approved_plan, office_head, secretary):
    first = events(feed_ics(user=office_head))
    june = approved_plan.sessions.get(number=3)
    fire(name="postpone", obj=june, by=secretary, planned_month=datetime.date(2023, 8, 1))
    second = events(feed_ics(user=office_head))

    assert list(second) == list(first)
    uid = f"session-{june.pk}@127.0.0.1"
    assert first[uid].decoded("DTSTART") == datetime.date(2023, 7, 15)
    assert second[uid].decoded("DTSTART") == datetime.date(2023, 8, 15)


def test_cancelled_session_stays_with_cancelled_status(approved_plan, office_head, secretary):
    september = approved_plan.sessions.get(number=4)
    fire(name="cancel", obj=september, by=secretary)

    event = events(feed_ics(user=office_head))[f"session-{september.pk}@127.0.0.1"]

    assert str(event["STATUS"]) == "CANCELLED"


def test_uid_host_follows_site_url(approved_plan, office_head, settings):
    settings.SITE_URL = "https://po.example.ru"

    assert all(uid.endswith("@po.example.ru") for uid in events(feed_ics(user=office_head)))


def test_single_session_ics(approved_plan):
    december = approved_plan.sessions.get(number=5)

    content = session_ics(december)

    found = events(content)
    assert list(found) == [f"session-{december.pk}@127.0.0.1"]
    assert found[f"session-{december.pk}@127.0.0.1"].decoded("DTSTART") == datetime.date(2023, 12, 15)
    assert str(icalendar.Calendar.from_ical(content)["METHOD"]) == "PUBLISH"


@pytest.mark.django_db
def test_feed_has_the_persons_own_task_deadlines(approved_plan, office_head, responsible):
    from tasks.assignment import tasks_assign
    from tasks.models import PreparationTask

    tasks_assign(today=datetime.date(2023, 12, 1))
    own = list(PreparationTask.objects.filter(assignee=responsible))
    assert own, "the December session's group items give the portfolio heads tasks"

    found = events(feed_ics(user=responsible))

    task_events = {uid: event for uid, event in found.items() if uid.startswith("task-")}
    assert sorted(task_events) == sorted(f"task-{task.pk}@127.0.0.1" for task in own)
    task = own[0]
    event = task_events[f"task-{task.pk}@127.0.0.1"]
    assert event.decoded("DTSTART") == task.due_date
    assert str(event["SUMMARY"]) == f"Срок: {task.title}"
    others = PreparationTask.objects.exclude(assignee=responsible).values_list("pk", flat=True)
    assert not {f"task-{pk}@127.0.0.1" for pk in others} & set(found)


def _calendar_with(*starts) -> icalendar.Calendar:
    calendar = icalendar.Calendar()
    for number, start in enumerate(starts):
        event = icalendar.Event()
        event.add("uid", f"e{number}")
        event.add("dtstamp", datetime.datetime(2027, 1, 1, tzinfo=datetime.UTC))
        event.add("dtstart", start)
        calendar.add_component(event)
    return calendar


@pytest.mark.parametrize("starts", [
    (datetime.datetime(2027, 1, 21, 15, 0, tzinfo=MSK), datetime.date(2027, 3, 15)),
    (datetime.datetime(2027, 1, 21, 15, 0, tzinfo=MSK), datetime.datetime(2027, 2, 1, 9, 0, tzinfo=datetime.UTC),
     datetime.datetime(2027, 2, 2, 9, 0, tzinfo=zoneinfo.ZoneInfo("Asia/Yekaterinburg"))),
    (datetime.date(2027, 3, 15),),
])
def test_the_time_zones_are_those_icalendar_would_add_made_once(starts):
    """``_finish`` writes the VTIMEZONEs ``add_missing_timezones`` would (byte for byte, before
    the events; the library's order of several zones is a set's, ours is sorted), from zones
    made once per process."""
    from calendars.ics import _finish, _vtimezone

    theirs = _calendar_with(*starts)
    theirs.add_missing_timezones()
    ours = icalendar.Calendar.from_ical(_finish(_calendar_with(*starts)))
    kinds = [component.name for component in ours.subcomponents]
    assert kinds == sorted(kinds, key=lambda name: name != "VTIMEZONE")
    assert sorted(c.to_ical() for c in ours.subcomponents) == sorted(c.to_ical() for c in theirs.subcomponents)
    assert _vtimezone("Europe/Moscow") is _vtimezone("Europe/Moscow")
