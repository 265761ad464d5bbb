"""Filters of the workflow API lists (django-filter)."""

from __future__ import annotations

import datetime
import re

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from approvals.models import ApprovalState

from .models import AgendaItem, Plan, Project, ProjectKind, Session, SessionState


class MonthField(forms.CharField):
    """«2023-02» -> date(2023, 2, 1)."""

    default_error_messages = {"invalid": _("Укажите месяц в виде ГГГГ-ММ, например 2023-02.")}

    def to_python(self, value):
        value = super().to_python(value)
        if not value:
            return None
        match = re.fullmatch(r"(\d{4})-(\d{1,2})", value.strip())
        if not match or not 1 <= int(match[2]) <= 12 or int(match[1]) < 1:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return datetime.date(int(match[1]), int(match[2]), 1)


class MonthFilter(django_filters.Filter):
    """Sessions due in the month: their period (a month, a quarter, the year…) holds it.
    ``field_name`` is the path to the session's ``period_start``."""

    field_class = MonthField

    def filter(self, qs, value):
        if value is None:
            return qs
        prefix = self.field_name.removesuffix("period_start")
        return qs.filter(**{f"{prefix}period_start__lte": value, f"{prefix}period_end__gte": value})


class PlanFilter(django_filters.FilterSet):
    year = django_filters.NumberFilter(min_value=1, max_value=9999)
    state = django_filters.MultipleChoiceFilter(choices=ApprovalState.choices)

    class Meta:
        model = Plan
        fields = ["year", "state"]


class SessionFilter(django_filters.FilterSet):
    state = django_filters.MultipleChoiceFilter(choices=SessionState.choices)
    month = MonthFilter(field_name="period_start", help_text=_("Месяц заседания: ГГГГ-ММ (срок заседания включает его)."))
    year = django_filters.NumberFilter(field_name="period_start__year", min_value=1, max_value=9999)

    class Meta:
        model = Session
        fields = ["plan", "state", "month", "year"]


class AgendaItemFilter(django_filters.FilterSet):
    state = django_filters.MultipleChoiceFilter(choices=ApprovalState.choices)
    responsible = django_filters.NumberFilter(
        method="filter_responsible",
        min_value=1,
        help_text=_("id человека: пункты, где он ответственный сам или через группу."),
    )
    month = MonthFilter(field_name="session__period_start", help_text=_("Месяц заседания: ГГГГ-ММ (срок заседания включает его)."))
    top_level = django_filters.BooleanFilter(
        field_name="parent", lookup_expr="isnull", help_text=_("true — только темы верхнего уровня.")
    )

    class Meta:
        model = AgendaItem
        fields = [
            "plan",
            "session",
            "parent",
            "project",
            "state",
            "is_amendment",
            "needs_preparation",
            "responsible",
            "month",
            "top_level",
        ]

    def filter_responsible(self, queryset, name, value: int):
        # A subquery, not .distinct(): the list keeps its ordering by related columns.
        mine = AgendaItem.objects.filter(Q(responsibilities__person=value) | Q(responsibilities__group__members=value))
        return queryset.filter(pk__in=mine.values("pk"))


class ProjectFilter(django_filters.FilterSet):
    kind = django_filters.MultipleChoiceFilter(choices=ProjectKind.choices)
    name = django_filters.CharFilter(lookup_expr="icontains", help_text=_("Часть названия."))

    class Meta:
        model = Project
        fields = ["kind", "name", "leads"]
