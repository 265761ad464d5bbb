"""What the tasks' e-mails carry besides their text: the task's address and the sessions' .ics.

The messages themselves are built by ``outbox.services.outbox_message_build`` where they are
decided (assignment, transitions, reminders); the outbox knows nothing of tasks or sessions,
so the calendar files are rendered here and handed over with the message.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings

from calendars.ics import session_ics
from outbox.attachments import Attachment
from workflow.models import Session

# E-mail templates of the tasks: tasks/templates/tasks/email/<name>_{subject,body}.{txt,html}.
EMAIL_TEMPLATES = "tasks/email"
# A digest of many sessions' tasks carries at most this many session .ics files, taken from
# its first tasks.
MAX_CALENDAR_ATTACHMENTS = 5
_TASKS_LOOKED_AT = 50
# Renderers of the messages planned as rows and rendered when sent (``tasks.digests``).
ASSIGNED_RENDERER = "tasks.assigned"
CALENDAR_MIMETYPE = "text/calendar; method=PUBLISH; charset=utf-8"


def task_url(task_id: int) -> str:
    return f"{settings.SITE_URL}/tasks/{task_id}/"


def email_template(name: str) -> str:
    return f"{EMAIL_TEMPLATES}/{name}"


class SessionCalendars:
    """The sessions of a message's tasks as .ics attachments (``session-<id>.ics``), so the
    session lands in the reader's calendar in one click. Each session is read and rendered
    once per instance: keep one for a whole run of messages."""

    def __init__(self) -> None:
        self._rendered: dict[int, Attachment] = {}

    def for_tasks(self, tasks: Iterable) -> list[Attachment]:
        """The first ``MAX_CALENDAR_ATTACHMENTS`` distinct sessions of the first tasks, in
        the order of ``tasks``."""
        session_ids = list(dict.fromkeys(task.session_id for task in list(tasks)[:_TASKS_LOOKED_AT]))
        session_ids = session_ids[:MAX_CALENDAR_ATTACHMENTS]
        self._render([sid for sid in session_ids if sid not in self._rendered])
        return [self._rendered[sid] for sid in session_ids if sid in self._rendered]

    def _render(self, session_ids: list[int]) -> None:
        if not session_ids:
            return
        for session in Session.objects.filter(pk__in=session_ids).select_related("plan"):
            self._rendered[session.pk] = Attachment(
                filename=f"session-{session.pk}.ics",
                content=session_ics(session).decode(),
                mimetype=CALENDAR_MIMETYPE,
            )
