"""Russian month names, as the office writes due periods: «Февраль 2023 г.»."""

from __future__ import annotations

import datetime
import re

from django.utils.translation import gettext as _

MONTHS_NOMINATIVE = (
    "январь", "февраль", "март", "апрель", "май", "июнь",
    "июль", "август", "сентябрь", "октябрь", "ноябрь", "декабрь",
)
# Genitive and prepositional forms seen in documents: «в феврале», «до 15 февраля».
_FORMS = {
    1: ("январь", "января", "январе"), 2: ("февраль", "февраля", "феврале"), 3: ("март", "марта", "марте"),
    4: ("апрель", "апреля", "апреле"), 5: ("май", "мая", "мае"), 6: ("июнь", "июня", "июне"),
    7: ("июль", "июля", "июле"), 8: ("август", "августа", "августе"),
    9: ("сентябрь", "сентября", "сентябре"), 10: ("октябрь", "октября", "октябре"),
    11: ("ноябрь", "ноября", "ноябре"), 12: ("декабрь", "декабря", "декабре"),
}
MONTHS_GENITIVE = tuple(_FORMS[number][1] for number in range(1, 13))  # «15 февраля»
MONTH_BY_NAME = {form: number for number, forms in _FORMS.items() for form in forms}

DUE_PERIOD = re.compile(r"^\s*(?P<month>[А-Яа-яЁё]+)\s+(?P<year>\d{4})\s*(?:г\.?|года?)?\s*$")


class MonthError(ValueError):
    pass


def parse_due_month(text: str) -> datetime.date:
    """«Апрель 2023г.» -> date(2023, 4, 1). Raises MonthError saying what was expected."""
    match = DUE_PERIOD.match(text.replace("\u00a0", " "))
    if not match:
        raise MonthError(_("ожидался срок вида «Февраль 2023 г.», а не «%(value)s»") % {"value": text.strip()})
    month = MONTH_BY_NAME.get(match["month"].casefold())
    if month is None:
        raise MonthError(_("неизвестный месяц «%(month)s»") % {"month": match["month"]})
    return datetime.date(int(match["year"]), month, 1)


def month_label(value: datetime.date) -> str:
    """date(2023, 2, 1) -> «Февраль 2023 г.»."""
    return f"{MONTHS_NOMINATIVE[value.month - 1].capitalize()} {value.year} г."
