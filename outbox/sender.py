"""Sending the outbox: claim, send a batch over one connection, record; and the stuck-row sweep.

``outbox_drain`` claims rows with a conditional update (pending → sending with a claim token),
sends a batch over ONE SMTP connection, marks a row sent only after the server accepted it,
and on failure records the attempt and the error and reschedules it with an exponential
backoff, or gives up after ``TASKS_OUTBOX_MAX_ATTEMPTS`` (a permanent 5xx refusal at once).
While it works on a batch the sender renews its claim, at most every
``TASKS_OUTBOX_CLAIM_RENEW_SECONDS``, so that ``outbox_release_stuck`` only ever puts back
rows whose sender died holding them (see the numbers in ``config/settings.py``).
"""

from __future__ import annotations

import datetime
import functools
import logging
import smtplib
import time
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from email.utils import parseaddr

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.core.mail.backends.smtp import EmailBackend as SmtpBackend
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from .attachments import Attachment
from .mime import message_bytes
from .models import OutboxMessage, OutboxStatus
from .rendering import messages_render

logger = logging.getLogger(__name__)

MAX_BACKOFF = datetime.timedelta(hours=6)


@dataclass
class DrainResult:
    sent: int = 0
    retried: int = 0
    failed: int = 0
    skipped: int = 0  # planned messages with nothing left to say when their turn came
    batches: int = 0
    errors: list[str] = field(default_factory=list)
    unreachable: bool = False  # a batch stopped because the SMTP server could not be reached


def _backoff(attempts: int) -> datetime.timedelta:
    delay = datetime.timedelta(seconds=settings.TASKS_OUTBOX_BACKOFF_SECONDS * 2 ** max(0, attempts - 1))
    return min(delay, MAX_BACKOFF)


def _claim(
    *, now: datetime.datetime, limit: int, message_ids: Iterable[int] | None = None
) -> list[OutboxMessage] | None:
    """Take up to ``limit`` due rows for this sender: None when nothing is due, [] when other
    senders took every row this one saw (look again). The conditional update (pending →
    sending, with this claim's token) is the claim; on PostgreSQL the rows are read with
    ``FOR UPDATE SKIP LOCKED``, so concurrent senders take different rows instead of racing
    for the same ones (SQLite serialises the whole claim on its write lock)."""
    due = OutboxMessage.objects.filter(status=OutboxStatus.PENDING, next_attempt_at__lte=now)
    if message_ids is not None:
        due = due.filter(id__in=list(message_ids))
    token = uuid.uuid4().hex
    with transaction.atomic():
        ids = list(due.order_by("next_attempt_at", "id").select_for_update(skip_locked=True)
                   .values_list("id", flat=True)[:limit])
        if not ids:
            return None
        OutboxMessage.objects.filter(id__in=ids, status=OutboxStatus.PENDING).update(
            status=OutboxStatus.SENDING, claimed_at=now, claim_token=token
        )
    return list(OutboxMessage.objects.filter(claim_token=token, status=OutboxStatus.SENDING).order_by("id"))


class _Claim:
    """A sender's hold on its batch. Renewed before each SMTP step once the renewal interval
    has passed, so a live sender's rows never look abandoned however long the batch takes."""

    def __init__(self, token: str):
        self.token = token
        self.renewed = time.monotonic()

    def keep(self) -> None:
        if time.monotonic() - self.renewed < settings.TASKS_OUTBOX_CLAIM_RENEW_SECONDS:
            return
        OutboxMessage.objects.filter(claim_token=self.token, status=OutboxStatus.SENDING).update(
            claimed_at=timezone.now()
        )
        self.renewed = time.monotonic()


