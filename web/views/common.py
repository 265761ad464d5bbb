"""What every page view shares: turning a refused action into a readable answer."""

from __future__ import annotations

from functools import wraps

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render

from config.errors import DomainError


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
