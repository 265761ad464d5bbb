"""Reminding the office head to set the date of a session known only by a longer period.

A session due «I квартал 2025 г.» or «в течение года» gets no preparation tasks until its date
is set (``tasks.selectors.session_in_window``). From ``SESSION_DATE_REMINDER_DAYS`` days before
its period starts until the period ends, every office head gets one e-mail about it, once (the
outbox key names the session), as part of the daily chase.
"""

from __future__ import annotations

import datetime

from django.conf import settings

from approvals.models import ApprovalState
from outbox.models import MessageKind, OutboxMessage
from outbox.services import outbox_message_build, outbox_messages_add
from workflow.lifecycles import SessionState
from workflow.models import Session

from . import selectors
from .notices import email_template

DAYS_BEFORE_PERIOD = 30
_OPEN = (SessionState.PLANNED, SessionState.POSTPONED)


def _key(session: Session) -> str:
    return f"session-date:{session.pk}"


def sessions_needing_date(*, day: datetime.date) -> list[Session]:
    """Sessions of approved plans known only by a period longer than a month, with no date yet,
    whose period starts within ``DAYS_BEFORE_PERIOD`` days or has started and not ended."""
    return list(
        Session.objects.filter(
            plan__state=ApprovalState.APPROVED,
            state__in=_OPEN,
            starts_at__isnull=True,
            planned_month__isnull=True,
            period_start__lte=day + datetime.timedelta(days=DAYS_BEFORE_PERIOD),
            period_end__gte=day,
        )
        .select_related("plan")
        .order_by("period_start", "number")
    )


def session_date_reminders_queue(*, day: datetime.date) -> int:
    """Queue, for every office head, one e-mail per such session not yet reminded of; how many."""
    sessions = sessions_needing_date(day=day)
    heads = selectors.office_heads()
    if not sessions or not heads:
        return 0
    done = set(
        OutboxMessage.objects.filter(
            kind=MessageKind.REMINDER, key__in=[_key(s) for s in sessions], recipient__in=heads
        ).values_list("recipient_id", "key")
    )
    messages = [
        outbox_message_build(
            recipient=head,
            kind=MessageKind.REMINDER,
            day=day,
            key=_key(session),
            template=email_template("session_date"),
            context={"person": head, "session": session, "url": f"{settings.SITE_URL}/plans/{session.plan_id}/"},
            related_ids=[session.pk],
        )
        for session in sessions
        for head in heads
        if (head.pk, _key(session)) not in done
    ]
    outbox_messages_add(messages=messages)
    return len(messages)
