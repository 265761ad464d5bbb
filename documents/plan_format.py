"""What a plan document says, independent of its file format.

The text export (``workflow.text_import``) and the Word document (``workflow.docx_import``)
both parse into a ``ParsedPlan``; ``workflow.services.plan_import`` writes one to the
database. The helpers here (responsible persons, project names, «Разное») are the office's
writing conventions and are shared by every format.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from accounts.models import normalize_short_name


class PlanFormatError(ValueError):
    """A problem in a plan document. ``line`` is 1-based (0 when it concerns the whole file)."""

    def __init__(self, line: int, message: str):
        super().__init__(_("строка %(line)s: %(message)s") % {"line": line, "message": message} if line else message)
        self.line = line
        self.message = message


class PlanFormatErrors(ValueError):
    """Several problems at once, so the user can fix them in one go."""

    def __init__(self, errors: list[PlanFormatError]):
        super().__init__("; ".join(str(e) for e in errors))
        self.errors = errors


@dataclass
class ParsedResponsible:
    kind: str  # "person" or "group"
    name: str  # a person's normalized short name («Сергеева О.А.») or the group's name

    @property
    def is_person(self) -> bool:
        return self.kind == "person"


@dataclass
class ParsedItem:
    text: str
    line: int = 0
    children: list[ParsedItem] = field(default_factory=list)
    project_name: str | None = None
    project_kind: str | None = None
    needs_preparation: bool = True


@dataclass
class ParsedSession:
    number: int
    source_number: str
    planned_month: datetime.date
    items: list[ParsedItem]
    responsibles: list[ParsedResponsible]
    line: int = 0


@dataclass
class Signatory:
    position: str  # «руководитель департамента образования, координатор проектного управления»
    name: str  # normalized short name: «Лебедева Л.М.»
    display_name: str  # as the document writes it: «Л.М.Лебедева»


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


# --- Persons and groups in an «Ответственный» cell ---------------------------------------

_UP = "А-ЯЁ"
_LOW = "а-яё"
_SURNAME = rf"[{_UP}][{_LOW}]+(?:-[{_UP}][{_LOW}]+)?"
_INITIALS = rf"[{_UP}]\.\s?[{_UP}]\.?"
_PATRONYMIC = rf"[{_UP}][{_LOW}]+(?:вна|вич|чна|ична|ич|оглы|кызы)"
PERSON = re.compile(
    rf"(?P<full>{_SURNAME}\s+[{_UP}][{_LOW}]+\s+{_PATRONYMIC})"  # Сергеева Ольга Александровна
    rf"|(?P<sf>{_SURNAME}\s+{_INITIALS})"  # Сергеева О.А.
    rf"|(?P<if>{_INITIALS}\s?{_SURNAME})"  # О.А.Сергеева / О.А. Сергеева
)
_JOINERS = re.compile(r"^(?:и|,|;|\s)+$")


def person_short_name(text: str) -> str:
    """Any of the forms PERSON matches, as «Фамилия И.О.»."""
    text = " ".join(text.split())
    parts = text.split(" ")
    if len(parts) == 3 and not parts[1].endswith("."):
        surname, name, patronymic = parts
        return f"{surname} {name[0]}.{patronymic[0]}."
    return normalize_short_name(text)


def parse_responsibles(cell: str) -> list[ParsedResponsible]:
    """Split an «Ответственный» cell into persons and groups, in document order.

    Persons are recognised by their name forms; whatever text stands between them is a
    group. Commas, semicolons, «и» and line breaks separate, but none is needed: the seed's
    «Руководители управленческих портфелей департамента образования Сергеева О.А.» is one
    group and one person.
    """
    cell = " ".join(cell.replace("\u00a0", " ").split())
    result: list[ParsedResponsible] = []
    seen: set[tuple[str, str]] = set()

    def add(kind: str, name: str) -> None:
        if (kind, name) not in seen:
            seen.add((kind, name))
            result.append(ParsedResponsible(kind, name))

    def add_groups(text: str) -> None:
        for chunk in re.split(rf"[;,]|\s+и\s+(?=[{_UP}])", text):
            chunk = chunk.strip(" .,;")
            if chunk and not _JOINERS.match(chunk):
                add("group", chunk[0].upper() + chunk[1:])

    position = 0
    for match in PERSON.finditer(cell):
        add_groups(cell[position : match.start()])
        add("person", person_short_name(match.group(0)))
        position = match.end()
    add_groups(cell[position:])
    return result


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
