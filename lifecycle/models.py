"""What every life cycle's log shares: rows are appended, never changed or deleted."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AppendOnlyQuerySet(models.QuerySet):
    """No bulk update or delete through the ORM."""

    def update(self, **kwargs):
        raise PermissionError(f"{self.model.__name__} rows are append-only.")

    def delete(self):
        raise PermissionError(f"{self.model.__name__} rows are append-only.")


class AppendOnlyModel(models.Model):
    """A log row: saved once (insert), never updated or deleted."""

    class Meta:
        abstract = True

    def save(self, *args, **kwargs) -> None:
        if self.pk is not None and not kwargs.get("force_insert"):
            raise PermissionError(f"{type(self).__name__} rows are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError(f"{type(self).__name__} rows are append-only.")


class ActionLog(AppendOnlyModel):
    """What every history row of an object says besides its action: who (name and position then,
    and in whose place during a substitution), why, and when."""

    actor_name = models.CharField(_("ФИО"), max_length=255)
    actor_position = models.CharField(_("должность на момент действия"), max_length=255, blank=True)
    acting_for = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("за кого (замещение)"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
    )
    comment = models.TextField(_("комментарий"), blank=True)
    created_at = models.DateTimeField(_("когда"), default=timezone.now, db_index=True)

    class Meta:
        abstract = True
        ordering = ["created_at", "id"]
