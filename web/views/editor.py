"""The secretary's plan pages: create a plan, import a file with a preview first, edit a draft
(sessions, items, responsible persons and groups). Writes go through ``workflow.edit_services``
and ``documents.importing``; refusals come back as messages."""

from __future__ import annotations

import base64

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts.models import User
from config.errors import DomainError
from documents.importing import person_for_short_name, plan_import_file
from workflow import edit_services
from workflow.models import AgendaItem, Plan, Session
from workflow.selectors import plan_tree

from ..editor_forms import ItemForm, PlanCreateForm, PlanImportForm, SessionForm
from .common import page, refusal_response

_PENDING = "plan_import_pending"  # the previewed file, in the session, until it is created


def _staff(request) -> None:
    if not request.user.is_office_staff:
        raise PermissionDenied(
            _("Создавать и изменять планы может только секретарь или руководитель Проектного офиса.")
        )


def _form_errors(request, form) -> None:
    for field, errors in form.errors.items():
        label = form.fields[field].label if field in form.fields else ""
        for error in errors:
            messages.error(request, f"{label}: {error}" if label else error)


@require_http_methods(["GET", "POST"])
@login_required
@page
def plan_new(request):
    _staff(request)
    form = PlanCreateForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            try:
                plan = edit_services.plan_create(by=request.user, year=form.cleaned_data["year"],
                                                 title=form.cleaned_data["title"])
            except DomainError as exc:
                return refusal_response(request, exc, back=reverse("web:plan-new"))
            messages.success(request, _("План создан. Добавьте заседания и темы."))
            return HttpResponseRedirect(reverse("web:plan-edit", args=[plan.pk]))
        _form_errors(request, form)
    return render(request, "web/plan_new.html", {"nav": "plans", "form": form, "import_form": PlanImportForm()})


@require_POST
@login_required
@page
def plan_import(request):
    """«Проверить файл»: a dry run shown with every warning and error; «Создать план»: the
    previewed file imported for real."""
    _staff(request)
    back = reverse("web:plan-new")
    if request.POST.get("action") == "create":
        pending = request.session.get(_PENDING)
        if not pending:
            messages.error(request, _("Сначала загрузите файл и проверьте его."))
            return HttpResponseRedirect(back)
        try:
            result = plan_import_file(content=base64.b64decode(pending["content"]), filename=pending["name"])
        except DomainError as exc:
            return refusal_response(request, exc, back=back)
        del request.session[_PENDING]
        messages.success(request, _("План загружен из файла «%(name)s».") % {"name": pending["name"]})
        return HttpResponseRedirect(reverse("web:plan", args=[result.plan.pk]))
    form = PlanImportForm(request.POST, request.FILES)
    if not form.is_valid():
        _form_errors(request, form)
        return HttpResponseRedirect(back)
    upload = form.cleaned_data["file"]
    content = upload.read()
    context = {"nav": "plans", "filename": upload.name, "errors": [], "result": None}
    try:
        context["result"] = plan_import_file(content=content, filename=upload.name, dry_run=True)
    except DomainError as exc:
        details = exc.details if isinstance(exc.details, list) else []
        context["errors"] = [
            (_("строка %(line)s: %(message)s") % d) if d.get("line") else d.get("message", "") for d in details
        ] or [exc.message]
    if context["result"] is not None and context["result"].plan is None:
        request.session[_PENDING] = {"name": upload.name, "content": base64.b64encode(content).decode("ascii")}
    return render(request, "web/plan_import_preview.html", context)


def _editable_plan(request, pk: int) -> Plan:
    _staff(request)
    return get_object_or_404(Plan, pk=pk)


@require_http_methods(["GET"])
@login_required
@page
def plan_edit(request, pk: int):
    plan = _editable_plan(request, pk)
    plan_tree(plan=plan, user=None)
    for session in plan.tree_sessions:
        session.flat_items = list(_flat(session.tree_items))
        session.form = SessionForm(initial={"planned_month": session.planned_month, "starts_at": session.starts_at,
                                            "place": session.place}, prefix=f"s{session.pk}")
    return render(request, "web/plan_edit.html", {
        "nav": "plans", "plan": plan, "new_session": SessionForm(prefix="new"), "item_form": ItemForm(),
        "people": ItemForm().fields["persons"].queryset, "groups": ItemForm().fields["groups"].queryset,
    })


