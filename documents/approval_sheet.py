"""The approval sheet (лист согласования) as the office signs it: what was decided
(«Согласовано», «Утверждено», «Возвращено на доработку»), when, by whom (position and name),
the comment, and a column for the signature. One reading for the page, the .docx and the PDF:
the rows come from ``workflow.selectors.plan_approval_sheet``."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Cm, Pt

from approvals.models import Decision, TransitionName
from workflow.models import Plan
from workflow.selectors import plan_approval_sheet

from .docx_export import (
    _cell_text,
    _fix_widths,
    _in_office_language,
    _mark_header_row,
    _new_document,
    _paragraph,
    _signatory,
    _to_bytes,
    date_words,
    plan_title,
)

# What a decision decided, as the sheet writes it (not the button's name).
DECISION_RESULTS = {
    TransitionName.SUBMIT: _("Направлено на согласование"),
    TransitionName.AGREE: _("Согласовано"),
    TransitionName.APPROVE: _("Утверждено"),
    TransitionName.RETURN: _("Возвращено на доработку"),
    TransitionName.ARCHIVE: _("Перенесено в архив"),
}

APPROVAL_SHEET_HEADER = ("№", "Должность", "ФИО", "Решение", "Дата", "Комментарий", "Подпись")
# Landscape A4 with 2.5 cm / 1.5 cm side margins: 25.7 cm of text.
APPROVAL_SHEET_WIDTHS = (Cm(1.0), Cm(5.7), Cm(4.5), Cm(3.8), Cm(2.4), Cm(5.3), Cm(3.0))


def decision_result(decision: Decision) -> str:
    """«Согласовано», «Утверждено», «Возвращено на доработку», … for ``decision``."""
    result = DECISION_RESULTS.get(decision.transition)
    return str(result) if result else str(decision.get_transition_display())


def decision_date(decision: Decision) -> str:
    return timezone.localtime(decision.created_at).strftime("%d.%m.%Y")


def signatures(plan: Plan) -> dict[str, dict]:
    """The «Утверждаю» and «Согласовано» blocks as the .docx writes them: position, name and
    the date of the decision in force (None until then), by transition name."""
    blocks = {}
    for name in (TransitionName.APPROVE, TransitionName.AGREE):
        position, person, decision = _signatory(plan, name)
        blocks[str(name)] = {"position": position, "name": person,
                             "date": date_words(decision.created_at) if decision else None}
    return blocks


def _decision_rows(decisions) -> list[list[str]]:
    return [
        [str(index), decision.actor_position, decision.actor_name, decision_result(decision), decision_date(decision),
         decision.comment, ""]
        for index, decision in enumerate(decisions, start=1)
    ]


def _decisions_table(document, rows: list[list[str]]) -> None:
    table = document.add_table(rows=1, cols=len(APPROVAL_SHEET_HEADER))
    table.style = document.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    _mark_header_row(table.rows[0])
    for cell, text in zip(table.rows[0].cells, APPROVAL_SHEET_HEADER, strict=True):
        _cell_text(cell, [text], bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    for values in rows:
        cells = table.add_row().cells
        for cell, value in zip(cells, values, strict=True):
            _cell_text(cell, value.splitlines() or [""])
    _fix_widths(table, APPROVAL_SHEET_WIDTHS)


@_in_office_language
def approval_sheet_docx(*, plan: Plan) -> bytes:
    """Лист согласования: every decision on the plan, then those on each of its amendments."""
    document = _new_document(landscape=True)
    document.core_properties.title = f"Лист согласования: {plan_title(plan)}"
    _paragraph(document, "Лист согласования", bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, size=Pt(14))
    _paragraph(document, plan_title(plan), align=WD_ALIGN_PARAGRAPH.CENTER)
    _paragraph(document, f"Состояние: {plan.state_display}", align=WD_ALIGN_PARAGRAPH.CENTER)
    _paragraph(document)
    rows = plan_approval_sheet(plan=plan, user=None)
    decisions = [row for row in rows if row.item is None]
    if decisions:
        _decisions_table(document, _decision_rows(decisions))
    else:
        _paragraph(document, "Решений по плану пока нет.")
    amendments: dict[int, list[Decision]] = {}
    for row in rows:
        if row.item is not None:
            amendments.setdefault(row.item.pk, []).append(row)
    for item_rows in sorted(amendments.values(), key=lambda r: (r[0].item.session_id, r[0].item.order, r[0].item.pk)):
        item = item_rows[0].item
        _paragraph(document)
        _paragraph(document, f"Изменение к плану (заседание № {item.session.number}): {item.text}", bold=True)
        _decisions_table(document, _decision_rows(item_rows))
    return _to_bytes(document)
