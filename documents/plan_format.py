"""What a plan document says, independent of its file format.

The text export (``documents.text_import``) and the Word document (``documents.docx_import``)
both parse into a ``ParsedPlan``; ``documents.importing.plan_import`` writes one to the
database. The helpers here (project names, «Разное») are the office's writing conventions
(persons and groups: ``documents.responsibles``; the «Срок» column: ``documents.due_period``),
and ``SessionTable`` takes the sessions off either format's table, within the import limits;
they are shared by every format.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field

from django.conf import settings
from django.utils.translation import gettext as _

from workflow.models import ACTING_POSITION

from .due_period import DuePeriod
from .responsibles import ParsedResponsible, person_short_name

# The four columns of the table, found by a word of their header; any other column is ignored
# (with a warning): «Отметка о выполнении», «Примечание».
COLUMN_KEYWORDS = (("number", "№"), ("topic", "тема"), ("due", "срок"), ("responsible", "ответствен"))


def column_for(header: str, found: dict[str, int]) -> str | None:
    """Which of the four columns a header cell names (one not found yet), or None."""
    lowered = header.casefold()
    return next((key for key, word in COLUMN_KEYWORDS if word in lowered and key not in found), None)


# A signature's date line: «"15" февраля 2023 г.», ««___» ________ 2025 г.», a bare «________».
DATE_LINE = re.compile(
    r"^[«\"“]*\s*[\d_]{1,3}\s*[»\"”]*\s+(?:[а-яё]+|_+)\s+(?:20\d\d|20__)\s*(?:г\.?|года)?$|^_+$", re.IGNORECASE
)


def is_acting(position: str) -> bool:
    """«И.о. руководителя …», «исполняющий обязанности …», «врио …» (as ``Plan.approver_acting``)."""
    return bool(ACTING_POSITION.match(position))


class PlanFormatError(ValueError):
    """A problem in a plan document. ``line`` is 1-based (0 when it concerns the whole file).

    ``code`` is the API's error code: "import_error", or what a file beyond the import
    limits passed (``SessionTable``, ``documents.docx_archive``).
    """

    code = "import_error"

    def __init__(self, line: int, message: str, *, code: str | None = None):
        super().__init__(_("строка %(line)s: %(message)s") % {"line": line, "message": message} if line else message)
        self.line = line
        self.message = message
        if code:
            self.code = code


class PlanFormatErrors(ValueError):
    """Several problems at once, so the user can fix them in one go."""

    def __init__(self, errors: list[PlanFormatError]):
        super().__init__("; ".join(str(e) for e in errors))
        self.errors = errors


@dataclass
class ParsedItem:
    text: str
    line: int = 0
    children: list[ParsedItem] = field(default_factory=list)
    project_name: str | None = None
    project_kind: str | None = None
    needs_preparation: bool = True
    # A sub-numbered row («1.1») with a responsible cell of its own: the session's otherwise.
    responsibles: list[ParsedResponsible] | None = None


@dataclass
class ParsedSession:
    number: int
    source_number: str
    period: DuePeriod
    items: list[ParsedItem]
    responsibles: list[ParsedResponsible]
    line: int = 0

    @property
    def planned_month(self) -> datetime.date | None:
        return self.period.planned_month

    @property
    def all_responsibles(self) -> list[ParsedResponsible]:
        """The session's responsibles, then those of its sub-numbered rows, each once."""
        result = list(self.responsibles)
        for item in self.items:
            for responsible in item.responsibles or ():
                if all((r.kind, r.name) != (responsible.kind, responsible.name) for r in result):
                    result.append(responsible)
        return result


@dataclass
class Signatory:
    position: str  # «руководитель департамента образования, координатор проектного управления»
    name: str  # normalized short name: «Лебедева Л.М.»
    display_name: str  # as the document writes it: «Л.М.Лебедева»

    @property
    def acting(self) -> bool:
        """Signs as acting head («И.о. руководителя …»): the position says so, as written."""
        return is_acting(self.position)

    @classmethod
    def named(cls, *, position: str, name: str) -> Signatory:
        """The signatory whose name the document writes as ``name`` (any form PERSON matches)."""
        return cls(position=position, name=person_short_name(name), display_name=" ".join(name.split()))


@dataclass
class ParsedPlan:
    year: int
    title: str
    approver: Signatory | None
    agreer: Signatory | None
    sessions: list[ParsedSession]
    warnings: list[str] = field(default_factory=list)

    def all_items(self):
        """Every item, depth first, with its session: (session, item, parent)."""

        def walk(session, items, parent):
            for item in items:
                yield session, item, parent
                yield from walk(session, item.children, item)

        for session in self.sessions:
            yield from walk(session, session.items, None)


