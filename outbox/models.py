"""The e-mail outbox: every message is a row first, written in the transaction of its cause.

The outbox knows nothing of what its messages are about: a caller names the kind, the day, a
key, the ids of the records concerned (``related_ids``) and hands over the attachments; the
sender only reads the row.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class MessageKind(models.TextChoices):
    """Every kind any sender writes (the stored values are part of the unique key)."""

    ASSIGNED = "assigned", _("Назначение задач")
    REMINDER = "reminder", _("Напоминание")
    ESCALATION = "escalation", _("Просроченные задачи (руководителю)")
    CHANGED = "changed", _("Задача возвращена или отменена")
    DECISION = "decision", _("Решение по плану или отчёту")
    AGENDA = "agenda", _("Повестка и материалы заседания")


class OutboxStatus(models.TextChoices):
    PENDING = "pending", _("Ожидает отправки")
    SENDING = "sending", _("Отправляется")
    SENT = "sent", _("Отправлено")
    FAILED = "failed", _("Не доставлено")
    # A message planned as data and rendered at send time had nothing left to say by then
    # (every task it was about was done, handed over or cancelled): not sent, kept as a record.
    SKIPPED = "skipped", _("Не отправлено: уже не актуально")


class OutboxMessage(models.Model):
    """An e-mail to send, written before any SMTP talk, in the transaction of its cause.
    Built only by ``outbox.services.outbox_message_build``."""

    # No index of its own: the unique key below starts with it.
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("получатель"), on_delete=models.CASCADE, related_name="outbox",
        db_index=False,
    )
    to_email = models.EmailField(_("адрес"))
    kind = models.CharField(_("вид"), max_length=20, choices=MessageKind.choices)
    day = models.DateField(_("день"))
    # Digests use "" (one per person, kind and day); an assignment notice uses the first new
    # task's id, so two assignments on one day are two notices, and a re-run is none.
    key = models.CharField(_("ключ"), max_length=40, blank=True, default="")
    subject = models.CharField(_("тема"), max_length=255)
    body_text = models.TextField(_("текст"))
    body_html = models.TextField(_("HTML"), blank=True)
    # The records the message is about (for the tasks' messages, task ids), as the caller gave them.
    related_ids = models.JSONField(_("связанные записи"), default=list, blank=True)
    # [{"filename", "mimetype", "content", "base64"}], handed over by the caller when it built
    # the message: the row holds all that is sent (see ``outbox.services.Attachment``).
    attachments = models.JSONField(_("вложения"), default=list, blank=True)
    # Empty for a message rendered when it was written. Otherwise the name of the renderer that
    # gives it its subject, text and attachments when it is sent (``outbox.rendering``): the
    # daily digests are planned as rows in set-based SQL and rendered from the data as it is then.
    render_as = models.CharField(_("составляется при отправке"), max_length=40, blank=True, default="", db_default="")
    # No index of its own either: ``outbox_status_next_idx`` starts with it. Each claim and each
    # "sent" mark rewrites the row and every index on it (a status change is never a HOT update).
    status = models.CharField(_("статус"), max_length=10, choices=OutboxStatus.choices, default=OutboxStatus.PENDING)
    attempts = models.PositiveSmallIntegerField(_("попыток"), default=0)
    last_error = models.TextField(_("последняя ошибка"), blank=True)
    next_attempt_at = models.DateTimeField(_("следующая попытка"), default=timezone.now)
    # When the sender took the row, renewed while it works on the batch (``outbox.sender``).
    claimed_at = models.DateTimeField(_("взято в отправку"), null=True, blank=True)
    claim_token = models.CharField(max_length=32, blank=True, default="", editable=False)
    sent_at = models.DateTimeField(_("отправлено"), null=True, blank=True)
    created_at = models.DateTimeField(_("создано"), default=timezone.now)

    # Not a column: the builder sets it on a message a person's action wrote, and
    # ``outbox_messages_add`` then hands that message to the sender as soon as the
    # transaction commits, instead of leaving it to the sweep.
    send_on_commit = False

    class Meta:
        verbose_name = _("письмо")
        verbose_name_plural = _("исходящие письма")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["recipient", "kind", "day", "key"], name="outbox_unique_recipient_kind_day")
        ]
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="outbox_status_next_idx")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} → {self.to_email} ({self.day:%d.%m.%Y})"
