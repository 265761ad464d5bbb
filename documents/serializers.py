from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from workflow.serializers import PlanDetailSerializer


class PlanImportSerializer(serializers.Serializer):
    file = serializers.FileField(help_text=_("Документ плана: .docx или текстовая выгрузка (UTF-8 / Windows-1251)."))
    numbering = serializers.ChoiceField(
        choices=[("sequential", _("по порядку: 1…n")), ("document", _("как в документе"))],
        default="sequential", required=False,
        help_text=_("Номера заседаний: по порядку документа (по умолчанию) или номера самого документа, "
                    "если они не повторяются."),
    )


class PlanImportResultSerializer(PlanDetailSerializer):
    created = serializers.BooleanField(read_only=True, help_text=_("False: этот файл уже был загружен."))
    warnings = serializers.ListField(child=serializers.CharField(), read_only=True)
    summary = serializers.ListField(child=serializers.CharField(), read_only=True)

    class Meta(PlanDetailSerializer.Meta):
        fields = [*PlanDetailSerializer.Meta.fields, "created", "warnings", "summary"]
