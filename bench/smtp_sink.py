"""The bench's SMTP server: aiosmtpd, accepting everything, writing each message's X-Outbox-Id
(or ``-`` for a message without one) on a line of the file named by its argument, so the
bench can count what arrived, twice or not at all.

    python -m aiosmtpd -n -l 127.0.0.1:PORT -c bench.smtp_sink.Counter /tmp/arrived.txt
"""

from __future__ import annotations

import re

_ID = re.compile(rb"^X-Outbox-Id: *(\d+)", re.M | re.I)


class Counter:
    def __init__(self, path: str):
        self.file = open(path, "ab", buffering=0)  # noqa: SIM115 - open for the server's life

    @classmethod
    def from_cli(cls, parser, *args):
        return cls(*args)

    async def handle_DATA(self, server, session, envelope):
        found = _ID.search(envelope.original_content or envelope.content)
        self.file.write((found.group(1) if found else b"-") + b"\n")
        return "250 OK"
