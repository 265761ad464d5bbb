"""The sender against a real SMTP server: one connection per batch, retries, never sent early."""

import datetime

import pytest
import time_machine
from django.utils import timezone

from tasks.models import MessageKind, OutboxMessage, OutboxStatus
from tasks.outbox import outbox_drain, outbox_release_stuck
from tests.factories import make_user
from tests.tasks.conftest import SmtpServer, free_port

NOW = datetime.datetime(2031, 3, 10, 9, 0, tzinfo=datetime.UTC)


def _queue(count: int, **fields) -> list[OutboxMessage]:
    messages = []
    for n in range(count):
        user = make_user(f"reader{n}")
        messages.append(
            OutboxMessage.objects.create(
                recipient=user,
                to_email=user.email,
                kind=MessageKind.REMINDER,
                day=NOW.date(),
                subject=f"Напоминание {n}",
                body_text=f"Текст {n}",
                body_html=f"<p>Текст {n}</p>",
                **fields,
            )
        )
    return messages


@pytest.fixture
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def test_a_batch_goes_over_one_connection(db, clock, smtp_server, settings):
    settings.TASKS_OUTBOX_BATCH_SIZE = 10
    _queue(7)

    result = outbox_drain()

    assert result.sent == 7 and result.batches == 1
    assert len(smtp_server.recorder.messages) == 7
    assert len(set(smtp_server.recorder.peers)) == 1  # one client socket
    assert set(OutboxMessage.objects.values_list("status", flat=True)) == {OutboxStatus.SENT}
    message = smtp_server.recorder.messages[0]
    assert message["Subject"].startswith("Напоминание")
    assert "Текст" in smtp_server.recorder.text(message) and "<p>" in smtp_server.recorder.html(message)


def test_batches_reconnect_and_a_rerun_sends_nothing(db, clock, smtp_server, settings):
    settings.TASKS_OUTBOX_BATCH_SIZE = 3
    _queue(7)

    first = outbox_drain()
    second = outbox_drain()

    assert (first.sent, first.batches, second.sent) == (7, 3, 0)
    assert len(set(smtp_server.recorder.peers)) == 3
    assert len(smtp_server.recorder.messages) == 7


def test_smtp_down_nothing_marked_sent_then_delivered_after_backoff(db, clock, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", free_port(), 2
    settings.TASKS_OUTBOX_BACKOFF_SECONDS = 60
    _queue(3)

    down = outbox_drain()

    assert (down.sent, down.retried, down.unreachable) == (0, 3, True)
    for row in OutboxMessage.objects.all():
        assert row.status == OutboxStatus.PENDING and row.sent_at is None
        assert row.attempts == 1 and "Connection refused" in row.last_error
        assert row.next_attempt_at == NOW + datetime.timedelta(seconds=60)

    server = SmtpServer()
    server.port = settings.EMAIL_PORT
    server.start()
    try:
        assert outbox_drain().sent == 0  # backing off
        clock.shift(datetime.timedelta(seconds=61))
        back = outbox_drain()
    finally:
        server.stop()
    assert back.sent == 3 and len(server.recorder.messages) == 3
    assert set(OutboxMessage.objects.values_list("status", "attempts", "last_error")) == {(OutboxStatus.SENT, 2, "")}


def test_backoff_grows_and_gives_up_after_the_bound(db, clock, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", free_port(), 2
    settings.TASKS_OUTBOX_BACKOFF_SECONDS, settings.TASKS_OUTBOX_MAX_ATTEMPTS = 10, 3
    [message] = _queue(1)

    delays = []
    for _ in range(3):
        outbox_drain()
        message.refresh_from_db()
        delays.append((message.next_attempt_at - timezone.now()).total_seconds())
        clock.move_to(message.next_attempt_at)

    assert delays[:2] == [10, 20]
    assert message.status == OutboxStatus.FAILED and message.attempts == 3


def test_a_refused_recipient_fails_alone(db, clock, smtp_server):
    good, bad, other = _queue(3)
    smtp_server.recorder.refuse = frozenset({bad.to_email})

    result = outbox_drain()

    assert (result.sent, result.failed) == (2, 1)
    bad.refresh_from_db()
    assert bad.status == OutboxStatus.FAILED and "550" in bad.last_error
    assert smtp_server.recorder.to() == sorted([good.to_email, other.to_email])


def test_a_temporary_refusal_at_rcpt_is_retried_after_the_backoff(db, clock, smtp_server, settings):
    settings.TASKS_OUTBOX_BACKOFF_SECONDS = 60
    good, greylisted = _queue(2)
    smtp_server.recorder.refuse_for_now = frozenset({greylisted.to_email})

    result = outbox_drain()

    assert (result.sent, result.retried, result.failed) == (1, 1, 0)
    greylisted.refresh_from_db()
    assert greylisted.status == OutboxStatus.PENDING and greylisted.attempts == 1
    assert "451" in greylisted.last_error
    assert greylisted.next_attempt_at == NOW + datetime.timedelta(seconds=60)
    assert outbox_drain().sent == 0  # not before the backoff

    smtp_server.recorder.refuse_for_now = frozenset()
    clock.move_to(greylisted.next_attempt_at)
    assert outbox_drain().sent == 1
    greylisted.refresh_from_db()
    assert greylisted.status == OutboxStatus.SENT and greylisted.last_error == ""
    assert smtp_server.recorder.to() == sorted([good.to_email, greylisted.to_email])


def test_claimed_rows_are_not_sent_twice_and_stuck_ones_are_released(db, clock, smtp_server, settings):
    settings.TASKS_OUTBOX_STUCK_SECONDS = 600
    [held] = _queue(1)
    OutboxMessage.objects.filter(pk=held.pk).update(status=OutboxStatus.SENDING, claimed_at=NOW, claim_token="x")

    assert outbox_drain().sent == 0  # another sender holds it
    assert outbox_release_stuck() == 0
    clock.shift(datetime.timedelta(seconds=601))
    assert outbox_release_stuck() == 1
    assert outbox_drain().sent == 1
    assert len(smtp_server.recorder.messages) == 1


def test_reminders_carry_their_sessions_calendar_and_escalations_do_not(db, clock, smtp_server, make_task):
    from icalendar import Calendar

    reader = make_user("calendar_reader")
    task = make_task(reader, NOW.date(), session_month=datetime.date(2031, 4, 1))
    for kind in (MessageKind.REMINDER, MessageKind.ESCALATION):
        OutboxMessage.objects.create(
            recipient=reader, to_email=reader.email, kind=kind, day=NOW.date(), subject=str(kind),
            body_text="Текст", task_ids=[task.pk],
        )

    assert outbox_drain().sent == 2

    by_subject = {m["Subject"]: m for m in smtp_server.recorder.messages}
    calendars = [part for part in by_subject["reminder"].walk() if part.get_content_type() == "text/calendar"]
    assert [part.get_filename() for part in calendars] == [f"session-{task.session_id}.ics"]
    event = Calendar.from_ical(calendars[0].get_payload(decode=True)).walk("VEVENT")[0]
    assert str(event["UID"]).startswith(f"session-{task.session_id}@")
    assert not [p for p in by_subject["escalation"].walk() if p.get_content_type() == "text/calendar"]
