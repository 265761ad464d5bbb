"""One transition kernel for every life cycle: plans and agenda items, sessions, preparation tasks.

A life cycle is declared once, as a ``Lifecycle``: its states, its transitions (source → target),
who may fire each (``Roles`` — per state where that matters — or the object's ``Assignee``), the
object's own conditions with a reason, whether a comment is required, the log model its rows go
to and what moves along with it (``cascade``). ``Lifecycle.model_base`` turns the declaration into
an abstract model with the protected django-fsm state field and one FSM method per transition, so
the states and transitions are written nowhere else.

``fire`` is the only way a state changes: refuse (a stable code and a Russian message) → lock the
row → re-check → fire → save → write the log row (actor, position then, time, comment) → cascade →
send ``transition_fired``, all in one transaction. ``available`` and ``allowed`` answer "what may
this user fire now" from the same rules, without raising; the admin, the API and the pages ask them.
(Learnt from viewflow's fsm — transitions declare conditions and permission — and django-oscar's
order pipeline — one ``set_status`` with a status-change row and a cascade.)
"""

from __future__ import annotations

import abc
import datetime
import functools
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from django.apps import apps
from django.db import models, transaction
from django.dispatch import Signal
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_fsm import ConcurrentTransition, ConcurrentTransitionMixin, FSMField
from django_fsm import transition as fsm_transition

from accounts.substitutions import acting_for, acting_position, roles_now

from .exceptions import (
    CommentRequired,
    ConcurrentChange,
    TransitionBlocked,
    TransitionError,
    TransitionForbidden,
    TransitionNotAvailable,
)

# Sent inside the transaction, after the log row is written and the cascade ran. Receivers that
# talk to the outside world (the broker, e-mail) must defer with ``transaction.on_commit``.
# kwargs: instance, name, from_state, to_state, log, by, arguments
transition_fired = Signal()

SYSTEM_NAME = "Система"
ANY_STATE = "*"


# --- Who may fire ----------------------------------------------------------------------------


class Who(abc.ABC):
    """Who may fire a transition. ``may_try`` is asked before the state (a rule that could never
    let this user fire it: 403 before 409), ``may_now`` after it (the rule for the current state)."""

    def may_try(self, obj, user) -> bool:
        return True

    def may_now(self, obj, user) -> bool:
        return True

    def in_place_of(self, obj, user):
        """Whom ``user`` acts for when firing now (a substitution), or None: in their own right."""
        return None

    @abc.abstractmethod
    def refusal(self, transition: Transition, obj, *, now: bool) -> str:
        """The Russian sentence for a user this rule refuses."""


@dataclass(frozen=True)
class Roles(Who):
    """The roles that may fire, by the state the transition leaves (``ANY_STATE`` for all)."""

    by_state: Mapping[str, frozenset[str]]
    message: str = gettext_lazy("Действие «%(action)s» вам недоступно: оно выполняется другой ролью.")
    message_in_state: str = gettext_lazy("Действие «%(action)s» из состояния «%(state)s» вам недоступно.")

    @classmethod
    def anywhere(cls, *roles: str, message: str | None = None) -> Roles:
        return cls({ANY_STATE: frozenset(roles)}, **({"message": message} if message else {}))

    def may_try(self, obj, user) -> bool:
        held = roles_now(user)
        return any(held & roles for roles in self.by_state.values())

    def _roles_now(self, obj) -> frozenset[str]:
        return self.by_state.get(obj.state) or self.by_state.get(ANY_STATE, frozenset())

    def may_now(self, obj, user) -> bool:
        return bool(roles_now(user) & self._roles_now(obj))

    def in_place_of(self, obj, user):
        """Whom ``user`` acts for when firing now: None in their own role, else the replaced person."""
        roles = self._roles_now(obj)
        if user.role in roles:
            return None
        return next((person for person in acting_for(user) if person.role in roles), None)

    def refusal(self, transition, obj, *, now):
        template = self.message_in_state if now else self.message
        return template % {"action": transition.label, "state": obj.lifecycle.state_label(obj.state)}


