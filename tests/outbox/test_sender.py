"""The sender against a real SMTP server: one connection per batch, retries, never sent early,
the attachments handed over with the message, a claim kept while the sender lives."""

import datetime
import threading
import time

import pytest
import time_machine
from django.db import connection
from django.utils import timezone

from outbox.attachments import Attachment
from outbox.models import OutboxMessage, OutboxStatus
from outbox.sender import outbox_drain, outbox_release_stuck
from outbox.services import outbox_messages_add
from tests.factories import make_user
from tests.outbox.conftest import build, queue
from tests.tasks.conftest import SmtpServer, free_port

NOW = datetime.datetime(2031, 3, 10, 9, 0, tzinfo=datetime.UTC)


def _queue(count: int) -> list[OutboxMessage]:
    return queue(count, day=NOW.date())


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


def test_the_attachments_handed_over_go_out_with_the_message(db, clock, smtp_server):
    reader = make_user("attachment_reader")
    calendar = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nSUMMARY:Заседание\r\nEND:VCALENDAR\r\n"
    binary = bytes(range(256))
    outbox_messages_add(
        messages=[
            build(
                reader,
                subject="С вложениями",
                text="Текст",
                day=NOW.date(),
                key="with",
                attachments=[
                    Attachment("session-7.ics", calendar, "text/calendar; method=PUBLISH; charset=utf-8"),
                    Attachment("data.bin", binary, "application/octet-stream"),
                ],
            ),
            build(reader, subject="Без вложений", text="Текст", day=NOW.date(), key="without"),
        ]
    )

    assert outbox_drain().sent == 2

    by_subject = {m["Subject"]: m for m in smtp_server.recorder.messages}
    parts = {part.get_filename(): part for part in by_subject["С вложениями"].iter_attachments()}
    assert set(parts) == {"session-7.ics", "data.bin"}
    assert parts["session-7.ics"].get_content_type() == "text/calendar"
    assert parts["session-7.ics"].get_param("method") == "PUBLISH"
    assert parts["session-7.ics"].get_content().replace("\r\n", "\n") == calendar.replace("\r\n", "\n")
    assert parts["data.bin"].get_content() == binary
    assert not list(by_subject["Без вложений"].iter_attachments())


def test_a_drain_of_given_ids_sends_only_those(db, clock, smtp_server):
    first, second, third = _queue(3)

    result = outbox_drain(message_ids=[first.pk, third.pk])

    assert result.sent == 2
    assert smtp_server.recorder.to() == sorted([first.to_email, third.to_email])
    second.refresh_from_db()
    assert second.status == OutboxStatus.PENDING
    assert outbox_drain(message_ids=[first.pk]).sent == 0  # already sent: nothing twice


@pytest.mark.django_db(transaction=True)
@pytest.mark.timeout(60)
def test_a_live_sender_keeps_its_claim_however_long_the_batch_takes(smtp, settings):
    """The sweep runs, again and again, while a slow batch is being sent: with its claim renewed
    before each message, the sender never has a row taken back and sends each message once."""
    settings.TASKS_OUTBOX_STUCK_SECONDS = 1
    settings.TASKS_OUTBOX_CLAIM_RENEW_SECONDS = 0
    settings.TASKS_OUTBOX_BATCH_SIZE = 8
    smtp.handler.delay = 0.4  # a batch of 8 takes over 3 s, three times the stuck threshold
    rows = queue(8, day=timezone.localdate(), prefix="slow")
    results = []

    def send():
        try:
            results.append(outbox_drain())
        finally:
            connection.close()

    sender = threading.Thread(target=send)
    sender.start()
    released = 0
    while sender.is_alive():
        released += outbox_release_stuck()
        time.sleep(0.1)
    sender.join()

    assert released == 0
    assert results[0].sent == 8 and results[0].batches == 1
    assert sorted(smtp.handler.outbox_ids()) == sorted(row.pk for row in rows)
    assert set(OutboxMessage.objects.values_list("status", flat=True)) == {OutboxStatus.SENT}


def test_an_address_in_a_national_domain_goes_out_through_djangos_encoding(db, clock, smtp_server):
    """The bytes of ``outbox.mime`` are for ASCII addresses; an address in a Cyrillic domain is
    sent as Django's backend sends it, the domain in IDNA."""
    ascii_reader, = _queue(1)
    national = make_user("national_reader", email="reader@школа.рф")
    outbox_messages_add(messages=[build(national, subject="Домен", text="Текст", day=NOW.date())])

    assert outbox_drain().sent == 2

    assert smtp_server.recorder.to() == sorted([ascii_reader.to_email, "reader@" + "школа.рф".encode("idna").decode()])
    assert {m["Subject"] for m in smtp_server.recorder.messages} == {"Напоминание 0", "Домен"}
