"""Admin: tasks (state read-only, with filters), their history and the policy (the outbox's
admin is in ``outbox.admin``).

Nothing here deletes a task or its history, superusers included: the history is the audit
trail, and a task that is no longer wanted is cancelled (a transition with its own history
row).
"""

from __future__ import annotations

from pathlib import PurePosixPath

from django.contrib import admin
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from lifecycle.admin import LogInline

from .models import PreparationTask, ReminderPolicy, TaskEvent, TaskResultVersion


class OverdueFilter(admin.SimpleListFilter):
    title = _("просрочка")
    parameter_name = "overdue"

    def lookups(self, request, model_admin):
        return [("yes", _("Просрочена")), ("no", _("Не просрочена"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.overdue(today=timezone.localdate())
        if self.value() == "no":
            return queryset.not_overdue(today=timezone.localdate())
        return queryset


class TaskEventInline(LogInline):
    model = TaskEvent


class TaskResultVersionInline(admin.TabularInline):
    """Earlier results, as they were (read-only: they are the record of what was handed in)."""

    model = TaskResultVersion
    fields = readonly_fields = ["number", "file_name", "result_text", "saved_at", "replaced_at", "replaced_by"]
    extra = 0
    can_delete = False

    @admin.display(description=_("файл"))
    def file_name(self, obj) -> str:
        return obj.filename  # downloadable on the task's page (nothing under MEDIA_ROOT is public)

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(PreparationTask)
class PreparationTaskAdmin(admin.ModelAdmin):
    list_display = ["title_short", "assignee", "session", "due_date", "state", "overdue_mark"]
    list_filter = [OverdueFilter, "state", "kind", "session", "assignee"]
    search_fields = ["title", "assignee__short_name", "assignee__username"]
    date_hierarchy = "due_date"
    list_select_related = ["assignee", "session"]
    readonly_fields = [
        "item",
        "session",
        "project",
        "assignee",
        "kind",
        "title",
        "state",
        "result_file_link",
        "result_text",
        "assignment_notified_at",
        "created_at",
        "updated_at",
    ]
    fields = readonly_fields[:6] + ["due_date"] + readonly_fields[6:]
    inlines = [TaskEventInline, TaskResultVersionInline]

    def has_add_permission(self, request):
        return False  # tasks come from the assignment rules

    def has_delete_permission(self, request, obj=None):
        return False  # deleting would erase the history with it; cancel the task instead

    @admin.display(description=_("задача"))
    def title_short(self, obj):
        return obj.title if len(obj.title) <= 90 else obj.title[:87] + "…"

    @admin.display(description=_("просрочена"), boolean=True)
    def overdue_mark(self, obj):
        return obj.days_late() > 0

    @admin.display(description=_("файл результата"))
    def result_file_link(self, obj):
        """The checked download view: result files have no public URL (tasks.result_files)."""
        if not obj.result_file:
            return "—"
        url = reverse("web:task-result-file", args=[obj.pk])
        return format_html('<a href="{}">{}</a>', url, PurePosixPath(obj.result_file.name).name)


@admin.register(ReminderPolicy)
class ReminderPolicyAdmin(admin.ModelAdmin):
    list_display = ["__str__", "days_before_due", "remind_on_due_date", "overdue_every_days", "escalate_after_days"]

    def has_add_permission(self, request):
        return not ReminderPolicy.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False
