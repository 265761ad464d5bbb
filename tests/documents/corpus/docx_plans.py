"""The .docx plans of the corpus, built the way people type them in Word (python-docx).

Each function returns the file's bytes; ``DOCX_PLANS`` names them as the corpus does. The layouts:
approval blocks in a borderless two-column table or in paragraphs, signature and date lines,
vertically and horizontally merged cells, Word bullet styles and numbering levels, HTML-looking
text pasted from the text export, extra columns.
"""

from __future__ import annotations

import io

from docx import Document
from docx.oxml import OxmlElement
from docx.oxml.ns import qn

HEADER = ("№ п/п", "Тема заседаний", "Срок", "Ответственный")


def _bytes(document) -> bytes:
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _borderless(table) -> None:
    borders = OxmlElement("w:tblBorders")
    for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
        element = OxmlElement(f"w:{side}")
        element.set(qn("w:val"), "nil")
        borders.append(element)
    table._tbl.tblPr.append(borders)


def _set(cell, *lines: str, style: str | None = None) -> None:
    cell.paragraphs[0].text = lines[0]
    if style:
        cell.paragraphs[0].style = style
    for line in lines[1:]:
        cell.add_paragraph(line, style=style)


def _numbered(cell, entries: list[tuple[int, str]]) -> None:
    """Paragraphs of a Word numbered list: (level, text), the level in w:numPr/w:ilvl."""
    for index, (level, text) in enumerate(entries):
        paragraph = cell.paragraphs[0] if index == 0 else cell.add_paragraph()
        paragraph.text = text
        num_pr = paragraph._p.get_or_add_pPr().get_or_add_numPr()
        num_pr.get_or_add_ilvl().val = level
        num_pr.get_or_add_numId().val = 1


def _main_table(document, header=HEADER):
    table = document.add_table(rows=1, cols=len(header))
    table.style = document.styles["Table Grid"]
    for cell, text in zip(table.rows[0].cells, header, strict=True):
        cell.text = text
    return table


def plan_2029_table_blocks() -> bytes:
    """Blocks side by side in a borderless table (a block's lines in rows), signature and date
    lines, a first deputy approving, List Bullet / List Bullet 2 topics, a vertically merged
    «Ответственный» spanning two sessions, quarters and a lower-case month without the year."""
    document = Document()
    layout = document.add_table(rows=4, cols=2)
    _borderless(layout)
    rows = [
        ("СОГЛАСОВАНО", "УТВЕРЖДАЮ"),
        ("Руководитель Проектного офиса департамента образования",
         "Первый заместитель руководителя департамента образования"),
        ("_________ О.А. Сергеева", "_________ Н.В. Орлова"),
        ("«___» ________ 2029 г.", "«___» ________ 2029 г."),
    ]
    for row, (left, right) in zip(layout.rows, rows, strict=True):
        row.cells[0].text, row.cells[1].text = left, right
    document.add_paragraph("ПЛАН")
    document.add_paragraph("заседаний Проектного офиса департамента образования на 2029 год")
    table = _main_table(document)
    first, second, third = (table.add_row().cells for _ in range(3))
    first[0].text, first[2].text = "1.", "I квартал"
    _set(first[1], "Итоги реализации городских сетевых проектов:", style="List Bullet")
    first[1].add_paragraph("«Цифровая школа»", style="List Bullet 2")
    first[1].add_paragraph("«Школа здоровья»", style="List Bullet 2")
    second[0].text, second[2].text = "2.", "II квартал 2029 г."
    _set(second[1], "Отчёт о наставничестве", "Разное", style="List Bullet")
    merged = first[3].merge(second[3])
    _set(merged, "Сергеева О.А.")
    third[0].text, third[2].text = "3.", "декабрь"
    _set(third[1], "Итоги года")
    _set(third[3], "начальник отдела общего образования Кузнецов П.Н.")
    return _bytes(document)


def plan_2030_paragraph_blocks() -> bytes:
    """Blocks as paragraphs with signature and date lines, an acting approver, Word numbering
    levels for nesting, a full-width merged row («I полугодие»), an extra column, a «1.1» row,
    a range «март - май» and «в течение года»."""
    document = Document()
    for line in ("«Утверждаю»", "И.о. руководителя департамента образования", "____________ П.Р. Громов",
                 "«___» ____________ 2030 г.", "", "«Согласовано»", "руководитель Проектного офиса",
                 "____________ О.А. Сергеева", "«___» ____________ 2030 г.", "",
                 "План заседаний Проектного офиса департамента образования на 2030 год"):
        document.add_paragraph(line)
    table = _main_table(document, (*HEADER, "Отметка о выполнении"))
    half = table.add_row().cells
    spanning = half[0].merge(half[4])
    spanning.text = "I полугодие"
    row = table.add_row().cells
    row[0].text, row[2].text, row[3].text = "1.", "март - май", "Сергеева О.А."
    _numbered(row[1], [(0, "Итоги реализации управленческих проектов:"), (1, "проекты школ"),
                       (1, "проекты детских садов"), (0, "Разное")])
    sub = table.add_row().cells
    sub[0].text, sub[1].text, sub[2].text, sub[3].text, sub[4].text = (
        "1.1", "Обсуждение планов на 2031 год", "май", "Сергеева О.А.", "выполнено")
    last = table.add_row().cells
    last[0].text, last[2].text = "2.", "в течение года"
    _numbered(last[1], [(0, "Мониторинг городских проектов")])
    _set(last[3], "Руководители управленческих портфелей департамента образования", "Сергеева О.А.")
    return _bytes(document)


