"""Writing e-mails into the outbox: the one builder every sender uses, the insert, the hand-over.

``outbox_message_build`` turns what a caller knows (recipient, kind, day, key, a template and
its context, attachments, the ids of the records concerned) into an unsaved row with its
subject, text and HTML rendered in Russian. ``outbox_messages_add`` inserts rows in bulk inside
the caller's transaction, keeping the rows already there (unique per recipient, kind, day and
key), and hands the messages built with ``send_on_commit`` to the sender once that transaction
has committed. The sending itself is ``outbox.sender``.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Iterable
from functools import partial

from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import Substitution

from .attachments import Attachment
from .models import OutboxMessage, OutboxStatus
from .rendering import message_render, stand_in_dress

logger = logging.getLogger(__name__)


def outbox_message_build(
    *,
    recipient,
    kind: str,
    day: datetime.date,
    template: str,
    context: dict,
    key: str = "",
    attachments: Iterable[Attachment] = (),
    related_ids: Iterable[int] = (),
    send_on_commit: bool = False,
) -> OutboxMessage:
    """The unsaved outbox row of one e-mail to ``recipient`` (at their address now).

    ``template`` names the three templates (``"tasks/email/reminder"`` →
    ``tasks/email/reminder_subject.txt``, ``…_body.txt``, ``…_body.html``), rendered with
    ``context``. ``send_on_commit``: a person's action wrote it, so it is handed to the sender
    when the transaction commits (see ``outbox_messages_add``); otherwise whoever planned it
    (a daily run) queues the drain, or the sweep sends it."""
    subject, text, html = message_render(template=template, context=context)
    message = OutboxMessage(
        recipient=recipient,
        to_email=recipient.email,
        kind=kind,
        day=day,
        key=key,
        subject=subject,
        body_text=text,
        body_html=html,
        related_ids=list(related_ids),
        attachments=[attachment.as_json() for attachment in attachments],
    )
    message.send_on_commit = send_on_commit
    return message


def outbox_message_plan(
    *, recipient, kind: str, day: datetime.date, render_as: str, key: str = "", related_ids: Iterable[int] = ()
) -> OutboxMessage:
    """The unsaved row of an e-mail to render when it is sent (``outbox.rendering``): who, what
    kind, which day, which records; no text yet."""
    return OutboxMessage(recipient=recipient, to_email=recipient.email, kind=kind, day=day, key=key,
                         subject="", body_text="", body_html="", related_ids=list(related_ids), render_as=render_as)


def outbox_messages_add(*, messages: list[OutboxMessage]) -> None:
    """Insert ``messages``; rows already there (same recipient, kind, day, key) are kept as
    they are. Call inside the transaction of the cause. The messages built with
    ``send_on_commit`` are handed to the sender once it commits. A message for someone another
    person stands in for that day goes to the acting person instead (and to them too when they
    asked for copies): ``_to_stand_ins``."""
    messages = _to_stand_ins(messages)
    OutboxMessage.objects.bulk_create(messages, ignore_conflicts=True, batch_size=500)
    urgent = [message for message in messages if message.send_on_commit]
    if urgent:
        transaction.on_commit(partial(outbox_hand_over, message_ids=_ids_of(urgent)))


def outbox_planned_route(*, kind: str, day: datetime.date) -> int:
    """Route the rows of ``kind`` planned for ``day`` by set-based SQL (not through
    ``outbox_messages_add``) as ``_to_stand_ins`` routes the rows it is given: a copy for whoever
    stands in for the recipient that day, and the original withdrawn (``skipped``) unless the
    person replaced asked for copies. Only pending rows nobody has claimed are withdrawn. One
    query when nobody stands in that day; the number of copies written."""
    replaced = Substitution.objects.filter(ended_at__isnull=True, starts_on__lte=day, ends_on__gte=day).values(
        "replaces_id")
    originals = list(OutboxMessage.objects.filter(kind=kind, day=day, key="", status=OutboxStatus.PENDING,
                                                  claim_token="", recipient_id__in=replaced))
    if not originals:
        return 0
    routed = _to_stand_ins(originals)
    copies = [message for message in routed if message.pk is None]
    OutboxMessage.objects.bulk_create(copies, ignore_conflicts=True)
    kept = {message.pk for message in routed if message.pk is not None}
    OutboxMessage.objects.filter(
        pk__in=[m.pk for m in originals if m.pk not in kept], status=OutboxStatus.PENDING, claim_token=""
    ).update(status=OutboxStatus.SKIPPED, last_error=_("Отправлено исполняющему обязанности."))
    return len(copies)


def _to_stand_ins(messages: list[OutboxMessage]) -> list[OutboxMessage]:
    """Route each message through the substitutions running on its day (one query)."""
    if not messages:
        return messages
    days = [message.day for message in messages]
    running: dict[int, list[Substitution]] = {}
    for sub in (
        Substitution.objects.filter(replaces_id__in={m.recipient_id for m in messages}, ended_at__isnull=True,
                                    starts_on__lte=max(days), ends_on__gte=min(days), person__is_active=True)
        .exclude(person__email="")
        .select_related("person", "replaces")
    ):
        running.setdefault(sub.replaces_id, []).append(sub)
    if not running:
        return messages
    # A sender that already addressed the acting person itself (the decision notices do, to leave
    # out the one who acted) gets no second copy for them.
    addressed = {(m.recipient_id, m.kind, m.day, m.key) for m in messages}
    routed = []
    for message in messages:
        subs = [s for s in running.get(message.recipient_id, ()) if s.starts_on <= message.day <= s.ends_on]
        routed += [
            _for_stand_in(message, sub) for sub in subs
            if (sub.person_id, message.kind, message.day, message.key) not in addressed
        ]
        if not subs or any(sub.copy_to_replaced for sub in subs):
            routed.append(message)
    return routed


def _for_stand_in(message: OutboxMessage, sub: Substitution) -> OutboxMessage:
    """``message`` as the acting person gets it: addressed to them, saying for whom it was meant.
    A message planned to be rendered at send time (``render_as``) gets the note then
    (``outbox.rendering``): its key names the person replaced."""
    copy = OutboxMessage(
        recipient=sub.person, to_email=sub.person.email, kind=message.kind, day=message.day,
        key=f"{message.key}@{sub.replaces_id}"[:40], subject=message.subject, body_text=message.body_text,
        body_html=message.body_html, related_ids=message.related_ids, attachments=message.attachments,
        render_as=message.render_as,
    )
    if copy.body_text:
        stand_in_dress(copy, sub)
    copy.send_on_commit = getattr(message, "send_on_commit", False)
    return copy


def _ids_of(messages: list[OutboxMessage]) -> list[int]:
    """The ids of the rows of ``messages`` (an insert that ignores conflicts does not return
    them): one query by the unique key."""
    wanted = {(m.recipient_id, m.kind, m.day, m.key) for m in messages}
    rows = OutboxMessage.objects.filter(
        recipient_id__in={w[0] for w in wanted},
        kind__in={w[1] for w in wanted},
        day__in={w[2] for w in wanted},
        key__in={w[3] for w in wanted},
    ).values_list("id", "recipient_id", "kind", "day", "key")
    return sorted(row[0] for row in rows if row[1:] in wanted)


def outbox_hand_over(*, message_ids: list[int]) -> bool:
    """Queue a drain of ``message_ids`` (after the commit that wrote them). A broker that is
    down must not fail the person's request, whose change has committed: log it and leave the
    messages to the periodic sweep."""
    from .jobs import drain_outbox

    if not message_ids:
        return True
    try:
        drain_outbox.delay(message_ids=message_ids)
    except Exception:  # noqa: BLE001 - any broker failure is survivable here
        logger.exception("Could not hand %s outbox messages to the sender; the sweep will send them", len(message_ids))
        return False
    return True
