"""Persons and groups in an «Ответственный» cell, as the office writes them.

Persons are recognised by their name forms («Сергеева О.А.», «О.А.Сергеева», «Сергеева Ольга
Александровна»); a position written right before a name («и.о. начальника отдела … Кузнецов П.Н.»)
is that person's position; any other text between names is a group.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from accounts.models import normalize_short_name


@dataclass
class ParsedResponsible:
    kind: str  # "person" or "group"
    name: str  # a person's normalized short name («Сергеева О.А.») or the group's name
    position: str = ""  # a person's position written before the name («и.о. начальника отдела …»)

    @property
    def is_person(self) -> bool:
        return self.kind == "person"


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
# A position, not a group, when it opens the text right before a name: singular office words
# («начальник», «руководитель», «и.о. …»), where a group is plural («Руководители портфелей»).
_POSITION_START = re.compile(
    r"^(?:и\.\s?о\.|исполняющ\w* обязанности|врио|(?:перв\w+\s+)?заместител[ья]|начальник[а]?|"
    r"руководител[ья]\b(?!\s+(?:управленческих|проектов|школ|ОУ|МОУ))|директор[а]?|заведующ\w+|"
    r"(?:главн\w+|ведущ\w+)\s+специалист\w*|специалист\w*|консультант\w*|методист\w*|председател[ья]|"
    r"советник\w*|секретар[ья])(?![а-яё])",
    re.IGNORECASE,
)


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

    def chunks(text: str) -> list[str]:
        found = (chunk.strip(" .,;") for chunk in re.split(rf"[;,]|\s+и\s+(?=[{_UP}])", text))
        return [chunk for chunk in found if chunk and not _JOINERS.match(chunk)]

    def add_groups(texts: list[str]) -> None:
        for chunk in texts:
            add("group", chunk[0].upper() + chunk[1:])

    position = 0
    for match in PERSON.finditer(cell):
        before = chunks(cell[position : match.start()])
        own_position = ""
        # «и.о. начальника отдела … Кузнецов П.Н.»: the text right before the name (no separator
        # between) that opens with a position word is that person's position.
        if before and _POSITION_START.match(before[-1]) and not re.search(r"[;,]\s*$", cell[position : match.start()]):
            own_position = before.pop()
        add_groups(before)
        add("person", person_short_name(match.group(0)))
        if own_position:
            result[-1].position = own_position
        position = match.end()
    add_groups(chunks(cell[position:]))
    return result
