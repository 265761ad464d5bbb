"""The session page (agenda, control of earlier assignments, materials, participants, protocol)
and the secretary's protocol editor. Reads from ``meetings.selectors``, writes through
``meetings.services`` and the kernel; nothing is decided here."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts.models import ResponsibleGroup, Role, User
from config.errors import DomainError
from lifecycle.kernel import buttons
from meetings import documents, selectors, services
from meetings.exceptions import MeetingsError
from meetings.models import Protocol
from tasks.models import PreparationTask
from workflow.lifecycles import SessionState
from workflow.visibility import sessions_visible

from .common import act, fire_from_post, page, refusal_response

STAFF = (Role.SECRETARY, Role.OFFICE_HEAD)


def _session_or_404(request, pk: int):
    return get_object_or_404(sessions_visible(user=request.user).select_related("plan"), pk=pk)


@require_GET
@login_required
@page
def session_page(request, pk: int):
    session = _session_or_404(request, pk)
    protocol = selectors.protocols_visible(user=request.user).filter(session=session).first()
    return render(request, "web/meetings/session.html", {
        "nav": "plans", "session": session, "rows": documents.agenda_rows(session=session),
        "control": selectors.assignments_for_control(session=session),
        "materials": selectors.session_materials(session=session),
        "participants": selectors.session_participants(session=session),
        "protocol": protocol, "is_staff": request.user.role in STAFF,
        "people": User.objects.filter(is_active=True).exclude(role="").order_by("short_name", "username")
        if request.user.role in STAFF else [],
        "may_draft": request.user.role in STAFF and session.state == SessionState.HELD
        and not Protocol.objects.filter(session=session).exists(),
    })


@require_POST
@login_required
@page
def participant_add(request, pk: int):
    session = _session_or_404(request, pk)
    back = reverse("web:meetings-session", args=[session.pk]) + "#participants-h"
    raw = request.POST.get("person", "")
    person = User.objects.filter(is_active=True, pk=int(raw)).first() if raw.isdigit() else None
    if person is None:
        messages.error(request, _("Выберите участника из списка."))
        return HttpResponseRedirect(back)
    return act(request, lambda: services.participant_add(session=session, person=person, by=request.user),
               back=back, success=_("Участник добавлен: %(name)s.") % {"name": person})


@require_POST
@login_required
@page
def protocol_start(request, pk: int):
    session = _session_or_404(request, pk)
    try:
        protocol = services.protocol_create(session=session, by=request.user)
    except DomainError as exc:
        return refusal_response(request, exc, back=reverse("web:meetings-session", args=[session.pk]))
    messages.success(request, _("Черновик протокола создан по повестке заседания."))
    return HttpResponseRedirect(reverse("web:meetings-protocol", args=[protocol.pk]))


def _protocol_or_404(request, pk: int) -> Protocol:
    return get_object_or_404(selectors.protocols_visible(user=request.user), pk=pk)


@require_GET
@login_required
@page
def protocol_page(request, pk: int):
    protocol = _protocol_or_404(request, pk)
    entries = list(protocol.entries.prefetch_related("assignments__assignees", "assignments__groups",
                                                     "assignments__control_person"))
    return render(request, "web/meetings/protocol.html", {
        "nav": "plans", "protocol": protocol, "entries": entries,
        "attendees": list(protocol.attendees.select_related("person")),
        "editable": protocol.is_editable and request.user.role in STAFF,
        "people": User.objects.filter(is_active=True).exclude(role="").order_by("short_name", "username"),
        "groups": ResponsibleGroup.objects.order_by("name"),
        "actions": buttons(obj=protocol, user=request.user),
        "tasks": [(task, request.user.role == Role.OFFICE_HEAD or task.controller_id == request.user.pk)
                  for task in selectors.assignment_tasks(protocol_id=protocol.pk)],
    })


def _date(value: str, label: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError as exc:
        raise MeetingsError(_("Укажите дату «%(label)s» в формате ГГГГ-ММ-ДД.") % {"label": label}) from exc


def _people(ids: list[str], model=User) -> list:
    wanted = [int(value) for value in ids if value.isdigit()]
    return list(model.objects.filter(pk__in=wanted))


def _editor_data(post, protocol: Protocol) -> dict:
    """The editor's form as ``services.protocol_update`` takes it: every entry with its kept
    assignments (unless marked for removal) and the new one typed under it."""
    entries = []
    for entry in protocol.entries.prefetch_related("assignments__assignees", "assignments__groups"):
        key = f"entry-{entry.pk}"
        assignments = [
            {"text": a.text, "assignees": list(a.assignees.all()), "groups": list(a.groups.all()),
             "due_date": a.due_date, "control_person": a.control_person}
            for a in entry.assignments.all() if not post.get(f"remove-{a.pk}")
        ]
        text = post.get(f"{key}-new-text", "").strip()
        if text:
            control = _people([post.get(f"{key}-new-control", "")])
            assignments.append({
                "text": text, "assignees": _people(post.getlist(f"{key}-new-assignees")),
                "groups": _people(post.getlist(f"{key}-new-groups"), ResponsibleGroup),
                "due_date": _date(post.get(f"{key}-new-due", ""), _("срок поручения")),
                "control_person": control[0] if control else None,
            })
        entries.append({"item": entry.item, "title": entry.title, "heard": post.get(f"{key}-heard", entry.heard),
                        "decided": post.get(f"{key}-decided", entry.decided), "assignments": assignments})
    return {
        "held_on": _date(post.get("held_on", ""), _("дата заседания")),
        "chair_name": post.get("chair_name", "")[:255], "secretary_name": post.get("secretary_name", "")[:255],
        "guests": post.get("guests", "")[:5000],
        "attendees": [{"person": attendee.person, "present": bool(post.get(f"present-{attendee.person_id}"))}
                      for attendee in protocol.attendees.select_related("person")],
        "entries": entries,
    }


@require_POST
@login_required
@page
def protocol_save(request, pk: int):
    protocol = _protocol_or_404(request, pk)
    back = reverse("web:meetings-protocol", args=[protocol.pk])
    def save():
        services.protocol_update(protocol=protocol, by=request.user, data=_editor_data(request.POST, protocol))

    return act(request, save, back=back, success=_("Протокол сохранён."))


@require_POST
@login_required
@page
def protocol_transition(request, pk: int):
    protocol = _protocol_or_404(request, pk)
    return fire_from_post(request, protocol, back=reverse("web:meetings-protocol", args=[protocol.pk]))


@require_GET
@login_required
@page
def assignment_status_page(request):
    if request.user.role not in (Role.OFFICE_HEAD, Role.SECRETARY, Role.DEPARTMENT_HEAD):
        raise PermissionDenied(_("Исполнение поручений доступно руководителю и секретарю Проектного офиса."))
    rows = selectors.assignment_status(today=timezone.localdate())
    return render(request, "web/meetings/status.html", {"nav": "assignments", "rows": rows})


@require_POST
@login_required
@page
def assignment_extend(request, pk: int):
    task = get_object_or_404(PreparationTask.objects.visible_to(request.user).filter(assignment__isnull=False), pk=pk)
    back = reverse("web:meetings-protocol", args=[task.assignment.protocol_id]) + "#execution-h"
    try:
        due = _date(request.POST.get("due_date", ""), _("новый срок"))
        services.assignment_task_extend(task=task, due_date=due, reason=request.POST.get("reason", "")[:4000],
                                        by=request.user)
    except DomainError as exc:
        return refusal_response(request, exc, back=back)
    messages.success(request, _("Срок поручения продлён до %(date)s.") % {"date": f"{due:%d.%m.%Y}"})
    return HttpResponseRedirect(back)
