"""Russian month names, as the office writes them: «Февраль 2023 г.», «15 февраля».

The plan domain names a session's month with them (``Session.due_label``); the documents app
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
