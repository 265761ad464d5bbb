"""What every page view shares: turning a refused action into a readable answer."""

from __future__ import annotations

from functools import wraps

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from django.utils.translation import gettext as _

from config.errors import DomainError

# Actions that cannot be undone: the page asks for a confirmation (a ticked «Подтверждаю»)
# and the view refuses them without it.
IRREVERSIBLE = frozenset({"archive", "cancel"})


def unconfirmed(request, name: str | None, *, back: str) -> HttpResponseRedirect | None:
    """A redirect back with a message when the action ``name`` is irreversible (None: this one
    is, whatever its name) and was not confirmed."""
    if (name is None or name in IRREVERSIBLE) and request.POST.get("confirm") != "yes":
        messages.error(request, _("Действие необратимо: отметьте «Подтверждаю» и нажмите кнопку ещё раз."))
        return HttpResponseRedirect(back)
    return None


def refusal_response(request, exc: DomainError, *, back: str) -> HttpResponseRedirect:
    """A forbidden action is a 403 page that says why; any other refusal (wrong state, missing
    comment, a bad file, someone else was first) is a message on the page the user came from."""
    if exc.status == 403:
        raise PermissionDenied(exc.message) from exc
    if exc.status == 404:
        raise Http404(exc.message) from exc
    messages.error(request, exc.message)
    return HttpResponseRedirect(back)


def page(view):
    """A page view whose "not found" is the Russian 404 page even with DEBUG on (Django's
    technical 404 lists URL patterns in English: not for the people using these pages)."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except Http404:
            return render(request, "404.html", status=404)

    return wrapper
