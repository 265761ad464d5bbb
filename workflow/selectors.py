"""Reads of the plan domain that several readers share: the plan's tree and its approval sheet.

The API (``workflow.api``), the pages (``web.selectors``) and the documents read a plan through
these, so a plan looks the same everywhere and each question is answered by one query plan.
"""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, IntegerField, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce

from accounts.models import User
from approvals.models import ApprovalState, Decision

from .models import AgendaItem, Plan, Responsibility, Session
from .visibility import items_visible, plans_visible, sees_drafts

# What User.__str__ reads, in the model's field order (as User.from_db takes them).
_PERSON_NAME_FIELDS = tuple(
    f.attname
    for f in User._meta.concrete_fields
    if f.attname in {"id", "short_name", "first_name", "last_name", "username"}
)


def items_seen_in_plans(user: User | None):
    """Items a user sees inside a plan they see (drafts of a plan only by those who see drafts);
    ``None``: every item (the documents)."""
    if user is None or sees_drafts(user):
        return AgendaItem.objects.all()
    return AgendaItem.objects.exclude(state=ApprovalState.DRAFT)


def _responsibles_attach(plan: Plan, items: list[AgendaItem]) -> None:
    """Set each item's ``tree_responsibles`` (kind, id and name, in document order) from one
    query of plain rows: prefetching model objects for hundreds of items cost more than the rest
    of the plan's response."""
    by_item = {}
    for item in items:
        item.tree_responsibles = by_item[item.pk] = []
    rows = (
        Responsibility.objects.filter(item__plan=plan)
        .order_by("item_id", "order", "id")
        .values_list("item_id", "group_id", "group__name", *(f"person__{name}" for name in _PERSON_NAME_FIELDS))
    )
    names: dict[int, str] = {}
    for item_id, group_id, group_name, *person in rows:
        if item_id not in by_item:
            continue  # an item this user does not see
        person_id = person[0]
        if person_id is None:
            by_item[item_id].append({"kind": "group", "id": group_id, "name": group_name})
            continue
        if person_id not in names:
            names[person_id] = str(User.from_db("default", _PERSON_NAME_FIELDS, person))
        by_item[item_id].append({"kind": "person", "id": person_id, "name": names[person_id]})


def attach_tree(plan: Plan, items, sessions) -> Plan:
    """Hang ``sessions`` (ordered) and ``items`` (ordered) on ``plan`` as a tree, in Python.

    Sets ``plan.tree_sessions``, ``session.tree_items`` and ``item.tree_children``; each
    item's and session's ``plan`` is the same object, so checking their transitions costs no query. An item
    whose parent is not visible is shown at its session's top level.
    """
    by_id = {item.pk: item for item in items}
    roots: dict[int, list] = {session.pk: [] for session in sessions}
    for item in items:
        item.plan = plan
        item.tree_children = []
    for item in items:
        parent = by_id.get(item.parent_id)
        if parent is not None:
            parent.tree_children.append(item)
        else:
            roots.setdefault(item.session_id, []).append(item)
    for session in sessions:
        session.plan = plan  # the sessions' transition conditions read the plan's state: no query
        session.tree_items = roots[session.pk]
    plan.tree_sessions = list(sessions)
    return plan


def plan_tree(*, plan: Plan, user: User | None) -> Plan:
    """``plan`` with its sessions and the items ``user`` sees (``None``: all) hung on it as a tree
    (``tree_sessions`` → ``tree_items`` → ``tree_children``, each item with ``tree_responsibles``):
    three queries whatever the plan's size."""
    sessions = list(Session.objects.filter(plan=plan).order_by("number"))
    items = list(items_seen_in_plans(user).filter(plan=plan).select_related("project").order_by("order", "id"))
    _responsibles_attach(plan, items)
    return attach_tree(plan, items, sessions)


def plan_approval_sheet(*, plan: Plan, user: User | None) -> list[Decision]:
    """The plan's decisions and the own decisions of the items the user sees (amendments); the
    rows an item got by moving along with the plan are the plan's decision, not repeated. Each
    row has ``carried_count`` (items moved with it), ``item`` (the amendment, or None) and
    ``subject`` (what it decided on)."""
    plan_type = ContentType.objects.get_for_model(Plan)
    item_type = ContentType.objects.get_for_model(AgendaItem)
    items = AgendaItem.objects.filter(plan=plan) if user is None else items_visible(user=user).filter(plan=plan)
    rows = list(
        Decision.objects.filter(
            Q(content_type=plan_type, object_id=plan.pk)
            | Q(content_type=item_type, object_id__in=items.values("pk"), carried_by__isnull=True)
        )
        .select_related("content_type")
        .annotate(carried_count=Count("carried"))
        .order_by("created_at", "id")
    )
    by_pk = AgendaItem.objects.in_bulk([d.object_id for d in rows if d.content_type_id == item_type.pk])
    for decision in rows:
        decision.item = by_pk.get(decision.object_id) if decision.content_type_id == item_type.pk else None
        decision.subject = decision.item.text if decision.item else str(plan)
    return rows


def _count(model, fk: str, queryset=None):
    rows = (queryset if queryset is not None else model.objects.all()).filter(**{fk: OuterRef("pk")})
    counted = rows.order_by().values(fk).annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def plans_counted(*, user: User):
    """The plans ``user`` sees, each with its number of sessions and of items ``user`` sees."""
    return plans_visible(user=user).annotate(
        sessions_count=_count(Session, "plan"),
        items_count=_count(AgendaItem, "plan", items_seen_in_plans(user)),
    )


def plan_detail(*, plan: Plan, user: User) -> Plan:
    """``plan`` as the API's plan detail shows it to ``user``, read afresh: counts and tree. The
    plan views answer with it, and so does the import (``documents.api``)."""
    return plan_tree(plan=plans_counted(user=user).get(pk=plan.pk), user=user)
