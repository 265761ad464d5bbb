"""The daily chase: what the schedule runs, as one plain function."""

import datetime
from dataclasses import dataclass

from django.dispatch import Signal
from django.utils import timezone

from outbox.sender import DrainResult, outbox_drain, outbox_release_stuck

from .assignment import AssignResult, tasks_assign

# Sent by each daily run before the outbox is drained (kwargs: day): apps above tasks add their
# own daily sending (meetings: the agenda of the sessions ahead; notices: the decisions' digest).
daily_chase = Signal()


@dataclass
class ChaseReport:
    day: datetime.date
    assigned: AssignResult
    reminders: object
    released: int = 0
    session_dates: int = 0  # office-head reminders to set a session's date (tasks.session_dates)
    drained: DrainResult | None = None


def chase_run(*, day: datetime.date | None = None, send: bool = True) -> ChaseReport:
    """What the daily schedule runs, as of ``day``: assignment for the sessions entering the
    preparation window, reminder and escalation planning into the outbox, then (``send``)
    draining the outbox. Safe to run any number of times: every step is idempotent."""
    from .reminders import reminders_plan
    from .session_dates import session_date_reminders_queue

    day = day or timezone.localdate()
    report = ChaseReport(day=day, assigned=tasks_assign(today=day), reminders=reminders_plan(day=day))
    report.session_dates = session_date_reminders_queue(day=day)
    daily_chase.send(sender=chase_run, day=day)
    if send:
        report.released = outbox_release_stuck()
        report.drained = outbox_drain()
    return report
