"""Admin for the plan domain: plans, sessions, agenda items, projects.

Thin by design: every write goes through ``workflow.edit_services`` (content of drafts),
``approvals.services.transition_fire`` (plan and item approval) or ``workflow.services``
(session life events). The permission methods below only mirror those rules so that the
admin shows read-only pages and no buttons where a write would be refused; the services
still decide. States are read-only everywhere.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import Http404, HttpResponseRedirect
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from django_fsm import can_proceed

from accounts.models import ResponsibleGroup, User
from approvals.admin import ApprovalTransitionsMixin, DecisionInline
from approvals.models import ApprovalState, Decision
from config.errors import DomainError

from . import edit_services, services, visibility
from .models import AgendaItem, Plan, Project, Responsibility, Session, SessionState
from .months import month_label

# --- Who may edit what (mirrors workflow.edit_services) -------------------------------------


def _is_editor(user) -> bool:
    """The office staff write (edit_services._require_staff); everyone else only views."""
    return bool(user and user.is_active and user.is_office_staff)


def _plan_editable(plan: Plan | None) -> bool:
    return plan is None or plan.state == ApprovalState.DRAFT


def _item_editable(item: AgendaItem | None) -> bool:
    if item is None:
        return True
    if item.plan.state == ApprovalState.DRAFT:
        return True
    return item.is_amendment and item.plan.state == ApprovalState.APPROVED and item.state == ApprovalState.DRAFT


def _object_id(request) -> str | None:
    match = getattr(request, "resolver_match", None)
    return match.kwargs.get("object_id") if match else None


class StaffEditsWhileEditableMixin:
    """Office staff add; they change and delete while ``editable(obj)``; an object with an
    approval sheet is never deleted (edit_services refuses it too)."""

    editable = staticmethod(lambda obj: True)

    def has_add_permission(self, request) -> bool:
        return super().has_add_permission(request) and _is_editor(request.user)

    def has_change_permission(self, request, obj=None) -> bool:
        return super().has_change_permission(request, obj) and _is_editor(request.user) and self.editable(obj)

    def has_delete_permission(self, request, obj=None) -> bool:
        if not (super().has_delete_permission(request, obj) and _is_editor(request.user) and self.editable(obj)):
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


def _changed_values(obj, fields, allowed) -> dict:
    return {name: getattr(obj, name) for name in fields if name in allowed}


# --- Inlines of the plan --------------------------------------------------------------------


class SessionInline(admin.TabularInline):
    model = Session
    fields = ("number", "source_number", "planned_month", "starts_at", "place", "state")
    readonly_fields = ("starts_at", "state")
    extra = 0
    show_change_link = True

    def has_add_permission(self, request, obj=None) -> bool:
        return super().has_add_permission(request, obj) and _is_editor(request.user) and _plan_editable(obj)

    def has_change_permission(self, request, obj=None) -> bool:
        return super().has_change_permission(request, obj) and _is_editor(request.user) and _plan_editable(obj)

    def has_delete_permission(self, request, obj=None) -> bool:
        return super().has_delete_permission(request, obj) and _is_editor(request.user) and _plan_editable(obj)


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
        plan_id = _object_id(request)
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
            and _is_editor(request.user)
            and obj is not None
            and _plan_editable(obj)
        )

    def has_change_permission(self, request, obj=None) -> bool:
        return super().has_change_permission(request, obj) and _is_editor(request.user) and _plan_editable(obj)

    def has_delete_permission(self, request, obj=None) -> bool:
        return super().has_delete_permission(request, obj) and _is_editor(request.user) and _plan_editable(obj)


# --- Plans -----------------------------------------------------------------------------------


@admin.register(Plan)
class PlanAdmin(StaffEditsWhileEditableMixin, DomainErrorsAsMessagesMixin, ApprovalTransitionsMixin, admin.ModelAdmin):
    editable = staticmethod(_plan_editable)
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
            values = _changed_values(obj, form.changed_data, edit_services.PLAN_FIELDS)
            if values:
                edit_services.plan_update(plan=obj, by=request.user, **values)
            return
        values = _changed_values(obj, form.fields, edit_services.PLAN_FIELDS - {"year", "title"})
        created = edit_services.plan_create(by=request.user, year=obj.year, title=obj.title, **values)
        obj.pk = created.pk
        obj._state.adding = False
        obj._state.db = created._state.db

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
        formset.save(commit=False)
        for session in formset.deleted_objects:
            edit_services.session_delete(session=session, by=request.user)
        for session, fields in formset.changed_objects:
            values = _changed_values(session, fields, edit_services.SESSION_FIELDS)
            if values:
                edit_services.session_update(session=session, by=request.user, **values)
        for session in formset.new_objects:
            values = _changed_values(session, ("source_number", "place"), edit_services.SESSION_FIELDS)
            edit_services.session_create(
                by=request.user, plan=plan, number=session.number, planned_month=session.planned_month, **values
            )

    def _save_items(self, request, formset) -> None:
        formset.save(commit=False)
        for item in formset.deleted_objects:
            edit_services.item_delete(item=item, by=request.user)
        for item, fields in formset.changed_objects:
            values = _changed_values(item, fields, edit_services.ITEM_FIELDS)
            if values:
                edit_services.item_update(item=item, by=request.user, **values)
        for item in formset.new_objects:
            edit_services.item_create(
                by=request.user,
                session=item.session,
                text=item.text,
                parent=item.parent,
                order=item.order,
                project=item.project,
                needs_preparation=item.needs_preparation,
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
        return _is_editor(request.user) and _item_editable(item)

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
    StaffEditsWhileEditableMixin, DomainErrorsAsMessagesMixin, ApprovalTransitionsMixin, admin.ModelAdmin
):
    editable = staticmethod(_item_editable)
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
        object_id = _object_id(request)
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
            values = _changed_values(obj, form.changed_data, edit_services.ITEM_FIELDS)
            if values:
                edit_services.item_update(item=obj, by=request.user, **values)
            return
        created = edit_services.item_create(
            by=request.user,
            session=obj.session,
            text=obj.text,
            parent=obj.parent,
            order=obj.order,
            project=obj.project,
            needs_preparation=obj.needs_preparation,
        )
        obj.pk = created.pk
        obj.plan = created.plan
        obj.is_amendment = created.is_amendment
        obj._state.adding = False
        obj._state.db = created._state.db

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


# --- Sessions ---------------------------------------------------------------------------------


class SessionMonthFilter(admin.SimpleListFilter):
    title = gettext_lazy("месяц")
    parameter_name = "month"

    def lookups(self, request, model_admin):
        months = Session.objects.order_by("planned_month").values_list("planned_month", flat=True).distinct()
        return [(f"{m:%Y-%m}", month_label(m)) for m in months]

    def queryset(self, request, queryset):
        value = self.value() or ""
        year, _sep, month = value.partition("-")
        if year.isdigit() and month.isdigit():
            return queryset.filter(planned_month__year=int(year), planned_month__month=int(month))
        return queryset


class SessionItemInline(admin.TabularInline):
    """The session's topics, for reading; they are edited in the plan or on their own pages."""

    model = AgendaItem
    fk_name = "session"
    fields = ("text", "parent", "project", "state")
    readonly_fields = fields
    extra = 0
    show_change_link = True
    verbose_name_plural = gettext_lazy("пункты повестки")

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class SessionTransitionForm(forms.Form):
    transition = forms.ChoiceField(choices=[(name, name) for name in ("schedule", "postpone", "cancel", "hold")])
    starts_at = forms.DateTimeField(
        label=gettext_lazy("дата и время"),
        required=False,
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%d.%m.%Y %H:%M"],
    )
    place = forms.CharField(label=gettext_lazy("место"), required=False, max_length=500)
    planned_month = forms.DateField(label=gettext_lazy("новый месяц"), required=False, input_formats=["%Y-%m"])

    def clean(self):
        cleaned = super().clean()
        name = cleaned.get("transition")
        if name == "schedule" and not cleaned.get("starts_at"):
            self.add_error("starts_at", _("Укажите дату и время заседания."))
        if name == "postpone" and not cleaned.get("planned_month"):
            self.add_error("planned_month", _("Укажите месяц, на который переносится заседание."))
        return cleaned


