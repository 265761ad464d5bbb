"""What moves tasks from the outside: approvals (assign) and session changes (move/cancel)."""

from __future__ import annotations

import logging
from functools import partial

from django.db import transaction
from django.dispatch import receiver
from django_fsm.signals import post_transition

from approvals.models import ApprovalState
from approvals.services import transition_fired
from workflow.models import AgendaItem, Plan, Session

from . import transitions

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


@receiver(post_transition, sender=Session, dispatch_uid="tasks_follow_session")
def _follow_session(sender, instance, name, source, target, **kwargs) -> None:
    """Runs inside the session's transition (before its save, in its transaction)."""
    if name == "cancel":
        transitions.tasks_cancel_for_session(session=instance)
    elif name in ("postpone", "schedule"):
        transitions.tasks_reschedule_for_session(session=instance)