@dataclass(frozen=True)
class Assignee(Who):
    """The person the object is assigned to (``field`` holds their id)."""

    field: str = "assignee_id"
    message: str = gettext_lazy("Действие «%(action)s» выполняет только исполнитель задачи.")

    def may_try(self, obj, user) -> bool:
        return getattr(obj, self.field) == user.pk

    def refusal(self, transition, obj, *, now):
        return self.message % {"action": transition.label}


# --- Conditions, transitions, logs -------------------------------------------------------------


@dataclass(frozen=True)
class Condition:
    """The object's own rule: ``test(obj, transition)`` gives a reason (Russian) or None."""

    test: Callable[[Any, Transition], str | None]
    code: str = "blocked"
    status: int = 409


@dataclass(frozen=True)
class Transition:
    name: str
    label: str
    source: tuple[str, ...]
    target: str
    who: Who
    conditions: tuple[Condition, ...] = ()
    comment_required: bool = False
    # Changes other fields from the caller's arguments (a session's new date), inside the FSM method.
    effect: Callable[..., None] | None = None
    # Checks the arguments against the locked object; raises a TransitionError (400) when they don't fit.
    validate: Callable[..., None] | None = None
    description: str = ""  # for the API's documentation

    @property
    def method(self) -> str:
        """The FSM method's name on the model (``return`` is a Python keyword)."""
        return f"fsm_{self.name}"


@dataclass(frozen=True)
class Log:
    """Where a life cycle's log rows go: ``model`` ("app_label.Model", as the declaration comes
    before the model) and the fields that tie a row to its object. ``with_arguments``: the model
    has a ``details`` JSON field that keeps the caller's arguments."""

    model: str
    link: Callable[[Any], dict]
    with_arguments: bool = False

    def row(self, *, obj, name: str, from_state: str, to_state: str, by, comment: str, arguments: dict,
            in_place_of=None, created_at: datetime.datetime | None = None) -> models.Model:
        model = apps.get_model(self.model)
        extra = {"details": _jsonable(arguments)} if self.with_arguments else {}
        if in_place_of is not None and any(f.name == "acting_for" for f in model._meta.fields):
            extra["acting_for"] = in_place_of
        position = acting_position(in_place_of) if in_place_of else by.position_label
        return model(
            **self.link(obj), transition=name, from_state=from_state, to_state=to_state, actor=by,
            actor_name=by.record_name, actor_position=position,
            comment=comment, created_at=created_at or timezone.now(), **extra,
        )


def _jsonable(arguments: dict) -> dict:
    return {key: value.isoformat() if hasattr(value, "isoformat") else value for key, value in arguments.items()}


@dataclass(frozen=True)
class Lifecycle:
    """A declared life cycle."""

    name: str
    states: type[models.TextChoices]
    initial: str
    transitions: tuple[Transition, ...]
    log: Log
    state_message: str = gettext_lazy("Действие «%(action)s» невозможно: текущее состояние — «%(state)s».")
    conflict_message: str = gettext_lazy("Состояние уже изменено другим пользователем: теперь «%(state)s».")
    stale_message: str | None = None
    conditions: tuple[Condition, ...] = ()  # for every transition of this life cycle
    cascade: Callable[..., None] | None = None  # (obj, transition, from_state, log, by), in the transaction
    by_name: dict[str, Transition] = field(init=False, repr=False, compare=False)

    def __post_init__(self):
        object.__setattr__(self, "by_name", {t.name: t for t in self.transitions})

    def but(self, **changes) -> Lifecycle:
        """The same life cycle with other conditions, cascade or messages (one FSM, two models)."""
        return replace(self, **changes)

    def state_label(self, state: str) -> str:
        try:
            return str(self.states(state).label)
        except ValueError:
            return state

    def label(self, name: str) -> str:
        transition = self.by_name.get(name)
        return str(transition.label) if transition else name

    def names(self) -> list[str]:
        return list(self.by_name)

    def transition_choices(self, name: str) -> type[models.TextChoices]:
        """The transitions as a ``TextChoices`` (``SUBMIT = "submit", label``) made from the
        declaration, for the log model's field and for code that names a transition."""
        return models.TextChoices(name, [(t.name.upper(), (t.name, t.label)) for t in self.transitions])

    def model_base(self, *, module: str, verbose_name: str, name: str) -> type[models.Model]:
        """An abstract model with the protected state field and one FSM method per transition."""
        state = FSMField(verbose_name, default=self.initial, choices=self.states.choices, protected=True,
                         db_index=True)
        attrs: dict[str, Any] = {"__module__": module, "state": state, "Meta": type("Meta", (), {"abstract": True}),
                                 "lifecycle": self, "state_display": property(_state_display)}
        for declared in self.transitions:
            attrs[declared.method] = fsm_transition(field=state, source=list(declared.source),
                                                    target=declared.target)(_fsm_method(declared))
        return type(models.Model)(name, (ConcurrentTransitionMixin, models.Model), attrs)


