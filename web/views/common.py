"""What every page view shares: turning a refused action into a readable answer."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseRedirect

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
