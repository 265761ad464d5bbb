"""The «Срок» column of a plan document: «Февраль 2023 г.» read back into a month."""

from __future__ import annotations

import datetime
import re

from django.utils.translation import gettext as _

from workflow.months import MONTH_FORMS

MONTH_BY_NAME = {form: number for number, forms in MONTH_FORMS.items() for form in forms}

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
