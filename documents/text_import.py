"""The office's text export of a plan (what Word gives when saved as text), into a ParsedPlan.

The format, as in ``documents/fixtures/plan-2023.txt``:

* header blocks, each opened by a line «Утверждаю» or «Согласовано», then position lines,
  then the signatory's name as the last line («Л.М.Лебедева»);
* the title, usually in ``**bold**`` over several lines, ending «на 2023 год»;
* a tab-separated table: a header row («№ п/п», «Тема заседаний», «Срок», «Ответственный»),
  then one row per session. The topic cell holds HTML fragments: ``<p>`` paragraphs,
  ``<ul>`` lists (often never closed) whose items start with «•», nested lists, free text.
"""

from __future__ import annotations

import html
import re

from django.utils.translation import gettext as _

from .due_period import MonthError, parse_due_period
from .plan_format import (
    COLUMN_KEYWORDS,
    DATE_LINE,
    ParsedItem,
    ParsedPlan,
    PlanFormatError,
    PlanFormatErrors,
    SessionTable,
    Signatory,
    column_for,
    numbering_warnings,
)
from .responsibles import PERSON, parse_responsibles

COLUMNS = ("№ п/п", "Тема заседаний", "Срок", "Ответственный")
_EXPECTED_HEADER = "\t".join(COLUMNS)
_BLOCK_MARKERS = {"утверждаю": "approver", "согласовано": "agreer"}
_ROW_START = re.compile(r"^\s*\d+(?:\.\d+)?\s*\.?\s*\t")
_ROW_NUMBER = re.compile(r"^\s*(\d+)\s*\.?\s*$")
_SUB_NUMBER = re.compile(r"^\s*(\d+)\.(\d+)\s*\.?\s*$")
_YEAR = re.compile(r"\bна\s+(\d{4})\s*(?:год|г\.)", re.IGNORECASE)
_TOKEN = re.compile(r"<\s*(/?)\s*([a-zA-Z0-9]+)[^>]*>|•")


def _clean(text: str) -> str:
    return " ".join(html.unescape(text).replace("\u00a0", " ").split())


def _marker(line: str) -> str | None:
    return _BLOCK_MARKERS.get(line.strip().strip("«»\"*:").strip().casefold())


def _signatory(lines: list[tuple[int, str]], role_word: str) -> Signatory:
    if not lines:
        raise PlanFormatError(0, _("в блоке «%(block)s» нет ни должности, ни имени") % {"block": role_word})
    name_line, name = lines[-1]
    if not PERSON.fullmatch(name.strip()) and (match := PERSON.search(name)) and match.end() == len(name.rstrip()):
        # «руководитель Проектного офиса О.А. Сергеева»: the position ends on the signature line.
        lines = [*lines[:-1], (name_line, name[: match.start()].strip()), (name_line, match.group(0))]
        name_line, name = lines[-1]
    if not PERSON.fullmatch(name.strip()):
        raise PlanFormatError(
            name_line,
            _("в блоке «%(block)s» последней строкой ожидалось имя вида «Л.М.Лебедева», а не «%(name)s»")
            % {"block": role_word, "name": name},
        )
    return Signatory.named(position=" ".join(text for _, text in lines[:-1] if text), name=name)


def parse_topic_cell(cell: str, line: int) -> list[ParsedItem]:
    """The HTML-ish topic cell into a tree of items.

    ``<p>``, ``<li>`` and «•» start an item; ``<ul>``/``<ol>`` right after an item nests the
    following items under it (a list that opens a cell is the cell's top level); ``</ul>``
    closes a level; unclosed lists close at the end of the cell; other tags are ignored.
    """
    root: list[ParsedItem] = []
    stack: list[list[ParsedItem]] = [root]
    open_item: ParsedItem | None = None

    def finish() -> None:
        nonlocal open_item
        if open_item is not None:
            open_item.text = _clean(open_item.text)
            if not open_item.text and not open_item.children:
                stack[-1].remove(open_item)
            open_item = None

    def start() -> None:
        nonlocal open_item
        finish()
        open_item = ParsedItem(text="", line=line)
        stack[-1].append(open_item)

    def add_text(text: str) -> None:
        if not text.strip():
            if open_item is not None:
                open_item.text += " "
            return
        if open_item is None:
            start()
        open_item.text += text

    position = 0
    for token in _TOKEN.finditer(cell):
        add_text(cell[position : token.start()])
        position = token.end()
        if token.group(0) == "•":
            start()
            continue
        closing, tag = token.group(1) == "/", token.group(2).lower()
        if tag in ("ul", "ol"):
            finish()
            if closing:
                if len(stack) > 1:
                    stack.pop()
            else:
                stack.append(stack[-1][-1].children if stack[-1] else stack[-1])
        elif tag in ("p", "li"):
            if closing:
                finish()
            else:
                start()
        elif tag == "br":
            add_text(" ")
    add_text(cell[position:])
    finish()
    return root