def plan_2031_html() -> bytes:
    """Topics as the text export's HTML pasted into Word, an acting agreer, a vertically merged
    «Срок» («III квартал») of two sessions, a «Примечание» column with text, a range with the year."""
    document = Document()
    layout = document.add_table(rows=1, cols=2)
    _borderless(layout)
    _set(layout.rows[0].cells[0], "«Согласовано»", "И.о. руководителя Проектного офиса", "Е.В.Смирнова")
    _set(layout.rows[0].cells[1], "«Утверждаю»", "руководитель департамента образования", "Л.М.Лебедева")
    document.add_paragraph("**План заседаний Проектного офиса департамента образования на 2031 год**")
    table = _main_table(document, (*HEADER, "Примечание"))
    first, second, third = (table.add_row().cells for _ in range(3))
    first[0].text, first[3].text, first[4].text = "1.", "Смирнова Е.В.", "по согласованию"
    first[1].text = "<p>Итоги реализации городских сетевых проектов:</p><ul><li>«Цифровая школа»</li></ul>"
    second[0].text, second[3].text = "2.", "Орлов Д.С."
    second[1].text = "<ul><li>Отчёт по проекту «Наставничество»</li><li>Разное</li></ul>"
    merged = first[2].merge(second[2])
    _set(merged, "III квартал")
    third[0].text, third[2].text, third[3].text = "3.", "сентябрь–октябрь 2031 г.", "Смирнова Е.В."
    third[1].text = "<ul>• Итоги года• Планирование на 2032 год</ul>"
    return _bytes(document)


def plan_2032_numbering() -> bytes:
    """Repeated and skipped numbers (1, 1, 3), «ежеквартально», lower-case months, a full name,
    a group and a person in two paragraphs of one cell, a position before a name."""
    document = Document()
    for line in ("Утверждаю", "руководитель департамента образования", "Л.М.Лебедева", "Согласовано",
                 "руководитель Проектного офиса", "О.А.Сергеева", "План заседаний на 2032 год"):
        document.add_paragraph(line)
    table = _main_table(document)
    for number, topic, due, who in (
        ("1.", "Итоги 2031 года", "февраль", ("Сергеева Ольга Александровна",)),
        ("1.", "Мониторинг проектов", "ежеквартально", ("Руководители городских проектов", "Сергеева О.А.")),
        ("3.", "Итоги года", "ноябрь 2032 г.", ("главный специалист отдела Лукина М.С.",)),
    ):
        cells = table.add_row().cells
        cells[0].text, cells[1].text, cells[2].text = number, topic, due
        _set(cells[3], *who)
    return _bytes(document)


def plan_docx_broken(problem: str) -> bytes:
    """A .docx plan with one problem (see ``MALFORMED_DOCX`` in the corpus tests)."""
    document = Document()
    for line in ("Утверждаю", "руководитель департамента образования", "Л.М.Лебедева",
                 "План заседаний на 2029 год"):
        document.add_paragraph(line)
    header = ("Тема заседаний", "Срок", "Ответственный", "Примечание") if problem == "no_number_column" else HEADER
    table = _main_table(document, header)
    good = table.add_row().cells
    good[0].text, good[1].text, good[2].text, good[3].text = "1.", "Итоги", "I квартал", "Сергеева О.А."
    bad = table.add_row().cells
    values = {"period": ("2.", "Тема", "когда-нибудь", "Сергеева О.А."),
              "responsible": ("2.", "Тема", "май", ""),
              "sub_row": ("3.1", "Тема", "май", "Сергеева О.А."),
              "no_number_column": ("2.", "Тема", "май", "")}[problem]
    for cell, value in zip(bad, values, strict=True):
        cell.text = value
    return _bytes(document)


DOCX_PLANS = {
    "plan-2029-table-blocks.docx": plan_2029_table_blocks,
    "plan-2030-paragraph-blocks.docx": plan_2030_paragraph_blocks,
    "plan-2031-html.docx": plan_2031_html,
    "plan-2032-numbering.docx": plan_2032_numbering,
}
