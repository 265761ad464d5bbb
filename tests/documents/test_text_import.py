"""The text-export parser: the seed exactly, other plans in the same format, bad input."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest

from documents.plan_format import PlanFormatErrors, recognise_project, strip_outer_quotes
from documents.responsibles import parse_responsibles
from documents.text_import import parse_plan_text, parse_topic_cell

SEED = (Path(__file__).resolve().parents[2] / "documents" / "fixtures" / "plan-2023.txt").read_text(encoding="utf-8")
GROUP = "Руководители управленческих портфелей департамента образования"
HELPING_ZONES = (
    "Внедрение «помогающих зон» в образовательный процесс школ для адресного сопровождения разных целевых групп "
    "учащихся 5-9 классов при освоении учебной программы на своем потенциальном уровне"
)
FLIGHT_CONTROL = (
    "Модернизация воспитательной системы школы на основе модели «Центр управления полетами» для удовлетворения "
    "потребностей обучающихся в соответствии с социально-экономическим развитием страны"
)
THEATRE = (
    "Внедрение уровневой модели сценического искусства «Театр ПЛЮС» в образовательный процесс школы как средство "
    "развития ресурсов детей и формирования читательской грамотности"
)
NETWORK_PROJECTS = [HELPING_ZONES, FLIGHT_CONTROL, THEATRE]


@pytest.fixture(scope="module")
def seed():
    return parse_plan_text(SEED)


def test_seed_header_title_and_signatories(seed):
    assert seed.year == 2023
    assert seed.title == "План заседаний Проектного офиса департамента образования на 2023 год"
    assert seed.approver.name == "Лебедева Л.М."
    assert seed.approver.display_name == "Л.М.Лебедева"
    assert seed.approver.position == "руководитель департамента образования, координатор проектного управления"
    assert seed.agreer.name == "Сергеева О.А."
    assert seed.agreer.position == "руководитель Проектного офиса департамента образования"


def test_seed_has_five_sessions_in_document_order_renumbered(seed):
    assert [s.number for s in seed.sessions] == [1, 2, 3, 4, 5]
    assert [s.source_number for s in seed.sessions] == ["1.", "2.", "2.", "3.", "4."]
    assert [s.planned_month for s in seed.sessions] == [
        datetime.date(2023, 2, 1), datetime.date(2023, 4, 1), datetime.date(2023, 7, 1),
        datetime.date(2023, 9, 1), datetime.date(2023, 12, 1),
    ]
    assert [s.line for s in seed.sessions] == [34, 35, 37, 38, 39]


def test_seed_warns_about_the_duplicate_number(seed):
    duplicate = [w for w in seed.warnings if "повторяется" in w]
    assert len(duplicate) == 1
    assert "«2.»" in duplicate[0] and "строка 37" in duplicate[0]


def test_seed_topics_and_nesting(seed):
    first, second, third, fourth, fifth = seed.sessions
    assert [i.text for i in first.items] == ["Промежуточные итоги реализации городских сетевых проектов:"]
    assert [strip_outer_quotes(c.text) for c in first.items[0].children] == NETWORK_PROJECTS
    assert first.items[0].children[0].text == f"«{HELPING_ZONES}»"
    assert [i.text for i in second.items] == [
        "Подготовка предложений по проведению секций окружной Августовской конференции 2023 по диссеминации "
        "передовых управленческих практик МОУ по итогам реализации управленческих проектов.",
        "Разное",
    ]
    assert [i.text for i in third.items][1:] == ["Организация секций окружной Августовской конференции 2023", "Разное"]
    assert third.items[0].text.startswith("Отчет МКОУ ДПО РЦ о деятельности по реализации городского проекта «Внедрение")
    assert len(fourth.items) == 2
    assert fourth.items[0].text.startswith("Итоги реализации городского сквозного проекта «Менторство")
    assert fourth.items[1].text == "Итоги реализации городских сетевых проектов:"
    assert [c.project_name for c in fourth.items[1].children] == NETWORK_PROJECTS
    assert [i.text for i in fifth.items] == [
        "Итоги реализации управленческих проектов МОУ в 2023 году.",
        "Подведение итогов работы проектного офиса за 2023 год. Планирование работы на 2024 год.",
    ]
    assert all(not item.children for s in (second, third, fifth) for item in s.items)


def test_seed_projects_and_kinds(seed):
    projects = {(i.project_name, i.project_kind) for _, i, _ in seed.all_items() if i.project_name}
    assert projects == {
        (HELPING_ZONES, "network"), (FLIGHT_CONTROL, "network"), (THEATRE, "network"),
        ("Внедрение модели сохранения устойчивости и благополучия образовательного учреждения. "
         "Источники энергии для жизни и развития", "city"),
        ("Менторство как эффективный ресурс профессионального становления административных команд "
         "образовательных учреждений", "cross_cutting"),
    }


def test_seed_responsibles_and_no_preparation_items(seed):
    for session in seed.sessions[:4]:
        assert [(r.kind, r.name) for r in session.responsibles] == [("person", "Сергеева О.А.")]
    assert [(r.kind, r.name) for r in seed.sessions[4].responsibles] == [("group", GROUP), ("person", "Сергеева О.А.")]
    assert [i.text for _, i, _ in seed.all_items() if not i.needs_preparation] == ["Разное", "Разное"]


@pytest.mark.parametrize(("cell", "expected"), [
    ("Сергеева О.А.", [("person", "Сергеева О.А.")]),
    ("Сергеева О.А., Петров П.П.", [("person", "Сергеева О.А."), ("person", "Петров П.П.")]),
    ("Сергеева О.А. Петров П.П.", [("person", "Сергеева О.А."), ("person", "Петров П.П.")]),
    ("О.А.Сергеева; П. П. Петров", [("person", "Сергеева О.А."), ("person", "Петров П.П.")]),
    ("Сергеева О.А. и Петров-Водкин К.С.", [("person", "Сергеева О.А."), ("person", "Петров-Водкин К.С.")]),
    ("Сергеева Ольга Александровна", [("person", "Сергеева О.А.")]),
    (f"{GROUP} Сергеева О.А.", [("group", GROUP), ("person", "Сергеева О.А.")]),
    (f"Сергеева О.А.{GROUP}", [("person", "Сергеева О.А."), ("group", GROUP)]),
    ("руководители МОУ, Сергеева О.А.", [("group", "Руководители МОУ"), ("person", "Сергеева О.А.")]),
])
def test_responsible_cells(cell, expected):
    assert [(r.kind, r.name) for r in parse_responsibles(cell)] == expected


def test_topic_cell_with_closed_lists_li_and_free_text():
    cell = "Вступление <ol><li>Первый</li><li>Второй<ul><li>Вложенный</li></ul></li></ol> Заключение"
    items = parse_topic_cell(cell, 7)
    assert [i.text for i in items] == ["Вступление", "Заключение"]
    assert [c.text for c in items[0].children] == ["Первый", "Второй"]
    assert [c.text for c in items[0].children[1].children] == ["Вложенный"]
    assert {i.line for i in items} == {7}


def test_topic_cell_plain_text_and_entities():
    assert [i.text for i in parse_topic_cell("Отчёт &laquo;Школа&raquo;&nbsp;№ 1", 1)] == ["Отчёт «Школа» № 1"]


def test_project_recognition_rules():
    assert recognise_project("Отчет о реализации городского проекта «А «Б» В».") == ("А «Б» В", "city")
    assert recognise_project("«Цифровая школа»", "Итоги управленческих проектов:") == ("Цифровая школа", "managerial")
    assert recognise_project("Разное") is None
    assert recognise_project("Итоги реализации управленческих проектов МОУ в 2023 году.") is None


OTHER_PLAN = """«Утверждаю»
исполняющий обязанности руководителя
департамента образования
И.И. Иванов