def _state_display(obj) -> str:
    return obj.lifecycle.state_label(obj.state)


def _fsm_method(declared: Transition):
    def method(self, **arguments) -> None:
        if declared.effect is not None:
            declared.effect(self, **arguments)

    method.__name__ = declared.method
    method.__doc__ = f"{declared.source} → {declared.target}: fired only by lifecycle.kernel.fire."
    return method


# --- Asking and firing -----------------------------------------------------------------------


def _refusal(obj, name: str, by) -> Callable[[], TransitionError] | None:
    """The first rule that stops ``by`` firing ``name`` on ``obj`` now, as a maker of the error
    (built only when raised, so asking for every row of a page stays cheap), or None.

    The order gives the most useful answer: unknown, not signed in, a rule that could never let
    this user fire it (403), the state (409), the rule for this state (403), the conditions."""
    lifecycle = obj.lifecycle
    declared = lifecycle.by_name.get(name)
    if declared is None:
        return lambda: TransitionNotAvailable(_("Неизвестное действие «%(name)s».") % {"name": name},
                                              code="unknown_transition")
    if by is None or not by.is_authenticated or not by.is_active:
        return lambda: TransitionForbidden(_("Войдите в систему."))
    if not declared.who.may_try(obj, by):
        return lambda: TransitionForbidden(declared.who.refusal(declared, obj, now=False))
    if obj.state not in declared.source:
        return lambda: TransitionNotAvailable(
            lifecycle.state_message % {"action": declared.label, "state": lifecycle.state_label(obj.state)}
        )
    if not declared.who.may_now(obj, by):
        return lambda: TransitionForbidden(declared.who.refusal(declared, obj, now=True))
    for condition in (*declared.conditions, *lifecycle.conditions):
        reason = condition.test(obj, declared)
        if reason:
            return lambda c=condition, r=reason: TransitionBlocked(r, code=c.code, status=c.status)
    return None


def allowed(*, obj, name: str, by) -> bool:
    """Whether ``by`` may fire ``name`` on ``obj`` now (``check`` without the comment)."""
    return _refusal(obj, name, by) is None


def check(*, obj, name: str, by, comment: str | None = None) -> None:
    """Raise the TransitionError that firing ``name`` would meet now; ``comment=None`` skips the
    comment rule (for listing)."""
    refusal = _refusal(obj, name, by)
    if refusal is not None:
        raise refusal()
    if comment is not None and obj.lifecycle.by_name[name].comment_required and not comment.strip():
        raise CommentRequired()


def available(*, obj, user) -> list[str]:
    """The transitions ``user`` may fire on ``obj`` now, in the declaration's order."""
    return [name for name in obj.lifecycle.by_name if _refusal(obj, name, user) is None]


def buttons(*, obj, user) -> list[dict]:
    """``available`` as the pages and the admin draw it: name, label, whether a comment is required."""
    by_name = obj.lifecycle.by_name
    return [
        {"name": name, "label": by_name[name].label, "comment_required": by_name[name].comment_required}
        for name in available(obj=obj, user=user)
    ]