def _record_failure(message: OutboxMessage, error: str, *, permanent: bool, result: DrainResult) -> None:
    attempts = message.attempts + 1
    now = timezone.now()
    give_up = permanent or attempts >= settings.TASKS_OUTBOX_MAX_ATTEMPTS
    OutboxMessage.objects.filter(pk=message.pk, claim_token=message.claim_token).update(
        status=OutboxStatus.FAILED if give_up else OutboxStatus.PENDING,
        attempts=attempts,
        last_error=error[:2000],
        next_attempt_at=now + _backoff(attempts),
        claimed_at=None,
        claim_token="",
    )
    if give_up:
        result.failed += 1
        logger.error("Outbox message %s to %s failed for good: %s", message.pk, message.to_email, error)
    else:
        result.retried += 1
        logger.warning("Outbox message %s to %s will be retried: %s", message.pk, message.to_email, error)


def _headers(message: OutboxMessage) -> dict[str, str]:
    return {"X-Outbox-Id": str(message.pk), "Auto-Submitted": "auto-generated"}


def _email(message: OutboxMessage, connection) -> EmailMultiAlternatives:
    email = EmailMultiAlternatives(
        subject=message.subject,
        body=message.body_text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[message.to_email],
        connection=connection,
        headers=_headers(message),
    )
    if message.body_html:
        email.attach_alternative(message.body_html, "text/html")
    for data in message.attachments or ():
        attachment = Attachment.from_json(data)
        email.attach(attachment.filename, attachment.content, attachment.mimetype)
    return email


def outbox_message_bytes(message: OutboxMessage) -> bytes:
    """The message as the SMTP server receives it (``outbox.mime``)."""
    return message_bytes(subject=message.subject, to=message.to_email, text=message.body_text,
                         html=message.body_html, headers=_headers(message),
                         attachments=[Attachment.from_json(data) for data in message.attachments or ()])


@functools.cache
def _envelope_from(from_email: str) -> str:
    return parseaddr(from_email)[1]


def _deliver(message: OutboxMessage, connection) -> bool:
    """Hand one message to the mail backend; True when it was accepted. Django's SMTP backend,
    once open, is given the bytes ``outbox.mime`` writes, over its connection (a tenth of the
    time of Django's own MIME generator); any other backend, or an address that needs Django's
    IDNA encoding, gets Django's ``EmailMessage``."""
    if isinstance(connection, SmtpBackend) and connection.connection is not None and message.to_email.isascii():
        connection.connection.sendmail(_envelope_from(settings.DEFAULT_FROM_EMAIL), [message.to_email],
                                       outbox_message_bytes(message))
        return True
    return bool(_email(message, connection).send())


def _mark_sent(message: OutboxMessage) -> None:
    """One row, one (durable) commit, right after the server accepted the message. A message
    rendered at send time keeps what was sent: its subject, text and attachments are written in
    the same update."""
    rendered = (
        {"subject": message.subject, "body_text": message.body_text, "body_html": message.body_html,
         "attachments": message.attachments, "related_ids": message.related_ids}
        if message.render_as else {}
    )
    OutboxMessage.objects.filter(pk=message.pk, claim_token=message.claim_token).update(
        status=OutboxStatus.SENT,
        sent_at=timezone.now(),
        attempts=F("attempts") + 1,
        last_error="",
        claimed_at=None,
        claim_token="",
        **rendered,
    )


def _render(batch: list[OutboxMessage], result: DrainResult) -> list[OutboxMessage]:
    """Render the batch's planned messages (``outbox.rendering``); mark those with nothing left
    to say ``skipped``; return the messages to send. A renderer that fails puts its messages
    back for a retry, as a failed send would."""
    try:
        empty = messages_render(batch)
    except Exception as exc:  # noqa: BLE001 - a broken renderer must not lose the batch
        logger.exception("Rendering outbox messages failed")
        error = f"{type(exc).__name__}: {exc}"
        result.errors.append(error)
        for message in batch:
            _record_failure(message, error, permanent=False, result=result)
        return []
    if empty:
        OutboxMessage.objects.filter(pk__in=[m.pk for m in empty], claim_token=batch[0].claim_token).update(
            status=OutboxStatus.SKIPPED, claimed_at=None, claim_token="", last_error=""
        )
        result.skipped += len(empty)
    skipped = {message.pk for message in empty}
    return [message for message in batch if message.pk not in skipped]


_CONNECTION_ERRORS = (smtplib.SMTPServerDisconnected, smtplib.SMTPConnectError, OSError)


