"""Plans in the admin: the plan, its sessions and items inline, the approval buttons."""

from __future__ import annotations

from functools import partial

from django import forms
from django.contrib import admin
from django.db.models import Count
from django.utils.translation import gettext_lazy

from approvals.admin import DecisionInline
from lifecycle.admin import TransitionAdminMixin

from .. import edit_services, visibility
from ..models import AgendaItem, Plan, Session
from .common import (
    DomainErrorsAsMessagesMixin,
    StaffEditsWhileEditableMixin,
    adopt,
    changed_values,
    formset_save_through,
    is_editor,
    item_create_from,
    object_id_of,
    plan_editable,
    update_through,
)

# --- Inlines of the plan --------------------------------------------------------------------


class SessionInline(admin.TabularInline):
    model = Session
    fields = ("number", "source_number", "planned_month", "due_label", "starts_at", "place", "state")
    readonly_fields = ("due_label", "starts_at", "state")
    extra = 0
    show_change_link = True

    def has_add_permission(self, request, obj=None) -> bool:
        return super().has_add_permission(request, obj) and is_editor(request.user) and plan_editable(obj)

    def has_change_permission(self, request, obj=None) -> bool:
        return super().has_change_permission(request, obj) and is_editor(request.user) and plan_editable(obj)

    def has_delete_permission(self, request, obj=None) -> bool:
        return super().has_delete_permission(request, obj) and is_editor(request.user) and plan_editable(obj)


class AgendaItemInline(admin.TabularInline):
    model = AgendaItem
    fk_name = "plan"
    fields = (
        "session",
        "parent",
        "order",
        "text",
        "project",
        "responsible",
        "needs_preparation",
        "is_amendment",
        "state",
    )
    readonly_fields = ("responsible", "is_amendment", "state")
    extra = 0
    show_change_link = True

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("session", "parent", "project", "plan")
            .prefetch_related("responsibilities__person", "responsibilities__group")
        )

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "text":
            kwargs["widget"] = forms.Textarea(attrs={"rows": 2, "cols": 50})
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        plan_id = object_id_of(request)
        if db_field.name == "session":
            kwargs["queryset"] = Session.objects.filter(plan_id=plan_id) if plan_id else Session.objects.none()
        elif db_field.name == "parent":
            kwargs["queryset"] = (
                AgendaItem.objects.filter(plan_id=plan_id).select_related("session")
                if plan_id
                else AgendaItem.objects.none()
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    @admin.display(description=gettext_lazy("ответственные"))
    def responsible(self, item: AgendaItem) -> str:
        return item.responsible_label if item.pk else ""

    def has_add_permission(self, request, obj=None) -> bool:
        return (
            super().has_add_permission(request, obj)
            and is_editor(request.user)
            and obj is not None
            and plan_editable(obj)
        )

    def has_change_permission(self, request, obj=None) -> bool:
        return super().has_change_permission(request, obj) and is_editor(request.user) and plan_editable(obj)

    def has_delete_permission(self, request, obj=None) -> bool:
        return super().has_delete_permission(request, obj) and is_editor(request.user) and plan_editable(obj)


# --- Plans -----------------------------------------------------------------------------------


@admin.register(Plan)
class PlanAdmin(StaffEditsWhileEditableMixin, DomainErrorsAsMessagesMixin, TransitionAdminMixin, admin.ModelAdmin):
    transition_bulk_actions = True
    editable = staticmethod(plan_editable)
    list_display = (
        "title",
        "year",
        "state",
        "session_count",
        "item_count",
        "agreer_name",
        "approver_name",
        "updated_at",
    )
    list_filter = ("year", "state")
    search_fields = ("title", "office", "approver_name", "agreer_name", "source_name")
    fieldsets = (
        (None, {"fields": ("office", "year", "title", "state")}),
        (gettext_lazy("Подписи"), {"fields": ("approver_position", "approver_name", "agreer_position", "agreer_name")}),
        (gettext_lazy("Источник"), {"fields": ("source_name", "source_sha256", "created_at", "updated_at")}),
    )
    readonly_fields = ("state", "source_name", "source_sha256", "created_at", "updated_at")
    inlines = (SessionInline, AgendaItemInline, DecisionInline)
    change_form_template = "admin/workflow/plan/change_form.html"  # transitions + document downloads

    def get_queryset(self, request):
        plans = Plan.objects.all() if request.user.is_superuser else visibility.plans_visible(user=request.user)
        return plans.annotate(session_total=Count("sessions", distinct=True), item_total=Count("items", distinct=True))

    @admin.display(description=gettext_lazy("заседаний"), ordering="session_total")
    def session_count(self, plan: Plan) -> int:
        return plan.session_total

    @admin.display(description=gettext_lazy("пунктов"), ordering="item_total")
    def item_count(self, plan: Plan) -> int:
        return plan.item_total

    def save_model(self, request, obj, form, change):
        if change:
            update = partial(edit_services.plan_update, plan=obj, by=request.user)
            return update_through(obj, form.changed_data, allowed=edit_services.PLAN_FIELDS, update=update)
        values = changed_values(obj, form.fields, edit_services.PLAN_FIELDS - {"year", "title"})
        adopt(obj, edit_services.plan_create(by=request.user, year=obj.year, title=obj.title, **values))

    def delete_model(self, request, obj):
        edit_services.plan_delete(plan=obj, by=request.user)

    def save_formset(self, request, form, formset, change):
        if formset.model is Session:
            self._save_sessions(request, form.instance, formset)
        elif formset.model is AgendaItem:
            self._save_items(request, formset)
        else:
            super().save_formset(request, form, formset, change)

    def _save_sessions(self, request, plan: Plan, formset) -> None:
        by = request.user
        formset_save_through(
            formset, allowed=edit_services.SESSION_FIELDS,
            delete=lambda session: edit_services.session_delete(session=session, by=by),
            update=lambda session, values: edit_services.session_update(session=session, by=by, **values),
            create=lambda session: edit_services.session_create(
                by=by, plan=plan, number=session.number, planned_month=session.planned_month,
                **changed_values(session, ("source_number", "place"), edit_services.SESSION_FIELDS),
            ),
        )

    def _save_items(self, request, formset) -> None:
        by = request.user
        formset_save_through(
            formset, allowed=edit_services.ITEM_FIELDS,
            delete=lambda item: edit_services.item_delete(item=item, by=by),
            update=lambda item, values: edit_services.item_update(item=item, by=by, **values),
            create=lambda item: item_create_from(item, by=by),
        )

