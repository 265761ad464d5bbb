"""People and groups of responsible persons, read-only through the API."""

from __future__ import annotations

from rest_framework import serializers

from .models import ResponsibleGroup, User


class PersonSerializer(serializers.ModelSerializer):
    role_display = serializers.CharField(source="get_role_display", read_only=True)
    groups = serializers.PrimaryKeyRelatedField(
        source="responsible_groups", many=True, read_only=True, help_text="Группы ответственных, куда входит человек."
    )

    class Meta:
        model = User
        fields = ["id", "username", "full_name", "short_name", "position", "role", "role_display", "groups"]
        read_only_fields = fields


class ResponsibleGroupSerializer(serializers.ModelSerializer):
    members = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    class Meta:
        model = ResponsibleGroup
        fields = ["id", "name", "members"]
        read_only_fields = fields
