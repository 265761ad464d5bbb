"""Admin for people: users with their role, short name and position; groups with members.

``grant_admin_permissions(user)`` gives a demo or real account the Django model permissions
its role needs in the admin (``ROLE_ADMIN_PERMISSIONS``). Model permissions only open the
doors; the admin classes in ``workflow/admin.py`` also check the role and the plan's state.
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.contrib.auth.admin import GroupAdmin as BaseGroupAdmin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.http import HttpResponseRedirect
from django.utils.translation import gettext_lazy as _

from config.errors import DomainError

from .models import ResponsibleGroup, Role, Substitution, User
from .substitutions import substitution_create, substitution_end, substitution_state, substitution_update

_VIEW_PLAN = (
    "workflow.view_plan",
    "workflow.view_session",
    "workflow.view_agendaitem",
    "workflow.view_responsibility",
    "workflow.view_project",
    "approvals.view_decision",
    "accounts.view_responsiblegroup",
)
_OFFICE_STAFF = (
    *_VIEW_PLAN,
    "workflow.add_plan",
    "workflow.change_plan",
    "workflow.delete_plan",
    "workflow.add_session",
    "workflow.change_session",
    "workflow.delete_session",
    "workflow.add_agendaitem",
    "workflow.change_agendaitem",
    "workflow.delete_agendaitem",
    "workflow.add_responsibility",
    "workflow.change_responsibility",
    "workflow.delete_responsibility",
    "workflow.add_project",
    "workflow.change_project",
    "accounts.view_user",
    "accounts.add_responsiblegroup",
    "accounts.change_responsiblegroup",
)

# The Django model permissions ("app_label.codename") each role needs in the admin.
# Accounts themselves (users, Django groups) are managed by superusers only.
ROLE_ADMIN_PERMISSIONS: dict[str, tuple[str, ...]] = {
    Role.SECRETARY: _OFFICE_STAFF,
    Role.OFFICE_HEAD: _OFFICE_STAFF,
    Role.DEPARTMENT_HEAD: (*_VIEW_PLAN, "accounts.view_user"),
    Role.RESPONSIBLE: _VIEW_PLAN,
}
_MANAGED = sorted({perm for perms in ROLE_ADMIN_PERMISSIONS.values() for perm in perms})


def _permissions(names) -> list[Permission]:
    query = Q()
    for name in names:
        app_label, codename = name.split(".", 1)
        query |= Q(content_type__app_label=app_label, codename=codename)
    return list(Permission.objects.filter(query)) if names else []


def grant_admin_permissions(user: User) -> list[str]:
    """Give ``user`` exactly the admin permissions of their role (idempotent); return them.

    A role with admin permissions also makes the user staff; a user without a role gets no
    permissions from here and keeps their ``is_staff`` as it is.
    """
    wanted = ROLE_ADMIN_PERMISSIONS.get(user.role, ())
    user.user_permissions.remove(*_permissions(_MANAGED))
    if wanted:
        user.user_permissions.add(*_permissions(wanted))
        if not user.is_staff:
            user.is_staff = True
            user.save(update_fields=["is_staff"])
    # Drop the per-instance permission cache so the new set applies at once.
    for cache in ("_perm_cache", "_user_perm_cache", "_group_perm_cache"):
        user.__dict__.pop(cache, None)
    return sorted(wanted)


class ResponsibleGroupMembershipInline(admin.TabularInline):
    model = ResponsibleGroup.members.through
    extra = 0
    verbose_name = _("группа ответственных")
    verbose_name_plural = _("группы ответственных")
    autocomplete_fields = ("responsiblegroup",)


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ("username", "short_name", "full_name", "position", "role", "email", "is_staff", "is_active")
    list_filter = ("role", "is_staff", "is_active", "is_superuser", "responsible_groups", "groups")
    search_fields = ("username", "short_name", "full_name", "first_name", "last_name", "email", "position")
    ordering = ("short_name", "username")
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (
            _("Личные данные"),
            {
                "fields": ("full_name", "short_name", "first_name", "last_name", "email", "position", "role"),
            },
        ),
        (
            _("Права доступа"),
            {
                "fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions"),
            },
        ),
        (_("Важные даты"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("username", "usable_password", "password1", "password2"),
            },
        ),
        (
            _("Личные данные"),
            {
                "classes": ("wide",),
                "fields": ("full_name", "short_name", "email", "position", "role"),
            },
        ),
    )
    inlines = (ResponsibleGroupMembershipInline,)


@admin.register(ResponsibleGroup)
class ResponsibleGroupAdmin(admin.ModelAdmin):
    list_display = ("name", "member_count", "member_names")
    search_fields = ("name", "members__short_name", "members__full_name", "members__username")
    filter_horizontal = ("members",)

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(member_total=Count("members")).prefetch_related("members")

    @admin.display(description=_("участников"), ordering="member_total")
    def member_count(self, group: ResponsibleGroup) -> int:
        return group.member_total

    @admin.display(description=_("участники"))
    def member_names(self, group: ResponsibleGroup) -> str:
        return ", ".join(str(member) for member in group.members.all()) or "—"


admin.site.unregister(Group)


@admin.register(Group)
class GroupAdmin(BaseGroupAdmin):
    """Django's permission groups, with their members listed."""

    list_display = ("name", "member_names")
    readonly_fields = ("member_names",)

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("user_set")

    @admin.display(description=_("участники"))
    def member_names(self, group: Group) -> str:
        return ", ".join(str(member) for member in group.user_set.all()) or "—"


@admin.register(Substitution)
class SubstitutionAdmin(admin.ModelAdmin):
    """Substitutions as staff arrange them; every write goes through ``accounts.substitutions``
    (no overlaps, no change once started; «Завершить досрочно» ends one now)."""

    list_display = ("person", "replaces", "starts_on", "ends_on", "state", "copy_to_replaced")
    list_filter = ("starts_on",)
    search_fields = ("person__short_name", "replaces__short_name", "comment")
    autocomplete_fields = ("person", "replaces")
    fields = ("person", "replaces", "starts_on", "ends_on", "comment", "copy_to_replaced", "created_by", "ended_at")
    readonly_fields = ("created_by", "ended_at")
    actions = ("end_selected",)

    @admin.display(description=_("состояние"))
    def state(self, sub: Substitution) -> str:
        return {"planned": _("ещё не началось"), "running": _("идёт"), "ended": _("окончено")}[substitution_state(sub)]

    def has_change_permission(self, request, obj=None) -> bool:
        return super().has_change_permission(request, obj) and (obj is None or substitution_state(obj) == "planned")

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # a substitution that happened is part of the record; end or call it off instead

    def save_model(self, request, obj, form, change):
        data = {name: form.cleaned_data[name] for name in ("person", "starts_on", "ends_on", "comment",
                                                            "copy_to_replaced")}
        try:
            if change:
                substitution_update(sub=obj, by=request.user, staff=True, **data)
            else:
                created = substitution_create(by=request.user, replaces=form.cleaned_data["replaces"], staff=True,
                                              **data)
                obj.pk = created.pk
        except DomainError as exc:
            raise ValidationError(exc.message) from exc

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return HttpResponseRedirect(request.get_full_path())

    @admin.action(description=_("Завершить досрочно выбранные замещения"))
    def end_selected(self, request, queryset):
        for sub in queryset:
            try:
                substitution_end(sub=sub, by=request.user, staff=True)
            except DomainError as exc:
                messages.error(request, f"{sub}: {exc.message}")
            else:
                messages.success(request, _("Завершено: %(sub)s") % {"sub": sub})
