import django_filters
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import PreparationTask, TaskState


class TaskFilter(django_filters.FilterSet):
    overdue = django_filters.BooleanFilter(
        method="filter_overdue", label=_("Просрочена (срок прошёл, задача не сдана)")
    )
    state = django_filters.MultipleChoiceFilter(choices=TaskState.choices, label=_("Состояние"))
    due_before = django_filters.DateFilter(field_name="due_date", lookup_expr="lte", label=_("Срок не позже"))
    due_after = django_filters.DateFilter(field_name="due_date", lookup_expr="gte", label=_("Срок не раньше"))

    class Meta:
        model = PreparationTask
        fields = ["session", "assignee", "state", "kind", "project", "item"]

    def filter_overdue(self, queryset, name, value):
        today = timezone.localdate()
        return queryset.overdue(today=today) if value else queryset.not_overdue(today=today)
