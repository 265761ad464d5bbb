"""The «Срок» column read into a period: months, quarters, ranges, the whole year."""

from __future__ import annotations

import datetime

import pytest

from documents.due_period import MonthError, parse_due_period

D = datetime.date


@pytest.mark.parametrize(("text", "start", "end"), [
    ("Февраль 2023 г.", D(2023, 2, 1), D(2023, 2, 28)),
    ("Апрель 2023г.", D(2023, 4, 1), D(2023, 4, 30)),
    ("апрель", D(2025, 4, 1), D(2025, 4, 30)),
    ("СЕНТЯБРЬ 2025 года", D(2025, 9, 1), D(2025, 9, 30)),
    ("I квартал", D(2025, 1, 1), D(2025, 3, 31)),
    ("2 квартал 2025 г.", D(2025, 4, 1), D(2025, 6, 30)),
    ("III кв.", D(2025, 7, 1), D(2025, 9, 30)),
    ("IV квартал 2025", D(2025, 10, 1), D(2025, 12, 31)),
    ("март–апрель", D(2025, 3, 1), D(2025, 4, 30)),
    ("март - май", D(2025, 3, 1), D(2025, 5, 31)),
    ("Октябрь—ноябрь 2025 г.", D(2025, 10, 1), D(2025, 11, 30)),
    ("в течение года", D(2025, 1, 1), D(2025, 12, 31)),
    ("В течение 2025 года", D(2025, 1, 1), D(2025, 12, 31)),
])
def test_a_due_cell_is_read_into_its_period_with_the_plans_year(text, start, end):
    period, warnings = parse_due_period(text, plan_year=2025)
    assert (period.start, period.end, period.label, warnings) == (start, end, " ".join(text.split()), [])


def test_only_a_one_month_period_has_a_planned_month():
    assert parse_due_period("май", plan_year=2025)[0].planned_month == D(2025, 5, 1)
    assert parse_due_period("I квартал", plan_year=2025)[0].planned_month is None


def test_a_repeating_due_date_is_the_whole_year_with_a_warning():
    period, warnings = parse_due_period("ежеквартально", plan_year=2026)
    assert (period.start, period.end) == (D(2026, 1, 1), D(2026, 12, 31))
    assert warnings and "не одно заседание" in warnings[0]


@pytest.mark.parametrize(("text", "problem"), [
    ("Мартобрь 2024 г.", "неизвестный месяц «Мартобрь»: ожидался срок вида «Февраль 2024 г.», «I квартал 2024 г.»"),
    ("когда получится", "ожидался срок вида «Февраль 2024 г.», «I квартал 2024 г.», «март–апрель 2024 г.» "
                        "или «в течение года», а не «когда получится»"),
    ("май – март", "месяцы идут в обратном порядке"),
    ("V квартал", "ожидался срок вида"),
])
def test_what_cannot_be_read_names_the_forms_with_the_plans_year(text, problem):
    with pytest.raises(MonthError) as error:
        parse_due_period(text, plan_year=2024)
    assert problem in str(error.value)


def test_a_month_without_a_year_needs_the_plans_year():
    with pytest.raises(MonthError, match="нет года"):
        parse_due_period("апрель")
