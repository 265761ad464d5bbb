"""The plan as the office's own Word document (its approval sheet: ``documents.approval_sheet``).

Layout (``documents.docx_import`` reads the same layout back):

- a draft (any plan not yet approved) starts with a visible «ПРОЕКТ» mark;
- «Утверждаю» and «Согласовано» blocks at the top right: heading, position, a signature line
  «_____________ Л.М.Лебедева» and the date of the approve / agree decision (blank
  «"___" ____________ 20__ г.» until that decision is in force);
- the bold centred title;
- the table «№ п/п | Тема заседаний | Срок | Ответственный», one row per session. Topics are
  paragraphs prefixed «•» (indented 0.5 cm); sub-topics are prefixed «–» and indented 1.25 cm.
  The «Ответственный» cell lists, one per paragraph, the union of the session's items'
  responsible persons and groups, in order.

Every run is Times New Roman, with the East Asian and complex-script fonts set as well, so
Word and LibreOffice render the Cyrillic text in the same face.

Language: a document is always in the office's language, Russian (``settings.LANGUAGE_CODE``),
whatever language the person who downloads it chose for the pages: it is signed, filed and
read back by ``documents.docx_import``. Its literals are therefore not marked for translation,
and the public builders below render under ``translation.override(settings.LANGUAGE_CODE)``
so state and transition labels are Russian too.
"""

from __future__ import annotations

import functools
import io

from django.conf import settings
from django.utils import timezone, translation
from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

from accounts.models import SHORT_NAME_SURNAME_FIRST
from approvals.models import ApprovalState, Decision, TransitionName
from workflow.models import AgendaItem, Plan, Session
from workflow.months import MONTHS_GENITIVE

FONT_NAME = "Times New Roman"
FONT_SIZE = Pt(12)
BULLET = "•"
SUB_BULLET = "–"
TOPIC_INDENT = Cm(0.5)
SUB_TOPIC_INDENT = Cm(1.25)
BULLET_HANGING = Cm(0.5)
DRAFT_MARK = "ПРОЕКТ"
BLANK_DATE = "«___» ____________ 20__ г."
SIGNATURE_LINE = "_____________"
TABLE_HEADER = ("№ п/п", "Тема заседаний", "Срок", "Ответственный")
# Column widths for A4 portrait with 2.5 cm / 1.5 cm side margins (17 cm of text).
COLUMN_WIDTHS = (Cm(1.4), Cm(8.6), Cm(3.2), Cm(3.8))
BLOCK_INDENT = Cm(9.5)

_SIGNED_STATES = {
    TransitionName.AGREE: (ApprovalState.AGREED, ApprovalState.APPROVED, ApprovalState.ARCHIVED),
    TransitionName.APPROVE: (ApprovalState.APPROVED, ApprovalState.ARCHIVED),
}


def _in_office_language(builder):
    """Run a document builder in the office's language (see the module docstring)."""

    @functools.wraps(builder)
    def wrapper(*args, **kwargs):
        with translation.override(settings.LANGUAGE_CODE):
            return builder(*args, **kwargs)

    return wrapper


# --- Formatting helpers ------------------------------------------------------------------


def _set_run_fonts(rpr_parent, name: str = FONT_NAME) -> None:
    """Set ascii, hAnsi, eastAsia and cs fonts: without cs/eastAsia Cyrillic may fall back."""
    rpr = rpr_parent.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = rpr.makeelement(qn("w:rFonts"), {})
        rpr.insert(0, fonts)
    for attribute in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attribute), name)


def _new_document(*, landscape: bool = False) -> Document:
    document = Document()
    normal = document.styles["Normal"]
    normal.font.name = FONT_NAME
    normal.font.size = FONT_SIZE
    _set_run_fonts(normal.element)
    normal.paragraph_format.space_after = Pt(0)
    normal.paragraph_format.space_before = Pt(0)
    document.core_properties.language = "ru-RU"
    section = document.sections[0]
    section.page_height, section.page_width = Cm(29.7), Cm(21.0)
    if landscape:
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = section.page_height, section.page_width
    section.left_margin = Cm(2.5)
    section.right_margin = Cm(1.5)
    section.top_margin = Cm(2.0)
    section.bottom_margin = Cm(2.0)
    return document


def _add_run(paragraph, text: str, *, bold: bool = False, size=None, color=None):
    run = paragraph.add_run(text)
    run.bold = bold or None
    run.font.name = FONT_NAME
    _set_run_fonts(run._r)
    if size is not None:
        run.font.size = size
    if color is not None:
        run.font.color.rgb = color
    return run


