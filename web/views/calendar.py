"""«Мой календарь»: the personal feed's link — get it, copy it, re-issue it, revoke it
(``calendars.services``)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from calendars.selectors import calendar_token_active
from calendars.serializers import feed_url
from calendars.services import calendar_token_get_or_create, calendar_token_revoke

from .common import page, unconfirmed


@require_http_methods(["GET", "POST"])
@login_required
@page
def my_calendar(request):
    back = reverse("web:calendar")
    if request.method == "POST":
        action = request.POST.get("action", "")
        if action == "get":
            calendar_token_get_or_create(user=request.user)
            messages.success(request, _("Ссылка на ваш календарь готова."))
        elif action in ("reissue", "revoke"):
            if (refused := unconfirmed(request, None, back=back)) is not None:
                return refused
            calendar_token_revoke(user=request.user)
            if action == "reissue":
                calendar_token_get_or_create(user=request.user)
                messages.success(request, _("Выпущена новая ссылка; прежняя больше не работает."))
            else:
                messages.success(request, _("Ссылка отозвана: календарь по ней больше не открывается."))
        return HttpResponseRedirect(back)
    token = calendar_token_active(user=request.user)
    return render(request, "web/calendar.html", {
        "nav": "calendar", "token": token, "url": feed_url(token) if token else "",
        "webcal": "webcal://" + feed_url(token).split("://", 1)[-1] if token else "",
    })
