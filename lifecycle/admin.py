"""One transition view for the admin of every model with a declared life cycle.

``TransitionAdminMixin`` (for a ModelAdmin whose model has ``lifecycle``):

- the state is read-only everywhere;
- the change page shows one button per transition the user may fire now (``kernel.available``),
  with the fields of ``transition_form`` (a comment by default; a session's new date), posting
  (CSRF-protected) to ``<id>/transition/``, which calls ``kernel.fire``;
- with ``transition_bulk_actions``, the changelist offers one action per transition the user's
  role could fire, with an intermediate page for the comment.
Nothing here decides anything: every rule is the declaration's.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from config.errors import DomainError

from .kernel import buttons, check, fire, may_try


class TransitionForm(forms.Form):
    """The fields a transition takes from the admin: a comment. Subclasses add their own
    arguments and say which transition takes which (``arguments``)."""

    transition = forms.CharField(widget=forms.HiddenInput, required=False)
    comment = forms.CharField(label=gettext_lazy("Комментарий"), required=False, max_length=5000,
                              widget=forms.Textarea(attrs={"rows": 3, "cols": 80}))

    def arguments(self, name: str) -> dict:
        return {}


def _bulk_action(name: str):
    def bulk(modeladmin, request, queryset):
        return modeladmin.transition_selected(request, queryset, name)

    bulk.__name__ = f"transition_{name}"
    return bulk


class TransitionAdminMixin:
    change_form_template = "admin/lifecycle/change_form.html"
    transition_confirmation_template = "admin/lifecycle/transition_confirmation.html"
    transition_form = TransitionForm
    transition_bulk_actions = False
    transition_panel_title = gettext_lazy("Согласование")
    transition_panel_id = "approval-transitions"
    transition_none_message = gettext_lazy("Сейчас вам не доступно ни одно действие по согласованию.")

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        return fields if "state" in fields else [*fields, "state"]

    def _admin_url(self, kind: str, *args) -> str:
        opts = self.model._meta
        return reverse(f"admin:{opts.app_label}_{opts.model_name}_{kind}", args=args, current_app=self.admin_site.name)

    # --- change page --------------------------------------------------------------------

    def get_urls(self):
        opts = self.model._meta
        custom = [
            path(
                "<path:object_id>/transition/",
                self.admin_site.admin_view(require_POST(self.transition_view)),
                name=f"{opts.app_label}_{opts.model_name}_transition",
            ),
        ]
        return custom + super().get_urls()

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = dict(extra_context or {})
        obj = self.get_object(request, unquote(object_id))
        if obj is not None and self.has_view_permission(request, obj):
            extra_context.update(
                transition_buttons=buttons(obj=obj, user=request.user),
                transition_url=self._admin_url("transition", obj.pk),
                transition_state=obj.state_display,
                transition_form=self.transition_form(auto_id=f"id_{self.transition_panel_id}_%s"),
                transition_panel_title=self.transition_panel_title,
                transition_panel_id=self.transition_panel_id,
                transition_none_message=self.transition_none_message,
            )
        return super().change_view(request, object_id, form_url, extra_context)

    def transition_view(self, request, object_id):
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            raise Http404(_("Объект не найден."))
        if not self.has_view_permission(request, obj):
            raise PermissionDenied
        back = HttpResponseRedirect(self._admin_url("change", obj.pk))
        form = self.transition_form(request.POST)
        if not form.is_valid():
            for errors in form.errors.values():
                for error in errors:
                    messages.error(request, error)
            return back
        name = request.POST.get("transition", "")
        try:
            fire(obj=obj, name=name, by=request.user, comment=form.cleaned_data.get("comment", ""), **form.arguments(name))
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(
                request,
                _("«%(action)s»: выполнено. Состояние — «%(state)s».")
                % {"action": obj.lifecycle.label(name), "state": obj.state_display},
            )
        return back

    # --- changelist actions ---------------------------------------------------------------

    def get_actions(self, request):
        actions = super().get_actions(request)
        if not self.transition_bulk_actions:
            return actions
        lifecycle = self.model.lifecycle
        for name in lifecycle.names():
            if may_try(model=self.model, name=name, user=request.user):
                key = f"transition_{name}"
                description = _("%(action)s: выбранные %%(verbose_name_plural)s") % {"action": lifecycle.label(name)}
                actions[key] = (_bulk_action(name), key, description)
        return actions

    def transition_selected(self, request, queryset, name: str):
        lifecycle = self.model.lifecycle
        label = lifecycle.label(name)
        comment = request.POST.get("comment", "")
        comment_required = lifecycle.by_name[name].comment_required
        error = ""
        if request.POST.get("post") == "yes":
            if comment_required and not comment.strip():
                error = _("Укажите комментарий: возврат на доработку без комментария невозможен.")
            else:
                return self._transition_selected_fire(request, queryset, name, comment)
        rows = []
        for obj in queryset:
            try:
                check(obj=obj, name=name, by=request.user)
            except DomainError as exc:
                rows.append({"obj": obj, "ok": False, "reason": exc.message})
            else:
                rows.append({"obj": obj, "ok": True, "reason": ""})
        context = {
            **self.admin_site.each_context(request),
            "title": label,
            "opts": self.model._meta,
            "rows": rows,
            "action": f"transition_{name}",
            "action_label": label,
            "comment": comment,
            "comment_required": comment_required,
            "error": error,
            "any_ok": any(row["ok"] for row in rows),
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, self.transition_confirmation_template, context)

    def _transition_selected_fire(self, request, queryset, name: str, comment: str) -> None:
        done, failed = 0, []
        for obj in queryset:
            try:
                fire(obj=obj, name=name, by=request.user, comment=comment)
            except DomainError as exc:
                failed.append(f"{obj}: {exc.message}")
            else:
                done += 1
        if done:
            messages.success(
                request,
                _("«%(action)s»: выполнено для %(count)d.") % {"action": self.model.lifecycle.label(name), "count": done},
            )
        for line in failed:
            messages.error(request, line)


class ReadOnlyInlineMixin:
    """An inline shown for reading only: no adding, changing or deleting, superusers included."""

    extra = 0
    max_num = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class LogInline(ReadOnlyInlineMixin, admin.TabularInline):
    """A life cycle's log rows (history) on its object's page."""

    fields = ("created_at", "transition", "from_state", "to_state", "actor_name", "actor_position", "comment")
    readonly_fields = fields
    ordering = ("created_at", "id")