def _paragraph(container, text: str = "", *, bold: bool = False, align=None, left_indent=None,
               first_line_indent=None, size=None, color=None):
    paragraph = container.add_paragraph()
    if text:
        _add_run(paragraph, text, bold=bold, size=size, color=color)
    if align is not None:
        paragraph.alignment = align
    if left_indent is not None:
        paragraph.paragraph_format.left_indent = left_indent
    if first_line_indent is not None:
        paragraph.paragraph_format.first_line_indent = first_line_indent
    return paragraph


def _cell_text(cell, lines: list[str], *, bold: bool = False, align=None) -> None:
    """Fill a table cell with one paragraph per line (the cell's own first paragraph first)."""
    first = cell.paragraphs[0]
    for index, line in enumerate(lines or [""]):
        paragraph = first if index == 0 else cell.add_paragraph()
        if line:
            _add_run(paragraph, line, bold=bold)
        if align is not None:
            paragraph.alignment = align


def _to_bytes(document) -> bytes:
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


# --- What the document says ----------------------------------------------------------------


def display_name(name: str) -> str:
    """«Лебедева Л.М.» -> «Л.М.Лебедева», as signatures are written; other forms unchanged."""
    name = " ".join(name.split())
    match = SHORT_NAME_SURNAME_FIRST.fullmatch(name)
    if not match:
        return name
    return f"{match['initials'].replace(' ', '')}{match['surname']}"


def date_words(value) -> str:
    """A decision's date as the office writes it: «15» февраля 2023 г."""
    local = timezone.localtime(value).date()
    return f"«{local.day:02d}» {MONTHS_GENITIVE[local.month - 1]} {local.year} г."


def _signing_decision(plan: Plan, name: str) -> Decision | None:
    """The decision behind a signature, if the plan's state still rests on it."""
    if plan.state not in _SIGNED_STATES[name]:
        return None
    return Decision.objects.for_object(plan).filter(transition=name).order_by("-created_at", "-id").first()


def _signatory(plan: Plan, name: str) -> tuple[str, str, Decision | None]:
    """(position, signature name, decision) for the «Утверждаю» or «Согласовано» block."""
    decision = _signing_decision(plan, name)
    if name == TransitionName.APPROVE:
        position, person = plan.approver_position, plan.approver_name
    else:
        position, person = plan.agreer_position, plan.agreer_name
    if decision is not None and decision.acting_for_id:
        # Decided by an acting head (substitution): the stamp names who signed and in what capacity.
        position, person = decision.actor_position, decision.actor.short_name or decision.actor_name
    elif decision is not None:
        actor = decision.actor
        position = position or decision.actor_position
        person = person or actor.short_name or decision.actor_name
    return position, display_name(person) if person else "", decision


def plan_title(plan: Plan) -> str:
    title = " ".join((plan.title or "").split())
    if title:
        return title
    return f"План заседаний {plan.office[:1].upper()}{plan.office[1:]} на {plan.year} год"


def plan_is_signed(plan: Plan) -> bool:
    return plan.state in (ApprovalState.APPROVED, ApprovalState.ARCHIVED)


def _items_for_document(plan: Plan) -> dict[int, list[AgendaItem]]:
    """Items by session id, in order. An approved plan leaves out amendments not yet approved."""
    items = (
        AgendaItem.objects.filter(plan=plan)
        .select_related("session")
        .prefetch_related("responsibilities__person", "responsibilities__group")
        .order_by("order", "id")
    )
    if plan_is_signed(plan):
        items = items.exclude(is_amendment=True, state__in=[
            ApprovalState.DRAFT, ApprovalState.SUBMITTED, ApprovalState.AGREED,
        ])
    by_session: dict[int, list[AgendaItem]] = {}
    for item in items:
        by_session.setdefault(item.session_id, []).append(item)
    return by_session


def _tree(items: list[AgendaItem]) -> list[tuple[int, AgendaItem]]:
    """(depth, item) depth first, siblings by order."""
    children: dict[int | None, list[AgendaItem]] = {}
    known = {item.pk for item in items}
    for item in items:
        parent = item.parent_id if item.parent_id in known else None
        children.setdefault(parent, []).append(item)

    result: list[tuple[int, AgendaItem]] = []

    def walk(parent_id, depth):
        for child in children.get(parent_id, []):
            result.append((depth, child))
            walk(child.pk, depth + 1)

    walk(None, 0)
    return result


