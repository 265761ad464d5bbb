"""The private feed a calendar app subscribes to: no login, the token in the URL is the key."""

from __future__ import annotations

from django.http import Http404, HttpResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from .ics import feed_ics
from .selectors import calendar_feed_owner

ICS_TYPE = "text/calendar; charset=utf-8"


@require_GET
def calendar_feed(request, token: str) -> HttpResponse:
    user = calendar_feed_owner(token=token)
    if user is None:
        raise Http404(_("Календарь не найден или ссылка отозвана."))
    response = HttpResponse(feed_ics(user=user), content_type=ICS_TYPE)
    response["Content-Disposition"] = 'inline; filename="project-office.ics"'
    response["Cache-Control"] = "private, max-age=300"
    response["X-Robots-Tag"] = "noindex"
    response["Referrer-Policy"] = "no-referrer"
    return response