SESSION_TRANSITION_LABELS = {
    "schedule": gettext_lazy("Назначить дату"),
    "postpone": gettext_lazy("Перенести на месяц"),
    "cancel": gettext_lazy("Отменить"),
    "hold": gettext_lazy("Отметить проведённым"),
}


@admin.register(Session)
class SessionAdmin(DomainErrorsAsMessagesMixin, admin.ModelAdmin):
    change_form_template = "admin/workflow/session/change_form.html"
    list_display = ("__str__", "plan", "due_label", "starts_at", "place", "state", "item_count")
    list_filter = ("plan", "state", SessionMonthFilter)
    search_fields = ("plan__title", "place", "items__text")
    list_select_related = ("plan",)
    fields = ("plan", "number", "source_number", "planned_month", "starts_at", "place", "state")
    readonly_fields = ("plan", "starts_at", "state")
    inlines = (SessionItemInline,)

    def get_queryset(self, request):
        sessions = (
            Session.objects.all() if request.user.is_superuser else visibility.sessions_visible(user=request.user)
        )
        return sessions.select_related("plan").annotate(item_total=Count("items"))

    @admin.display(description=gettext_lazy("срок"), ordering="planned_month")
    def due_label(self, session: Session) -> str:
        return session.due_label

    @admin.display(description=gettext_lazy("пунктов"), ordering="item_total")
    def item_count(self, session: Session) -> int:
        return session.item_total

    def has_add_permission(self, request) -> bool:
        return False  # sessions are added in their plan

    def has_change_permission(self, request, obj=None) -> bool:
        return (
            super().has_change_permission(request, obj)
            and _is_editor(request.user)
            and _plan_editable(obj.plan if obj else None)
        )

    def has_delete_permission(self, request, obj=None) -> bool:
        return (
            super().has_delete_permission(request, obj)
            and _is_editor(request.user)
            and _plan_editable(obj.plan if obj else None)
        )

    def save_model(self, request, obj, form, change):
        values = _changed_values(obj, form.changed_data, edit_services.SESSION_FIELDS)
        if values:
            edit_services.session_update(session=obj, by=request.user, **values)

    def delete_model(self, request, obj):
        edit_services.session_delete(session=obj, by=request.user)

    def get_urls(self):
        custom = [
            path(
                "<path:object_id>/transition/",
                self.admin_site.admin_view(require_POST(self.transition_view)),
                name="workflow_session_transition",
            ),
        ]
        return custom + super().get_urls()

    def session_transitions(self, request, session: Session) -> list[dict]:
        if not _is_editor(request.user):
            return []
        return [
            {"name": name, "label": str(label)}
            for name, label in SESSION_TRANSITION_LABELS.items()
            if can_proceed(getattr(session, name))
        ]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = dict(extra_context or {})
        session = self.get_object(request, unquote(object_id))
        if session is not None:
            extra_context["session_transitions"] = self.session_transitions(request, session)
            extra_context["session_transition_url"] = reverse(
                "admin:workflow_session_transition", args=[session.pk], current_app=self.admin_site.name
            )
            extra_context["session_state"] = session.get_state_display()
        return super().change_view(request, object_id, form_url, extra_context)

    def transition_view(self, request, object_id):
        session = self.get_object(request, unquote(object_id))
        if session is None:
            raise Http404(_("Заседание не найдено."))
        if not self.has_view_permission(request, session):
            raise PermissionDenied
        change_url = reverse("admin:workflow_session_change", args=[session.pk], current_app=self.admin_site.name)
        form = SessionTransitionForm(request.POST)
        if not form.is_valid():
            for errors in form.errors.values():
                for error in errors:
                    messages.error(request, error)
            return HttpResponseRedirect(change_url)
        data = form.cleaned_data
        name = data["transition"]
        try:
            if name == "schedule":
                services.session_schedule(
                    session=session, by=request.user, starts_at=data["starts_at"], place=data["place"]
                )
            elif name == "postpone":
                services.session_postpone(session=session, by=request.user, planned_month=data["planned_month"])
            elif name == "cancel":
                services.session_cancel(session=session, by=request.user)
            else:
                services.session_hold(session=session, by=request.user)
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(
                request,
                _("«%(action)s»: выполнено. Состояние — «%(state)s».")
                % {"action": SESSION_TRANSITION_LABELS[name], "state": SessionState(session.state).label},
            )
        return HttpResponseRedirect(change_url)


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
        return super().has_add_permission(request) and _is_editor(request.user)

    def has_change_permission(self, request, obj=None) -> bool:
        return super().has_change_permission(request, obj) and _is_editor(request.user)

    def has_delete_permission(self, request, obj=None) -> bool:
        return super().has_delete_permission(request, obj) and _is_editor(request.user)

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
