"""«Мои задачи» and the task page: reads from ``web.selectors``, writes through the ``tasks`` services."""

from __future__ import annotations

from pathlib import Path

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from accounts.models import Role, User
from accounts.substitutions import acts_as
from config.errors import DomainError
from lifecycle.kernel import fire
from tasks import result_files, uploads
from tasks.exceptions import TaskResultFileMissing
from tasks.handover import task_hand_over
from tasks.models import TaskState, TaskTransition, sees_all_tasks

from .. import selectors
from ..forms import CommentForm, TaskResultForm, result_limits_text
from .common import act, fire_from_post, page, refusal_response

DONE_MESSAGES = {
    TaskTransition.START: gettext_lazy("Задача взята в работу."),
    TaskTransition.SUBMIT: gettext_lazy("Результат сдан на проверку."),
    TaskTransition.ACCEPT: gettext_lazy("Результат принят."),
    TaskTransition.RETURN: gettext_lazy("Задача возвращена на доработку."),
    TaskTransition.CANCEL: gettext_lazy("Задача отменена."),
}


def _task_or_404(request, pk: int):
    return get_object_or_404(
        selectors.tasks_visible(user=request.user).select_related("session", "session__plan", "item", "assignee"),
        pk=pk,
    )


@require_GET
@login_required
@page
def task_list(request):
    filters = selectors.task_filters_for(request.user)
    view = request.GET.get("show", "open")
    if view not in filters:
        view = "open"
    may_see_everyone = sees_all_tasks(request.user)
    everyone = may_see_everyone and request.GET.get("scope") == "all"
    today = timezone.localdate()
    return render(
        request,
        "web/task_list.html",
        {
            "nav": "tasks",
            "tasks": selectors.tasks_list(user=request.user, view=view, everyone=everyone, today=today),
            "filters": filters,
            "view": view,
            "view_label": filters[view],
            "everyone": everyone,
            "may_see_everyone": may_see_everyone,
            "counts": selectors.task_counts(user=request.user, today=today),
            "today": today,
        },
    )


@require_GET
@login_required
@page
def task_detail(request, pk: int):
    task = _task_or_404(request, pk)
    page = selectors.task_page(task=task, user=request.user, today=timezone.localdate())
    return render(
        request,
        "web/task_detail.html",
        {
            "nav": "tasks",
            "page": page,
            "task": task,
            "result_form": TaskResultForm(),
            "comment_form": CommentForm(),
            "limits": result_limits_text(),
            "file_name": Path(task.result_file.name).name if task.result_file else "",
            **_hand_over_context(task, request.user),
        },
    )


def _hand_over_context(task, user) -> dict:
    """The hand-over form, for the office head (or whoever stands in for her) and the assignee."""
    may = task.is_open and (user.pk == task.assignee_id or acts_as(user, Role.OFFICE_HEAD))
    people = (
        User.objects.filter(is_active=True).exclude(role="").exclude(pk=task.assignee_id)
        .order_by("short_name", "username") if may else []
    )
    return {"may_hand_over": may, "hand_over_people": people}


@require_POST
@login_required
@page
def task_hand_over_view(request, pk: int):
    task = _task_or_404(request, pk)
    back = task_page_path(task)
    to = User.objects.filter(pk=request.POST.get("to") or 0, is_active=True).first() if (
        request.POST.get("to") or "").isdigit() else None
    if to is None:
        messages.error(request, _("Выберите другого действующего исполнителя."))
        return HttpResponseRedirect(back)
    reason = request.POST.get("reason", "")[:4000]
    return act(request, lambda: task_hand_over(task=task, to=to, by=request.user, reason=reason), back=back,
               success=_("Задача передана: %(name)s.") % {"name": to})


@require_POST
@login_required
@page
def task_result(request, pk: int):
    task = _task_or_404(request, pk)
    back = task_page_path(task)
    form = TaskResultForm(request.POST, request.FILES)
    if not form.is_valid():
        for error in form.errors.get("__all__", []) + [e for f in ("file", "text") for e in form.errors.get(f, [])]:
            messages.error(request, error)
        return HttpResponseRedirect(back)
    text = form.cleaned_data["text"]
    try:
        uploads.task_result_attach(
            task=task, by=request.user, file=form.cleaned_data["file"] or None, text=text if text.strip() else None
        )
        if task.state == TaskState.ASSIGNED:  # saving a result is starting the work
            fire(obj=task, name=TaskTransition.START, by=request.user)
    except DomainError as exc:
        return refusal_response(request, exc, back=back)
    messages.success(request, _("Результат сохранён. Когда всё готово, нажмите «Сдать результат»."))
    return HttpResponseRedirect(back)


@require_POST
@login_required
@page
def task_transition(request, pk: int):
    task = _task_or_404(request, pk)
    return fire_from_post(request, task, back=task_page_path(task), done=DONE_MESSAGES)


@require_GET
@login_required
@page
def task_result_file(request, pk: int):
    """The result file, to those who see the task (nothing under MEDIA_ROOT is served publicly)."""
    task = _task_or_404(request, pk)
    try:
        return result_files.result_file_response(task=task)
    except TaskResultFileMissing as exc:
        raise Http404(exc.message) from exc


@require_GET
@login_required
@page
def task_result_version_file(request, pk: int, number: int):
    """An earlier version's file, to those who see the task."""
    task = _task_or_404(request, pk)
    version = get_object_or_404(task.result_versions, number=number)
    try:
        return result_files.result_file_response(task=task, version=version)
    except TaskResultFileMissing as exc:
        raise Http404(exc.message) from exc


def task_page_path(task) -> str:
    return reverse("web:task", args=[task.pk])
