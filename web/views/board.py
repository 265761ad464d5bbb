"""The office head's board of overdue preparation tasks."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts.models import Role, User
from accounts.substitutions import acts_as
from notices.reminders import reminder_send_now

from .. import selectors


def _number(value: str | None) -> int | None:
    try:
        number = int(value or "")
    except ValueError:
        return None
    return number if 0 <= number < 10**9 else None


def _head_only(request) -> None:
    if not acts_as(request.user, Role.OFFICE_HEAD):  # the head, or whoever stands in for her
        raise PermissionDenied(_("Сводка просроченных задач доступна руководителю Проектного офиса."))


@require_GET
@login_required
def overdue_board(request):
    _head_only(request)
    filters = {"session_id": _number(request.GET.get("session")), "person_id": _number(request.GET.get("person")),
               "min_days_late": _number(request.GET.get("days"))}
    board = selectors.overdue_board(today=timezone.localdate(), **filters)
    return render(request, "web/overdue.html", {"nav": "overdue", "board": board, "filters": filters,
                                                 "query": request.GET.urlencode()})


@require_POST
@login_required
def overdue_remind(request):
    """«Напомнить»: one reminder of a person's overdue tasks now (``notices.reminders``)."""
    _head_only(request)
    person = get_object_or_404(User, pk=_number(request.POST.get("person")) or 0)
    back = reverse("web:overdue") + (f"?{request.POST['query']}" if request.POST.get("query") else "")
    sent = reminder_send_now(person=person)
    if sent is None:
        messages.error(request, _("Напоминание не отправлено: %(person)s уже получил(а) его меньше минуты назад "
                                  "или просроченных задач нет.") % {"person": person})
    else:
        messages.success(request, _("Напоминание отправлено: %(person)s, %(email)s.")
                         % {"person": person, "email": sent.to_email})
    return HttpResponseRedirect(back)
