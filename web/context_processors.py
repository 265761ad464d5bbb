"""What every page's frame needs: the roles the user acts in today (their own and, during a
substitution, the replaced person's) for the navigation, and how many things wait for their decision."""

from __future__ import annotations

from django.utils.functional import SimpleLazyObject

from accounts.substitutions import roles_now

from .inbox import inbox


def roles(request) -> dict:
    user = getattr(request, "user", None)
    return {"roles_now": roles_now(user) if user is not None and user.is_authenticated else frozenset()}


def waiting(request) -> dict:
    """``waiting``: the user's «Ждут моего решения» list, read only if a page shows it."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"waiting": SimpleLazyObject(lambda: inbox(user=user))}
