"""Due dates: N days before the session, moved back off weekends and Russian days off."""

import datetime

import pytest

from tasks.rules import due_date_for, is_working_day, previous_working_day
from workflow.models import Session

D = datetime.date


@pytest.fixture(autouse=True)
def ten_days(settings):
    settings.TASKS_DUE_DAYS_BEFORE = 10


def test_a_working_day_stays():
    # 2023-03-17 (Fri) - 10 = 2023-03-07 (Tue)
    assert due_date_for(session_date=D(2023, 3, 17)) == D(2023, 3, 7)


def test_a_sunday_moves_back_to_friday():
    # 2023-02-15 - 10 = Sunday 2023-02-05
    assert due_date_for(session_date=D(2023, 2, 15)) == D(2023, 2, 3)


def test_public_holiday_and_transferred_day_off_are_skipped():
    # 2023-03-06 - 10 = Fri 2023-02-24, a day off transferred from 1 January; 23 February is a holiday.
    assert not is_working_day(D(2023, 2, 24))
    assert due_date_for(session_date=D(2023, 3, 6)) == D(2023, 2, 22)


def test_may_holidays_are_skipped():
    # 2023-05-19 - 10 = 9 May (Victory Day), 8 May transferred, 6-7 May weekend -> Friday 5 May.
    assert due_date_for(session_date=D(2023, 5, 19)) == D(2023, 5, 5)


def test_a_working_saturday_counts_as_working_day():
    # 27 April 2024 was a working Saturday in Russia.
    assert is_working_day(D(2024, 4, 27))
    assert due_date_for(session_date=D(2024, 5, 7)) == D(2024, 4, 27)


def test_new_year_holidays():
    assert previous_working_day(D(2024, 1, 8)) == D(2023, 12, 29)


def test_assigned_late_is_due_today_not_already_overdue():
    assert due_date_for(session_date=D(2023, 2, 15), today=D(2023, 2, 10)) == D(2023, 2, 10)


def test_days_before_is_configurable(settings):
    settings.TASKS_DUE_DAYS_BEFORE = 3
    assert due_date_for(session_date=D(2023, 3, 17)) == D(2023, 3, 14)


def test_month_only_session_uses_the_default_day(settings):
    session = Session(planned_month=D(2023, 2, 1))
    assert session.expected_date == D(2023, 2, 15)
    assert due_date_for(session_date=session.expected_date) == D(2023, 2, 3)
    settings.SESSION_DEFAULT_DAY = 22
    assert due_date_for(session_date=session.expected_date) == D(2023, 2, 10)
