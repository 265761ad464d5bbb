"""Notices at every step: the answers of this app to the kernel's one ``transition_fired`` signal.

Each receiver runs inside the transition's transaction; the messages it writes to the outbox
are handed to the sender once that transaction commits."""

from __future__ import annotations

from django.dispatch import receiver

from lifecycle.kernel import transition_fired
from tasks.models import PreparationTask, TaskTransition
from workflow.models import AgendaItem, Plan

from . import services


@receiver(transition_fired, dispatch_uid="notices_plan_decision")
def _plan_decision(sender, instance, name, log, by, **kwargs) -> None:
    if sender in (Plan, AgendaItem):  # an item moves on its own only as an amendment
        services.decision_notify(obj=instance, name=name, log=log, by=by)


@receiver(transition_fired, sender=PreparationTask, dispatch_uid="notices_report_submitted")
def _report_submitted(sender, instance, name, log, by, **kwargs) -> None:
    if name == TaskTransition.SUBMIT:
        services.report_submitted_notify(task=instance, event=log, by=by)
