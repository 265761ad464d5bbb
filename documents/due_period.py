"""The «Срок» column of a plan document read back into a period.

Offices write a month («Февраль 2023 г.», «апрель» — the year is the plan's), a quarter
(«I квартал», «2 квартал 2025 г.», «III кв.»), a range of months («март–апрель», «март - май»)
or the whole year («в течение года»; «ежеквартально» and «ежемесячно» are read as the whole year,
with a warning). A ``DuePeriod`` keeps the first and last day and the document's own wording.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

from django.utils.translation import gettext as _

from workflow.months import MONTH_FORMS, month_end, single_month

MONTH_BY_NAME = {form: number for number, forms in MONTH_FORMS.items() for form in forms}

_YEAR_TAIL = r"(?:\s*(?P<year>\d{4})\s*(?:г\.?|года?)?)?\s*"
_MONTH = re.compile(rf"^(?P<m1>[а-яё]+){_YEAR_TAIL}$")
_RANGE = re.compile(rf"^(?P<m1>[а-яё]+)\s*-\s*(?P<m2>[а-яё]+){_YEAR_TAIL}$")
_QUARTER = re.compile(rf"^(?P<q>iv|i{{1,3}}|[1-4])\s*(?:-?(?:й|ый|ой))?\s*(?:квартал|кв\.?){_YEAR_TAIL}$")
_WHOLE_YEAR = re.compile(r"^(?:в\s+)?течени[еия]\s+(?:(?P<year>\d{4})\s*)?(?:года?|г\.?)\s*$")
_REPEATING = re.compile(r"^(?:ежеквартально|ежемесячно|постоянно|в\s+течение\s+года\s+ежеквартально)$")
_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4}


class MonthError(ValueError):
    pass


@dataclass(frozen=True)
class DuePeriod:
    start: datetime.date  # the first day of the period
    end: datetime.date  # its last day
    label: str  # as the document words it

    @property
    def planned_month(self) -> datetime.date | None:
        return self.start if single_month(self.start, self.end) else None

    def moved(self, *, years: int, label: str) -> DuePeriod:
        return DuePeriod(self.start.replace(year=self.start.year + years),
                         month_end(self.end.replace(day=1, year=self.end.year + years)), label)


def expected_forms(year: int) -> str:
    """The forms the column takes, with the plan's own year (the example of an error message)."""
    year = year or datetime.date.today().year
    return _("«Февраль %(year)s г.», «I квартал %(year)s г.», «март–апрель %(year)s г.» или «в течение года»") % {
        "year": year
    }


def _normal(text: str) -> str:
    text = " ".join(text.replace("\u00a0", " ").split()).casefold()
    return re.sub(r"\s*[–—−-]\s*", "-", text).strip(" .;,")


def _month(name: str, label: str, plan_year: int) -> int:
    number = MONTH_BY_NAME.get(name)
    if number is None:
        raise MonthError(_("неизвестный месяц «%(month)s»: ожидался срок вида %(forms)s, а не «%(value)s»")
                         % {"month": name.capitalize(), "forms": expected_forms(plan_year), "value": label})
    return number


def _year(match: re.Match, plan_year: int, text: str) -> int:
    if match["year"]:
        return int(match["year"])
    if not plan_year:
        raise MonthError(_("в сроке «%(value)s» нет года, а год плана не найден") % {"value": text})
    return plan_year


def parse_due_period(text: str, *, plan_year: int = 0) -> tuple[DuePeriod, list[str]]:
    """The period of a «Срок» cell and the warnings reading it gave. A missing year is
    ``plan_year``'s. Raises MonthError saying what was expected."""
    label = " ".join(text.replace("\u00a0", " ").split())
    normal = _normal(label)
    warnings: list[str] = []
    if _REPEATING.match(normal) and plan_year:
        warnings.append(
            _("срок «%(value)s» — не одно заседание, а повторение; записано как «в течение года», "
              "при необходимости разделите заседание на несколько") % {"value": label}
        )
        return DuePeriod(datetime.date(plan_year, 1, 1), datetime.date(plan_year, 12, 31), label), warnings
    if match := _MONTH.match(normal):
        month = _month(match["m1"], label, plan_year)
        start = datetime.date(_year(match, plan_year, label), month, 1)
        return DuePeriod(start, month_end(start), label), warnings
    if match := _RANGE.match(normal):
        first, last = _month(match["m1"], label, plan_year), _month(match["m2"], label, plan_year)
        year = _year(match, plan_year, label)
        if last < first:
            raise MonthError(_("в сроке «%(value)s» месяцы идут в обратном порядке") % {"value": label})
        return DuePeriod(datetime.date(year, first, 1), month_end(datetime.date(year, last, 1)), label), warnings
    if match := _QUARTER.match(normal):
        quarter = _ROMAN.get(match["q"]) or int(match["q"])
        start = datetime.date(_year(match, plan_year, label), 3 * quarter - 2, 1)
        return DuePeriod(start, month_end(start.replace(month=3 * quarter)), label), warnings
    if match := _WHOLE_YEAR.match(normal):
        year = _year(match, plan_year, label)
        return DuePeriod(datetime.date(year, 1, 1), datetime.date(year, 12, 31), label), warnings
    raise MonthError(_("ожидался срок вида %(forms)s, а не «%(value)s»") % {"forms": expected_forms(plan_year),
                                                                             "value": label})

