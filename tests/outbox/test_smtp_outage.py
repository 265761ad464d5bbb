"""The SMTP server refusing (451 at DATA, 421 then hanging up), then timing out (a server
that accepts the connection and never answers), then back: every reminder goes out exactly
once when it is back, none is given up for a temporary failure, and each wait is bounded by
EMAIL_TIMEOUT."""

from __future__ import annotations

import datetime
import time
from collections import Counter

import pytest
from django.utils import timezone

from outbox.models import OutboxMessage, OutboxStatus
from outbox.sender import outbox_drain
from tasks.reminders import reminders_plan
from tests.faults.services import SilentServer, SmtpServer

pytestmark = [pytest.mark.django_db, pytest.mark.timeout(60)]

PEOPLE = 12


def _statuses() -> Counter:
    return Counter(OutboxMessage.objects.values_list("status", flat=True))


def _later(minutes: int) -> datetime.datetime:
    return timezone.now() + datetime.timedelta(minutes=minutes)


def test_smtp_refusing_then_timing_out_then_back(overdue_people, smtp, settings):
    settings.TASKS_OUTBOX_BACKOFF_SECONDS = 60
    overdue_people(PEOPLE)
    reminders_plan(day=timezone.localdate())

    # 1. 451 at DATA: a temporary refusal, message by message. Retried later, not given up.
    smtp.handler.mode = "refuse_data"
    result = outbox_drain()
    assert (result.sent, result.retried, result.failed) == (0, PEOPLE, 0)
    assert _statuses() == {OutboxStatus.PENDING: PEOPLE}
    assert "451" in OutboxMessage.objects.first().last_error

    # 2. 421: the server closes the connection; the rest of the batch goes back untouched.
    smtp.handler.mode = "close"
    result = outbox_drain(now=_later(5))
    assert result.sent == 0 and result.failed == 0 and result.unreachable
    assert _statuses() == {OutboxStatus.PENDING: PEOPLE}

    # 3. A server that never answers: the drain gives up after EMAIL_TIMEOUT, not forever.
    port = smtp.port
    smtp.stop()
    silent = SilentServer(port).start()
    settings.EMAIL_TIMEOUT = 1
    try:
        started = time.monotonic()
        result = outbox_drain(now=_later(30))
        waited = time.monotonic() - started
    finally:
        silent.stop()
    assert result.sent == 0 and result.unreachable and waited < 5, (result, waited)
    assert _statuses() == {OutboxStatus.PENDING: PEOPLE}
    attempts = sorted(set(OutboxMessage.objects.values_list("attempts", flat=True)))

    # 4. Back: everything goes out once the backoff has passed; nothing twice.
    back = SmtpServer(port).start()
    try:
        assert outbox_drain(now=_later(1)).sent == 0  # still backing off: no hammering
        result = outbox_drain(now=_later(24 * 60))
    finally:
        back.stop()
    assert result.sent == PEOPLE and _statuses() == {OutboxStatus.SENT: PEOPLE}
    delivered = Counter(back.handler.outbox_ids())
    assert set(delivered) == set(OutboxMessage.objects.values_list("pk", flat=True))
    assert max(delivered.values()) == 1 and not smtp.handler.received
    assert not OutboxMessage.objects.exclude(last_error="").exists()
    print(f"proved: 451, 421 and a silent server ({waited:.1f} s, bounded by EMAIL_TIMEOUT) left all {PEOPLE} "
          f"reminders pending (attempts {attempts}), none given up; once back, each was delivered exactly once")


def test_smtp_temporary_refusal_at_rcpt_is_retried(overdue_people, smtp):
    overdue_people(2)
    reminders_plan(day=timezone.localdate())
    smtp.handler.mode = "refuse_rcpt"
    result = outbox_drain()
    assert result.failed == 0 and _statuses() == {OutboxStatus.PENDING: 2}
