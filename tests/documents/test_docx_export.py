"""The plan as the office's Word document, re-opened with python-docx."""

from __future__ import annotations

import datetime
import io
import zoneinfo

import pytest
import time_machine
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn

from documents.approval_sheet import approval_sheet_docx
from documents.docx_export import plan_docx
from lifecycle.kernel import fire
from workflow.models import AgendaItem

MSK = zoneinfo.ZoneInfo("Europe/Moscow")
TITLE = "План заседаний Проектного офиса департамента образования на 2023 год"
APPROVER_POSITION = "руководитель департамента образования, координатор проектного управления"
AGREER_POSITION = "руководитель Проектного офиса департамента образования"
NETWORK_PROJECTS = [
    "«Внедрение «помогающих зон» в образовательный процесс школ для адресного сопровождения разных целевых "
    "групп учащихся 5-9 классов при освоении учебной программы на своем потенциальном уровне»",
    "Модернизация воспитательной системы школы на основе модели «Центр управления полетами» для "
    "удовлетворения потребностей обучающихся в соответствии с социально-экономическим развитием страны»",
    "Внедрение уровневой модели сценического искусства «Театр ПЛЮС» в образовательный процесс школы как "
    "средство развития ресурсов детей и формирования читательской грамотности",
]


def _open(content: bytes):
    return Document(io.BytesIO(content))


def _preamble(document) -> list[str]:
    """Non-empty body paragraphs before the main table."""
    return [p.text for p in document.paragraphs if p.text.strip()]


def _cell_lines(cell) -> list[str]:
    return [p.text for p in cell.paragraphs if p.text.strip()]


@pytest.fixture
def signed_plan(seed_plan, secretary, office_head, department_head):
    """The seed plan submitted on 16 January, agreed on the 18th and approved on the 20th."""
    steps = (
        ("submit", secretary, datetime.datetime(2023, 1, 16, 10, 0, tzinfo=MSK)),
        ("agree", office_head, datetime.datetime(2023, 1, 18, 11, 0, tzinfo=MSK)),
        ("approve", department_head, datetime.datetime(2023, 1, 20, 23, 30, tzinfo=MSK)),
    )
    for name, by, when in steps:
        with time_machine.travel(when, tick=False):
            fire(obj=seed_plan, name=name, by=by)
    return seed_plan


def test_draft_has_header_blocks_title_and_visible_draft_mark(seed_plan):
    document = _open(plan_docx(plan=seed_plan))

    assert _preamble(document) == [
        "ПРОЕКТ",
        "«Утверждаю»",
        APPROVER_POSITION,
        "_____________ Л.М.Лебедева",
        "«___» ____________ 20__ г.",
        "«Согласовано»",
        AGREER_POSITION,
        "_____________ О.А.Сергеева",
        "«___» ____________ 20__ г.",
        TITLE,
    ]
    mark = document.paragraphs[0]
    assert mark.alignment == WD_ALIGN_PARAGRAPH.CENTER and mark.runs[0].bold
    title = next(p for p in document.paragraphs if p.text == TITLE)
    assert title.alignment == WD_ALIGN_PARAGRAPH.CENTER
    assert all(run.bold for run in title.runs)
    approve_heading = next(p for p in document.paragraphs if p.text == "«Утверждаю»")
    assert approve_heading.paragraph_format.left_indent > 0  # the block stands on the right


def test_table_rows_hold_sessions_nested_topics_months_and_responsibles(seed_plan):
    document = _open(plan_docx(plan=seed_plan))

    assert len(document.tables) == 1
    table = document.tables[0]
    assert [c.text for c in table.rows[0].cells] == ["№ п/п", "Тема заседаний", "Срок", "Ответственный"]
    rows = table.rows[1:]
    assert [r.cells[0].text for r in rows] == ["1.", "2.", "2.", "3.", "4."]
    assert [r.cells[2].text for r in rows] == [
        # The «Срок» column as the source words it (the seed writes «Апрель 2023г.»).
        "Февраль 2023 г.", "Апрель 2023г.", "Июль 2023 г.", "Сентябрь 2023 г.", "Декабрь 2023 г.",
    ]
    first = rows[0].cells[1].paragraphs
    assert [p.text for p in first] == [
        "•\u00a0Промежуточные итоги реализации городских сетевых проектов:",
        *(f"–\u00a0{text}" for text in NETWORK_PROJECTS),
    ]
    heading_indent = first[0].paragraph_format.left_indent
    assert all(p.paragraph_format.left_indent > heading_indent for p in first[1:])
    assert _cell_lines(rows[1].cells[1]) == [
        "•\u00a0Подготовка предложений по проведению секций окружной Августовской конференции 2023 по "
        "диссеминации передовых управленческих практик МОУ по итогам реализации управленческих проектов.",
        "•\u00a0Разное",
    ]
    fourth = _cell_lines(rows[3].cells[1])
    assert fourth[1] == "•\u00a0Итоги реализации городских сетевых проектов:"
    assert fourth[2:] == [f"–\u00a0{text}" for text in NETWORK_PROJECTS]
    assert [_cell_lines(r.cells[3]) for r in rows] == [
        ["Сергеева О.А."]] * 4 + [["Руководители управленческих портфелей департамента образования", "Сергеева О.А."]]


