"""The e-mail outbox: messages are rows first, then a sender drains them.

Writing: ``outbox_messages_add`` inserts rendered messages in bulk, ignoring the ones that
already exist (unique per recipient, kind, day and key), inside the caller's transaction.
Sending: ``outbox_drain`` claims rows with a conditional update (pending → sending with a
claim token), sends a batch over ONE SMTP connection, marks a row sent only after the server
accepted it, and on failure records the attempt and the error and reschedules it with an
exponential backoff, or gives up after ``TASKS_OUTBOX_MAX_ATTEMPTS``. ``outbox_release_stuck``
puts back rows whose sender died while holding them.
"""

from __future__ import annotations

import datetime
import logging
import smtplib
import uuid
from dataclasses import dataclass, field

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import connection, transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.utils import timezone, translation

from .models import MessageKind, OutboxMessage, OutboxStatus

logger = logging.getLogger(__name__)

MAX_BACKOFF = datetime.timedelta(hours=6)


def task_url(task_id: int) -> str:
    return f"{settings.SITE_URL}/tasks/{task_id}/"


def message_render(*, template: str, context: dict) -> tuple[str, str, str]:
    """(subject, text, html) from ``tasks/email/<template>_{subject,body}.{txt,html}``, in Russian."""
    context = {"site_url": settings.SITE_URL, "office_name": settings.PROJECT_OFFICE_NAME, **context}
    with translation.override(settings.LANGUAGE_CODE):
        subject = render_to_string(f"tasks/email/{template}_subject.txt", context)
        text = render_to_string(f"tasks/email/{template}_body.txt", context)
        html = render_to_string(f"tasks/email/{template}_body.html", context)
    return " ".join(subject.split())[:255], text.strip() + "\n", html


def outbox_messages_add(*, messages: list[OutboxMessage]) -> None:
    """Insert ``messages``; rows already there (same recipient, kind, day, key) are kept as
    they are. Call inside the transaction of the cause."""
    OutboxMessage.objects.bulk_create(messages, ignore_conflicts=True, batch_size=500)


@dataclass
class DrainResult:
    sent: int = 0
    retried: int = 0
    failed: int = 0
    batches: int = 0
    errors: list[str] = field(default_factory=list)
    unreachable: bool = False  # a batch stopped because the SMTP server could not be reached


def _backoff(attempts: int) -> datetime.timedelta:
    delay = datetime.timedelta(seconds=settings.TASKS_OUTBOX_BACKOFF_SECONDS * 2 ** max(0, attempts - 1))
    return min(delay, MAX_BACKOFF)


def _claim(*, now: datetime.datetime, limit: int) -> list[OutboxMessage]:
    ids = list(
        OutboxMessage.objects.filter(status=OutboxStatus.PENDING, next_attempt_at__lte=now)
        .order_by("next_attempt_at", "id")
        .values_list("id", flat=True)[:limit]
    )
    if not ids:
        return []
    token = uuid.uuid4().hex
    # The conditional update is the claim: a row another sender took meanwhile is not pending.
    OutboxMessage.objects.filter(id__in=ids, status=OutboxStatus.PENDING).update(
        status=OutboxStatus.SENDING, claimed_at=now, claim_token=token
    )
    return list(OutboxMessage.objects.filter(claim_token=token, status=OutboxStatus.SENDING).order_by("id"))


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


# A digest of many sessions' tasks carries at most this many session .ics files.
MAX_CALENDAR_ATTACHMENTS = 5
_KINDS_WITH_CALENDAR = frozenset({MessageKind.ASSIGNED, MessageKind.REMINDER})


