"""Creating and editing drafts: plans, sessions, agenda items and projects.

Rules (the API, the admin and the web pages all go through these functions):

* Only office staff (the secretary and the office head) write; anyone else gets 403.
* A plan, its sessions and its items change only while the plan is a draft; past draft the
  only way forward is a transition (409 ``not_editable``).
* The one exception: a new agenda item added to an *approved* plan is an amendment
  (``is_amendment=True``). It starts as a draft and goes through its own approval cycle; it
  stays editable while it is a draft.
* A plan that has an approval sheet (any decision) is never deleted: the sheet must stay.

Every write locks the plan row (``select_for_update``), the same row a transition locks, so
an edit and a transition of the same plan never interleave.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.db import transaction
from django.db.models import Max, ProtectedError
from django.utils.translation import gettext as _

from accounts.models import ResponsibleGroup, User
from approvals.models import ApprovalState, Decision

from .exceptions import DuplicateError, EditForbidden, InUseError, PlanNotEditable, WorkflowError
from .models import AgendaItem, Plan, Project, Responsibility, Session

PLAN_FIELDS = frozenset(
    {"office", "year", "title", "approver_position", "approver_name", "agreer_position", "agreer_name"}
)
SESSION_FIELDS = frozenset({"number", "source_number", "planned_month", "starts_at", "place"})
ITEM_FIELDS = frozenset({"session", "parent", "order", "text", "project", "needs_preparation"})
PROJECT_FIELDS = frozenset({"name", "kind"})
MAX_SESSION_NUMBER = 999
MAX_ORDER = 2_147_483_647  # AgendaItem.order is a PositiveIntegerField


def _require_staff(by: User) -> None:
    if not (by and by.is_authenticated and by.is_active and by.is_office_staff):
        raise EditForbidden(_("Изменять план может только секретарь или руководитель Проектного офиса."))


def _lock_plan(plan_id: int) -> Plan:
    return Plan.objects.select_for_update().get(pk=plan_id)


def _require_draft(plan: Plan) -> None:
    if plan.state != ApprovalState.DRAFT:
        raise PlanNotEditable(
            _("План в состоянии «%(state)s»: изменить его можно только через возврат на доработку.")
            % {"state": ApprovalState(plan.state).label}
        )


def _check_fields(fields: dict, allowed: frozenset[str]) -> None:
    unknown = set(fields) - allowed
    if unknown:
        raise TypeError(f"Unknown fields: {sorted(unknown)}")


# --- Plans ---------------------------------------------------------------------------------


def _check_plan_unique(*, office: str, year: int, exclude_pk: int | None = None) -> None:
    clash = Plan.objects.filter(office=office, year=year).exclude(pk=exclude_pk)
    if clash.exists():
        raise DuplicateError(_("План на %(year)s год для этого офиса уже есть.") % {"year": year})


def plan_create(*, by: User, year: int, title: str = "", **fields) -> Plan:
    _require_staff(by)
    _check_fields(fields, PLAN_FIELDS)
    plan = Plan(
        year=year, title=title or _("План заседаний Проектного офиса на %(year)s год") % {"year": year}, **fields
    )
    with transaction.atomic():
        _check_plan_unique(office=plan.office, year=plan.year)
        plan.save()
    return plan


def plan_update(*, plan: Plan, by: User, **fields) -> Plan:
    _require_staff(by)
    _check_fields(fields, PLAN_FIELDS)
    with transaction.atomic():
        locked = _lock_plan(plan.pk)
        _require_draft(locked)
        for name, value in fields.items():
            setattr(locked, name, value)
        _check_plan_unique(office=locked.office, year=locked.year, exclude_pk=locked.pk)
        locked.save(update_fields=[*fields, "updated_at"])
    plan.refresh_from_db()
    return plan


def plan_delete(*, plan: Plan, by: User) -> None:
    _require_staff(by)
    with transaction.atomic():
        locked = _lock_plan(plan.pk)
        _require_draft(locked)
        if Decision.objects.for_object(locked).exists():
            raise PlanNotEditable(
                _("У плана уже есть лист согласования: удалить его нельзя, можно только перенести в архив.")
            )
        locked.delete()


# --- Sessions ------------------------------------------------------------------------------


def _normalize_session_fields(fields: dict) -> dict:
    month = fields.get("planned_month")
    if isinstance(month, datetime.date):
        fields["planned_month"] = month.replace(day=1)
    return fields


def _check_session_number(*, plan: Plan, number: int, exclude_pk: int | None = None) -> None:
    if Session.objects.filter(plan=plan, number=number).exclude(pk=exclude_pk).exists():
        raise DuplicateError(_("Заседание № %(number)s в этом плане уже есть.") % {"number": number})


def session_create(
    *, by: User, plan: Plan, number: int | None = None, planned_month: datetime.date, **fields
) -> Session:
    _require_staff(by)
    _check_fields(fields, SESSION_FIELDS)
    if planned_month is None:
        raise WorkflowError(_("Укажите месяц заседания."), code="invalid")
    with transaction.atomic():
        locked = _lock_plan(plan.pk)
        _require_draft(locked)
        if number is None:
            number = (locked.sessions.aggregate(last=Max("number"))["last"] or 0) + 1
        if number > MAX_SESSION_NUMBER:
            raise WorkflowError(
                _("Номер заседания не может быть больше %(max)s.") % {"max": MAX_SESSION_NUMBER}, code="invalid"
            )
        _check_session_number(plan=locked, number=number)
        fields = _normalize_session_fields({"planned_month": planned_month, **fields})
        fields.setdefault("source_number", f"{number}.")
        return Session.objects.create(plan=locked, number=number, **fields)


def session_update(*, session: Session, by: User, **fields) -> Session:
    _require_staff(by)
    _check_fields(fields, SESSION_FIELDS)
    with transaction.atomic():
        locked = _lock_plan(session.plan_id)
        _require_draft(locked)
        if "number" in fields:
            _check_session_number(plan=locked, number=fields["number"], exclude_pk=session.pk)
        for name, value in _normalize_session_fields(fields).items():
            setattr(session, name, value)
        session.save(update_fields=list(fields))
    return session


def session_delete(*, session: Session, by: User) -> None:
    _require_staff(by)
    with transaction.atomic():
        locked = _lock_plan(session.plan_id)
        _require_draft(locked)
        session.delete()


# --- Agenda items --------------------------------------------------------------------------


def _require_item_editable(*, item: AgendaItem, plan: Plan) -> None:
    """A draft item of a draft plan, or a draft amendment of an approved plan."""
    if plan.state == ApprovalState.DRAFT:
        return
    if item.is_amendment and plan.state == ApprovalState.APPROVED and item.state == ApprovalState.DRAFT:
        return
    if item.is_amendment:
        raise PlanNotEditable(
            _("Изменение к плану в состоянии «%(state)s»: изменить его можно только через возврат на доработку.")
            % {"state": ApprovalState(item.state).label}
        )
    _require_draft(plan)


def _check_placement(*, plan: Plan, session: Session, parent: AgendaItem | None, item: AgendaItem | None) -> None:
    if session.plan_id != plan.pk:
        raise WorkflowError(_("Заседание относится к другому плану."), code="invalid")
    if parent is None:
        return
    if parent.session_id != session.pk:
        raise WorkflowError(_("Родительская тема относится к другому заседанию."), code="invalid")
    if item is not None:
        ancestor: AgendaItem | None = parent
        while ancestor is not None:
            if ancestor.pk == item.pk:
                raise WorkflowError(_("Тема не может быть вложена сама в себя."), code="invalid")
            ancestor = ancestor.parent


def _set_responsibles(*, item: AgendaItem, persons: Iterable[User], groups: Iterable[ResponsibleGroup]) -> None:
    item.responsibilities.all().delete()
    rows = [Responsibility(item=item, person=person) for person in dict.fromkeys(persons)]
    rows += [Responsibility(item=item, group=group) for group in dict.fromkeys(groups)]
    for order, row in enumerate(rows):
        row.order = order
    Responsibility.objects.bulk_create(rows)


def item_create(
    *,
    by: User,
    session: Session,
    text: str,
    parent: AgendaItem | None = None,
    order: int | None = None,
    persons: Iterable[User] = (),
    groups: Iterable[ResponsibleGroup] = (),
    **fields,
) -> AgendaItem:
    """Add a topic. To a draft plan it is an ordinary item; to an approved one, an amendment."""
    _require_staff(by)
    _check_fields(fields, ITEM_FIELDS - {"session", "parent", "order", "text"})
    with transaction.atomic():
        plan = _lock_plan(session.plan_id)
        if not plan.accepts_new_items:
            raise PlanNotEditable(
                _(
                    "В план в состоянии «%(state)s» нельзя добавить тему: дождитесь утверждения или верните план "
                    "на доработку."
                )
                % {"state": ApprovalState(plan.state).label}
            )
        _check_placement(plan=plan, session=session, parent=parent, item=None)
        if order is None:
            siblings = AgendaItem.objects.filter(session=session, parent=parent)
            order = (siblings.aggregate(last=Max("order"))["last"] or -1) + 1
        if order > MAX_ORDER:
            raise WorkflowError(_("Слишком большой порядковый номер темы."), code="invalid")
        item = AgendaItem(plan=plan, session=session, parent=parent, order=order, text=text, **fields)
        item.is_amendment = plan.state == ApprovalState.APPROVED
        item.save()
        _set_responsibles(item=item, persons=persons, groups=groups)
    return item


def item_update(
    *,
    item: AgendaItem,
    by: User,
    persons: Iterable[User] | None = None,
    groups: Iterable[ResponsibleGroup] | None = None,
    **fields,
) -> AgendaItem:
    _require_staff(by)
    _check_fields(fields, ITEM_FIELDS)
    with transaction.atomic():
        plan = _lock_plan(item.plan_id)
        item = AgendaItem.objects.select_for_update().get(pk=item.pk)
        _require_item_editable(item=item, plan=plan)
        session = fields.get("session", item.session)
        parent = fields.get("parent", item.parent)
        if "session" in fields and "parent" not in fields and item.parent_id and item.parent.session_id != session.pk:
            parent = fields["parent"] = None  # moved to another session: it leaves its parent
        _check_placement(plan=plan, session=session, parent=parent, item=item)
        for name, value in fields.items():
            setattr(item, name, value)
        if "session" in fields:
            # Sub-topics follow their parent to the new session.
            _descendants(item).update(session=session)
        if fields:
            item.save(update_fields=list(fields))
        if persons is not None or groups is not None:
            current = list(item.responsibilities.select_related("person", "group"))
            if persons is None:
                persons = [r.person for r in current if r.person_id]
            if groups is None:
                groups = [r.group for r in current if r.group_id]
            _set_responsibles(item=item, persons=persons, groups=groups)
    return item


def _descendants(item: AgendaItem):
    ids: list[int] = []
    level = [item.pk]
    while level:
        level = list(AgendaItem.objects.filter(parent_id__in=level).values_list("pk", flat=True))
        ids += level
    return AgendaItem.objects.filter(pk__in=ids)


def item_delete(*, item: AgendaItem, by: User) -> None:
    _require_staff(by)
    with transaction.atomic():
        plan = _lock_plan(item.plan_id)
        item = AgendaItem.objects.select_for_update().get(pk=item.pk)
        _require_item_editable(item=item, plan=plan)
        item.delete()


# --- Projects ------------------------------------------------------------------------------


def _check_project_unique(*, project: Project) -> None:
    from .models import project_key

    if Project.objects.filter(key=project_key(project.name)).exclude(pk=project.pk).exists():
        raise DuplicateError(_("Проект «%(name)s» уже есть.") % {"name": project.name})


def project_create(*, by: User, name: str, leads: Iterable[User] = (), **fields) -> Project:
    _require_staff(by)
    _check_fields(fields, PROJECT_FIELDS)
    project = Project(name=name, **fields)
    with transaction.atomic():
        _check_project_unique(project=project)
        project.save()
        project.leads.set(list(leads))
    return project


def project_update(*, project: Project, by: User, leads: Iterable[User] | None = None, **fields) -> Project:
    _require_staff(by)
    _check_fields(fields, PROJECT_FIELDS)
    with transaction.atomic():
        for name, value in fields.items():
            setattr(project, name, value)
        _check_project_unique(project=project)
        project.save()
        if leads is not None:
            project.leads.set(list(leads))
    return project


def project_delete(*, project: Project, by: User) -> None:
    _require_staff(by)
    try:
        with transaction.atomic():
            project.delete()
    except ProtectedError as exc:
        raise InUseError(_("Проект упоминается в пунктах повестки: удалить его нельзя.")) from exc