def _split_rows(lines: list[str], start: int, topic_column: int, warnings: list[str]) -> list[tuple[int, list[str]]]:
    """Table rows from ``start`` on, as (line number, cells). A line that does not open a row
    continues the row above: Word broke a cell onto the next physical line (said in a warning
    unless it is the topic cell, whose lists the export writes over several lines)."""
    rows: list[tuple[int, list[str]]] = []
    for index in range(start, len(lines)):
        text = lines[index]
        if not text.strip():
            continue
        number = index + 1
        if rows and not _ROW_START.match(text):
            row_line, cells = rows[-1]
            pieces = text.split("\t")
            if len(cells) - 1 != topic_column:
                warnings.append(_("строка %(line)s: продолжение строки %(row)s присоединено к ней")
                                % {"line": number, "row": row_line})
            cells[-1] = f"{cells[-1]} {pieces[0]}"
            cells.extend(pieces[1:])
            continue
        rows.append((number, text.split("\t")))
    return rows


def _columns(header_cells: list[str]) -> tuple[dict[str, int], list[str]]:
    """Where each of the four columns is, by its header; the names of the other columns."""
    found: dict[str, int] = {}
    extras: list[str] = []
    for index, cell in enumerate(header_cells):
        key = column_for(cell, found)
        if key:
            found[key] = index
        elif cell:
            extras.append(cell)
    return found, extras


def _signatory_lines(lines: list[tuple[int, str]]) -> list[tuple[int, str]]:
    """The block without its date line («"___" ________ 2025 г.») and signature underscores."""
    kept = []
    for number, text in lines:
        if DATE_LINE.search(text):
            continue
        bare = text.strip("_ \t")
        if bare:
            kept.append((number, bare))
    return kept
def _row_problem(line: int, table_row: int, problem: str) -> PlanFormatError:
    """A problem of a table row, named by its file line (``line``) and its table row."""
    return PlanFormatError(line, _("%(problem)s (строка %(row)s таблицы, считая шапку)")
                           % {"problem": problem, "row": table_row})


def _read_row(table: SessionTable, line: int, table_row: int, cells: list[str], columns: dict[str, int],
              year: int, errors: list[PlanFormatError], warnings: list[str]) -> None:
    """One row of the table into ``table``: a session, or («1.1») topics of the session above."""
    table.row(line)
    while len(cells) > max(columns.values()) + 1 and not cells[-1].strip():
        cells.pop()
    if len(cells) <= max(columns.values()):
        errors.append(_row_problem(line, table_row, _(
            "в строке таблицы %(found)s столбц(а/ов) через табуляцию, ожидалось %(expected)s: %(columns)s"
        ) % {"found": len(cells), "expected": len(COLUMNS), "columns": ", ".join("«" + c + "»" for c in COLUMNS)}))
        return
    number_cell, topic_cell, due_cell, responsible_cell = (cells[columns[key]] for key, _word in COLUMN_KEYWORDS)
    table.check_texts(line, number_cell, due_cell, responsible_cell)
    responsibles = parse_responsibles(_clean(responsible_cell))
    for responsible in responsibles:
        if responsible.position:
            warnings.append(_("строка %(line)s: «%(position)s» перед именем %(name)s прочитано как должность, а не как группа")
                            % {"line": line, "position": responsible.position, "name": responsible.name})
    sub_match = _SUB_NUMBER.match(number_cell)
    if sub_match:
        items = parse_topic_cell(topic_cell, line)
        if not items or not table.extend(line=line, number_key=sub_match.group(1), items=items,
                                         responsibles=responsibles):
            errors.append(_row_problem(line, table_row, _(
                "строка «%(number)s» — подпункт заседания %(session)s, но такого заседания выше нет или в ней нет темы"
            ) % {"number": number_cell.strip(), "session": sub_match.group(1)}))
            return
        warnings.append(_("строка %(line)s: пункт «%(number)s» записан темой заседания «%(session)s.»")
                        % {"line": line, "number": number_cell.strip(), "session": sub_match.group(1)})
        return
    number_match = _ROW_NUMBER.match(number_cell)
    if not number_match:
        errors.append(_row_problem(line, table_row, _("столбец «№ п/п»: ожидался номер заседания вида «1.», а не «%(value)s»")
                                   % {"value": number_cell.strip()}))
        return
    try:
        period, period_warnings = parse_due_period(_clean(due_cell), plan_year=year)
    except MonthError as exc:
        errors.append(_row_problem(line, table_row, _("столбец «Срок»: %(problem)s") % {"problem": exc}))
        return
    warnings.extend(_("строка %(line)s: %(warning)s") % {"line": line, "warning": w} for w in period_warnings)
    items = parse_topic_cell(topic_cell, line)
    if not items:
        errors.append(_row_problem(line, table_row, _("столбец «Тема заседаний» пуст")))
        return
    if not responsibles:
        errors.append(_row_problem(line, table_row, _("столбец «Ответственный» пуст")))
        return
    if year and period.start.year != year:
        warnings.append(_("строка %(line)s: срок «%(due)s» не в %(year)s году")
                        % {"line": line, "due": _clean(due_cell), "year": year})
    source_number = number_cell.strip()
    first_line = table.add(line=line, number_key=number_match.group(1), source_number=source_number,
                           period=period, items=items, responsibles=responsibles)
    if first_line:
        warnings.append(
            _("строка %(line)s: номер заседания «%(number)s» повторяется (уже был в строке %(first)s); "
              "заседания пронумерованы по порядку документа")
            % {"line": line, "number": source_number, "first": first_line}
        )


