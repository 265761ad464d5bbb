"""Read a plan from the office's Word document (.docx) into a ``ParsedPlan``.

The layout is the one ``documents.docx_export`` writes, and the one the office types by hand:

- before the main table, «Утверждаю» and «Согласовано» blocks (heading, position lines, a
  signature line with the name, a date line), as paragraphs or inside a layout table, then
  the title «План заседаний … на 2023 год» (one paragraph or several);
- the main table, recognised by its header «№ п/п | Тема заседаний | Срок | Ответственный»;
  each further row is a session. Topics are the paragraphs of the second cell. A topic is
  nested under the one before it when it is indented further, is a deeper list level (Word's
  own lists or «List Bullet 2» styles), or is marked «–»/«-»/«o» under a «•» topic; topics
  marked by a bullet under an unmarked heading ending with «:» are that heading's sub-topics.

Errors are ``PlanFormatError(line, message)`` where ``line`` is the row of the main table
(the header row is row 1); the message says so. Only the parts of the file that are read here
are unpacked (``documents.docx_archive``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.utils.translation import gettext as _
from docx.oxml.ns import qn
from docx.table import Table
from docx.text.paragraph import Paragraph

from .docx_archive import docx_open
from .due_period import MonthError, parse_due_period
from .plan_format import (
    COLUMN_KEYWORDS,
    DATE_LINE,
    ParsedItem,
    ParsedPlan,
    ParsedResponsible,
    ParsedSession,
    PlanFormatError,
    PlanFormatErrors,
    SessionTable,
    Signatory,
    column_for,
    numbering_warnings,
)
from .responsibles import PERSON, parse_responsibles
from .text_import import parse_topic_cell

_TOP_MARKERS = "•●▪■·◦○*"
_SUB_MARKERS = "–—-o"
# «-» and «o» only count as markers when a space follows («-10 %», «organisation» are text).
_MARKER = re.compile(r"^\s*(?:(?P<marker>[•●▪■·◦○*–—])\s*|(?P<spaced>[-o])\s+)")
_SESSION_NUMBER = re.compile(r"^\s*(?P<number>\d{1,3})\s*[.)]?\s*$")
_SUB_NUMBER = re.compile(r"^\s*(?P<number>\d{1,3})\.(?P<sub>\d{1,3})\s*[.)]?\s*$")
_YEAR = re.compile(r"(?P<year>(?:19|20)\d{2})\s*(?:год|г\.)")
_HEADING = re.compile(r"^[«\"“]?\s*(?P<word>утверждаю|согласовано)\s*[»\"”]?\s*:?$", re.IGNORECASE)
_LIST_STYLE = re.compile(r"^List (?:Bullet|Number|Paragraph)(?: (?P<level>\d))?$", re.IGNORECASE)


def _row_error(row: int, problem: str, *, code: str | None = None) -> PlanFormatError:
    return PlanFormatError(
        row, _("строка %(row)s таблицы плана (считая шапку): %(problem)s") % {"row": row, "problem": problem}, code=code
    )


def _clean(text: str) -> str:
    return " ".join(text.replace("\u00a0", " ").split())


# --- Walking the document body in order ------------------------------------------------------


def _body_blocks(document):
    """Paragraphs and tables of the body, in document order."""
    for child in document.element.body.iterchildren():
        if child.tag == qn("w:p"):
            yield Paragraph(child, document)
        elif child.tag == qn("w:tbl"):
            yield Table(child, document)


def _cell_paragraphs(table: Table):
    """Every paragraph of a (layout) table, column by column (a borderless table holds
    «Согласовано» on the left and «Утверждаю» on the right, a block's lines one under another
    in one cell or in several rows), top to bottom, merged cells once."""
    seen = set()
    grid = [list(row.cells) for row in table.rows]
    for column in range(max((len(cells) for cells in grid), default=0)):
        for cells in grid:
            if column >= len(cells) or id(cells[column]._tc) in seen:
                continue
            cell = cells[column]
            seen.add(id(cell._tc))
            yield from cell.paragraphs
            for inner in cell.tables:
                yield from _cell_paragraphs(inner)


def _lines(paragraph: Paragraph) -> list[str]:
    return [line for line in (_clean(part) for part in paragraph.text.split("\n")) if line]


def _is_main_table(table: Table) -> bool:
    if not table.rows or len(table.columns) < 4:
        return False
    header = " ".join(_clean(cell.text).casefold() for cell in table.rows[0].cells)
    return "тема" in header and "срок" in header and "ответствен" in header


# --- The preamble: signature blocks and title ----------------------------------------------


def _signatory(lines: list[str]) -> Signatory | None:
    """Position lines up to the line with a person's name; the date line is not needed."""
    position: list[str] = []
    for line in lines:
        bare = line.strip("_ \t")
        match = PERSON.search(bare)
        if match:
            name = match.group(0)
            # A date line («"15" февраля 2023 г.») never holds a name; anything else before
            # the name on the signature line is part of the position («…образования О.А.Сергеева»).
            before = bare[: match.start()].strip("_ ")
            if before:
                position.append(before)
            return Signatory.named(position=_clean(" ".join(position)).strip(" ,"), name=name)
        if DATE_LINE.search(line):
            continue  # a blank date line «"___" ______ 20__ г.» before the name
        position.append(line)
    return None


