"""What moves tasks: approvals (assign), session changes (move/cancel), and the notices of their
own transitions — all answers to the kernel's one ``transition_fired`` signal."""

from __future__ import annotations

import logging
from functools import partial

from django.db import transaction
from django.dispatch import receiver

from approvals.models import ApprovalState
from lifecycle.kernel import transition_fired
from workflow.models import AgendaItem, Plan, Session

from . import transitions
from .models import PreparationTask

logger = logging.getLogger(__name__)


def assignment_enqueue(item_ids: list[int]) -> bool:
    """Queue the assignment job. A broker that is down must not undo the approval that has
    already committed: log it; the daily sweep (``chase``) creates the tasks later."""
    from .jobs import assign_items

    try:
        assign_items.delay(item_ids)
    except Exception:  # noqa: BLE001 - any broker failure is survivable here
        logger.exception("Could not queue the assignment of %s items; the daily sweep will do it", len(item_ids))
        return False
    return True


@receiver(transition_fired, dispatch_uid="tasks_assign_on_approval")
def _assign_on_approval(sender, instance, to_state, **kwargs) -> None:
    if to_state != ApprovalState.APPROVED:
        return
    if sender is Plan:
        item_ids = list(instance.items.filter(state=ApprovalState.APPROVED).values_list("pk", flat=True))
    elif sender is AgendaItem:
        item_ids = [instance.pk]
    else:
        return
    if item_ids:
        transaction.on_commit(partial(assignment_enqueue, item_ids))


@receiver(transition_fired, sender=Session, dispatch_uid="tasks_follow_session")
def _follow_session(sender, instance, name, by, **kwargs) -> None:
    """Runs inside the session's transition, after its save and history row."""
    if name == "cancel":
        transitions.tasks_cancel_for_session(session=instance, by=by)
    elif name in ("postpone", "schedule"):
        transitions.tasks_reschedule_for_session(session=instance, by=by)
        if name == "schedule" and instance.planned_month is None:
            # Known only by a longer period («I квартал»), it had no tasks: its date is set now.
            item_ids = list(
                instance.items.filter(state=ApprovalState.APPROVED, plan__state=ApprovalState.APPROVED)
                .values_list("pk", flat=True)
            )
            if item_ids:
                transaction.on_commit(partial(assignment_enqueue, item_ids))


@receiver(transition_fired, sender=PreparationTask, dispatch_uid="tasks_change_notice")
def _notify_assignee(sender, instance, log, **kwargs) -> None:
    transitions.task_change_notify(task=instance, event=log)