def may_try(*, model, name: str, user) -> bool:
    """Whether ``user`` could fire ``name`` on some object of ``model`` (e.g. to offer a bulk action)."""
    declared = model.lifecycle.by_name.get(name)
    return bool(declared and user.is_authenticated and isinstance(declared.who, Roles)
                and declared.who.may_try(None, user))


def fire(*, obj, name: str, by, comment: str = "", locked: bool = False, **arguments):
    """Fire ``name`` on ``obj`` as ``by`` in one transaction; return the log row. (What moves
    along without its own checks is a cascade: ``fire_locked_rows``.)

    Two people at once: the second waits for the first's row lock, then sees the new state and
    gets a clear 409 ``conflict``; on databases without row locks django-fsm's optimistic
    ``ConcurrentTransitionMixin`` refuses the stale save instead. ``obj`` is refreshed afterwards.

    ``locked``: the caller read ``obj`` with ``select_for_update`` in the transaction it holds
    open (the API's task actions: one read of the row instead of three). It is checked once —
    its state is the current one — and changed in place; the caller's transaction is the one
    transaction, so a refusal or a failure afterwards (a receiver, the commit) leaves nothing.
    """
    comment = (comment or "").strip()
    if locked:
        if not transaction.get_connection().in_atomic_block:
            raise RuntimeError("fire(locked=True): the row lock is held only inside the caller's transaction")
        check(obj=obj, name=name, by=by, comment=comment)
        with transaction.atomic(savepoint=False):  # an error marks the caller's transaction for rollback
            return _fire_locked(obj, name=name, by=by, comment=comment, arguments=arguments)
    lifecycle = obj.lifecycle
    model = type(obj)
    check(obj=obj, name=name, by=by, comment=comment)
    with transaction.atomic():
        locked = model.objects.select_for_update().get(pk=obj.pk)
        if locked.state != obj.state:
            raise ConcurrentChange(lifecycle.conflict_message % {"state": lifecycle.state_label(locked.state)})
        check(obj=locked, name=name, by=by, comment=comment)
        log = _fire_locked(locked, name=name, by=by, comment=comment, arguments=arguments)
    obj.refresh_from_db()
    return log


def _fire_locked(locked, *, name: str, by, comment: str, arguments: dict, created_at=None, cascaded=False):
    lifecycle = locked.lifecycle
    declared = lifecycle.by_name[name]
    if declared.validate is not None:
        declared.validate(locked, **arguments)
    # In whose place: asked before the state moves, by the rule for the state the object leaves.
    in_place_of = None if cascaded else declared.who.in_place_of(locked, by)
    from_state = locked.state
    getattr(locked, declared.method)(**arguments)
    try:
        # Without an effect only the state moved: write it (and what saving always refreshes,
        # ``auto_now``), not every column. An effect may change anything: the whole row.
        locked.save(update_fields=None if declared.effect else _state_fields(type(locked)))
    except ConcurrentTransition as exc:
        raise ConcurrentChange(lifecycle.stale_message) from exc
    log = lifecycle.log.row(obj=locked, name=name, from_state=from_state, to_state=locked.state, by=by,
                            comment=comment, arguments=arguments, in_place_of=in_place_of, created_at=created_at)
    log.save(force_insert=True)
    if lifecycle.cascade is not None:
        lifecycle.cascade(locked, declared, from_state=from_state, log=log, by=by)
    transition_fired.send(sender=type(locked), instance=locked, name=name, from_state=from_state,
                          to_state=locked.state, log=log, by=by, arguments=arguments)
    return log


@functools.cache
def _state_fields(model) -> tuple[str, ...]:
    return ("state", *(f.name for f in model._meta.concrete_fields if getattr(f, "auto_now", False)))


def fire_locked_rows(rows, *, name: str, by, comment: str) -> list:
    """Fire ``name`` on rows the caller has already locked in its own transaction (a cascade:
    a cancelled session's tasks), each with its log row and signal; the caller's ``by`` is
    recorded, so the history names the person whose decision it was."""
    now = timezone.now()
    return [_fire_locked(row, name=name, by=by, comment=comment, arguments={}, created_at=now, cascaded=True)
            for row in rows]
