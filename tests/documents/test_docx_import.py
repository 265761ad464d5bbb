"""Reading a plan from .docx: our own export (round trip) and a document typed by hand."""

from __future__ import annotations

import datetime
import io

import pytest
from docx import Document
from docx.shared import Cm

from documents.docx_export import plan_docx
from documents.docx_import import parse_plan_docx
from documents.exceptions import PlanImportError
from documents.importing import plan_import_file
from documents.plan_format import PlanFormatError, PlanFormatErrors
from documents.text_import import parse_plan_text
from tests.factories import make_group, make_user
from workflow.models import AgendaItem, Plan, Responsibility, Session


def _tree(items) -> list:
    return [(item.text, item.project_name, item.needs_preparation, _tree(item.children)) for item in items]


def _parsed_shape(parsed) -> dict:
    return {
        "year": parsed.year,
        "title": parsed.title,
        "approver": parsed.approver,
        "agreer": parsed.agreer,
        "sessions": [
            (s.number, s.source_number, s.planned_month, [(r.kind, r.name) for r in s.responsibles], _tree(s.items))
            for s in parsed.sessions
        ],
    }


def _db_shape(plan: Plan, *, projects: bool = True) -> list:
    """Sessions with their item trees and each item's responsibles, as stored."""

    def items(session, parent):
        result = []
        for item in AgendaItem.objects.filter(session=session, parent=parent).order_by("order", "id"):
            who = [r.label for r in Responsibility.objects.filter(item=item).order_by("order", "id")]
            project = item.project.name if projects and item.project else None
            result.append((item.text, project, who, items(session, item)))
        return result

    return [
        (s.number, s.source_number, s.planned_month, items(s, None))
        for s in Session.objects.filter(plan=plan).order_by("number")
    ]


# --- Round trip -----------------------------------------------------------------------------


def test_seed_plan_round_trip_gives_what_the_text_export_gave(seed_plan, seed_bytes):
    from_text = parse_plan_text(seed_bytes.decode("utf-8"))

    from_docx = parse_plan_docx(plan_docx(plan=seed_plan))

    assert _parsed_shape(from_docx) == _parsed_shape(from_text)
    assert len(from_docx.sessions) == 5
    assert [len(item.children) for item in from_docx.sessions[0].items] == [3]
    assert any("«2.» повторяется" in warning for warning in from_docx.warnings)


@pytest.fixture
def other_office(settings):
    """Imports go to another office, so the exported plan's year stays free for them."""
    settings.PROJECT_OFFICE_NAME = "Проектный офис для проверки импорта"


def test_round_trip_through_the_importer_with_several_persons_in_one_cell(db, other_office):
    ivanov = make_user(short_name="Иванов И.И.")
    petrova = make_user(short_name="Петрова А.Б.")
    kuznetsov = make_user(short_name="Кузнецов К.К.")
    heads = make_group("Руководители городских сетевых проектов")
    plan = Plan.objects.create(
        year=2031, title="План заседаний Проектного офиса департамента образования на 2031 год",
        approver_position="руководитель департамента образования", approver_name="Л.М.Лебедева",
        agreer_position="руководитель Проектного офиса", agreer_name="О.А.Сергеева",
    )
    first = Session.objects.create(plan=plan, number=1, source_number="1.", planned_month=datetime.date(2031, 3, 1))
    second = Session.objects.create(plan=plan, number=2, source_number="2.", planned_month=datetime.date(2031, 11, 1))

    def item(session, order, text, who, parent=None):
        created = AgendaItem.objects.create(plan=plan, session=session, parent=parent, order=order, text=text)
        for position, person_or_group in enumerate(who):
            field = "person" if hasattr(person_or_group, "short_name") else "group"
            Responsibility.objects.create(item=created, order=position, **{field: person_or_group})
        return created

    everyone = [ivanov, petrova, heads, kuznetsov]
    heading = item(first, 0, "Итоги реализации городских сетевых проектов:", everyone)
    item(first, 0, "«Школа — территория здоровья»", everyone, parent=heading)
    item(first, 1, "Цифровая образовательная среда «Шаг вперёд»", everyone, parent=heading)
    item(first, 1, "Разное", everyone)
    item(second, 0, "Подведение итогов года", [petrova])
    content = plan_docx(plan=plan)
    expected = _db_shape(plan, projects=False)  # built by hand: no projects linked

    result = plan_import_file(content=content, filename="plan-2031.docx")

    imported = result.plan
    assert imported.pk != plan.pk and imported.year == 2031
    assert imported.title == "План заседаний Проектного офиса департамента образования на 2031 год"
    assert (imported.approver_name, imported.agreer_name) == ("Л.М.Лебедева", "О.А.Сергеева")
    assert imported.approver_position == "руководитель департамента образования"
    assert _db_shape(imported, projects=False) == expected
    assert expected[0][3][0][2] == ["Иванов И.И.", "Петрова А.Б.", "Руководители городских сетевых проектов",
                                    "Кузнецов К.К."]
    assert AgendaItem.objects.get(plan=imported, text="Разное").needs_preparation is False


