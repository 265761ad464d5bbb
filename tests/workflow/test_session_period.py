"""A session's timing as a period: stored wording, one-month periods, titles, the API, postponing."""

from __future__ import annotations

import datetime

import pytest

from lifecycle.kernel import fire
from tests.api.conftest import token_client
from tests.factories import make_plan
from workflow.models import AgendaItem, Session
from workflow.months import period_label

D = datetime.date


@pytest.fixture
def quarter_session(db):
    plan = make_plan(year=2025)
    session = Session(plan=plan, number=2, source_number="2.")
    session.set_period(start=D(2025, 1, 1), end=D(2025, 3, 31), label="I квартал")
    session.save()
    return session


def test_a_month_set_on_a_session_is_its_period_worded_as_usual(db):
    session = make_plan(year=2025).sessions.get()
    assert (session.period_start, session.period_end, session.due_label) == (
        D(2025, 1, 1), D(2025, 1, 31), "Январь 2025 г.")
    session.planned_month = D(2025, 2, 17)
    session.save(update_fields=["planned_month"])
    session.refresh_from_db()
    assert (session.planned_month, session.period_start, session.period_end, session.due_label) == (
        D(2025, 2, 1), D(2025, 2, 1), D(2025, 2, 28), "Февраль 2025 г.")


def test_a_longer_period_keeps_the_documents_wording_and_has_no_month(quarter_session):
    quarter_session.refresh_from_db()
    assert quarter_session.planned_month is None
    assert quarter_session.due_label == "I квартал"
    assert quarter_session.expected_date is None
    assert quarter_session.title == "Заседание в I квартале 2025 г."
    assert str(quarter_session) == quarter_session.title


@pytest.mark.parametrize(("start", "end", "label", "title"), [
    (D(2023, 2, 1), D(2023, 2, 28), "Февраль 2023 г.", "Заседание в феврале 2023 г."),
    (D(2025, 3, 1), D(2025, 4, 30), "Март–апрель 2025 г.", "Заседание в марте–апреле 2025 г."),
    (D(2025, 1, 1), D(2025, 12, 31), "В течение 2025 г.", "Заседание в 2025 г."),
    (D(2025, 10, 1), D(2025, 12, 31), "IV квартал 2025 г.", "Заседание в IV квартале 2025 г."),
])
def test_periods_are_named_the_same_everywhere(db, start, end, label, title):
    session = Session(plan=make_plan(year=start.year, sessions=0), number=1)
    session.set_period(start=start, end=end)
    assert (session.due_label, session.title) == (label, title) == (period_label(start, end), title)


def test_a_scheduled_session_is_named_by_its_date(quarter_session, secretary):
    fire(name="schedule", obj=quarter_session, by=secretary,
         starts_at=datetime.datetime(2025, 2, 20, 12, 0, tzinfo=datetime.UTC))
    quarter_session.refresh_from_db()
    assert quarter_session.title == "Заседание 20.02.2025"
    # A date inside the period leaves the period as the document words it.
    assert (quarter_session.due_label, quarter_session.planned_month) == ("I квартал", None)
    assert quarter_session.expected_date == D(2025, 2, 20)


def test_a_date_outside_the_period_moves_the_session_to_that_month(quarter_session, secretary):
    fire(name="schedule", obj=quarter_session, by=secretary,
         starts_at=datetime.datetime(2025, 5, 20, 12, 0, tzinfo=datetime.UTC))
    quarter_session.refresh_from_db()
    assert (quarter_session.period_start, quarter_session.period_end) == (D(2025, 5, 1), D(2025, 5, 31))
    assert quarter_session.planned_month == D(2025, 5, 1)


def test_postponing_a_period_session_makes_its_period_that_month(quarter_session, secretary):
    from lifecycle.exceptions import TransitionError

    with pytest.raises(TransitionError) as error:
        fire(name="postpone", obj=quarter_session, by=secretary, planned_month=D(2025, 1, 1))
    assert error.value.status == 400 and "I квартал 2025 г." in error.value.message
    fire(name="postpone", obj=quarter_session, by=secretary, planned_month=D(2025, 4, 10))
    quarter_session.refresh_from_db()
    assert (quarter_session.state, quarter_session.planned_month, quarter_session.period_end,
            quarter_session.due_label) == ("postponed", D(2025, 4, 1), D(2025, 4, 30), "Апрель 2025 г.")


def test_the_api_gives_the_period_beside_the_month(quarter_session, personas):
    client = token_client(personas["secretary"])
    body = client.get(f"/api/sessions/{quarter_session.pk}/").json()
    assert (body["planned_month"], body["period_start"], body["period_end"], body["due_label"]) == (
        None, "2025-01-01", "2025-03-31", "I квартал")
    assert body["title"] == "Заседание в I квартале 2025 г." and body["expected_date"] is None
    plan = client.get(f"/api/plans/{quarter_session.plan_id}/").json()
    nested = {s["id"]: s for s in plan["sessions"]}[quarter_session.pk]
    assert (nested["period_start"], nested["period_end"], nested["due_label"]) == (
        "2025-01-01", "2025-03-31", "I квартал")
    assert plan["approver_acting"] is False


def test_a_session_needs_a_month_through_the_api(personas):
    plan = make_plan(year=2031, sessions=0)
    response = token_client(personas["secretary"]).post(
        "/api/sessions/", {"plan": plan.pk, "planned_month": None}, format="json")
    assert response.status_code == 400 and "planned_month" in response.json()["errors"]


def test_a_month_or_year_filter_finds_the_sessions_whose_period_holds_it(quarter_session, personas):
    client = token_client(personas["secretary"])

    def ids(query):
        return {s["id"] for s in client.get(f"/api/sessions/?{query}").json()["results"]}

    assert quarter_session.pk in ids("month=2025-02") and quarter_session.pk in ids("year=2025")
    assert quarter_session.pk not in ids("month=2025-04")
    item = AgendaItem.objects.create(plan=quarter_session.plan, session=quarter_session, text="Итоги квартала")
    march = {i["id"] for i in client.get("/api/agenda-items/?month=2025-03").json()["results"]}
    january = {i["id"] for i in client.get("/api/agenda-items/?month=2025-01").json()["results"]}
    assert item.pk in march and item.pk in january
    assert item.pk not in {i["id"] for i in client.get("/api/agenda-items/?month=2025-07").json()["results"]}


def test_a_one_month_period_keeps_its_month_and_a_new_session_needs_one(db, secretary):
    from workflow.edit_services import session_create
    from workflow.exceptions import WorkflowError

    session = make_plan(year=2025).sessions.get()
    session.planned_month = None
    session.save()
    session.refresh_from_db()
    assert session.planned_month == D(2025, 1, 1)
    with pytest.raises(WorkflowError) as error:
        session_create(by=secretary, plan=session.plan, planned_month=None)
    assert error.value.code == "invalid" and Session.objects.count() == 1
