"""Writes of the plan domain: session life events (plans and items change state through
``approvals.services``, drafts are edited through ``workflow.edit_services``)."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils.translation import gettext as _

from approvals.models import ApprovalState
from workflow.exceptions import WorkflowError
from workflow.models import Session
from workflow.months import month_label

# --- Sessions ----------------------------------------------------------------------------

def _session_locked(session: Session) -> Session:
    return Session.objects.select_for_update().get(pk=session.pk)


def _session_fire(*, session: Session, by, method: str, **kwargs) -> Session:
    from django_fsm import can_proceed

    if not (by and by.is_authenticated and by.is_office_staff):
        raise WorkflowError(_("Изменять сроки заседаний может только секретарь или руководитель Проектного офиса."),
                            code="forbidden", status=403)
    with transaction.atomic():
        locked = _session_locked(session)
        if locked.plan.state == ApprovalState.ARCHIVED:
            raise WorkflowError(_("План перенесён в архив: заседания его года больше не меняются."),
                                code="invalid_state", status=409)
        if method == "postpone" and kwargs["planned_month"].replace(day=1) <= locked.planned_month:
            raise WorkflowError(
                _("Перенести заседание можно только на более поздний месяц, чем %(month)s.")
                % {"month": month_label(locked.planned_month)},
                code="invalid", status=400,
            )
        bound = getattr(locked, method)
        if not can_proceed(bound):
            raise WorkflowError(
                _("Действие невозможно: заседание в состоянии «%(state)s».") % {"state": locked.get_state_display()},
                code="invalid_state", status=409,
            )
        bound(**kwargs)
        locked.save()
    session.refresh_from_db()
    return session


def session_schedule(*, session: Session, by, starts_at: datetime.datetime, place: str = "") -> Session:
    return _session_fire(session=session, by=by, method="schedule", starts_at=starts_at, place=place)


def session_postpone(*, session: Session, by, planned_month: datetime.date,
                     starts_at: datetime.datetime | None = None) -> Session:
    return _session_fire(session=session, by=by, method="postpone", planned_month=planned_month, starts_at=starts_at)


def session_cancel(*, session: Session, by) -> Session:
    return _session_fire(session=session, by=by, method="cancel")


def session_hold(*, session: Session, by) -> Session:
    return _session_fire(session=session, by=by, method="hold")
