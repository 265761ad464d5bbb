"""The approval state of an object and its decision log, as the API shows them."""

from __future__ import annotations

from rest_framework import serializers

from lifecycle.api import available_transitions_field

from .models import APPROVAL, ApprovalState, Decision

# The schema lists these as plain values (no labels); named in SPECTACULAR_SETTINGS.
AVAILABLE_TRANSITIONS = APPROVAL.names()


class ApprovalStateMixin(serializers.Serializer):
    """``state``, its Russian label and ``available_transitions``; the state is read-only."""

    state = serializers.ChoiceField(choices=ApprovalState.choices, read_only=True)
    state_display = serializers.CharField(read_only=True)
    available_transitions = available_transitions_field(APPROVAL)


class DecisionSerializer(serializers.ModelSerializer):
    transition_display = serializers.CharField(source="get_transition_display", read_only=True)
    from_state_display = serializers.CharField(source="get_from_state_display", read_only=True)
    to_state_display = serializers.CharField(source="get_to_state_display", read_only=True)
    object_type = serializers.CharField(
        source="content_type.model", read_only=True, help_text="«plan» или «agendaitem»."
    )
    subject = serializers.SerializerMethodField(help_text="О чём решение: заголовок плана или тема пункта.")
    carried_items = serializers.SerializerMethodField(
        help_text="Сколько пунктов повестки изменили состояние вместе с этим решением по плану."
    )

    class Meta:
        model = Decision
        fields = [
            "id",
            "object_type",
            "object_id",
            "subject",
            "transition",
            "transition_display",
            "from_state",
            "from_state_display",
            "to_state",
            "to_state_display",
            "actor",
            "actor_name",
            "actor_position",
            "comment",
            "created_at",
            "carried_by",
            "carried_items",
        ]
        read_only_fields = fields

    def get_subject(self, decision) -> str:
        return getattr(decision, "subject", "")

    def get_carried_items(self, decision) -> int:
        return getattr(decision, "carried_count", 0)
