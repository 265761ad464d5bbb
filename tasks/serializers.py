from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.models import User
from lifecycle.kernel import available

from .models import PreparationTask, TaskEvent


class TaskEventSerializer(serializers.ModelSerializer):
    class Meta:
        model = TaskEvent
        fields = [
            "id",
            "transition",
            "from_state",
            "to_state",
            "actor",
            "actor_name",
            "actor_position",
            "comment",
            "created_at",
        ]
        read_only_fields = fields


# The fields ``to_representation`` formats values with, made once: building a ModelSerializer's
# fields (a task's and its history's, for every response) cost more than the rest of a single
# task's serialization. They read the settings (formats, time zone) when they format.
_DATE = serializers.DateField()
_DATETIME = serializers.DateTimeField()
_BOOLEAN = serializers.BooleanField()


def _event_representation(event: TaskEvent) -> dict:
    """What ``TaskEventSerializer`` gives for ``event`` (a test holds the two equal)."""
    return {
        "id": event.pk,
        "transition": event.transition,
        "from_state": event.from_state,
        "to_state": event.to_state,
        "actor": event.actor_id,
        "actor_name": event.actor_name,
        "actor_position": event.actor_position,
        "comment": event.comment,
        "created_at": _DATETIME.to_representation(event.created_at),
    }


class TaskSerializer(serializers.ModelSerializer):
    state_display = serializers.CharField(source="get_state_display", read_only=True)
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    session_label = serializers.CharField(source="session.__str__", read_only=True)
    assignee_name = serializers.CharField(source="assignee.__str__", read_only=True)
    is_overdue = serializers.BooleanField(read_only=True, help_text=_("Срок прошёл, а задача не сдана."))
    days_late = serializers.SerializerMethodField(help_text=_("На сколько дней просрочена (0 — не просрочена)."))
    transitions = serializers.SerializerMethodField(help_text=_("Действия, доступные текущему пользователю."))
    events = TaskEventSerializer(many=True, read_only=True)
    protocol = serializers.SerializerMethodField(help_text=_("Протокол поручения (для задач-поручений), иначе null."))
    result_file = serializers.SerializerMethodField(
        help_text=_("Адрес для скачивания файла результата (со входом, как весь API); null — файла нет.")
    )

    class Meta:
        model = PreparationTask
        fields = [
            "id",
            "title",
            "kind",
            "kind_display",
            "state",
            "state_display",
            "due_date",
            "is_overdue",
            "days_late",
            "session",
            "session_label",
            "item",
            "assignment",
            "protocol",
            "project",
            "assignee",
            "assignee_name",
            "result_file",
            "result_text",
            "transitions",
            "events",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    def get_protocol(self, obj) -> int | None:
        return obj.assignment.protocol_id if obj.assignment_id else None

    def get_days_late(self, obj) -> int:
        return obj.days_late()

    @extend_schema_field(serializers.URLField(allow_null=True))
    def get_result_file(self, obj) -> str | None:
        """The checked download view, never a /media/ URL: result files are not public."""
        if not obj.result_file:
            return None
        path = reverse("task-result-file", args=[obj.pk])
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request else path

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_transitions(self, obj) -> list[str]:
        request = self.context.get("request")
        return available(obj=obj, user=request.user) if request else []

    def _display(self, name: str, value: str) -> str:
        """``get_<name>_display()``, translated once per value for the whole response."""
        labels = self.__dict__.setdefault("_labels", {})
        key = (name, value)
        if key not in labels:
            labels[key] = str(dict(PreparationTask._meta.get_field(name).flatchoices).get(value, value))
        return labels[key]

    def to_representation(self, task) -> dict:
        """The dict the declared fields would give (the schema still comes from them; a test
        holds the two equal), built directly: a page of 50 tasks spent most of its time in
        DRF's per-field work, looking up the labels' signatures and translating them per row."""
        is_overdue = task.is_overdue
        return {
            "id": task.pk,
            "title": task.title,
            "kind": task.kind,
            "kind_display": self._display("kind", task.kind),
            "state": task.state,
            "state_display": self._display("state", task.state),
            "due_date": _DATE.to_representation(task.due_date),
            "is_overdue": None if is_overdue is None else _BOOLEAN.to_representation(is_overdue),
            "days_late": self.get_days_late(task),
            "session": task.session_id,
            "session_label": str(task.session),
            "item": task.item_id,
            "assignment": task.assignment_id,
            "protocol": self.get_protocol(task),
            "project": task.project_id,
            "assignee": task.assignee_id,
            "assignee_name": str(task.assignee),
            "result_file": self.get_result_file(task),
            "result_text": task.result_text,
            "transitions": self.get_transitions(task),
            "events": [_event_representation(event) for event in task.events.all()],
            "created_at": _DATETIME.to_representation(task.created_at),
            "updated_at": _DATETIME.to_representation(task.updated_at),
        }


class TaskResultSerializer(serializers.Serializer):
    file = serializers.FileField(required=False, help_text=_("Файл результата (PDF, DOCX, XLSX, …)."))
    text = serializers.CharField(required=False, allow_blank=True, max_length=20000)

    def validate(self, attrs):
        if "file" not in attrs and "text" not in attrs:
            raise serializers.ValidationError(_("Приложите файл или впишите текст результата."))
        return attrs


class OverdueCountSessionSerializer(serializers.Serializer):
    session = serializers.IntegerField()
    number = serializers.IntegerField()
    year = serializers.IntegerField()
    planned_month = serializers.DateField()
    count = serializers.IntegerField()


class OverdueCountPersonSerializer(serializers.Serializer):
    assignee = serializers.IntegerField()
    name = serializers.CharField()
    count = serializers.IntegerField()


class OverdueSummarySerializer(serializers.Serializer):
    date = serializers.DateField()
    total = serializers.IntegerField()
    by_session = OverdueCountSessionSerializer(many=True)
    by_person = OverdueCountPersonSerializer(many=True)


class TaskHandOverSerializer(serializers.Serializer):
    to = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.filter(is_active=True), help_text=_("Новый исполнитель.")
    )
    reason = serializers.CharField(max_length=4000, help_text=_("Почему задача передаётся."))
    due_date = serializers.DateField(required=False, allow_null=True, help_text=_("Новый срок, если меняется."))
    due_reason = serializers.CharField(required=False, allow_blank=True, default="", max_length=4000,
                                       help_text=_("Причина изменения срока (обязательна, если срок меняется)."))