«Согласовано»
руководитель
Проектного офиса
П.П. Петрова

План заседаний Проектного офиса
на 2025 год

№ п/п\tТема заседаний\tСрок\tОтветственный
1.\t<ul><li>Отчёт по проекту «Цифровая школа»</li></ul>\tМарт 2025 г.\tПетрова П.П., Сидоров С.С.
2.\tИтоги года\tНоябрь 2025\tПетрова П.П. Сидоров С.С. Руководители школ
3.\t<p>Итоги управленческих проектов:</p><ul>• «Цифровая школа»• «Школа здоровья»</ul>\tДекабрь 2025 г.\tПетрова П.П.
"""


def test_another_plan_in_the_same_format():
    plan = parse_plan_text(OTHER_PLAN)
    assert plan.year == 2025
    assert plan.title == "План заседаний Проектного офиса на 2025 год"
    assert plan.approver.position == "исполняющий обязанности руководителя департамента образования"
    assert plan.approver.name == "Иванов И.И."
    assert plan.agreer.name == "Петрова П.П."
    assert [s.planned_month.month for s in plan.sessions] == [3, 11, 12]
    assert plan.warnings == []
    assert [(r.kind, r.name) for r in plan.sessions[0].responsibles] == [
        ("person", "Петрова П.П."), ("person", "Сидоров С.С.")]
    assert [(r.kind, r.name) for r in plan.sessions[1].responsibles] == [
        ("person", "Петрова П.П."), ("person", "Сидоров С.С."), ("group", "Руководители школ")]
    assert plan.sessions[0].items[0].project_name == "Цифровая школа"
    assert [c.project_name for c in plan.sessions[2].items[0].children] == ["Цифровая школа", "Школа здоровья"]


HEADER = "Утверждаю\nруководитель\nА.А.Антонов\n\n**План заседаний на 2024 год**\n\n№ п/п\tТема заседаний\tСрок\tОтветственный\n"


@pytest.mark.parametrize(("text", "line", "expected"), [
    ("", 0, "файл пуст"),
    ("   \n\n", 0, "файл пуст"),
    ("Утверждаю\nруководитель\nА.А.Антонов\n\nПлан на 2024 год\nпросто текст без таблицы\n", 0, "не найдена таблица"),
    (HEADER + "1.\tТема\tМарт 2024 г.\n2.\tТема\tАпрель 2024 г.\tАнтонов А.А.\n", 8, "3 столбц"),
    (HEADER + "1.\tТема\tМартобрь 2024 г.\tАнтонов А.А.\n", 8, "неизвестный месяц «Мартобрь»"),
    # «в течение года» is a period now (tests/documents/test_due_period.py); what is not read names
    # the forms it takes, with the plan's own year, and the row of the table.
    (HEADER + "1.\tТема\tкогда получится\tАнтонов А.А.\n", 8,
     "ожидался срок вида «Февраль 2024 г.», «I квартал 2024 г.», «март–апрель 2024 г.» или «в течение года», "
     "а не «когда получится» (строка 2 таблицы, считая шапку)"),
    (HEADER + "первое\tТема\tМарт 2024 г.\tАнтонов А.А.\n", 8, "ожидался номер заседания"),
    (HEADER + "1.\t \tМарт 2024 г.\tАнтонов А.А.\n", 8, "«Тема заседаний» пуст"),
    (HEADER + "1.\tТема\tМарт 2024 г.\t \n", 8, "«Ответственный» пуст"),
    (HEADER, 7, "нет ни одной строки"),
    ("Утверждаю\nруководитель\nА.А.Антонов\n\n№ п/п\tТема заседаний\tСрок\tОтветственный\n1.\tТема\tМарт 2024 г.\tАнтонов А.А.\n",
     0, "не найден заголовок с годом"),
    ("Утверждаю\nруководитель\nкто-то\n\nПлан на 2024 год\n\n№ п/п\tТема заседаний\tСрок\tОтветственный\n"
     "1.\tТема\tМарт 2024 г.\tАнтонов А.А.\n", 3, "ожидалось имя"),
])
def test_malformed_input_names_the_line_and_what_was_expected(text, line, expected):
    with pytest.raises(PlanFormatErrors) as error:
        parse_plan_text(text)
    matching = [e for e in error.value.errors if expected in e.message]
    assert matching, [str(e) for e in error.value.errors]
    assert matching[0].line == line


def test_a_cell_wrapped_onto_the_next_line_is_glued_back():
    plan = parse_plan_text(HEADER + "1.\t<ul>• Первая тема\n• Вторая тема\tМарт 2024 г.\tАнтонов А.А.\n")
    assert [i.text for i in plan.sessions[0].items] == ["Первая тема", "Вторая тема"]
