"""Keeping secrets out of log lines.

The private calendar feed ``/calendar/<token>.ics`` is opened without a login: whoever reads the
token can read the person's calendar. Request logs (runserver's ``django.server``, Django's
``django.request`` warnings such as «Not Found: /calendar/…», gunicorn's access and error logs)
would write it in full, so they keep only its first characters: ``/calendar/AbCd….ics`` —
enough to tell two feeds apart while investigating, useless to open one.

``MaskSecretsFilter`` rewrites a record's message in place; as a filter on a logger it masks the
line for every handler of that logger. Settings attach it to Django's loggers (``LOGGING``),
``gunicorn.conf.py`` to gunicorn's (``config.gunicorn_logging``).
"""

from __future__ import annotations

import logging
import re

SHOWN_CHARACTERS = 4
# A feed path's token: the segment after "/calendar/" (under any prefix, but not the API's
# "/api/calendar/token/"), up to ".ics" or the end of the path.
_CALENDAR_TOKEN = re.compile(r"(?<!/api)(?P<prefix>/calendar/)(?P<token>[A-Za-z0-9_-]+)(?P<end>\.ics|(?=[\s\"'?#]|$))")


def mask_secrets(text: str) -> str:
    """``text`` with every calendar feed token cut to its first characters and «…»."""
    if "/calendar/" not in text:
        return text
    return _CALENDAR_TOKEN.sub(
        lambda match: f"{match['prefix']}{match['token'][:SHOWN_CHARACTERS]}…{match['end']}", text
    )


class MaskSecretsFilter(logging.Filter):
    """Masks secrets in the formatted message; never drops a record."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a malformed record: leave it to the handler to report, as logging does
            return True
        masked = mask_secrets(message)
        if masked != message:
            record.msg, record.args = masked, ()
        return True
