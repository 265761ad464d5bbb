"""What the plan domain's admin pages share: who may edit what (mirroring
``workflow.edit_services``) and refusals shown as messages."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponseRedirect
from django.urls import reverse

from approvals.models import ApprovalState, Decision
from config.errors import DomainError

from .. import edit_services
from ..models import AgendaItem, Plan

# --- Who may edit what (mirrors workflow.edit_services) -------------------------------------


def is_editor(user) -> bool:
    """The office staff write (edit_services._require_staff); everyone else only views."""
    return bool(user and user.is_active and user.is_office_staff)


def plan_editable(plan: Plan | None) -> bool:
    return plan is None or plan.state == ApprovalState.DRAFT


def item_editable(item: AgendaItem | None) -> bool:
    if item is None:
        return True
    if item.plan.state == ApprovalState.DRAFT:
        return True
    return item.is_amendment and item.plan.state == ApprovalState.APPROVED and item.state == ApprovalState.DRAFT


def object_id_of(request) -> str | None:
    match = getattr(request, "resolver_match", None)
    return match.kwargs.get("object_id") if match else None


class StaffEditsWhileEditableMixin:
    """Office staff add; they change and delete while ``editable(obj)``; an object with an
    approval sheet is never deleted (edit_services refuses it too)."""

    editable = staticmethod(lambda obj: True)

    def has_add_permission(self, request) -> bool:
        return super().has_add_permission(request) and is_editor(request.user)

    def has_change_permission(self, request, obj=None) -> bool:
        return super().has_change_permission(request, obj) and is_editor(request.user) and self.editable(obj)

    def has_delete_permission(self, request, obj=None) -> bool:
        if not (super().has_delete_permission(request, obj) and is_editor(request.user) and self.editable(obj)):
            return False
        return obj is None or not Decision.objects.for_object(obj).exists()


class DomainErrorsAsMessagesMixin:
    """A refusal from a service (raised inside the admin's transaction, which rolls back)
    becomes an error message on the same page, never a 500."""

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except DomainError as exc:
            messages.error(request, exc.message)
            return HttpResponseRedirect(request.get_full_path())

    def delete_view(self, request, object_id, extra_context=None):
        try:
            return super().delete_view(request, object_id, extra_context)
        except DomainError as exc:
            messages.error(request, exc.message)
            opts = self.model._meta
            return HttpResponseRedirect(reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[object_id]))

    def get_actions(self, request):
        actions = super().get_actions(request)
        # Bulk delete would bypass the per-object rules of the delete services.
        actions.pop("delete_selected", None)
        return actions


def changed_values(obj, fields, allowed) -> dict:
    return {name: getattr(obj, name) for name in fields if name in allowed}


# What a new agenda item takes from an admin form (its own page or the plan's inline).
ITEM_CREATE_FIELDS = ("session", "text", "parent", "order", "project", "needs_preparation")


def item_create_from(obj, *, by):
    """Create the agenda item an admin form built (``obj`` is unsaved) through the service."""
    return edit_services.item_create(by=by, **{name: getattr(obj, name) for name in ITEM_CREATE_FIELDS})


def adopt(obj, created) -> None:
    """Make the admin's unsaved ``obj`` the row the service ``created`` (the admin goes on with it)."""
    obj.pk = created.pk
    obj._state.adding = False
    obj._state.db = created._state.db


def update_through(obj, fields, *, allowed, update) -> None:
    """Call ``update(**values)`` with ``obj``'s changed ``fields`` among ``allowed``, if any."""
    values = changed_values(obj, fields, allowed)
    if values:
        update(**values)


def formset_save_through(formset, *, allowed, delete, update, create) -> None:
    """Save an inline formset through the services: ``delete(obj)``, ``update(obj, values)`` with
    the changed values among ``allowed``, ``create(obj)`` for new rows."""
    formset.save(commit=False)
    for obj in formset.deleted_objects:
        delete(obj)
    for obj, fields in formset.changed_objects:
        update_through(obj, fields, allowed=allowed, update=lambda obj=obj, **values: update(obj, values))
    for obj in formset.new_objects:
        create(obj)

