"""Russian month names, as the office writes them: «Февраль 2023 г.», «15 февраля».

The plan domain names a session's period with them (``Session.title``, ``period_label``); the documents app
writes them into the plan's document and reads due periods back (``documents.due_period``).
"""

from __future__ import annotations

import datetime

# Nominative, genitive and prepositional: «февраль», «до 15 февраля», «в феврале».
MONTH_FORMS = {
    1: ("январь", "января", "январе"), 2: ("февраль", "февраля", "феврале"), 3: ("март", "марта", "марте"),
    4: ("апрель", "апреля", "апреле"), 5: ("май", "мая", "мае"), 6: ("июнь", "июня", "июне"),
    7: ("июль", "июля", "июле"), 8: ("август", "августа", "августе"),
    9: ("сентябрь", "сентября", "сентябре"), 10: ("октябрь", "октября", "октябре"),
    11: ("ноябрь", "ноября", "ноябре"), 12: ("декабрь", "декабря", "декабре"),
}
MONTHS_NOMINATIVE = tuple(MONTH_FORMS[number][0] for number in range(1, 13))
MONTHS_GENITIVE = tuple(MONTH_FORMS[number][1] for number in range(1, 13))  # «15 февраля»


def month_label(value: datetime.date) -> str:
    """date(2023, 2, 1) -> «Февраль 2023 г.»."""
    return f"{MONTHS_NOMINATIVE[value.month - 1].capitalize()} {value.year} г."


MONTHS_PREPOSITIONAL = tuple(MONTH_FORMS[number][2] for number in range(1, 13))  # «в феврале»
QUARTER_NUMERALS = ("I", "II", "III", "IV")
_QUARTER_PREPOSITIONAL = "квартале"


def month_end(value: datetime.date) -> datetime.date:
    """The last day of ``value``'s month."""
    following = (value.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
    return following - datetime.timedelta(days=1)


def single_month(start: datetime.date, end: datetime.date) -> bool:
    return start.day == 1 and (start.year, start.month) == (end.year, end.month) and end == month_end(start)


def _quarter(start: datetime.date, end: datetime.date) -> int | None:
    if start.year == end.year and start.month % 3 == 1 and end.month == start.month + 2:
        return start.month // 3 + 1
    return None


def _whole_year(start: datetime.date, end: datetime.date) -> bool:
    return start.year == end.year and (start.month, end.month) == (1, 12)


def period_label(start: datetime.date, end: datetime.date) -> str:
    """The usual wording of a period: «Февраль 2023 г.», «I квартал 2025 г.», «Март–апрель 2025 г.»,
    «В течение 2025 г.»."""
    if single_month(start, end):
        return month_label(start)
    quarter = _quarter(start, end)
    if quarter:
        return f"{QUARTER_NUMERALS[quarter - 1]} квартал {start.year} г."
    if _whole_year(start, end):
        return f"В течение {start.year} г."
    first, last = MONTHS_NOMINATIVE[start.month - 1].capitalize(), MONTHS_NOMINATIVE[end.month - 1]
    if start.year == end.year:
        return f"{first}–{last} {start.year} г."
    return f"{first} {start.year} г. – {last} {end.year} г."


def period_in(start: datetime.date, end: datetime.date) -> str:
    """The period after «в»: «феврале 2023 г.», «I квартале 2025 г.», «марте–апреле 2025 г.», «2025 г.»."""
    if single_month(start, end):
        return f"{MONTHS_PREPOSITIONAL[start.month - 1]} {start.year} г."
    quarter = _quarter(start, end)
    if quarter:
        return f"{QUARTER_NUMERALS[quarter - 1]} {_QUARTER_PREPOSITIONAL} {start.year} г."
    if _whole_year(start, end):
        return f"{start.year} г."
    first, last = MONTHS_PREPOSITIONAL[start.month - 1], MONTHS_PREPOSITIONAL[end.month - 1]
    if start.year == end.year:
        return f"{first}–{last} {start.year} г."
    return f"{first} {start.year} г. – {last} {end.year} г."


def session_title(session) -> str:
    """The one name of a session everywhere («Заседание 16.02.2023», «Заседание в феврале 2023 г.»):
    by its date once scheduled, else by its period; never by a bare number, which the document
    and the database may count differently."""
    from django.utils import timezone
    from django.utils.translation import gettext

    if session.starts_at:
        return gettext("Заседание %(date)s") % {"date": f"{timezone.localtime(session.starts_at):%d.%m.%Y}"}
    start, end = session.period_start, session.period_end
    if start is None and session.planned_month is not None:  # not saved yet (an admin form)
        start, end = session.planned_month.replace(day=1), month_end(session.planned_month)
    if start is None or end is None:
        return gettext("Заседание № %(number)s") % {"number": session.number}
    period = period_in(start, end)
    return gettext("Заседание %(period)s") % {"period": ("во " if period.startswith("II ") else "в ") + period}
