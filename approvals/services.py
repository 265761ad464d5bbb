"""Firing approval transitions: the only way a plan's or an item's state changes."""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.dispatch import Signal
from django.utils.translation import gettext as _
from django_fsm import ConcurrentTransition, can_proceed

from .exceptions import (
    CommentRequired,
    ConcurrentChange,
    TransitionBlocked,
    TransitionForbidden,
    TransitionNotAvailable,
)
from .models import COMMENT_REQUIRED, ApprovalLifecycle, ApprovalState, Decision, TransitionName, role_may_fire

# Sent inside the transaction, after the decision row is written. Receivers that talk to the
# outside world (the broker, e-mail) must defer with ``transaction.on_commit``.
transition_fired = Signal()  # kwargs: instance, name, from_state, to_state, decision, by

_TRANSITION_NAMES = tuple(TransitionName.values)  # life-cycle order


def _label(name: str) -> str:
    try:
        return str(TransitionName(name).label)
    except ValueError:
        return name


def _refusal(*, obj: ApprovalLifecycle, name: str, by) -> str | None:
    """The first rule that stops ``by`` firing ``name`` on ``obj`` now, or None if none does.

    The rules in the order of the most useful answer: a role that may never fire it
    ("role", 403), then the state ("state", 409), then the role for this state
    ("role_in_state", 403), then the object's own blockers ("blocked", 409). Builds no
    message, so asking it for every object of a long list is cheap.
    """
    if name not in ApprovalLifecycle.TRANSITION_METHODS:
        return "unknown"
    if not role_may_fire(by, name):
        return "role"
    if not can_proceed(getattr(obj, ApprovalLifecycle.TRANSITION_METHODS[name])):
        return "state"
    if not role_may_fire(by, name, obj.state):
        return "role_in_state"
    if obj.approval_blocker(name):
        return "blocked"
    return None


def transition_allowed(*, obj: ApprovalLifecycle, name: str, by) -> bool:
    """Whether ``by`` may fire ``name`` on ``obj`` now: ``transition_check`` without the comment
    check, answered without building the refusal."""
    return _refusal(obj=obj, name=name, by=by) is None


def transition_check(*, obj: ApprovalLifecycle, name: str, by, comment: str | None = None) -> None:
    """Raise the ApprovalError that firing ``name`` would meet now; return if it may fire.

    The rules are ``_refusal``'s, then the comment (400). ``comment=None`` skips the comment
    check (for listing).
    """
    refusal = _refusal(obj=obj, name=name, by=by)
    if refusal == "unknown":
        raise TransitionNotAvailable(_("Неизвестное действие «%(name)s».") % {"name": name}, code="unknown_transition")
    if refusal == "role":
        raise TransitionForbidden(
            _("Действие «%(action)s» вам недоступно: оно выполняется другой ролью.") % {"action": _label(name)}
        )
    if refusal == "state":
        raise TransitionNotAvailable(
            _("Действие «%(action)s» невозможно: текущее состояние — «%(state)s».")
            % {"action": _label(name), "state": ApprovalState(obj.state).label}
        )
    if refusal == "role_in_state":
        raise TransitionForbidden(
            _("Действие «%(action)s» из состояния «%(state)s» вам недоступно.")
            % {"action": _label(name), "state": ApprovalState(obj.state).label}
        )
    if refusal == "blocked":
        raise TransitionBlocked(obj.approval_blocker(name))
    if comment is not None and name in COMMENT_REQUIRED and not comment.strip():
        raise CommentRequired()


def transitions_available(*, obj: ApprovalLifecycle, user) -> list[str]:
    """The transitions ``user`` may fire on ``obj`` right now, in life-cycle order.

    The role for the current state is one of the rules and the cheapest, so it is asked first:
    for most names it is the answer, without the state machine or the object's blockers."""
    state = obj.state
    return [
        name
        for name in _TRANSITION_NAMES
        if role_may_fire(user, name, state) and transition_allowed(obj=obj, name=name, by=user)
    ]


def transition_fire(*, obj: ApprovalLifecycle, name: str, by, comment: str = "") -> Decision:
    """Fire ``name`` on ``obj`` as ``by``: check, lock, change, save and log in one transaction.

    Two people firing at once: the second waits for the first's row lock, then sees the new
    state and gets a clear 409; on databases without row locks the optimistic state check of
    ConcurrentTransitionMixin refuses the stale save instead. ``obj`` is refreshed afterwards.
    """
    comment = (comment or "").strip()
    model = type(obj)
    with transaction.atomic():
        locked = model.objects.select_for_update().get(pk=obj.pk)
        if locked.state != obj.state:
            raise ConcurrentChange(
                _("Состояние уже изменено другим пользователем: теперь «%(state)s».")
                % {"state": ApprovalState(locked.state).label}
            )
        transition_check(obj=locked, name=name, by=by, comment=comment)
        from_state = locked.state
        getattr(locked, ApprovalLifecycle.TRANSITION_METHODS[name])()
        try:
            locked.save()
        except ConcurrentTransition as exc:
            raise ConcurrentChange() from exc
        decision = Decision.objects.create(
            content_type=ContentType.objects.get_for_model(model),
            object_id=locked.pk,
            transition=name,
            from_state=from_state,
            to_state=locked.state,
            actor=by,
            actor_name=by.record_name,
            actor_position=by.position_label,
            comment=comment,
        )
        locked.after_transition(name=name, from_state=from_state, decision=decision, by=by)
        transition_fired.send(
            sender=model, instance=locked, name=name, from_state=from_state,
            to_state=locked.state, decision=decision, by=by,
        )
    obj.refresh_from_db()
    return decision


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