def _session_calendars(batch: list[OutboxMessage]) -> dict[int, list[tuple[str, bytes]]]:
    """For each message of ``batch`` to a responsible person, its tasks' sessions as .ics
    files (``session-<id>.ics``), so the session lands in the reader's calendar in one click.
    One query for the whole batch; each session rendered once."""
    from calendars.ics import session_ics

    from .models import PreparationTask

    wanted = {m.pk: m.task_ids[:50] for m in batch if m.kind in _KINDS_WITH_CALENDAR and m.task_ids}
    task_ids = {task_id for ids in wanted.values() for task_id in ids}
    if not task_ids:
        return {}
    session_of = {
        task.pk: task.session
        for task in PreparationTask.objects.filter(pk__in=task_ids).select_related("session", "session__plan")
    }
    rendered: dict[int, bytes] = {}
    result: dict[int, list[tuple[str, bytes]]] = {}
    for message_id, ids in wanted.items():
        sessions = list(dict.fromkeys(session_of[i] for i in ids if i in session_of))[:MAX_CALENDAR_ATTACHMENTS]
        for session in sessions:
            if session.pk not in rendered:
                rendered[session.pk] = session_ics(session)
        result[message_id] = [(f"session-{s.pk}.ics", rendered[s.pk]) for s in sessions]
    return result


def _email(message: OutboxMessage, connection, calendars=()) -> EmailMultiAlternatives:
    email = EmailMultiAlternatives(
        subject=message.subject,
        body=message.body_text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[message.to_email],
        connection=connection,
        headers={"X-Outbox-Id": str(message.pk), "Auto-Submitted": "auto-generated"},
    )
    if message.body_html:
        email.attach_alternative(message.body_html, "text/html")
    for filename, content in calendars:
        email.attach(filename, content, "text/calendar; method=PUBLISH; charset=utf-8")
    return email


def _mark_sent(message: OutboxMessage) -> None:
    """One row, one commit, right after the server accepted the message. On PostgreSQL the
    commit does not wait for the disk flush: if the database itself crashed in that fraction of
    a second, the row would stay "sending" and be re-sent after the stuck timeout, the same
    window as a sender dying between the SMTP reply and this update."""
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL synchronous_commit TO OFF")
        OutboxMessage.objects.filter(pk=message.pk, claim_token=message.claim_token).update(
            status=OutboxStatus.SENT,
            sent_at=timezone.now(),
            attempts=F("attempts") + 1,
            last_error="",
            claimed_at=None,
            claim_token="",
        )


_CONNECTION_ERRORS = (smtplib.SMTPServerDisconnected, smtplib.SMTPConnectError, OSError)


def _refusal_is_permanent(exc: smtplib.SMTPRecipientsRefused) -> bool:
    """Permanent only when the server refused every recipient with a 5xx code."""
    codes = [code for code, _reply in exc.recipients.values()]
    return bool(codes) and all(500 <= code < 600 for code in codes)


def _send_batch(batch: list[OutboxMessage], result: DrainResult, *, reuse_connection: bool = True) -> None:
    """Send ``batch`` over one connection (or, for the benchmark's comparison, one per message)."""
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
        calendars = _session_calendars(batch)
        for index, message in enumerate(batch):
            try:
                accepted = _email(message, connection, calendars.get(message.pk, ())).send()
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
) -> DrainResult:
    """Send what is due, batch after batch, until nothing is due or a batch could not connect."""
    result = DrainResult()
    batch_size = batch_size or settings.TASKS_OUTBOX_BATCH_SIZE
    while max_batches is None or result.batches < max_batches:
        batch = _claim(now=now or timezone.now(), limit=batch_size)
        if not batch:
            break
        result.batches += 1
        _send_batch(batch, result, reuse_connection=reuse_connection)
        if result.unreachable:
            break  # leave the rest for the backoff and the sweep
    return result


def outbox_release_stuck(*, now: datetime.datetime | None = None) -> int:
    """Put back rows held in "sending" longer than ``TASKS_OUTBOX_STUCK_SECONDS`` (a dead sender)."""
    cutoff = (now or timezone.now()) - datetime.timedelta(seconds=settings.TASKS_OUTBOX_STUCK_SECONDS)
    released = OutboxMessage.objects.filter(status=OutboxStatus.SENDING, claimed_at__lt=cutoff).update(
        status=OutboxStatus.PENDING, claimed_at=None, claim_token=""
    )
    if released:
        logger.warning("Released %s outbox messages stuck in sending", released)
    return released