def responsible_label(responsibility) -> str:
    if responsibility.person_id:
        person = responsibility.person
        return person.short_name or person.full_name or str(person)
    return responsibility.group.name


def session_responsibles(items: list[AgendaItem]) -> list[str]:
    """The union of the items' responsible persons and groups, in document order."""
    labels: list[str] = []
    for _depth, item in _tree(items):
        for responsibility in item.responsibilities.all():
            label = responsible_label(responsibility)
            if label not in labels:
                labels.append(label)
    return labels


# --- The plan -------------------------------------------------------------------------------


def _signature_block(document, heading: str, position: str, person: str, decision: Decision | None) -> None:
    block = {"left_indent": BLOCK_INDENT}
    _paragraph(document, f"«{heading}»", bold=True, **block)
    _paragraph(document, position, **block)
    _paragraph(document, f"{SIGNATURE_LINE} {person}".rstrip(), **block)
    _paragraph(document, date_words(decision.created_at) if decision else BLANK_DATE, **block)
    _paragraph(document)


def _topics_cell(cell, items: list[AgendaItem]) -> None:
    paragraphs = []
    for depth, item in _tree(items):
        marker = BULLET if depth == 0 else SUB_BULLET
        indent = TOPIC_INDENT if depth == 0 else SUB_TOPIC_INDENT + Cm(0.75) * (depth - 1)
        paragraphs.append((f"{marker}\u00a0{' '.join(item.text.split())}", indent))
    first = cell.paragraphs[0]
    for index, (text, indent) in enumerate(paragraphs):
        paragraph = first if index == 0 else cell.add_paragraph()
        _add_run(paragraph, text)
        paragraph.paragraph_format.left_indent = indent
        paragraph.paragraph_format.first_line_indent = -BULLET_HANGING
        paragraph.alignment = WD_ALIGN_PARAGRAPH.LEFT


def _fix_widths(table, widths) -> None:
    """Column widths in the grid and in every cell: Word reads the cells, LibreOffice the grid."""
    table.autofit = False
    for column, width in zip(table.columns, widths, strict=True):
        column.width = width
    for row in table.rows:
        for cell, width in zip(row.cells, widths, strict=True):
            cell.width = width


def _mark_header_row(row) -> None:
    """Repeat the header row on every page."""
    tr_pr = row._tr.get_or_add_trPr()
    header = tr_pr.makeelement(qn("w:tblHeader"), {qn("w:val"): "true"})
    tr_pr.append(header)


@_in_office_language
def plan_docx(*, plan: Plan) -> bytes:
    """The plan laid out like the document the office signs, as .docx bytes."""
    document = _new_document()
    document.core_properties.title = plan_title(plan)
    document.core_properties.subject = str(plan.office)
    if not plan_is_signed(plan):
        _paragraph(document, DRAFT_MARK, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, size=Pt(20),
                   color=RGBColor(0xC0, 0x00, 0x00))
        _paragraph(document)
    approve_position, approver, approve_decision = _signatory(plan, TransitionName.APPROVE)
    _signature_block(document, "Утверждаю", approve_position, approver, approve_decision)
    agree_position, agreer, agree_decision = _signatory(plan, TransitionName.AGREE)
    _signature_block(document, "Согласовано", agree_position, agreer, agree_decision)

    _paragraph(document, plan_title(plan), bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, size=Pt(14))
    _paragraph(document)

    sessions = list(Session.objects.filter(plan=plan).order_by("number"))
    items = _items_for_document(plan)
    table = document.add_table(rows=1, cols=len(TABLE_HEADER))
    table.style = document.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    header = table.rows[0]
    _mark_header_row(header)
    for cell, text in zip(header.cells, TABLE_HEADER, strict=True):
        _cell_text(cell, [text], bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    for session in sessions:
        session_items = items.get(session.pk, [])
        cells = table.add_row().cells
        _cell_text(cells[0], [session.source_number or f"{session.number}."], align=WD_ALIGN_PARAGRAPH.CENTER)
        _topics_cell(cells[1], session_items)
        _cell_text(cells[2], [session.due_label], align=WD_ALIGN_PARAGRAPH.CENTER)  # as the source words it
        _cell_text(cells[3], session_responsibles(session_items))
    _fix_widths(table, COLUMN_WIDTHS)
    return _to_bytes(document)