def test_every_run_is_times_new_roman_for_cyrillic_too(seed_plan):
    document = _open(plan_docx(plan=seed_plan))

    fonts = document.styles["Normal"].element.rPr.find(qn("w:rFonts"))
    assert {fonts.get(qn(a)) for a in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs")} == {"Times New Roman"}
    runs = [run for p in document.paragraphs for run in p.runs]
    runs += [run for cell in document.tables[0]._cells for p in cell.paragraphs for run in p.runs]
    assert runs
    for run in runs:
        assert run._r.rPr.rFonts.get(qn("w:eastAsia")) == "Times New Roman"
        assert run._r.rPr.rFonts.get(qn("w:cs")) == "Times New Roman"


def test_approved_plan_carries_decision_dates_and_no_draft_mark(signed_plan):
    document = _open(plan_docx(plan=signed_plan))

    preamble = _preamble(document)
    assert "ПРОЕКТ" not in preamble
    assert preamble[:8] == [
        "«Утверждаю»",
        APPROVER_POSITION,
        "_____________ Л.М.Лебедева",
        "«20» января 2023 г.",  # 23:30 in Moscow: the local date, not UTC's
        "«Согласовано»",
        AGREER_POSITION,
        "_____________ О.А.Сергеева",
        "«18» января 2023 г.",
    ]
    assert len(document.tables[0].rows) == 6


def test_agreed_plan_shows_the_agreement_date_only(seed_plan, secretary, office_head):
    with time_machine.travel(datetime.datetime(2023, 1, 18, 12, 0, tzinfo=MSK), tick=False):
        fire(obj=seed_plan, name="submit", by=secretary)
        fire(obj=seed_plan, name="agree", by=office_head)

    preamble = _preamble(_open(plan_docx(plan=seed_plan)))

    assert preamble[0] == "ПРОЕКТ"
    assert preamble[4] == "«___» ____________ 20__ г."
    assert preamble[8] == "«18» января 2023 г."


def test_returned_plan_loses_its_agreement_date(seed_plan, secretary, office_head, department_head):
    fire(obj=seed_plan, name="submit", by=secretary)
    fire(obj=seed_plan, name="agree", by=office_head)
    fire(obj=seed_plan, name="return", by=department_head, comment="Уточнить сроки")

    preamble = _preamble(_open(plan_docx(plan=seed_plan)))

    assert preamble[0] == "ПРОЕКТ"
    assert preamble.count("«___» ____________ 20__ г.") == 2


def test_amendment_not_yet_approved_stays_out_of_the_approved_document(signed_plan):
    session = signed_plan.sessions.get(number=1)
    AgendaItem.objects.create(plan=signed_plan, session=session, order=9, text="Новая тема на согласовании")
    AgendaItem.objects.filter(text="Новая тема на согласовании").update(is_amendment=True)

    document = _open(plan_docx(plan=signed_plan))

    assert "Новая тема на согласовании" not in document.tables[0].rows[1].cells[1].text


def test_approval_sheet_lists_every_decision(signed_plan, secretary, office_head, department_head):
    document = _open(approval_sheet_docx(plan=signed_plan))

    assert document.paragraphs[0].text == "Лист согласования"
    assert document.paragraphs[1].text == TITLE
    table = document.tables[0]
    assert [c.text for c in table.rows[0].cells] == [
        "№", "Должность", "ФИО", "Решение", "Дата", "Комментарий", "Подпись"
    ]
    assert [[c.text for c in row.cells] for row in table.rows[1:]] == [
        ["1", secretary.position, "Иванова Ирина Ивановна", "Направлено на согласование", "16.01.2023", "", ""],
        ["2", office_head.position, "Сергеева Ольга Александровна", "Согласовано", "18.01.2023", "", ""],
        ["3", department_head.position, "Лебедева Людмила Михайловна", "Утверждено", "20.01.2023", "", ""],
    ]


def test_approval_sheet_keeps_return_comments(seed_plan, secretary, office_head):
    fire(obj=seed_plan, name="submit", by=secretary)
    fire(obj=seed_plan, name="return", by=office_head, comment="Добавить отчёт РЦ")

    rows = _open(approval_sheet_docx(plan=seed_plan)).tables[0].rows

    assert rows[2].cells[3].text == "Возвращено на доработку"
    assert rows[2].cells[5].text == "Добавить отчёт РЦ"


# --- GET /api/plans/{id}/export/ and /approval-sheet/ ---------------------------------------

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _client(user=None):
    from rest_framework.test import APIClient

    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def test_export_api_downloads_the_docx(approved_plan, responsible):
    response = _client(responsible).get(f"/api/plans/{approved_plan.pk}/export/?format=docx")

    assert response.status_code == 200
    assert response["Content-Type"] == DOCX_TYPE
    assert "attachment" in response["Content-Disposition"] and ".docx" in response["Content-Disposition"]
    document = _open(response.content)
    assert TITLE in _preamble(document)
    assert len(document.tables[0].rows) == 6


def test_export_api_defaults_to_docx_and_accepts_a_file_accept_header(seed_plan, secretary):
    response = _client(secretary).get(f"/api/plans/{seed_plan.pk}/export/", HTTP_ACCEPT=DOCX_TYPE)

    assert response.status_code == 200
    assert _preamble(_open(response.content))[0] == "ПРОЕКТ"


def test_approval_sheet_api(approved_plan, office_head):
    response = _client(office_head).get(f"/api/plans/{approved_plan.pk}/approval-sheet/?format=docx")

    assert response.status_code == 200
    assert response["Content-Type"] == DOCX_TYPE
    assert len(_open(response.content).tables[0].rows) == 4


def test_export_api_unknown_format(seed_plan, secretary):
    response = _client(secretary).get(f"/api/plans/{seed_plan.pk}/export/?format=odt")

    assert response.status_code == 400
    assert response.json()["code"] == "invalid_format"


@pytest.mark.parametrize("path", ["export", "approval-sheet"])
def test_export_api_follows_plan_visibility(seed_plan, responsible, outsider, path):
    url = f"/api/plans/{seed_plan.pk}/{path}/"

    assert _client().get(url).status_code == 401
    assert _client(outsider).get(url).status_code == 403
    assert _client(responsible).get(url).status_code == 404  # a draft is not theirs to see