def _parse_preamble(lines: list[str]) -> tuple[Signatory | None, Signatory | None, str, int | None]:
    """(approver, agreer, title, year) from the text before the main table."""
    title_start = next((i for i, line in enumerate(lines) if line.lstrip("*").casefold().startswith("план")), None)
    head = lines if title_start is None else lines[:title_start]
    title_lines = [] if title_start is None else lines[title_start:]

    blocks: dict[str, list[str]] = {}
    current: list[str] | None = None
    for line in head:
        match = _HEADING.match(line)
        if match:
            current = blocks.setdefault(match["word"].casefold(), [])
            continue
        if current is not None:
            current.append(line)
    approver = _signatory(blocks["утверждаю"]) if "утверждаю" in blocks else None
    agreer = _signatory(blocks["согласовано"]) if "согласовано" in blocks else None

    title = _clean(" ".join(title_lines)).replace("*", "")
    year_match = _YEAR.search(title)
    return approver, agreer, title, int(year_match["year"]) if year_match else None


# --- The main table -----------------------------------------------------------------------


@dataclass
class _Topic:
    text: str
    marker: str  # "" (none), "top" or "sub"
    indent: int  # EMU of the left indent, 0 when none
    list_level: int | None  # Word list level (numPr/ilvl or a «List Bullet N» style)


def _list_level(paragraph: Paragraph) -> int | None:
    p_pr = paragraph._p.pPr
    if p_pr is not None and p_pr.numPr is not None:
        ilvl = p_pr.numPr.ilvl
        return int(ilvl.val) if ilvl is not None else 0
    style = paragraph.style.name if paragraph.style is not None else ""
    match = _LIST_STYLE.match(style or "")
    if match and not style.casefold().startswith("list paragraph"):
        return int(match["level"] or 1) - 1
    return None


def _topics(cell) -> list[_Topic]:
    topics: list[_Topic] = []
    for paragraph in cell.paragraphs:
        indent = paragraph.paragraph_format.left_indent or 0
        level = _list_level(paragraph)
        for line in _lines(paragraph):
            match = _MARKER.match(line)
            marker = ""
            if match:
                symbol = match["marker"] or match["spaced"]
                marker = "top" if symbol in _TOP_MARKERS else "sub"
                line = line[match.end():].strip()
                if not line:
                    continue
            topics.append(_Topic(line, marker, int(indent), level))
    return topics


def _levels(topics: list[_Topic]) -> list[int]:
    """Nesting depth of each topic (see the module docstring for the rules)."""
    indents = sorted({t.indent for t in topics if t.list_level is None})
    levels = []
    for topic in topics:
        if topic.list_level is not None:
            level = topic.list_level
        else:
            level = indents.index(topic.indent)
        if topic.marker == "sub" and level == 0:
            level = 1
        levels.append(level)
    # A flat list of marked topics under an unmarked «…:» heading belongs to that heading.
    heading_level = None
    for index, topic in enumerate(topics):
        is_heading = not topic.marker and topic.list_level is None and topic.text.endswith(":")
        if is_heading:
            heading_level = levels[index]
            continue
        if heading_level is not None:
            if topic.marker or topic.list_level is not None:
                if levels[index] <= heading_level:
                    levels[index] = heading_level + 1
            else:
                heading_level = None
    # Normalise: a topic never sits more than one level below the one before it.
    previous = -1
    for index, level in enumerate(levels):
        levels[index] = min(level, previous + 1)
        previous = levels[index]
    return levels


