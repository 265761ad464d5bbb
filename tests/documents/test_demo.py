"""The demo: load_demo, and the seed's copy moved into the coming months."""

from __future__ import annotations

import datetime
import re
from io import StringIO

import pytest
from django.core.management import call_command

from accounts.models import ResponsibleGroup, User
from documents.demo import demo_load, upcoming_year
from documents.text_import import parse_plan_text
from workflow.models import AgendaItem, Plan, Project, Responsibility, Session

GROUP = "Руководители управленческих портфелей департамента образования"


def _counts():
    return (Plan.objects.count(), Session.objects.count(), AgendaItem.objects.count(), Project.objects.count(),
            Responsibility.objects.count(), User.objects.count(), ResponsibleGroup.objects.count())


@pytest.mark.django_db
def test_load_demo_is_idempotent_and_links_the_demo_people(db):
    out = StringIO()
    call_command("load_demo", "--password", "demo-pass-1", stdout=out)
    counts = _counts()
    call_command("load_demo", "--password", "demo-pass-1", stdout=StringIO())
    assert _counts() == counts
    assert "Пароль для всех учётных записей: demo-pass-1" in out.getvalue()
    office_head = User.objects.get(username="office_head")
    assert office_head.check_password("demo-pass-1") and office_head.role == "office_head"
    group = ResponsibleGroup.objects.get(name=GROUP)
    assert set(group.members.values_list("username", flat=True)) == {"portfolio1", "portfolio2"}
    years = sorted(Plan.objects.values_list("year", flat=True))
    assert years[0] == 2023 and len(years) == 2
    upcoming = Plan.objects.get(year=years[1])
    assert upcoming.sessions.order_by("number").first().expected_date > datetime.date.today()
    assert Responsibility.objects.filter(item__plan=upcoming, person=office_head).exists()
    assert not User.objects.filter(username="sergeeva.oa").exists()


@pytest.mark.django_db
def test_load_demo_generates_a_password_when_none_given(db, monkeypatch):
    monkeypatch.delenv("DEMO_PASSWORD", raising=False)
    out = StringIO()
    call_command("load_demo", "--no-upcoming", stdout=out)
    assert "(сгенерирован)" in out.getvalue()
    assert Plan.objects.count() == 1


def test_the_upcoming_copy_moves_into_the_coming_months():
    from pathlib import Path

    from documents.demo import SEED_PATH, plan_redate

    parsed = parse_plan_text(Path(SEED_PATH).read_text(encoding="utf-8"))
    assert upcoming_year(plan=parsed, today=datetime.date(2026, 11, 26)) == 2027
    assert upcoming_year(plan=parsed, today=datetime.date(2026, 1, 10)) == 2026
    moved = plan_redate(plan=parsed, year=2027)
    assert moved.title.endswith("на 2027 год")
    assert moved.sessions[4].items[1].text == (
        "Подведение итогов работы проектного офиса за 2027 год. Планирование работы на 2028 год.")
    assert parsed.sessions[0].planned_month.year == 2023  # the original is untouched
    # Every year the office typed moves, however it was typed («Апрель 2023г.», «2023 г.», «2023/2024»).
    labels = [session.period.label for session in moved.sessions]
    assert "Апрель 2027г." in labels and "Февраль 2027 г." in labels
    texts = [moved.title, *labels, *(item.text for session in moved.sessions for item in session.items)]
    assert not [text for text in texts if re.search(r"202[2-4]", text)]


def test_years_move_however_they_are_typed():
    from documents.demo import _shift_years

    cases = {"Апрель 2023г.": "Апрель 2027г.", "2023 г.": "2027 г.", "на 2023/2024 учебный год": "на 2027/2028 учебный год",
             "(2023)": "(2027)", "2023-2024": "2027-2028", "№ 12023": "№ 12023", "1990 и 2030": "1990 и 2030"}
    for typed, moved in cases.items():
        assert _shift_years(typed, base=2023, delta=4) == moved, typed


@pytest.mark.django_db
def test_demo_load_returns_both_plans(db):
    results = demo_load(password="x-demo-pass", today=datetime.date(2026, 11, 26))
    assert [r.plan.year for r in results] == [2023, 2027]


