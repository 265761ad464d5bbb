"""The meetings' documents in the office's layout: the protocol, the agenda, the assignments'
execution status (.docx; PDF is LibreOffice's conversion, ``documents.pdf``), and the session's
materials pack (ZIP).

Like the plan's documents (``documents.docx_export``, whose formatting helpers these share), a
document is always in the office's language, Russian: its literals are not translated.
"""

from __future__ import annotations

import io
import os
import zipfile

from django.utils import timezone
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Cm
from openpyxl import Workbook
from openpyxl.styles import Font

from approvals.models import ApprovalState, Decision, TransitionName
from documents.docx_export import _cell_text as cell_text
from documents.docx_export import _in_office_language as in_office_language
from documents.docx_export import _new_document as new_document
from documents.docx_export import _paragraph as paragraph
from documents.docx_export import _to_bytes as to_bytes
from documents.docx_export import date_words, display_name
from tasks.models import PreparationTask
from workflow.models import Session

from . import selectors
from .models import Protocol

SIGNATURE_LINE = "_____________"
OFFICE = "Проектного офиса департамента образования"
CONTROL_TITLE = "О ходе исполнения поручений"


def _date(value) -> str:
    return f"{value:%d.%m.%Y}" if value else ""


def _signature(document, role: str, name: str) -> None:
    row = paragraph(document, f"{role}{' ' * 8}{SIGNATURE_LINE} {display_name(name) if name else ''}")
    row.paragraph_format.space_before = Cm(0.6)