def test_seed_round_trip_through_the_importer_recreates_the_same_plan(seed_plan, other_office):
    content = plan_docx(plan=seed_plan)
    expected = _db_shape(seed_plan)

    imported = plan_import_file(content=content, filename="План 2023.docx").plan

    assert imported.pk != seed_plan.pk
    assert _db_shape(imported) == expected
    assert imported.approver_position == (
        "руководитель департамента образования, координатор проектного управления"
    )


# --- A document typed by hand ---------------------------------------------------------------


def _hand_made_docx(*, bad_month: bool = False) -> bytes:
    """The office's layout as a person makes it in Word: signature blocks side by side in a
    borderless table, position over several lines, Word's own bulleted list styles."""
    document = Document()
    layout = document.add_table(rows=1, cols=2)
    left, right = layout.rows[0].cells
    left.paragraphs[0].text = "СОГЛАСОВАНО"
    for line in ("руководитель", "Проектного офиса", "департамента образования", "_________ О.А. Сергеева",
                 "«___» __________ 2024 г."):
        left.add_paragraph(line)
    right.paragraphs[0].text = "«Утверждаю»"
    for line in ("руководитель", "департамента образования,", "координатор", "проектного управления",
                 "______________ Л.М.Лебедева", "«12» января 2024 г."):
        right.add_paragraph(line)
    document.add_paragraph("")
    document.add_paragraph("План").runs[0].bold = True
    document.add_paragraph("заседаний Проектного офиса департамента образования")
    document.add_paragraph("на 2024 год")

    table = document.add_table(rows=1, cols=4)
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, ("№ п/п", "Тема заседаний", "Срок", "Ответственный"), strict=True):
        cell.text = text

    def row(number, topics, due, responsibles):
        cells = table.add_row().cells
        cells[0].text = number
        topic_cell = cells[1]
        for index, (text, style, indent) in enumerate(topics):
            paragraph = topic_cell.paragraphs[0] if index == 0 else topic_cell.add_paragraph()
            paragraph.text = text
            if style:
                paragraph.style = document.styles[style]
            if indent is not None:
                paragraph.paragraph_format.left_indent = indent
        cells[2].text = due
        cells[3].paragraphs[0].text = responsibles[0]
        for text in responsibles[1:]:
            cells[3].add_paragraph(text)

    # A plain heading with «:» and Word bullets under it: the bullets are its sub-topics.
    row("1.", [
        ("Промежуточные итоги реализации городских сетевых проектов:", None, None),
        ("«Школа — территория здоровья»", "List Bullet", None),
        ("Цифровая образовательная среда «Шаг вперёд»", "List Bullet", None),
    ], "Февраль 2024 г.", ["Сергеева О.А."])
    # Word list levels: «List Bullet 2» nests under the «List Bullet» before it.
    row("2.", [
        ("Итоги реализации городского сквозного проекта «Менторство».", "List Bullet", None),
        ("Итоги реализации городских сетевых проектов:", "List Bullet", None),
        ("«Театр ПЛЮС»", "List Bullet 2", None),
        ("Разное", "List Bullet", None),
    ], "Май 2024г." if not bad_month else "Маябрь 2024 г.", ["Иванов И.И., Петрова А.Б.", "Кузнецов К.К."])
    # Typed markers and indents, as people do without list styles; a repeated number.
    row("2.", [
        ("• Отчет о деятельности по реализации городского проекта «Благополучие».", None, Cm(0)),
        ("– первый этап", None, Cm(1)),
        ("– второй этап", None, Cm(1)),
        ("• Разное", None, Cm(0)),
    ], "Декабрь 2024 г.", ["Руководители управленческих портфелей департамента образования", "Сергеева О.А."])
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def test_hand_made_document_reads_header_title_and_rows():
    parsed = parse_plan_docx(_hand_made_docx())

    assert parsed.year == 2024
    assert parsed.title == "План заседаний Проектного офиса департамента образования на 2024 год"
    assert parsed.approver.position == "руководитель департамента образования, координатор проектного управления"
    assert (parsed.approver.name, parsed.approver.display_name) == ("Лебедева Л.М.", "Л.М.Лебедева")
    assert parsed.agreer.position == "руководитель Проектного офиса департамента образования"
    assert (parsed.agreer.name, parsed.agreer.display_name) == ("Сергеева О.А.", "О.А. Сергеева")
    assert [(s.number, s.source_number, s.planned_month) for s in parsed.sessions] == [
        (1, "1.", datetime.date(2024, 2, 1)),
        (2, "2.", datetime.date(2024, 5, 1)),
        (3, "2.", datetime.date(2024, 12, 1)),
    ]
    assert any("строка 4 таблицы" in w and "повторяется" in w for w in parsed.warnings)


