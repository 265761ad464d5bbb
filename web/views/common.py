"""What every page view shares: turning a refused action into a readable answer."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import wraps

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from django.utils.translation import gettext as _

from config.errors import DomainError
from lifecycle.kernel import fire

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


def act(request, action: Callable[[], object], *, back: str, success: str | Callable[[object], str]):
    """Run a page's write, ``action()``: a refusal is shown (``refusal_response``), a success is
    announced (``success``, or ``success(result)``); either way back to ``back``."""
    try:
        result = action()
    except DomainError as exc:
        return refusal_response(request, exc, back=back)
    messages.success(request, success(result) if callable(success) else success)
    return HttpResponseRedirect(back)


def fire_from_post(request, obj, *, back: str, done: Mapping[str, str] | None = None):
    """A page's transition button: the kernel fires the posted transition as the user, with the
    posted comment; an irreversible one only once confirmed. ``done``: what to say, by name."""
    name = request.POST.get("transition", "")
    if (refused := unconfirmed(request, name, back=back)) is not None:
        return refused
    comment = request.POST.get("comment", "")[:5000]

    def said(_log) -> str:
        return (done or {}).get(name) or _("«%(action)s»: выполнено. Состояние — «%(state)s».") % {
            "action": obj.lifecycle.label(name), "state": obj.state_display}

    return act(request, lambda: fire(obj=obj, name=name, by=request.user, comment=comment), back=back, success=said)


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
