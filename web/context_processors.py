"""What every page's navigation shows: how many things wait for the user's decision."""

from __future__ import annotations

from django.utils.functional import SimpleLazyObject

from .inbox import inbox


def waiting(request) -> dict:
    """``waiting``: the user's «Ждут моего решения» list, read only if a page shows it."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"waiting": SimpleLazyObject(lambda: inbox(user=user))}
