"""Admin for the approval life cycle's decision log.

The transition buttons and actions are the kernel's one admin view (``lifecycle.admin``); here
is the approval sheet: read-only for everyone.
"""

from __future__ import annotations

from django.contrib import admin
from django.contrib.contenttypes.admin import GenericTabularInline
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lifecycle.admin import ReadOnlyInlineMixin

from .models import Decision


def _decision_action(decision: Decision) -> str:
    label = str(decision.get_transition_display())
    if decision.carried_by_id:
        return _("%(action)s (вместе с планом)") % {"action": label}
    return label


def _decision_path(decision: Decision) -> str:
    return f"{decision.get_from_state_display()} → {decision.get_to_state_display()}"


class DecisionInline(ReadOnlyInlineMixin, GenericTabularInline):
    """The approval sheet of one object: read-only for everyone, superusers included."""

    model = Decision
    ct_field = "content_type"
    ct_fk_field = "object_id"
    verbose_name = gettext_lazy("решение")
    verbose_name_plural = gettext_lazy("Лист согласования")
    fields = ("actor_name", "actor_position", "action", "path", "created_at", "comment")
    readonly_fields = fields
    show_change_link = False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("carried_by").order_by("created_at", "id")

    @admin.display(description=gettext_lazy("действие"))
    def action(self, decision: Decision) -> str:
        return _decision_action(decision)

    @admin.display(description=gettext_lazy("из → в"))
    def path(self, decision: Decision) -> str:
        return _decision_path(decision)

    def has_view_permission(self, request, obj=None) -> bool:
        # Whoever may see the object may see its approval sheet.
        parent_admin = self.admin_site._registry.get(self.parent_model)
        if parent_admin is not None:
            return parent_admin.has_view_permission(request, obj)
        return super().has_view_permission(request, obj)


@admin.register(Decision)
class DecisionAdmin(admin.ModelAdmin):
    """The whole decision log: append-only, so view-only here for everyone."""

    list_display = ("created_at", "target_link", "action", "path", "actor_name", "actor_position", "comment")
    list_filter = ("transition", "to_state", "content_type", "created_at")
    search_fields = ("actor_name", "actor_position", "comment")
    date_hierarchy = "created_at"
    list_select_related = ("content_type", "carried_by")
    fields = (
        "target_link",
        "action",
        "path",
        "actor",
        "actor_name",
        "actor_position",
        "created_at",
        "comment",
        "carried_by",
    )
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("target")

    @admin.display(description=gettext_lazy("объект"))
    def target_link(self, decision: Decision):
        target = decision.target
        if target is None:
            return "—"
        opts = target._meta
        try:
            url = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[target.pk])
        except Exception:  # noqa: BLE001 - a model without an admin page is shown as text
            return f"{opts.verbose_name}: {target}"
        return format_html('<a href="{}">{}: {}</a>', url, opts.verbose_name, target)

    @admin.display(description=gettext_lazy("действие"), ordering="transition")
    def action(self, decision: Decision) -> str:
        return _decision_action(decision)

    @admin.display(description=gettext_lazy("из → в"))
    def path(self, decision: Decision) -> str:
        return _decision_path(decision)

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
