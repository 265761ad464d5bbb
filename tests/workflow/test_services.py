"""The plan domain's writes: session life events."""

from __future__ import annotations

import datetime

import pytest


@pytest.mark.django_db
def test_session_events_by_office_staff_only(seed_plan, secretary, responsible):
    from lifecycle.exceptions import TransitionError
    from lifecycle.kernel import fire

    first, second, third = list(seed_plan.sessions.order_by("number"))[:3]
    with pytest.raises(TransitionError) as error:
        fire(name="cancel", obj=first, by=responsible)
    assert error.value.status == 403
    starts = datetime.datetime(2023, 2, 16, 15, 0, tzinfo=datetime.UTC)
    fire(name="schedule", obj=first, by=secretary, starts_at=starts, place="каб. 301")
    assert (first.state, first.starts_at, first.place) == ("scheduled", starts, "каб. 301")
    fire(name="hold", obj=first, by=secretary)
    assert first.state == "held"
    with pytest.raises(TransitionError) as error:
        fire(name="postpone", obj=second, by=secretary, planned_month=datetime.date(2023, 3, 1))
    assert error.value.status == 400 and "более поздний месяц" in error.value.message
    fire(name="postpone", obj=second, by=secretary, planned_month=datetime.date(2023, 5, 1))
    assert (second.state, second.planned_month) == ("postponed", datetime.date(2023, 5, 1))
    fire(name="cancel", obj=third, by=secretary)
    with pytest.raises(TransitionError) as error:
        fire(name="hold", obj=third, by=secretary)
    assert error.value.status == 409 and "Отменено" in error.value.message