def numbering_warnings(sessions: list[ParsedSession]) -> list[str]:
    """The document's numbers repeated or skipped: they are replaced by 1…n (say so)."""
    numbers = [re.match(r"\s*(\d+)", s.source_number) for s in sessions]
    if [int(m.group(1)) if m else None for m in numbers] == [s.number for s in sessions]:
        return []
    return [_("номера заседаний в документе (%(numbers)s) заменены на 1–%(last)s")
            % {"numbers": ", ".join(s.source_number.rstrip(".") for s in sessions), "last": len(sessions)}]


# --- Projects named in a topic ----------------------------------------------------------

_PROJECT_WORD = re.compile(r"проект\w*", re.IGNORECASE)
_KINDS = (
    ("сетев", "network"),
    ("сквозн", "cross_cutting"),
    ("управленческ", "managerial"),
    ("городск", "city"),
)


def project_kind_from(text: str) -> str:
    lowered = text.casefold()
    for stem, kind in _KINDS:
        if stem in lowered:
            return kind
    return "other"


def _quoted_after(text: str, start: int) -> str | None:
    """The «…» that opens at or after ``start``, honouring nested quotes."""
    opening = text.find("«", start)
    if opening < 0:
        return None
    depth = 0
    for index in range(opening, len(text)):
        char = text[index]
        if char == "«":
            depth += 1
        elif char == "»":
            depth -= 1
            if depth == 0:
                return text[opening + 1 : index]
    closing = text.rfind("»")  # unbalanced in the document: take up to the last closing mark
    return text[opening + 1 : closing] if closing > opening else text[opening + 1 :]


def strip_outer_quotes(text: str) -> str:
    """«A «b» c» -> A «b» c; also mends a quote the document opened or closed only once."""
    text = text.strip().rstrip(".;").strip()
    while True:
        if text.startswith("«") and _quoted_after(text, 0) == text[1:-1] and text.endswith("»"):
            text = text[1:-1].strip()
            continue
        if text.endswith("»") and text.count("»") > text.count("«"):
            text = text[:-1].strip()
            continue
        if text.startswith("«") and text.count("«") > text.count("»"):
            text = text[1:].strip()
            continue
        return text


def _is_project_heading(text: str) -> bool:
    """«Итоги реализации городских сетевых проектов:» introduces a list of projects."""
    match = _PROJECT_WORD.search(text)
    return bool(match) and text.rstrip().endswith(":") and "«" not in text[match.start() :]


def recognise_project(text: str, parent_text: str | None = None) -> tuple[str, str] | None:
    """(project name, kind) that an agenda topic is about, or None.

    A topic names a project in guillemets after the word «проект»; a sub-topic of a heading
    such as «…городских сетевых проектов:» is itself a project's name.
    """
    if parent_text and _is_project_heading(parent_text):
        name = strip_outer_quotes(text)
        if name:
            return name, project_kind_from(parent_text)
    for match in _PROJECT_WORD.finditer(text):
        quoted = _quoted_after(text, match.end())
        if quoted and quoted.strip():
            return strip_outer_quotes(quoted), project_kind_from(text[: match.end()])
    return None


_NO_PREPARATION = {"разное", "прочее", "разное и прочее", "текущие вопросы"}


def needs_preparation(text: str) -> bool:
    """«Разное» and the like need no preparation task."""
    return text.strip(" .;:").casefold() not in _NO_PREPARATION


def annotate_items(items: list[ParsedItem], parent: ParsedItem | None = None) -> None:
    """Fill in project and preparation flags on a parsed item tree, in place."""
    for item in items:
        project = recognise_project(item.text, parent.text if parent else None)
        if project:
            item.project_name, item.project_kind = project
        item.needs_preparation = needs_preparation(item.text)
        annotate_items(item.children, item)


# --- The table of sessions, within the import limits --------------------------------------


@dataclass(frozen=True)
class ImportLimits:
    """Bounds no real plan meets (``PLAN_IMPORT_MAX_*`` in config/settings.py): a file beyond
    them is refused where the parser passes them, before anything more is read or written."""

    sessions: int
    items_per_session: int
    items: int
    text_chars: int

    @classmethod
    def from_settings(cls) -> ImportLimits:
        return cls(
            sessions=settings.PLAN_IMPORT_MAX_SESSIONS,
            items_per_session=settings.PLAN_IMPORT_MAX_ITEMS_PER_SESSION,
            items=settings.PLAN_IMPORT_MAX_ITEMS,
            text_chars=settings.PLAN_IMPORT_MAX_TEXT_CHARS,
        )


