"""Who hears of a decision, and what they read: one e-mail per person, through the outbox.

- a plan (or an amendment) submitted → the office head; agreed → the department head;
  returned → whoever submitted it, with the comment; approved → the secretary and everyone
  responsible for an item (with their items and sessions);
- a task's report submitted → the office head.

Nobody hears of their own action. A head who is away is replaced by whoever acts for them
(``accounts.substitutions.notice_recipients``)."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Role, User
from accounts.substitutions import notice_recipients
from approvals.models import ApprovalState, Decision, TransitionName
from outbox.models import MessageKind
from outbox.services import outbox_message_build, outbox_messages_add
from workflow.models import AgendaItem, Plan, Responsibility

logger = logging.getLogger(__name__)

TEMPLATE = "notices/email/notice"


@dataclass
class Notice:
    """What one person reads: a subject, a lead sentence, lines (items, sessions), the
    comment, what to do and where."""

    subject: str
    lead: str
    url: str
    todo: str = ""
    comment: str = ""
    lines: list[str] = field(default_factory=list)


def plan_url(plan_id: int, item_id: int | None = None) -> str:
    return f"{settings.SITE_URL}/plans/{plan_id}/" + (f"#item-{item_id}" if item_id else "")


def role_holders(role: str) -> list[User]:
    """The active people in ``role``, or whoever acts for them today."""
    people: dict[int, User] = {}
    for holder in User.objects.filter(role=role, is_active=True).order_by("pk"):
        for person in notice_recipients(holder):
            people.setdefault(person.pk, person)
    return list(people.values())


def _send(*, people, notice: Notice | dict, by, key: str, related_ids=(), day=None) -> int:
    """Write one message to each of ``people`` but ``by`` (``notice``: one for all, or by person
    id); ``day``: a digest's day (a decision's notice: today, handed to the sender on commit)."""
    urgent = day is None
    day = day or timezone.localdate()
    messages = []
    for person in people:
        if by is not None and person.pk == by.pk:
            continue  # nobody hears of their own action
        if not person.email:
            logger.warning("No e-mail for %s: notice %s not sent", person, key)
            continue
        own = notice[person.pk] if isinstance(notice, dict) else notice
        messages.append(outbox_message_build(
            recipient=person, kind=MessageKind.DECISION, day=day, key=key, template=TEMPLATE,
            context={"person": person, "notice": own}, related_ids=related_ids, send_on_commit=urgent,
        ))
    outbox_messages_add(messages=messages)
    return len(messages)


# --- Plans and amendments ---------------------------------------------------------------------


def _what(obj) -> tuple[Plan, str, str]:
    """The plan, the name of what was decided (in the accusative), its address."""
    if isinstance(obj, Plan):
        return obj, f"«{obj}»", plan_url(obj.pk)
    return obj.plan, _("изменение к плану «%(plan)s»: «%(item)s»") % {"plan": obj.plan, "item": obj}, \
        plan_url(obj.plan_id, obj.pk)


def submitter_of(obj) -> User | None:
    """Who last sent ``obj`` for agreement (from its decisions)."""
    decision = (Decision.objects.for_object(obj).filter(transition=TransitionName.SUBMIT)
                .select_related("actor").order_by("-created_at", "-id").first())
    return decision.actor if decision else None


def decision_notify(*, obj, name: str, log: Decision, by) -> int:
    """The notice of the decision ``name`` on a plan or an amendment (``log``: its decision row)."""
    plan, what, url = _what(obj)
    who = log.actor_name + (f", {log.actor_position}" if log.actor_position else "")
    key = f"decision:{log.pk}"
    if name == TransitionName.SUBMIT:
        notice = Notice(
            subject=_("На согласование: %(what)s") % {"what": what}, url=url,
            lead=_("%(who)s направил(а) на согласование %(what)s.") % {"who": who, "what": what},
            todo=_("Откройте план и нажмите «Согласовать» или «Вернуть на доработку» с комментарием."),
        )
        return _send(people=role_holders(Role.OFFICE_HEAD), notice=notice, by=by, key=key)
    if name == TransitionName.AGREE:
        notice = Notice(
            subject=_("На утверждение: %(what)s") % {"what": what}, url=url,
            lead=_("%(who)s согласовал(а) %(what)s.") % {"who": who, "what": what},
            todo=_("Откройте план и нажмите «Утвердить» или «Вернуть на доработку» с комментарием."),
        )
        return _send(people=role_holders(Role.DEPARTMENT_HEAD), notice=notice, by=by, key=key)
    if name == TransitionName.RETURN:
        submitter = submitter_of(obj)
        if submitter is None:
            return 0
        notice = Notice(
            subject=_("Возвращено на доработку: %(what)s") % {"what": what}, url=url, comment=log.comment,
            lead=_("%(who)s вернул(а) на доработку %(what)s.") % {"who": who, "what": what},
            todo=_("Исправьте план по комментарию и снова нажмите «Направить на согласование»."),
        )
        return _send(people=notice_recipients(submitter), notice=notice, by=by, key=key)
    if name == TransitionName.APPROVE:
        return _approved_notify(obj=obj, plan=plan, what=what, url=url, who=who, by=by, key=key)
    return 0


def _items_by_person(items) -> dict[int, tuple[User, list[AgendaItem]]]:
    """Everyone responsible for ``items`` (a person, or a group's members), with their items."""
    found: dict[int, tuple[User, list[AgendaItem]]] = {}
    responsibilities = (Responsibility.objects.filter(item__in=items)
                        .select_related("person", "item", "item__session", "group")
                        .prefetch_related("group__members").order_by("item__session__number", "item__order", "pk"))
    for resp in responsibilities:
        members = [resp.person] if resp.person_id else list(resp.group.members.all())
        for person in members:
            if person.is_active:
                entry = found.setdefault(person.pk, (person, []))
                if resp.item not in entry[1]:
                    entry[1].append(resp.item)
    return found


def _approved_notify(*, obj, plan, what, url, who, by, key) -> int:
    """The secretary, and everyone responsible for an approved item with their own items."""
    lead = _("%(who)s утвердил(а) %(what)s.") % {"who": who, "what": what}
    subject = _("Утверждено: %(what)s") % {"what": what}
    people = {person.pk: person for person in role_holders(Role.SECRETARY)}
    notices = {pk: Notice(subject=subject, lead=lead, url=url) for pk in people}
    items = [obj] if isinstance(obj, AgendaItem) else AgendaItem.objects.filter(plan=plan,
                                                                               state=ApprovalState.APPROVED)
    for person, own in _items_by_person(items).values():
        people.setdefault(person.pk, person)
        notices[person.pk] = Notice(
            subject=subject, lead=lead, url=url,
            todo=_("Задачи подготовки придут отдельным письмом ближе к сроку заседания."),
            lines=[_("%(item)s — заседание № %(number)s, %(when)s") % {
                "item": item.text, "number": item.session.number, "when": item.session.due_label} for item in own],
        )
    return _send(people=list(people.values()), notice=notices, by=by, key=key)


# --- Tasks ------------------------------------------------------------------------------------


def report_submitted_notify(*, task, event, by) -> int:
    """The office head hears that a report waits for review."""
    assignee = task.assignee
    notice = Notice(
        subject=_("Отчёт на проверку: %(title)s") % {"title": task.title},
        lead=_("%(who)s сдал(а) результат задачи подготовки.") % {"who": assignee.record_name},
        url=f"{settings.SITE_URL}/tasks/{task.pk}/",
        todo=_("Откройте задачу и нажмите «Принять» или «Вернуть на доработку» с комментарием."),
        lines=[task.title, str(task.session)],
    )
    return _send(people=role_holders(Role.OFFICE_HEAD), notice=notice, by=by, key=f"report:{event.pk}",
                 related_ids=[task.pk])