@in_office_language
def protocol_docx(*, protocol: Protocol) -> bytes:
    """«ПРОТОКОЛ заседания Проектного офиса … № N от …»: attendees, then per question «СЛУШАЛИ»
    and «РЕШИЛИ» with its assignments, then the chair's and the secretary's signature lines."""
    document = new_document()
    if protocol.state not in (ApprovalState.APPROVED, ApprovalState.ARCHIVED):
        paragraph(document, "ПРОЕКТ", bold=True, align=WD_ALIGN_PARAGRAPH.RIGHT)
    paragraph(document, "ПРОТОКОЛ", bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    paragraph(document, f"заседания {OFFICE}", bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    paragraph(document, f"№ {protocol.number} от {_date(protocol.held_on)}", bold=True,
              align=WD_ALIGN_PARAGRAPH.CENTER)
    if protocol.place:
        paragraph(document, f"Место проведения: {protocol.place}")
    paragraph(document, "")
    paragraph(document, f"Председатель: {display_name(protocol.chair_name)}")
    paragraph(document, f"Секретарь: {display_name(protocol.secretary_name)}")
    attendees = list(protocol.attendees.select_related("person"))
    present = [str(a.person) for a in attendees if a.present]
    absent = [str(a.person) for a in attendees if not a.present]
    paragraph(document, "Присутствовали:", bold=True)
    for name in present:
        paragraph(document, name, left_indent=Cm(0.5))
    if absent:
        paragraph(document, "Отсутствовали:", bold=True)
        for name in absent:
            paragraph(document, name, left_indent=Cm(0.5))
    if protocol.guest_list:
        paragraph(document, "Приглашённые:", bold=True)
        for name in protocol.guest_list:
            paragraph(document, name, left_indent=Cm(0.5))
    for number, entry in enumerate(protocol.entries.prefetch_related("assignments__assignees",
                                                                      "assignments__groups",
                                                                      "assignments__control_person"), start=1):
        paragraph(document, "")
        paragraph(document, f"{number}. {entry.title}", bold=True)
        paragraph(document, "СЛУШАЛИ:", bold=True)
        paragraph(document, entry.heard or "—", left_indent=Cm(0.5))
        paragraph(document, "РЕШИЛИ:", bold=True)
        paragraph(document, entry.decided or "—", left_indent=Cm(0.5))
        for index, assignment in enumerate(entry.assignments.all(), start=1):
            who = ", ".join([str(p) for p in assignment.assignees.all()] + [g.name for g in assignment.groups.all()])
            line = f"{number}.{index}. {assignment.text} Ответственные: {who}. Срок: {_date(assignment.due_date)}."
            if assignment.control_person_id:
                line += f" Контроль: {assignment.control_person}."
            paragraph(document, line, left_indent=Cm(0.5))
    paragraph(document, "")
    _signature(document, "Председатель", protocol.chair_name)
    _signature(document, "Секретарь", protocol.secretary_name)
    approval = Decision.objects.for_object(protocol).filter(transition=TransitionName.APPROVE).last()
    if approval is not None and protocol.state == ApprovalState.APPROVED:
        paragraph(document, f"Утверждён {date_words(approval.created_at)}, {approval.actor_name}")
    return to_bytes(document)


def agenda_rows(*, session: Session) -> list[dict]:
    """The agenda as the page and the document list it: number, question, responsible persons."""
    rows, number = [], 0
    for item in selectors.agenda_items(session=session):
        prefix = ""
        if item.depth == 0:
            number += 1
            prefix = f"{number}. "
        rows.append({"number": prefix, "text": item.text, "depth": item.depth,
                     "responsible": item.responsible_label})
    return rows


@in_office_language
def agenda_docx(*, session: Session) -> bytes:
    """«ПОВЕСТКА заседания …»: date, time, place, the questions with their speakers, and the
    control of earlier assignments due by the session."""
    document = new_document()
    paragraph(document, "ПОВЕСТКА", bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    paragraph(document, f"заседания {OFFICE} № {session.number}", bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    when = timezone.localtime(session.starts_at) if session.starts_at else None
    paragraph(document, f"Дата: {_date(when.date() if when else session.expected_date)}"
              + (f", время: {when:%H:%M}" if when else ""))
    if session.place:
        paragraph(document, f"Место: {session.place}")
    paragraph(document, "")
    rows = agenda_rows(session=session)
    control = selectors.assignments_for_control(session=session)
    table = document.add_table(rows=1, cols=3)
    table.style = "Table Grid"
    for cell, title in zip(table.rows[0].cells, ("№", "Вопрос", "Ответственные / докладчики"), strict=True):
        cell_text(cell, [title], bold=True)
    for row in rows:
        cells = table.add_row().cells
        cell_text(cells[0], [row["number"]])
        cell_text(cells[1], [("– " if row["depth"] else "") + row["text"]])
        cell_text(cells[2], [row["responsible"]])
    if control:
        cells = table.add_row().cells
        cell_text(cells[0], [f"{sum(1 for r in rows if r['depth'] == 0) + 1}."])
        cell_text(cells[1], [CONTROL_TITLE] + [_control_line(task) for task in control])
        cell_text(cells[2], ["Руководитель Проектного офиса"])
    return to_bytes(document)


def _control_line(task: PreparationTask) -> str:
    return (f"– {task.title} ({task.assignee}, срок {_date(task.due_date)}): {task.state_display}; "
            f"протокол № {task.assignment.protocol.number} от {_date(task.assignment.protocol.held_on)}")


@in_office_language
def status_docx(*, rows: list[selectors.StatusRow], title: str) -> bytes:
    """The execution status of assignments as a table."""
    document = new_document(landscape=True)
    paragraph(document, title, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    paragraph(document, f"по состоянию на {_date(timezone.localdate())}", align=WD_ALIGN_PARAGRAPH.CENTER)
    table = document.add_table(rows=1, cols=6)
    table.style = "Table Grid"
    header = ("Протокол", "Поручение", "Исполнитель", "Срок", "Состояние", "Контроль")
    for cell, text in zip(table.rows[0].cells, header, strict=True):
        cell_text(cell, [text], bold=True)
    for row in rows:
        cells = table.add_row().cells
        state = row.task.state_display + (" (просрочено)" if row.overdue else "")
        values = (f"№ {row.protocol.number} от {_date(row.protocol.held_on)}", row.task.title, str(row.task.assignee),
                  _date(row.task.due_date), state, str(row.task.controller or ""))
        for cell, value in zip(cells, values, strict=True):
            cell_text(cell, [value])
    return to_bytes(document)


STATUS_HEADER = ("Протокол", "Поручение", "Исполнитель", "Срок", "Состояние", "Просрочено", "Контроль")


@in_office_language
def status_xlsx(*, rows: list[selectors.StatusRow]) -> bytes:
    """The execution status as a spreadsheet: one row a task, dates as dates, a filter on the header."""
    book = Workbook()
    sheet = book.active
    sheet.title = "Исполнение поручений"
    sheet.append(STATUS_HEADER)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append([f"№ {row.protocol.number} от {_date(row.protocol.held_on)}", row.task.title,
                      str(row.task.assignee), row.task.due_date, row.task.state_display,
                      "да" if row.overdue else "", str(row.task.controller or "")])
        sheet.cell(row=sheet.max_row, column=4).number_format = "DD.MM.YYYY"
    sheet.auto_filter.ref = sheet.dimensions
    for column, width in zip("ABCDEFG", (22, 60, 24, 12, 16, 12, 24), strict=True):
        sheet.column_dimensions[column].width = width
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _safe(text: str, limit: int = 60) -> str:
    cleaned = "".join(ch if ch.isalnum() or ch in " .,-_()«»" else " " for ch in text)
    return " ".join(cleaned.split())[:limit].strip() or "—"


def materials_zip(*, session: Session) -> tuple[bytes, int]:
    """Every accepted preparation result of the session in one ZIP, each named by its item and
    author («01 Тема — Иванов И.И.docx»); a text result is a .txt. Returns (bytes, file count)."""
    buffer, count = io.BytesIO(), 0
    numbers = {item.pk: index for index, item in enumerate(selectors.agenda_items(session=session), start=1)}
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        used: set[str] = set()
        for task in selectors.session_materials(session=session):
            stem = f"{numbers.get(task.item_id, 0):02d} {_safe(task.item.text)} — {_safe(str(task.assignee), 40)}"
            if task.result_file:
                try:
                    with task.result_file.open("rb") as handle:
                        content = handle.read()
                except OSError:
                    continue
                extension = os.path.splitext(task.result_file.name)[1].lower()
            elif task.result_text.strip():
                content, extension = task.result_text.encode("utf-8"), ".txt"
            else:
                continue
            name, suffix = f"{stem}{extension}", 2
            while name in used:
                name, suffix = f"{stem} ({suffix}){extension}", suffix + 1
            used.add(name)
            archive.writestr(name, content)
            count += 1
    return buffer.getvalue(), count
