"""Writes: issuing and revoking a person's calendar feed token."""

from __future__ import annotations

import secrets

from django.db import transaction
from django.utils import timezone

from accounts.models import User

from .models import CalendarFeedToken

TOKEN_BYTES = 32


def calendar_token_get_or_create(*, user: User) -> tuple[CalendarFeedToken, bool]:
    """``user``'s live feed token, made if there is none, and whether it was made now.

    Callers at the same moment (a double click, a calendar app retrying) all get the same
    working link: the first makes it under the lock, the others find it. Replacing a link is
    revoking it (``calendar_token_revoke``) and asking again.
    """
    with transaction.atomic():
        # The user's row lock queues the callers of one user (PostgreSQL); on SQLite the
        # transaction itself holds the write lock from its start (config.settings).
        User.objects.select_for_update().filter(pk=user.pk).first()
        current = CalendarFeedToken.objects.filter(user=user).active().first()
        if current is not None:
            return current, False
        return CalendarFeedToken.objects.create(user=user, token=secrets.token_urlsafe(TOKEN_BYTES)), True


def calendar_token_revoke(*, user: User) -> int:
    """Revoke ``user``'s active feed token; the number revoked (0 or 1)."""
    return CalendarFeedToken.objects.filter(user=user).active().update(revoked_at=timezone.now())
