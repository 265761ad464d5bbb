"""Private calendar feeds: one revocable, unguessable token per person.

Calendar apps subscribe without logging in, so the token in the URL is the credential. It is
made with ``secrets.token_urlsafe`` (256 bits), stored as is (the owner may see the URL again,
like an API token), and revoked by setting ``revoked_at``; at most one token per person is active.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class CalendarFeedTokenQuerySet(models.QuerySet):
    def active(self) -> CalendarFeedTokenQuerySet:
        return self.filter(revoked_at__isnull=True)


class CalendarFeedToken(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("пользователь"), on_delete=models.CASCADE,
        related_name="calendar_tokens",
    )
    token = models.CharField(_("ключ"), max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("создан"), auto_now_add=True)
    revoked_at = models.DateTimeField(_("отозван"), null=True, blank=True, editable=False)

    objects = CalendarFeedTokenQuerySet.as_manager()

    class Meta:
        verbose_name = _("ключ календаря")
        verbose_name_plural = _("ключи календарей")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["user"], condition=Q(revoked_at__isnull=True), name="calendar_token_one_active_per_user"
            ),
        ]

    def __str__(self) -> str:
        state = _("отозван") if self.revoked_at else _("действует")
        return f"{self.user} ({state})"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None
