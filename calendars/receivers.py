"""The feed link is a credential like a password: a new password revokes it (the owner issues
a new one with POST /api/calendar/token/)."""

from __future__ import annotations

from django.dispatch import receiver

from accounts.signals import password_changed

from .services import calendar_token_revoke


@receiver(password_changed, dispatch_uid="calendars_revoke_feed_on_password_change")
def _revoke_feed(sender, user, **kwargs) -> None:
    calendar_token_revoke(user=user)
