"""The agenda with the materials pack, sent to a session's participants a configurable number
of working days before it (``MEETINGS_AGENDA_WORKING_DAYS_BEFORE``), from the daily chase.

Once per session (``AgendaMailing``): the first daily run on or after the sending day that
finds the session scheduled writes one e-mail per participant into the outbox, in one
transaction with the record, so a re-run or a second worker sends nothing twice.
"""

from __future__ import annotations

import datetime
import logging

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from outbox.attachments import Attachment
from outbox.models import MessageKind
from outbox.services import outbox_message_build, outbox_messages_add
from tasks.rules import is_working_day
from workflow.lifecycles import SessionState
from workflow.models import Session

from . import documents, selectors
from .models import AgendaMailing

logger = logging.getLogger(__name__)

# The outbox kind of the agenda e-mails (part of the outbox's unique key with the session's key).
AGENDA_KIND = MessageKind.AGENDA
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def agenda_sending_day(*, session_date: datetime.date, working_days: int) -> datetime.date:
    """The working day ``working_days`` working days before ``session_date``."""
    day, left = session_date, working_days
    while left > 0:
        day -= datetime.timedelta(days=1)
        if is_working_day(day):
            left -= 1
    return day


def session_links(session: Session) -> dict:
    base = settings.SITE_URL
    return {"agenda_url": f"{base}/api/sessions/{session.pk}/agenda/?format=docx",
            "pack_url": f"{base}/api/sessions/{session.pk}/materials/",
            "page_url": f"{base}/meetings/sessions/{session.pk}/"}


def agenda_send(*, session: Session, day: datetime.date) -> int:
    """Write the agenda e-mail of ``session`` for each participant; the number written (0 when
    it was sent before)."""
    people = [person for person in selectors.session_participants(session=session) if person.email]
    when = timezone.localtime(session.starts_at) if session.starts_at else None
    context = {"session": session, "date": session.expected_date, "time": f"{when:%H:%M}" if when else "",
               "rows": documents.agenda_rows(session=session),
               "control": selectors.assignments_for_control(session=session), **session_links(session)}
    agenda = Attachment(filename=f"agenda-{session.pk}.docx", content=documents.agenda_docx(session=session),
                        mimetype=DOCX_TYPE)
    try:
        with transaction.atomic():
            AgendaMailing.objects.create(session=session, sent_on=day, recipients=len(people))
            outbox_messages_add(messages=[
                outbox_message_build(recipient=person, kind=AGENDA_KIND, day=day, key=f"session:{session.pk}",
                                     template="meetings/email/agenda", context={"person": person, **context},
                                     attachments=[agenda], related_ids=[session.pk])
                for person in people
            ])
    except IntegrityError:
        return 0  # another run recorded it first
    return len(people)


def agendas_send_due(*, day: datetime.date) -> int:
    """Send the agenda of every scheduled session whose sending day has come and that is still
    ahead; one bad session is logged and does not stop the rest."""
    working_days = settings.MEETINGS_AGENDA_WORKING_DAYS_BEFORE
    sent = 0
    sessions = (Session.objects.filter(state=SessionState.SCHEDULED, agenda_mailing__isnull=True)
                .select_related("plan").order_by("starts_at", "pk"))
    for session in sessions:
        session_date = session.expected_date
        if not agenda_sending_day(session_date=session_date, working_days=working_days) <= day <= session_date:
            continue
        try:
            sent += agenda_send(session=session, day=day)
        except Exception:
            logger.exception("Agenda of session %s not sent; the next run tries again", session.pk)
    return sent


def on_daily_chase(sender, *, day: datetime.date, **kwargs) -> None:
    agendas_send_due(day=day)


def material_late_notify(*, task) -> int:
    """A preparation result accepted after the session's agenda went out: the participants hear
    of it (one e-mail each, in the acceptance's transaction). 0 when the agenda is not out yet,
    the session is over, or the task is not a preparation of an agenda item."""
    session = task.session
    if task.item_id is None or session.state != SessionState.SCHEDULED:
        return 0
    if not AgendaMailing.objects.filter(session=session).exists():
        return 0
    people = [person for person in selectors.session_participants(session=session) if person.email]
    context = {"session": session, "task": task, **session_links(session)}
    outbox_messages_add(messages=[
        outbox_message_build(recipient=person, kind=AGENDA_KIND, day=timezone.localdate(), key=f"material:{task.pk}",
                             template="meetings/email/material", context={"person": person, **context},
                             related_ids=[session.pk, task.pk], send_on_commit=True)
        for person in people
    ])
    return len(people)


def on_transition_fired(sender, *, instance, name: str, **kwargs) -> None:
    from tasks.models import PreparationTask, TaskTransition

    if sender is PreparationTask and name == TaskTransition.ACCEPT:
        material_late_notify(task=instance)