def _item_count(items: list[ParsedItem]) -> int:
    return sum(1 + _item_count(item.children) for item in items)


def _item_texts(items: list[ParsedItem]):
    for item in items:
        yield item.text
        yield from _item_texts(item.children)


class SessionTable:
    """The sessions of a plan's table, row by row, as both formats read them.

    The parser calls ``row`` for every row that should hold a session, ``check_texts`` with
    its plain cells and ``add`` for each session it could read. Sessions are numbered 1…n in document order, whatever numbers the
    document gives them; topics are annotated (projects, «Разное»). A file beyond the import
    limits (``ImportLimits``) is refused at the row that passes one, with a
    ``PlanFormatError`` whose ``code`` names the limit: nothing after it is parsed.
    ``row_error(line, problem, code=…)`` words a problem the way the format counts its lines.
    """

    def __init__(self, *, row_error: Callable[..., PlanFormatError] = PlanFormatError,
                 limits: ImportLimits | None = None):
        self.limits = limits or ImportLimits.from_settings()
        self.sessions: list[ParsedSession] = []
        self._row_error = row_error
        self._rows = 0
        self._items = 0
        self._first_line: dict[Hashable, int] = {}
        self._by_key: dict[Hashable, int] = {}

    def row(self, line: int) -> None:
        """A row that should hold a session, counted before it is parsed."""
        self._rows += 1
        if self._rows > self.limits.sessions:
            raise self._row_error(
                line, _("в плане больше %(limit)s заседаний — это предел для загрузки") % {"limit": self.limits.sessions},
                code="too_many_sessions",
            )

    def check_texts(self, line: int, *texts: str) -> None:
        """The texts of a row's cells other than the topics (those ``add`` checks one by one)."""
        self._check_texts(line, texts)

    def add(self, *, line: int, number_key: Hashable, source_number: str, period: DuePeriod,
            items: list[ParsedItem], responsibles: list[ParsedResponsible]) -> int | None:
        """Append the session of ``line``; the line where ``number_key`` first stood if the
        document repeats a session number (the caller words that warning), else None."""
        count = _item_count(items)
        self._count_items(line, count)
        self._check_texts(line, _item_texts(items))
        annotate_items(items)
        first_line = self._first_line.setdefault(number_key, line)
        self._by_key[number_key] = len(self.sessions)
        self.sessions.append(ParsedSession(
            number=len(self.sessions) + 1, source_number=source_number, period=period,
            items=items, responsibles=responsibles, line=line,
        ))
        return first_line if first_line != line else None

    def extend(self, *, line: int, number_key: Hashable, items: list[ParsedItem],
               responsibles: list[ParsedResponsible]) -> ParsedSession | None:
        """A sub-numbered row («1.1») adds its topics to the session numbered ``number_key`` (the
        last one so numbered), with its own responsibles when it names any; None if no such session."""
        index = self._by_key.get(number_key)
        if index is None:
            return None
        session = self.sessions[index]
        self._count_items(line, _item_count(items) + _item_count(session.items), added=_item_count(items))
        self._check_texts(line, _item_texts(items))
        annotate_items(items)
        for item in items:
            if responsibles and [(r.kind, r.name) for r in responsibles] != [
                (r.kind, r.name) for r in session.responsibles
            ]:
                item.responsibles = responsibles
        session.items.extend(items)
        return session

    def _count_items(self, line: int, session_count: int, added: int | None = None) -> None:
        if session_count > self.limits.items_per_session:
            raise self._row_error(
                line, _("у заседания больше %(limit)s тем — это предел для загрузки")
                % {"limit": self.limits.items_per_session},
                code="too_many_items",
            )
        self._items += session_count if added is None else added
        if self._items > self.limits.items:
            raise self._row_error(
                line, _("в плане больше %(limit)s тем — это предел для загрузки") % {"limit": self.limits.items},
                code="too_many_items",
            )

    def _check_texts(self, line: int, texts) -> None:
        limit = self.limits.text_chars
        for text in texts:
            if len(text) > limit:
                raise self._row_error(
                    line,
                    _("текст «%(start)s…» длиной %(length)s символов, а допускается не более %(limit)s")
                    % {"start": text[:40].strip(), "length": len(text), "limit": limit},
                    code="text_too_long",
                )
