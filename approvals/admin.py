"""Admin for the approval life cycle: the read-only approval sheet and transition buttons.

Nothing here changes a state by itself: every button and action calls
``approvals.services.transition_fire``, which checks the user, locks, saves and logs.
``ApprovalTransitionsMixin`` is used by the admin classes of the models that carry the
life cycle (plans and agenda items in ``workflow/admin.py``).
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.contenttypes.admin import GenericTabularInline
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from config.errors import DomainError

from .models import COMMENT_REQUIRED, Decision, TransitionName, role_may_fire
from .services import transition_check, transition_fire, transitions_available


def _transition_label(name: str) -> str:
    return str(TransitionName(name).label)


def _decision_action(decision: Decision) -> str:
    label = str(decision.get_transition_display())
    if decision.carried_by_id:
        return _("%(action)s (вместе с планом)") % {"action": label}
    return label


def _decision_path(decision: Decision) -> str:
    return f"{decision.get_from_state_display()} → {decision.get_to_state_display()}"


class DecisionInline(GenericTabularInline):
    """The approval sheet of one object: read-only for everyone, superusers included."""

    model = Decision
    ct_field = "content_type"
    ct_fk_field = "object_id"
    verbose_name = gettext_lazy("решение")
    verbose_name_plural = gettext_lazy("Лист согласования")
    fields = ("actor_name", "actor_position", "action", "path", "created_at", "comment")
    readonly_fields = fields
    extra = 0
    max_num = 0
    can_delete = False
    show_change_link = False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("carried_by").order_by("created_at", "id")

    @admin.display(description=gettext_lazy("действие"))
    def action(self, decision: Decision) -> str:
        return _decision_action(decision)

    @admin.display(description=gettext_lazy("из → в"))
    def path(self, decision: Decision) -> str:
        return _decision_path(decision)

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

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


def _make_transition_action(name: str):
    def action(modeladmin, request, queryset):
        return modeladmin.transition_selected(request, queryset, name)

    action.__name__ = f"transition_{name}"
    return action


class ApprovalTransitionsMixin:
    """For a ModelAdmin of an ``ApprovalLifecycle`` model.

    - the state is read-only everywhere;
    - the change page shows one button per transition the user may fire now, with a comment
      box, posting (CSRF-protected) to ``<id>/transition/``;
    - the changelist offers one action per transition the user's role may ever fire, with an
      intermediate page for the comment.
    """

    change_form_template = "admin/approvals/change_form_with_transitions.html"
    transition_confirmation_template = "admin/approvals/transition_confirmation.html"

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if "state" not in fields:
            fields.append("state")
        return fields

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

    def transition_buttons(self, request, obj) -> list[dict]:
        return [
            {"name": name, "label": _transition_label(name), "comment_required": name in COMMENT_REQUIRED}
            for name in transitions_available(obj=obj, user=request.user)
        ]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = dict(extra_context or {})
        obj = self.get_object(request, unquote(object_id))
        if obj is not None and self.has_view_permission(request, obj):
            opts = self.model._meta
            extra_context["approval_transitions"] = self.transition_buttons(request, obj)
            extra_context["approval_transition_url"] = reverse(
                f"admin:{opts.app_label}_{opts.model_name}_transition", args=[obj.pk], current_app=self.admin_site.name
            )
            extra_context["approval_state"] = obj.get_state_display()
        return super().change_view(request, object_id, form_url, extra_context)

    def transition_view(self, request, object_id):
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            raise Http404(_("Объект не найден."))
        if not self.has_view_permission(request, obj):
            raise PermissionDenied
        opts = self.model._meta
        change_url = reverse(
            f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk], current_app=self.admin_site.name
        )
        name = request.POST.get("transition", "")
        comment = request.POST.get("comment", "")
        try:
            transition_fire(obj=obj, name=name, by=request.user, comment=comment)
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(
                request,
                _("«%(action)s»: выполнено. Состояние — «%(state)s».")
                % {"action": _transition_label(name), "state": obj.get_state_display()},
            )
        return HttpResponseRedirect(change_url)

    # --- changelist actions ---------------------------------------------------------------

    def get_actions(self, request):
        actions = super().get_actions(request)
        for name in TransitionName.values:
            if role_may_fire(request.user, name):
                key = f"transition_{name}"
                description = _("%(action)s: выбранные %%(verbose_name_plural)s") % {"action": _transition_label(name)}
                actions[key] = (_make_transition_action(name), key, description)
        return actions

    def transition_selected(self, request, queryset, name: str):
        label = _transition_label(name)
        comment = request.POST.get("comment", "")
        error = ""
        if request.POST.get("post") == "yes":
            if name in COMMENT_REQUIRED and not comment.strip():
                error = _("Укажите комментарий: возврат на доработку без комментария невозможен.")
            else:
                done, failed = 0, []
                for obj in queryset:
                    try:
                        transition_fire(obj=obj, name=name, by=request.user, comment=comment)
                    except DomainError as exc:
                        failed.append(f"{obj}: {exc.message}")
                    else:
                        done += 1
                if done:
                    messages.success(
                        request, _("«%(action)s»: выполнено для %(count)d.") % {"action": label, "count": done}
                    )
                for line in failed:
                    messages.error(request, line)
                return None
        rows = []
        for obj in queryset:
            try:
                transition_check(obj=obj, name=name, by=request.user)
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
            "comment_required": name in COMMENT_REQUIRED,
            "error": error,
            "any_ok": any(row["ok"] for row in rows),
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, self.transition_confirmation_template, context)
