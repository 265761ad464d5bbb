from django.contrib import admin

from .models import CalendarFeedToken


@admin.register(CalendarFeedToken)
class CalendarFeedTokenAdmin(admin.ModelAdmin):
    """Read-only: tokens are issued and revoked by their owners (API); shown here for support."""

    list_display = ["user", "created_at", "revoked_at"]
    list_filter = ["revoked_at"]
    search_fields = ["user__username", "user__short_name"]
    fields = ["user", "created_at", "revoked_at"]
    readonly_fields = fields

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
