"""Writes: issuing and revoking a person's calendar feed token."""

from __future__ import annotations

import secrets

from django.db import transaction
from django.utils import timezone

from accounts.models import User

from .models import CalendarFeedToken

TOKEN_BYTES = 32


def calendar_token_create(*, user: User) -> CalendarFeedToken:
    """A new feed token for ``user``; the previous one (if any) stops working at once."""
    with transaction.atomic():
        # Lock the user's row so two requests at once cannot both leave an active token.
        User.objects.select_for_update().filter(pk=user.pk).first()
        CalendarFeedToken.objects.filter(user=user).active().update(revoked_at=timezone.now())
        return CalendarFeedToken.objects.create(user=user, token=secrets.token_urlsafe(TOKEN_BYTES))


def calendar_token_revoke(*, user: User) -> int:
    """Revoke ``user``'s active feed token; the number revoked (0 or 1)."""
    return CalendarFeedToken.objects.filter(user=user).active().update(revoked_at=timezone.now())