def _item_tree(topics: list[_Topic], row: int) -> list[ParsedItem]:
    roots: list[ParsedItem] = []
    stack: list[ParsedItem] = []
    for topic, level in zip(topics, _levels(topics), strict=True):
        item = ParsedItem(text=topic.text, line=row)
        del stack[level:]
        (stack[-1].children if stack else roots).append(item)
        stack.append(item)
    return roots


def _responsibles(cell) -> list[ParsedResponsible]:
    """Each paragraph is parsed on its own: a paragraph break separates two groups."""
    result: list[ParsedResponsible] = []
    for paragraph in cell.paragraphs:
        for line in _lines(paragraph):
            for responsible in parse_responsibles(line):
                if all((r.kind, r.name) != (responsible.kind, responsible.name) for r in result):
                    result.append(responsible)
    return result


_HTML = re.compile(r"<\s*/?\s*(?:ul|ol|li|p)\b[^>]*>", re.IGNORECASE)


def _header_columns(table: Table) -> tuple[dict[str, int], list[str]]:
    """The grid column of each of the four columns, by the header's words; other columns' names."""
    found: dict[str, int] = {}
    extras: list[str] = []
    seen = set()
    for index, cell in enumerate(table.rows[0].cells):
        if id(cell._tc) in seen:
            continue
        seen.add(id(cell._tc))
        text = _clean(cell.text)
        key = column_for(text, found)
        if key:
            found[key] = index
        elif text:
            extras.append(text)
    return found, extras


def _topic_items(cell, row: int) -> list[ParsedItem]:
    """Word paragraphs (bullets, list levels, indents), or the HTML-looking text of the export."""
    if _HTML.search(cell.text):
        return parse_topic_cell("".join(p.text for p in cell.paragraphs), row)
    return _item_tree(_topics(cell), row)


def _position_warnings(responsibles: list[ParsedResponsible], row: int, warnings: list[str]) -> None:
    for responsible in responsibles:
        if responsible.position:
            warnings.append(_("строка %(row)s таблицы: «%(position)s» перед именем %(name)s прочитано как должность, а не как группа")
                            % {"row": row, "position": responsible.position, "name": responsible.name})


def _parse_row(sessions: SessionTable, index: int, cells: list, columns: dict[str, int], year: int,
               warnings: list[str]) -> PlanFormatError | None:
    number_text, due_text = _clean(cells[columns["number"]].text), _clean(cells[columns["due"]].text)
    topics_cell, responsible_cell = cells[columns["topic"]], cells[columns["responsible"]]
    sessions.check_texts(index, number_text, due_text, _clean(responsible_cell.text))
    responsibles = _responsibles(responsible_cell)
    _position_warnings(responsibles, index, warnings)
    sub = _SUB_NUMBER.match(number_text)
    if sub:
        items = _topic_items(topics_cell, index)
        if not items or not sessions.extend(line=index, number_key=int(sub["number"]), items=items,
                                            responsibles=responsibles):
            return _row_error(index, _("«%(value)s» — подпункт заседания %(number)s, но такого заседания выше нет "
                                       "или в строке нет темы") % {"value": number_text, "number": sub["number"]})
        warnings.append(_("строка %(row)s таблицы: пункт «%(value)s» записан темой заседания «%(number)s.»")
                        % {"row": index, "value": number_text, "number": sub["number"]})
        return None
    match = _SESSION_NUMBER.match(number_text)
    if not match:
        return _row_error(index, _("в столбце «№ п/п» ожидался номер заседания, а не «%(value)s»")
                          % {"value": number_text})
    try:
        period, period_warnings = parse_due_period(due_text, plan_year=year)
    except MonthError as exc:
        return _row_error(index, _("столбец «Срок»: %(problem)s") % {"problem": exc})
    warnings.extend(_("строка %(row)s таблицы: %(warning)s") % {"row": index, "warning": w} for w in period_warnings)
    items = _topic_items(topics_cell, index)
    if not items:
        return _row_error(index, _("у заседания нет ни одной темы (столбец «Тема заседаний»)"))
    if not responsibles:
        return _row_error(index, _("не указан ответственный (столбец «Ответственный»)"))
    first_row = sessions.add(line=index, number_key=int(match["number"]), source_number=number_text,
                             period=period, items=items, responsibles=responsibles)
    if first_row:
        warnings.append(
            _("строка %(row)s таблицы: номер заседания «%(number)s» повторяется (уже был в строке %(first)s); "
              "заседания пронумерованы по порядку документа")
            % {"row": index, "number": number_text, "first": first_row}
        )
    return None