def parse_plan_text(text: str) -> ParsedPlan:
    """Parse the text export; raise PlanFormatErrors listing every problem with its line."""
    text = text.lstrip("\ufeff")
    if not text.strip():
        raise PlanFormatErrors([PlanFormatError(0, _("файл пуст: ожидался план заседаний в текстовом формате"))])
    lines = text.splitlines()
    errors: list[PlanFormatError] = []
    warnings: list[str] = []

    header_index = next(
        (i for i, line in enumerate(lines) if line.count("\t") >= 2 and "тема" in line.casefold()), None
    )
    if header_index is None:
        raise PlanFormatErrors([PlanFormatError(0, _(
            "не найдена таблица: ожидалась строка заголовка «%(header)s» (столбцы через табуляцию)"
        ) % {"header": _EXPECTED_HEADER})])
    header_cells = [_clean(c) for c in lines[header_index].split("\t")]
    while header_cells and not header_cells[-1]:
        header_cells.pop()
    columns, extras = _columns(header_cells)
    if len(columns) != len(COLUMNS):
        errors.append(PlanFormatError(header_index + 1, _("в заголовке таблицы ожидалось %(count)s столбца: «%(header)s»")
                                      % {"count": len(COLUMNS), "header": _EXPECTED_HEADER}))
    elif extras:
        warnings.append(_("столбцы %(columns)s не загружаются: их содержимое пропущено")
                        % {"columns": ", ".join(f"«{c}»" for c in extras)})

    # Header blocks and the title: everything above the table.
    blocks: dict[str, list[tuple[int, str]]] = {}
    current: str | None = None
    title_lines: list[str] = []
    title_mode: str | None = None  # "bold" until a line ends with **, "plain" until a blank line
    for index in range(header_index):
        stripped = lines[index].strip()
        if not stripped:
            if title_mode == "plain":
                title_mode = None
            continue
        role = _marker(stripped)
        if role and title_mode is None:
            current = role
            blocks[role] = []
            continue
        if title_mode is None and (stripped.startswith("**") or (stripped.casefold().startswith("план") and not title_lines)):
            current = None
            title_mode = "bold" if stripped.startswith("**") else "plain"
            if title_mode == "bold" and len(stripped) > 2 and stripped.endswith("**"):
                title_mode = None
            title_lines.append(stripped.strip("*").strip())
            continue
        if title_mode:
            title_lines.append(stripped.strip("*").strip())
            if title_mode == "bold" and stripped.endswith("**"):
                title_mode = None
            continue
        if current:
            blocks[current].append((index + 1, _clean(stripped)))

    signatories: dict[str, Signatory | None] = {}
    for role, word in (("approver", "Утверждаю"), ("agreer", "Согласовано")):
        if role not in blocks:
            signatories[role] = None
            warnings.append(_("нет блока «%(block)s»: подписант не указан") % {"block": word})
            continue
        try:
            signatories[role] = _signatory(_signatory_lines(blocks[role]), word)
        except PlanFormatError as exc:
            errors.append(exc)
            signatories[role] = None

    title = _clean(" ".join(title_lines))
    year_match = _YEAR.search(title)
    if not title or not year_match:
        errors.append(PlanFormatError(0, _("не найден заголовок с годом: ожидалось «План заседаний … на 2023 год»")))
        year = 0
    else:
        year = int(year_match.group(1))

    table = SessionTable()
    rows = _split_rows(lines, header_index + 1, columns.get("topic", 1), warnings)
    if not rows:
        errors.append(PlanFormatError(header_index + 1, _("в таблице нет ни одной строки с заседанием")))
    if len(columns) == len(COLUMNS):
        for table_row, (line, cells) in enumerate(rows, start=2):
            _read_row(table, line, table_row, cells, columns, year, errors, warnings)

    if errors:
        raise PlanFormatErrors(errors)
    sessions = table.sessions
    warnings.extend(numbering_warnings(sessions))
    return ParsedPlan(
        year=year, title=title, approver=signatories["approver"], agreer=signatories["agreer"],
        sessions=sessions, warnings=warnings,
    )
