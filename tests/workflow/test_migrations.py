"""Sessions written before periods existed: ``migrate`` gives each its month as the period,
worded as before, and the change can be undone."""

import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from workflow.models import Session

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("workflow", "0003_session_event_acting_for")]


def _migrate(targets) -> MigrationExecutor:
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    return MigrationExecutor(connection)


def test_a_session_due_in_a_month_gets_that_month_as_its_period():
    latest = MigrationExecutor(connection).loader.graph.leaf_nodes()
    old = _migrate(BEFORE).loader.project_state(BEFORE).apps
    plan = old.get_model("workflow", "Plan").objects.create(year=2031, title="План заседаний на 2031 год")
    old.get_model("workflow", "Session").objects.create(
        plan=plan, number=1, source_number="1.", planned_month=datetime.date(2031, 2, 1)
    )

    _migrate(latest)

    session = Session.objects.get()
    assert (session.planned_month, session.period_start, session.period_end, session.due_label) == (
        datetime.date(2031, 2, 1), datetime.date(2031, 2, 1), datetime.date(2031, 2, 28), "Февраль 2031 г.")

    quarter = Session(plan_id=session.plan_id, number=2)
    quarter.set_period(start=datetime.date(2031, 4, 1), end=datetime.date(2031, 6, 30), label="II квартал")
    quarter.save()
    back = _migrate(BEFORE).loader.project_state(BEFORE).apps
    months = back.get_model("workflow", "Session").objects.order_by("number").values_list("planned_month", flat=True)
    assert list(months) == [datetime.date(2031, 2, 1), datetime.date(2031, 4, 1)]  # a period keeps its first month
    _migrate(latest)
