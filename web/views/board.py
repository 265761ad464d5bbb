"""The office head's board of overdue preparation tasks."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from accounts.models import Role
from accounts.substitutions import acts_as

from .. import selectors


@require_GET
@login_required
def overdue_board(request):
    if not acts_as(request.user, Role.OFFICE_HEAD):  # the head, or whoever stands in for her
        raise PermissionDenied(_("Сводка просроченных задач доступна руководителю Проектного офиса."))
    return render(
        request, "web/overdue.html", {"nav": "overdue", "board": selectors.overdue_board(today=timezone.localdate())}
    )