def _refusal_is_permanent(exc: smtplib.SMTPRecipientsRefused) -> bool:
    """Permanent only when the server refused every recipient with a 5xx code."""
    codes = [code for code, _reply in exc.recipients.values()]
    return bool(codes) and all(500 <= code < 600 for code in codes)


def _send_batch(batch: list[OutboxMessage], result: DrainResult, *, reuse_connection: bool = True) -> None:
    """Send ``batch`` over one connection (or, for the benchmark's comparison, one per message)."""
    claim = _Claim(batch[0].claim_token)
    batch = _render(batch, result)
    if not batch:
        return
    connection = get_connection(fail_silently=False)
    try:
        if reuse_connection:
            connection.open()
    except Exception as exc:  # noqa: BLE001 - any failure to connect puts the whole batch back
        error = f"{type(exc).__name__}: {exc}"
        result.errors.append(error)
        for message in batch:
            _record_failure(message, error, permanent=False, result=result)
        result.unreachable = True
        return
    try:
        for index, message in enumerate(batch):
            claim.keep()
            try:
                accepted = _deliver(message, connection)
            except smtplib.SMTPRecipientsRefused as exc:
                # 5xx at RCPT (no such mailbox) is final; 4xx (greylisting, a full mailbox,
                # "try again later") is a temporary refusal and is retried with the backoff.
                error = f"SMTPRecipientsRefused: {exc}"
                result.errors.append(error)
                _record_failure(message, error, permanent=_refusal_is_permanent(exc), result=result)
                continue
            except (smtplib.SMTPException, OSError) as exc:
                error = f"{type(exc).__name__}: {exc}"
                result.errors.append(error)
                code = getattr(exc, "smtp_code", 0) or 0
                _record_failure(message, error, permanent=500 <= code < 600, result=result)
                if isinstance(exc, _CONNECTION_ERRORS):
                    # The connection is gone: the rest of the batch goes back, untouched.
                    for rest in batch[index + 1 :]:
                        _record_failure(rest, error, permanent=False, result=result)
                    result.unreachable = True
                    return
                continue
            if accepted:
                _mark_sent(message)
                result.sent += 1
            else:
                _record_failure(message, "the backend accepted no message", permanent=False, result=result)
    finally:
        try:
            connection.close()
        except Exception:  # noqa: BLE001 - closing a dead connection must not hide the results
            logger.debug("Closing the SMTP connection failed", exc_info=True)


def outbox_drain(
    *,
    now: datetime.datetime | None = None,
    batch_size: int | None = None,
    max_batches: int | None = None,
    reuse_connection: bool = True,
    message_ids: Iterable[int] | None = None,
) -> DrainResult:
    """Send what is due (of ``message_ids`` only, when given), batch after batch, until nothing
    is due or a batch could not connect."""
    result = DrainResult()
    batch_size = batch_size or settings.TASKS_OUTBOX_BATCH_SIZE
    message_ids = None if message_ids is None else list(message_ids)
    while max_batches is None or result.batches < max_batches:
        batch = _claim(now=now or timezone.now(), limit=batch_size, message_ids=message_ids)
        if batch is None:
            break
        if not batch:
            continue  # another sender was quicker to every row seen: look again
        result.batches += 1
        _send_batch(batch, result, reuse_connection=reuse_connection)
        if result.unreachable:
            break  # leave the rest for the backoff and the sweep
    return result


def outbox_release_stuck(*, now: datetime.datetime | None = None) -> int:
    """Put back rows whose claim has not been renewed for ``TASKS_OUTBOX_STUCK_SECONDS``: their
    sender died holding them (a live one renews well within that time)."""
    cutoff = (now or timezone.now()) - datetime.timedelta(seconds=settings.TASKS_OUTBOX_STUCK_SECONDS)
    released = OutboxMessage.objects.filter(status=OutboxStatus.SENDING, claimed_at__lt=cutoff).update(
        status=OutboxStatus.PENDING, claimed_at=None, claim_token=""
    )
    if released:
        logger.warning("Released %s outbox messages stuck in sending", released)
    return released
