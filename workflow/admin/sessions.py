"""Sessions in the admin: dates, places, and their life events through the one transition view."""

from __future__ import annotations

from functools import partial

from django import forms
from django.contrib import admin
from django.db.models import Count
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lifecycle.admin import LogInline, ReadOnlyInlineMixin, TransitionAdminMixin, TransitionForm

from .. import edit_services, visibility
from ..models import AgendaItem, Session, SessionEvent
from ..months import month_label
from .common import (
    DomainErrorsAsMessagesMixin,
    is_editor,
    plan_editable,
    update_through,
)

# --- Sessions ---------------------------------------------------------------------------------


class SessionMonthFilter(admin.SimpleListFilter):
    title = gettext_lazy("месяц")
    parameter_name = "month"

    def lookups(self, request, model_admin):
        months = (
            Session.objects.filter(planned_month__isnull=False)
            .order_by("planned_month").values_list("planned_month", flat=True).distinct()
        )
        return [(f"{m:%Y-%m}", month_label(m)) for m in months]

    def queryset(self, request, queryset):
        value = self.value() or ""
        year, _sep, month = value.partition("-")
        if year.isdigit() and month.isdigit():
            return queryset.filter(planned_month__year=int(year), planned_month__month=int(month))
        return queryset


class SessionItemInline(ReadOnlyInlineMixin, admin.TabularInline):
    """The session's topics, for reading; they are edited in the plan or on their own pages."""

    model = AgendaItem
    fk_name = "session"
    fields = ("text", "parent", "project", "state")
    readonly_fields = fields
    show_change_link = True
    verbose_name_plural = gettext_lazy("пункты повестки")


class SessionEventInline(LogInline):
    """The session's history: who scheduled, moved, cancelled or held it, and when."""

    model = SessionEvent
    fields = (*LogInline.fields, "details")
    readonly_fields = fields


class SessionTransitionForm(TransitionForm):
    """A session's transitions take a date (schedule) or a month (postpone) from the admin."""

    comment = None  # sessions' life events carry no comment box
    starts_at = forms.DateTimeField(
        label=gettext_lazy("Дата и время"),
        required=False,
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%d.%m.%Y %H:%M"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
        help_text=gettext_lazy("Для действия «Назначить дату»."),
    )
    place = forms.CharField(label=gettext_lazy("Место"), required=False, max_length=500,
                            widget=forms.TextInput(attrs={"size": 40}))
    planned_month = forms.DateField(
        label=gettext_lazy("Новый месяц"), required=False, input_formats=["%Y-%m"],
        widget=forms.DateInput(attrs={"type": "month"}), help_text=gettext_lazy("Для действия «Перенести на месяц»."),
    )

    def clean(self):
        cleaned = super().clean()
        name = self.data.get("transition")
        if name == "schedule" and not cleaned.get("starts_at"):
            self.add_error("starts_at", _("Укажите дату и время заседания."))
        if name == "postpone" and not cleaned.get("planned_month"):
            self.add_error("planned_month", _("Укажите месяц, на который переносится заседание."))
        cleaned.setdefault("comment", "")
        return cleaned

    def arguments(self, name: str) -> dict:
        data = self.cleaned_data
        if name == "schedule":
            return {"starts_at": data["starts_at"], "place": data["place"]}
        if name == "postpone":
            return {"planned_month": data["planned_month"]}
        return {}


@admin.register(Session)
class SessionAdmin(DomainErrorsAsMessagesMixin, TransitionAdminMixin, admin.ModelAdmin):
    transition_form = SessionTransitionForm
    transition_panel_title = gettext_lazy("Проведение заседания")
    transition_panel_id = "session-transitions"
    transition_none_message = gettext_lazy("Сейчас вам не доступно ни одно действие с заседанием.")
    list_display = ("__str__", "plan", "due_label", "starts_at", "place", "state", "item_count")
    list_filter = ("plan", "state", SessionMonthFilter)
    search_fields = ("plan__title", "place", "items__text")
    list_select_related = ("plan",)
    fields = ("plan", "number", "source_number", "planned_month", "due_label", "period_start", "period_end",
              "starts_at", "place", "state")
    readonly_fields = ("plan", "due_label", "period_start", "period_end", "starts_at", "state")
    inlines = (SessionItemInline, SessionEventInline)

    def get_queryset(self, request):
        sessions = (
            Session.objects.all() if request.user.is_superuser else visibility.sessions_visible(user=request.user)
        )
        return sessions.select_related("plan").annotate(item_total=Count("items"))

    @admin.display(description=gettext_lazy("срок"), ordering="period_start")
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
            and is_editor(request.user)
            and plan_editable(obj.plan if obj else None)
        )

    def has_delete_permission(self, request, obj=None) -> bool:
        return (
            super().has_delete_permission(request, obj)
            and is_editor(request.user)
            and plan_editable(obj.plan if obj else None)
        )

    def save_model(self, request, obj, form, change):
        update = partial(edit_services.session_update, session=obj, by=request.user)
        update_through(obj, form.changed_data, allowed=edit_services.SESSION_FIELDS, update=update)

    def delete_model(self, request, obj):
        edit_services.session_delete(session=obj, by=request.user)
