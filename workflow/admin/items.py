"""Agenda items in the admin: text, nesting, responsible persons; approval buttons for amendments."""

from __future__ import annotations

from functools import partial

from django import forms
from django.contrib import admin
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import ResponsibleGroup, User
from approvals.admin import DecisionInline
from approvals.models import ApprovalState
from lifecycle.admin import TransitionAdminMixin

from .. import edit_services, visibility
from ..models import AgendaItem, Responsibility, Session
from .common import (
    DomainErrorsAsMessagesMixin,
    StaffEditsWhileEditableMixin,
    adopt,
    is_editor,
    item_create_from,
    item_editable,
    object_id_of,
    update_through,
)

# --- Agenda items -----------------------------------------------------------------------------


class ResponsibilityInline(admin.TabularInline):
    model = Responsibility
    fields = ("person", "group", "order")
    extra = 0

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "person":
            kwargs["queryset"] = User.objects.filter(is_active=True)
        elif db_field.name == "group":
            kwargs["queryset"] = ResponsibleGroup.objects.all()
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def _may_edit(self, request, item) -> bool:
        return is_editor(request.user) and item_editable(item)

    def has_add_permission(self, request, obj=None) -> bool:
        return super().has_add_permission(request, obj) and self._may_edit(request, obj)

    def has_change_permission(self, request, obj=None) -> bool:
        return super().has_change_permission(request, obj) and self._may_edit(request, obj)

    def has_delete_permission(self, request, obj=None) -> bool:
        return super().has_delete_permission(request, obj) and self._may_edit(request, obj)


class ResponsibleFilter(admin.SimpleListFilter):
    title = gettext_lazy("ответственный")
    parameter_name = "responsible"

    def lookups(self, request, model_admin):
        persons = User.objects.filter(responsibilities__isnull=False).distinct()
        groups = ResponsibleGroup.objects.filter(responsibilities__isnull=False).distinct()
        return [(f"u{p.pk}", str(p)) for p in persons] + [(f"g{g.pk}", str(g)) for g in groups]

    def queryset(self, request, queryset):
        value = self.value() or ""
        if value[1:].isdigit():
            if value.startswith("u"):
                return queryset.filter(responsibilities__person_id=int(value[1:])).distinct()
            if value.startswith("g"):
                return queryset.filter(responsibilities__group_id=int(value[1:])).distinct()
        return queryset


class AgendaItemForm(forms.ModelForm):
    class Meta:
        model = AgendaItem
        fields = ("session", "parent", "order", "text", "project", "needs_preparation")

    def clean(self):
        cleaned = super().clean()
        session, parent = cleaned.get("session"), cleaned.get("parent")
        if session is not None and parent is not None and parent.session_id != session.pk:
            self.add_error("parent", _("Родительская тема относится к другому заседанию."))
        return cleaned


@admin.register(AgendaItem)
class AgendaItemAdmin(
    StaffEditsWhileEditableMixin, DomainErrorsAsMessagesMixin, TransitionAdminMixin, admin.ModelAdmin
):
    transition_bulk_actions = True
    editable = staticmethod(item_editable)
    form = AgendaItemForm
    list_display = (
        "short_text",
        "session",
        "plan",
        "state",
        "project",
        "responsible",
        "needs_preparation",
        "is_amendment",
    )
    list_filter = ("state", "plan", "session", "project", ResponsibleFilter, "is_amendment", "needs_preparation")
    search_fields = ("text", "project__name", "responsibilities__person__short_name", "responsibilities__group__name")
    list_select_related = ("session", "plan", "project")
    fieldsets = (
        (None, {"fields": ("plan", "session", "parent", "order", "text", "project", "needs_preparation")}),
        (gettext_lazy("Согласование"), {"fields": ("state", "is_amendment")}),
    )
    readonly_fields = ("plan", "state", "is_amendment")
    inlines = (ResponsibilityInline, DecisionInline)

    def get_queryset(self, request):
        items = AgendaItem.objects.all() if request.user.is_superuser else visibility.items_visible(user=request.user)
        return items.select_related("plan", "session", "project").prefetch_related(
            "responsibilities__person", "responsibilities__group"
        )

    def get_fieldsets(self, request, obj=None):
        if obj is None:  # the plan follows from the session
            return ((None, {"fields": ("session", "parent", "order", "text", "project", "needs_preparation")}),)
        return super().get_fieldsets(request, obj)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        object_id = object_id_of(request)
        item = AgendaItem.objects.filter(pk=object_id).first() if object_id and str(object_id).isdigit() else None
        if db_field.name == "session":
            if item is not None:
                kwargs["queryset"] = Session.objects.filter(plan_id=item.plan_id)
            else:  # new items go to a draft plan, or to an approved one as amendments
                kwargs["queryset"] = Session.objects.filter(
                    plan__state__in=[ApprovalState.DRAFT, ApprovalState.APPROVED]
                ).select_related("plan")
        elif db_field.name == "parent":
            parents = AgendaItem.objects.select_related("session")
            kwargs["queryset"] = (
                parents.filter(plan_id=item.plan_id).exclude(pk=item.pk)
                if item
                else parents.filter(plan__state__in=[ApprovalState.DRAFT, ApprovalState.APPROVED])
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    @admin.display(description=gettext_lazy("тема"), ordering="text")
    def short_text(self, item: AgendaItem) -> str:
        return str(item)

    @admin.display(description=gettext_lazy("ответственные"))
    def responsible(self, item: AgendaItem) -> str:
        return item.responsible_label

    def save_model(self, request, obj, form, change):
        if change:
            update = partial(edit_services.item_update, item=obj, by=request.user)
            return update_through(obj, form.changed_data, allowed=edit_services.ITEM_FIELDS, update=update)
        created = item_create_from(obj, by=request.user)
        adopt(obj, created)
        obj.plan, obj.is_amendment = created.plan, created.is_amendment

    def delete_model(self, request, obj):
        edit_services.item_delete(item=obj, by=request.user)

    def save_formset(self, request, form, formset, change):
        if formset.model is not Responsibility:
            return super().save_formset(request, form, formset, change)
        formset.save(commit=False)  # sets new/changed/deleted_objects for the change message only
        if not formset.has_changed():
            return None
        persons, groups = [], []
        for row in formset.forms:
            data = getattr(row, "cleaned_data", None) or {}
            if not data or data.get("DELETE"):
                continue
            if data.get("person"):
                persons.append((data.get("order") or 0, data["person"]))
            if data.get("group"):
                groups.append((data.get("order") or 0, data["group"]))
        edit_services.item_update(
            item=form.instance,
            by=request.user,
            persons=[p for _o, p in sorted(persons, key=lambda pair: pair[0])],
            groups=[g for _o, g in sorted(groups, key=lambda pair: pair[0])],
        )
        return None