def _flat(items, depth: int = 0):
    """The items of a session in document order, each with its depth and chosen responsibles."""
    for item in items:
        item.depth = depth
        item.person_ids = {r["id"] for r in item.tree_responsibles if r["kind"] == "person"}
        item.group_ids = {r["id"] for r in item.tree_responsibles if r["kind"] == "group"}
        yield item
        yield from _flat(item.tree_children, depth + 1)


def _back(plan_pk: int, anchor: str = "") -> str:
    return reverse("web:plan-edit", args=[plan_pk]) + (f"#{anchor}" if anchor else "")


@require_POST
@login_required
@page
def session_save(request, pk: int, session_pk: int | None = None):
    plan = _editable_plan(request, pk)
    session = get_object_or_404(Session, pk=session_pk, plan=plan) if session_pk else None
    back = _back(plan.pk, f"edit-session-{session_pk}" if session_pk else "")
    if session and request.POST.get("action") == "delete":
        try:
            edit_services.session_delete(session=session, by=request.user)
        except DomainError as exc:
            return refusal_response(request, exc, back=back)
        messages.success(request, _("Заседание удалено."))
        return HttpResponseRedirect(_back(plan.pk))
    form = SessionForm(request.POST, prefix=f"s{session_pk}" if session else "new")
    if not form.is_valid():
        _form_errors(request, form)
        return HttpResponseRedirect(back)
    data = form.cleaned_data
    try:
        if session:
            edit_services.session_update(session=session, by=request.user, planned_month=data["planned_month"],
                                         starts_at=data["starts_at"], place=data["place"])
        else:
            session = edit_services.session_create(by=request.user, plan=plan, planned_month=data["planned_month"],
                                                   starts_at=data["starts_at"], place=data["place"])
    except DomainError as exc:
        return refusal_response(request, exc, back=back)
    messages.success(request, _("Заседание № %(number)s сохранено.") % {"number": session.number})
    return HttpResponseRedirect(_back(plan.pk, f"edit-session-{session.pk}"))


def _responsibles(request, form) -> list[User]:
    persons = list(form.cleaned_data["persons"])
    name = " ".join(form.cleaned_data["new_person"].split())
    if name:
        person, created = person_for_short_name(short_name=name)
        if created:
            messages.info(request, _("Добавлен новый ответственный: %(name)s.") % {"name": person})
        persons.append(person)
    return list({p.pk: p for p in persons}.values())


@require_POST
@login_required
@page
def item_save(request, pk: int, session_pk: int, item_pk: int | None = None):
    plan = _editable_plan(request, pk)
    session = get_object_or_404(Session, pk=session_pk, plan=plan)
    item = get_object_or_404(AgendaItem, pk=item_pk, plan=plan) if item_pk else None
    back = _back(plan.pk, f"edit-item-{item_pk}" if item_pk else f"edit-session-{session.pk}")
    try:
        if item and request.POST.get("action") == "delete":
            edit_services.item_delete(item=item, by=request.user)
            messages.success(request, _("Пункт удалён."))
            return HttpResponseRedirect(_back(plan.pk, f"edit-session-{session.pk}"))
        form = ItemForm(request.POST)
        if not form.is_valid():
            _form_errors(request, form)
            return HttpResponseRedirect(back)
        data = form.cleaned_data
        parent = get_object_or_404(AgendaItem, pk=data["parent"], plan=plan) if data["parent"] else None
        fields = {"text": data["text"].strip(), "needs_preparation": not data["other"]}
        if data["order"] is not None:
            fields["order"] = data["order"]
        persons = _responsibles(request, form)
        if item:
            target = get_object_or_404(Session, pk=data["session"], plan=plan) if data["session"] else session
            if target.pk != item.session_id:
                fields["session"] = target  # moved: it leaves its parent, its sub-topics follow it
            elif "parent" in request.POST:
                fields["parent"] = parent
            item = edit_services.item_update(item=item, by=request.user, persons=persons,
                                             groups=list(data["groups"]), **fields)
        else:
            item = edit_services.item_create(by=request.user, session=session, parent=parent, persons=persons,
                                             groups=list(data["groups"]), **fields)
    except DomainError as exc:
        return refusal_response(request, exc, back=back)
    messages.success(request, _("Пункт сохранён."))
    return HttpResponseRedirect(_back(plan.pk, f"edit-item-{item.pk}"))
