"""The protocol as the API shows and takes it: attendees, entries («Слушали» / «Решили») with
their assignments; the state and the transitions the caller may fire."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from accounts.models import ResponsibleGroup, User
from approvals.models import ApprovalState
from lifecycle.api import available_transitions_field
from workflow.models import AgendaItem, Session

from .lifecycles import PROTOCOL
from .models import Protocol


class AttendeeSerializer(serializers.Serializer):
    person = serializers.PrimaryKeyRelatedField(queryset=User.objects.filter(is_active=True))
    name = serializers.CharField(source="person.__str__", read_only=True)
    present = serializers.BooleanField(default=True)


class AssignmentSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    text = serializers.CharField(max_length=4000)
    assignees = serializers.PrimaryKeyRelatedField(queryset=User.objects.filter(is_active=True), many=True,
                                                   required=False, default=list)
    groups = serializers.PrimaryKeyRelatedField(queryset=ResponsibleGroup.objects.all(), many=True, required=False,
                                                default=list, help_text=_("Группы: поручение получает каждый участник."))
    due_date = serializers.DateField()
    control_person = serializers.PrimaryKeyRelatedField(queryset=User.objects.filter(is_active=True), required=False,
                                                        allow_null=True, default=None)


class EntrySerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    item = serializers.PrimaryKeyRelatedField(queryset=AgendaItem.objects.all(), required=False, allow_null=True,
                                              default=None)
    title = serializers.CharField(required=False, allow_blank=True, default="", max_length=4000)
    heard = serializers.CharField(required=False, allow_blank=True, default="", max_length=20000,
                                  help_text=_("«Слушали»: кто докладывал."))
    decided = serializers.CharField(required=False, allow_blank=True, default="", max_length=20000,
                                    help_text=_("«Решили»: текст решения."))
    assignments = AssignmentSerializer(many=True, required=False, default=list)


class ProtocolSerializer(serializers.ModelSerializer):
    session = serializers.PrimaryKeyRelatedField(queryset=Session.objects.all())
    state = serializers.ChoiceField(choices=ApprovalState.choices, read_only=True)
    state_display = serializers.CharField(read_only=True)
    available_transitions = available_transitions_field(PROTOCOL)
    attendees = AttendeeSerializer(many=True, required=False)
    entries = EntrySerializer(many=True, required=False)
    session_label = serializers.CharField(source="session.__str__", read_only=True)

    class Meta:
        model = Protocol
        fields = ["id", "session", "session_label", "number", "held_on", "place", "chair_name", "secretary_name",
                  "guests", "state", "state_display", "available_transitions", "attendees", "entries", "created_at",
                  "updated_at"]
        read_only_fields = ["created_at", "updated_at"]
        extra_kwargs = {"number": {"required": False}, "held_on": {"required": False}}

    def to_representation(self, protocol):
        data = super().to_representation(protocol)
        data["entries"] = [
            {**EntrySerializer(entry).data,
             "assignments": [AssignmentSerializer(a).data for a in entry.assignments.all()]}
            for entry in protocol.entries.all()
        ]
        return data


class ProtocolUpdateSerializer(ProtocolSerializer):
    session = serializers.PrimaryKeyRelatedField(read_only=True)


class AssignmentExtendSerializer(serializers.Serializer):
    due_date = serializers.DateField(help_text=_("Новый срок, позже текущего."))
    reason = serializers.CharField(max_length=4000, help_text=_("Причина продления (обязательна)."))


class AssignmentStatusSerializer(serializers.Serializer):
    protocol = serializers.IntegerField(source="protocol.pk")
    protocol_number = serializers.IntegerField(source="protocol.number")
    assignment = serializers.IntegerField(source="assignment.pk")
    task = serializers.IntegerField(source="task.pk")
    text = serializers.CharField(source="task.title")
    assignee = serializers.IntegerField(source="task.assignee_id")
    assignee_name = serializers.CharField(source="task.assignee.__str__")
    due_date = serializers.DateField(source="task.due_date")
    state = serializers.CharField(source="task.state")
    state_display = serializers.CharField(source="task.state_display")
    overdue = serializers.BooleanField()


class AssignmentExtendResultSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    due_date = serializers.DateField()
    event = serializers.IntegerField(help_text=_("Строка истории задачи с причиной продления."))
    comment = serializers.CharField()


class ParticipantSerializer(serializers.Serializer):
    person = serializers.IntegerField(source="pk", help_text=_("Участник заседания."))
    name = serializers.CharField(source="__str__")
    position = serializers.CharField(source="position_label")
    email = serializers.EmailField()
    added = serializers.BooleanField(help_text=_("Добавлен к заседанию вручную (иначе — по правилу)."))


class ParticipantAddSerializer(serializers.Serializer):
    person = serializers.PrimaryKeyRelatedField(queryset=User.objects.filter(is_active=True))
