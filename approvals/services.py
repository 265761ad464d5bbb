"""Writes of the approval life cycle beyond the kernel's own: carrying items along with a plan.

Firing a transition is ``lifecycle.kernel.fire``; who may fire what is ``approvals.models.APPROVAL``.
"""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType

from .models import Decision


def decisions_carry(*, model, queryset, from_state: str, to_state: str, decision: Decision) -> int:
    """Move every object of ``queryset`` in ``from_state`` along with ``decision``.

    Used by a plan to carry its agenda items: one UPDATE and one bulk INSERT of decision rows
    (each pointing at the plan's decision), inside the plan's transaction.
    """
    ids = list(queryset.filter(state=from_state).select_for_update().values_list("pk", flat=True))
    if not ids:
        return 0
    # The state field is protected on instances; the queryset update is the carry-along
    # itself, made only here, by the plan's own transition.
    model.objects.filter(pk__in=ids).update(state=to_state)
    content_type = ContentType.objects.get_for_model(model)
    Decision.objects.bulk_create(
        Decision(
            content_type=content_type,
            object_id=pk,
            transition=decision.transition,
            from_state=from_state,
            to_state=to_state,
            actor=decision.actor,
            actor_name=decision.actor_name,
            actor_position=decision.actor_position,
            comment=decision.comment,
            created_at=decision.created_at,
            carried_by=decision,
        )
        for pk in ids
    )
    return len(ids)