def test_hand_made_document_nests_topics_by_heading_list_level_and_marker():
    first, second, third = parse_plan_docx(_hand_made_docx()).sessions

    assert [(i.text, [c.text for c in i.children]) for i in first.items] == [
        ("Промежуточные итоги реализации городских сетевых проектов:",
         ["«Школа — территория здоровья»", "Цифровая образовательная среда «Шаг вперёд»"]),
    ]
    assert [c.project_name for c in first.items[0].children] == [
        "Школа — территория здоровья", "Цифровая образовательная среда «Шаг вперёд»",
    ]
    assert [(i.text, [c.text for c in i.children]) for i in second.items] == [
        ("Итоги реализации городского сквозного проекта «Менторство».", []),
        ("Итоги реализации городских сетевых проектов:", ["«Театр ПЛЮС»"]),
        ("Разное", []),
    ]
    assert second.items[0].project_name == "Менторство"
    assert second.items[2].needs_preparation is False
    assert [(i.text, [c.text for c in i.children]) for i in third.items] == [
        ("Отчет о деятельности по реализации городского проекта «Благополучие».",
         ["первый этап", "второй этап"]),
        ("Разное", []),
    ]


def test_hand_made_document_reads_several_responsibles_per_cell():
    _, second, third = parse_plan_docx(_hand_made_docx()).sessions

    assert [(r.kind, r.name) for r in second.responsibles] == [
        ("person", "Иванов И.И."), ("person", "Петрова А.Б."), ("person", "Кузнецов К.К."),
    ]
    assert [(r.kind, r.name) for r in third.responsibles] == [
        ("group", "Руководители управленческих портфелей департамента образования"),
        ("person", "Сергеева О.А."),
    ]


def test_hand_made_document_imports_through_the_file_importer(db):
    result = plan_import_file(content=_hand_made_docx(), filename="plan-2024.docx")

    plan = result.plan
    assert plan.year == 2024 and plan.sessions.count() == 3
    session = plan.sessions.get(number=2)
    item = AgendaItem.objects.get(session=session, text="«Театр ПЛЮС»")
    assert item.parent.text == "Итоги реализации городских сетевых проектов:"
    assert [r.label for r in item.responsibilities.all()] == ["Иванов И.И.", "Петрова А.Б.", "Кузнецов К.К."]


# --- Errors -----------------------------------------------------------------------------------


def test_bad_month_is_reported_with_its_table_row():
    with pytest.raises(PlanFormatErrors) as caught:
        parse_plan_docx(_hand_made_docx(bad_month=True))

    (error,) = caught.value.errors
    assert error.line == 3
    assert "строка 3 таблицы" in error.message and "Маябрь" in error.message


def test_bad_month_through_the_file_importer_writes_nothing(db):
    with pytest.raises(PlanImportError) as caught:
        plan_import_file(content=_hand_made_docx(bad_month=True), filename="plan.docx")

    assert caught.value.details[0]["line"] == 3
    assert not Plan.objects.exists()


def test_not_a_word_document():
    with pytest.raises(PlanFormatError, match="не является документом Word"):
        parse_plan_docx(b"PK\x03\x04 not really a zip")


def test_document_without_the_plan_table():
    document = Document()
    document.add_paragraph("План заседаний на 2024 год")
    buffer = io.BytesIO()
    document.save(buffer)

    with pytest.raises(PlanFormatError, match="не найдена таблица плана"):
        parse_plan_docx(buffer.getvalue())
