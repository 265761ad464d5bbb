"""The daily chase: what the schedule runs, as one plain function."""

import datetime
from dataclasses import dataclass

from django.dispatch import Signal
from django.utils import timezone

from outbox.sender import DrainResult, outbox_drain, outbox_release_stuck

from .assignment import AssignResult, tasks_assign

# Sent by each daily run before the outbox is drained (kwargs: day): apps above tasks add their
# own daily sending (meetings: the agenda of the sessions ahead).
daily_chase = Signal()


@dataclass
class ChaseReport:
    day: datetime.date
    assigned: AssignResult
    reminders: object
    released: int = 0
    drained: DrainResult | None = None


def chase_run(*, day: datetime.date | None = None, send: bool = True) -> ChaseReport:
    """What the daily schedule runs, as of ``day``: assignment for the sessions entering the
    preparation window, reminder and escalation planning into the outbox, then (``send``)
    draining the outbox. Safe to run any number of times: every step is idempotent."""
    from .reminders import reminders_plan

    day = day or timezone.localdate()
    report = ChaseReport(day=day, assigned=tasks_assign(today=day), reminders=reminders_plan(day=day))
    daily_chase.send(sender=chase_run, day=day)
    if send:
        report.released = outbox_release_stuck()
        report.drained = outbox_drain()
    return report
