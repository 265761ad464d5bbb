"""Projects in the admin: names, kinds and leads (office staff)."""

from __future__ import annotations

from django.contrib import admin
from django.db.models import Count
from django.utils.translation import gettext_lazy

from .. import edit_services
from ..models import Project
from .common import (
    DomainErrorsAsMessagesMixin,
    is_editor,
)

# --- Projects ---------------------------------------------------------------------------------


@admin.register(Project)
class ProjectAdmin(DomainErrorsAsMessagesMixin, admin.ModelAdmin):
    list_display = ("name", "kind", "lead_names", "item_count")
    list_filter = ("kind",)
    search_fields = ("name", "leads__short_name", "leads__full_name")
    fields = ("name", "kind", "leads")
    filter_horizontal = ("leads",)

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(item_total=Count("items")).prefetch_related("leads")

    @admin.display(description=gettext_lazy("руководители проекта"))
    def lead_names(self, project: Project) -> str:
        return ", ".join(str(lead) for lead in project.leads.all()) or "—"

    @admin.display(description=gettext_lazy("пунктов повестки"), ordering="item_total")
    def item_count(self, project: Project) -> int:
        return project.item_total

    def has_add_permission(self, request) -> bool:
        return super().has_add_permission(request) and is_editor(request.user)

    def has_change_permission(self, request, obj=None) -> bool:
        return super().has_change_permission(request, obj) and is_editor(request.user)

    def has_delete_permission(self, request, obj=None) -> bool:
        return super().has_delete_permission(request, obj) and is_editor(request.user)

    def save_model(self, request, obj, form, change):
        leads = form.cleaned_data.get("leads", [])
        if change:
            edit_services.project_update(project=obj, by=request.user, name=obj.name, kind=obj.kind, leads=leads)
            return
        created = edit_services.project_create(by=request.user, name=obj.name, kind=obj.kind, leads=leads)
        obj.pk = created.pk
        obj.key = created.key
        obj._state.adding = False
        obj._state.db = created._state.db

    def save_related(self, request, form, formsets, change):
        # Leads were set by the service in save_model; only inline formsets remain.
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)

    def delete_model(self, request, obj):
        edit_services.project_delete(project=obj, by=request.user)

