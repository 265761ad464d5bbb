"""Admin of the outbox: read-only rows, a retry action, deletion only of what has not gone out.

An outbox row may be deleted only while it has not gone out (pending or failed), one at a
time; a sent row is the record of what was said to whom, and a row being sent is held by a
sender.
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import OutboxMessage, OutboxStatus

UNSENT = (OutboxStatus.PENDING, OutboxStatus.FAILED)


@admin.register(OutboxMessage)
class OutboxMessageAdmin(admin.ModelAdmin):
    list_display = ["subject_shown", "to_email", "kind", "day", "status", "attempts", "next_attempt_at", "sent_at"]
    list_filter = ["status", "kind", "day"]
    search_fields = ["to_email", "subject"]
    readonly_fields = [f.name for f in OutboxMessage._meta.fields]
    actions = ["retry_now"]

    @admin.display(description=_("тема"), ordering="subject")
    def subject_shown(self, obj):
        return obj.subject or (_("(составляется при отправке)") if obj.render_as else "")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        # No bulk delete (obj is None): each row is judged by its own status.
        if obj is None or obj.status not in UNSENT:
            return False
        return super().has_delete_permission(request, obj)

    def delete_model(self, request, obj):
        # The row may have been claimed since the confirmation page: delete it only if unsent.
        OutboxMessage.objects.filter(pk=obj.pk, status__in=UNSENT).delete()

    @admin.action(description=_("Отправить повторно при следующем проходе"))
    def retry_now(self, request, queryset):
        count = queryset.filter(status__in=[OutboxStatus.FAILED, OutboxStatus.PENDING]).update(
            status=OutboxStatus.PENDING, next_attempt_at=timezone.now(), claim_token="", claimed_at=None
        )
        self.message_user(request, _("Поставлено в очередь: %(n)s") % {"n": count}, messages.SUCCESS)