def _parse_table(table: Table, year: int, warnings: list[str]) -> tuple[list[ParsedSession], list[PlanFormatError]]:
    sessions = SessionTable(row_error=_row_error)
    errors: list[PlanFormatError] = []
    columns, extras = _header_columns(table)
    if len(columns) != len(COLUMN_KEYWORDS):
        return [], [_row_error(1, _("в шапке таблицы ожидались столбцы «№ п/п», «Тема заседаний», «Срок», "
                                    "«Ответственный»"))]
    if extras:
        warnings.append(_("столбцы %(columns)s не загружаются: их содержимое пропущено")
                        % {"columns": ", ".join(f"«{c}»" for c in extras)})
    for index, row in enumerate(table.rows[1:], start=2):
        cells = list(row.cells)  # one per grid column: merged cells repeat, vertical merges read from above
        texts = [_clean(cell.text) for cell in cells]
        if not any(texts):
            continue
        distinct = {id(cell._tc) for cell in cells}
        if [t.strip(".") for t in dict.fromkeys(texts)] == [str(n) for n in range(1, len(set(texts)) + 1)]:
            continue  # a row that numbers the columns «1 | 2 | 3 | 4»
        if len(distinct) == 1 and len(cells) > 1:
            warnings.append(_("строка %(row)s таблицы: строка на всю ширину таблицы («%(text)s») пропущена")
                            % {"row": index, "text": texts[0][:60]})
            continue
        sessions.row(index)
        if len(cells) <= max(columns.values()):
            errors.append(_row_error(index, _("ожидалось 4 столбца, а в строке %(count)s") % {"count": len(distinct)}))
            continue
        error = _parse_row(sessions, index, cells, columns, year, warnings)
        if error:
            errors.append(error)
    return sessions.sessions, errors


# --- Entry point --------------------------------------------------------------------------


def parse_plan_docx(content: bytes) -> ParsedPlan:
    """Parse a .docx plan. Raises PlanFormatError, or PlanFormatErrors for several problems."""
    document = docx_open(content)

    preamble: list[str] = []
    main_table: Table | None = None
    for block in _body_blocks(document):
        if isinstance(block, Table):
            if _is_main_table(block):
                main_table = block
                break
            for paragraph in _cell_paragraphs(block):
                preamble.extend(_lines(paragraph))
        else:
            preamble.extend(_lines(block))
    if main_table is None:
        raise PlanFormatError(
            0, _("в документе не найдена таблица плана с шапкой «№ п/п | Тема заседаний | Срок | Ответственный»")
        )

    approver, agreer, title, year = _parse_preamble(preamble)
    if year is None:
        raise PlanFormatError(0, _("не найден заголовок плана с годом: «План заседаний … на 2023 год»"))
    warnings: list[str] = []
    sessions, errors = _parse_table(main_table, year, warnings)
    if errors:
        raise PlanFormatErrors(errors)
    if not sessions:
        raise PlanFormatError(0, _("в таблице плана нет ни одного заседания"))
    for session in sessions:
        if session.period.start.year != year:
            warnings.append(
                _("строка %(row)s таблицы: срок «%(due)s» не в %(year)s году")
                % {"row": session.line, "due": session.period.label, "year": year}
            )
    warnings.extend(numbering_warnings(sessions))
    if approver is None:
        warnings.append(_("нет блока «Утверждаю» с должностью и именем: подписант не указан"))
    if agreer is None:
        warnings.append(_("нет блока «Согласовано» с должностью и именем: подписант не указан"))
    return ParsedPlan(year=year, title=title, approver=approver, agreer=agreer, sessions=sessions, warnings=warnings)
