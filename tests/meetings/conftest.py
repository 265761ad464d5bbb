"""Fixtures for the meetings tests: an approved plan of two sessions with items and responsible
persons, the sessions scheduled, a third responsible person in a group, API clients by token."""

from __future__ import annotations

import datetime
import zoneinfo

import pytest

from accounts.models import Role
from lifecycle.kernel import fire
from tests.api.conftest import token_client
from tests.factories import make_group, make_plan, make_user
from tests.tasks.conftest import approve, smtp_server  # noqa: F401

MOSCOW = zoneinfo.ZoneInfo("Europe/Moscow")
FIRST_SESSION = datetime.datetime(2030, 3, 12, 10, 0, tzinfo=MOSCOW)
NEXT_SESSION = datetime.datetime(2030, 4, 16, 10, 0, tzinfo=MOSCOW)


@pytest.fixture
def api_as(db):
    return token_client


@pytest.fixture
def third(db):
    return make_user("portfolio3", role=Role.RESPONSIBLE, short_name="Кузнецов К.К.",
                     full_name="Кузнецов Константин Константинович")


@pytest.fixture
def third_group(third):
    return make_group("Рабочая группа по поручению", [third])


@pytest.fixture
def meeting_plan(personas, responsible2, secretary, office_head, department_head):
    """Plan of 2030, two sessions (March, April) of two items each: Петров and Смирнова
    responsible; approved; both sessions scheduled."""
    from workflow.models import Responsibility

    plan = make_plan(year=2030, sessions=2, items_per_session=2, responsible=personas["responsible"])
    for item in plan.items.filter(order=1):
        Responsibility.objects.create(item=item, person=responsible2, order=1)
    approve(plan, secretary, office_head, department_head)
    first, second = plan.sessions.order_by("number")
    fire(obj=first, name="schedule", by=secretary, starts_at=FIRST_SESSION, place="Зал заседаний, каб. 301")
    fire(obj=second, name="schedule", by=secretary, starts_at=NEXT_SESSION, place="Зал заседаний, каб. 301")
    first.refresh_from_db()
    second.refresh_from_db()
    return plan, first, second
