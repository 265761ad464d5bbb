"""The plan domain's life cycles, declared for the transition kernel (``lifecycle.kernel``).

- Plans and agenda items share the approval life cycle (``approvals.models.APPROVAL``); a plan
  carries its items along, an item moves on its own only as an amendment of an approved plan.
- Sessions: planned → scheduled (exact date set) → held, or postponed / cancelled; the office
  staff fire them; a session of an archived plan no longer changes. What follows from a session's
  change (its preparation tasks moved or cancelled) is the tasks app's answer to the signal.
"""

from __future__ import annotations

import datetime

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import Role
from approvals.models import APPROVAL, ApprovalState, TransitionName
from config.choices import text_choices
from lifecycle.exceptions import TransitionError
from lifecycle.kernel import Condition, Lifecycle, Log, Roles, Transition


def _plan_carries_items(plan, transition, *, from_state, log, by) -> None:
    """Agenda items that stood where the plan stood move with it (amendments do not)."""
    from approvals.services import decisions_carry

    decisions_carry(model=plan.items.model, queryset=plan.items.all(), from_state=from_state, to_state=plan.state,
                    decision=log)


def _item_moves_with_plan(item, transition) -> str | None:
    if transition.name == TransitionName.ARCHIVE:
        return str(gettext_lazy("Пункты переносятся в архив вместе с планом."))
    plan_state = item.plan.state
    if plan_state != ApprovalState.APPROVED:
        return _("Пункт согласуется и утверждается вместе с планом (план: «%(state)s»).") % {
            "state": ApprovalState(plan_state).label
        }
    return None


PLAN = APPROVAL.but(name="plan", cascade=_plan_carries_items)
AGENDA_ITEM = APPROVAL.but(name="agenda_item", conditions=(Condition(_item_moves_with_plan),))


SessionState = text_choices("SessionState", {
    "planned": gettext_lazy("Запланировано"), "scheduled": gettext_lazy("Назначено"),
    "held": gettext_lazy("Проведено"), "postponed": gettext_lazy("Перенесено"),
    "cancelled": gettext_lazy("Отменено"),
})


def _schedule(session, *, starts_at: datetime.datetime, place: str = "") -> None:
    session.starts_at = starts_at
    day = timezone.localtime(starts_at).date() if timezone.is_aware(starts_at) else starts_at.date()
    if not session.period_start <= day <= session.period_end:
        # A date outside the planned period moves the session to that month; inside it (a day of
        # «I квартал»), the period stays as the document words it.
        session.planned_month = day.replace(day=1)
    if place:
        session.place = place


def _postpone(session, *, planned_month: datetime.date, starts_at: datetime.datetime | None = None) -> None:
    session.planned_month = planned_month.replace(day=1)
    session.starts_at = starts_at


def _postpone_later(session, *, planned_month: datetime.date, starts_at=None) -> None:
    if planned_month.replace(day=1) <= session.period_start:
        from workflow.months import period_label

        raise TransitionError(
            _("Перенести заседание можно только на более поздний месяц, чем %(month)s.")
            % {"month": period_label(session.period_start, session.period_end)},
            code="invalid", status=400,
        )


def _plan_not_archived(session, transition) -> str | None:
    if session.plan.state == ApprovalState.ARCHIVED:
        return _("План перенесён в архив: заседания его года больше не меняются.")
    return None


_OPEN = (SessionState.PLANNED, SessionState.SCHEDULED, SessionState.POSTPONED)
_STAFF = Roles.anywhere(
    Role.SECRETARY, Role.OFFICE_HEAD,
    message=gettext_lazy("Изменять сроки заседаний может только секретарь или руководитель Проектного офиса."),
)


SESSION = Lifecycle(
    name="session",
    states=SessionState,
    initial=SessionState.PLANNED,
    log=Log(model="workflow.SessionEvent", link=lambda session: {"session": session}, with_arguments=True),
    state_message=gettext_lazy("Действие невозможно: заседание в состоянии «%(state)s»."),
    conflict_message=gettext_lazy("Заседание уже изменено другим пользователем: теперь «%(state)s»."),
    conditions=(Condition(_plan_not_archived, code="invalid_state", status=409),),
    transitions=(
        Transition("schedule", gettext_lazy("Назначить дату"), _OPEN, SessionState.SCHEDULED,
                   _STAFF, effect=_schedule, description="Назначить дату и время (и место). Офис."),
        Transition("postpone", gettext_lazy("Перенести на месяц"), _OPEN, SessionState.POSTPONED,
                   _STAFF, effect=_postpone, validate=_postpone_later,
                   description="Перенести на более поздний месяц. Офис."),
        Transition("cancel", gettext_lazy("Отменить"), _OPEN, SessionState.CANCELLED,
                   _STAFF, description="Отменить заседание и его открытые задачи. Офис."),
        Transition("hold", gettext_lazy("Отметить проведённым"), _OPEN, SessionState.HELD, _STAFF,
                   description="Отметить заседание проведённым. Офис."),
    ),
)

SessionTransition = SESSION.transition_choices("SessionTransition")
