"""Forms of the secretary's plan pages: they only shape input; ``workflow.edit_services`` decides."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from accounts.models import ResponsibleGroup, Role, User


class PlanCreateForm(forms.Form):
    year = forms.IntegerField(label=_("Год"), min_value=2000, max_value=2100)
    title = forms.CharField(label=_("Заголовок"), required=False, max_length=500)


class PlanImportForm(forms.Form):
    file = forms.FileField(label=_("Файл плана (.docx или текстовая выгрузка)"))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > settings.PLAN_IMPORT_MAX_BYTES:
            raise forms.ValidationError(_("Файл плана слишком велик: допускается не более %(limit)s КБ.")
                                        % {"limit": settings.PLAN_IMPORT_MAX_BYTES // 1024})
        return upload


class SessionForm(forms.Form):
    planned_month = forms.DateField(label=_("Месяц"), input_formats=["%Y-%m", "%Y-%m-%d"],
                                    widget=forms.DateInput(attrs={"type": "month"}, format="%Y-%m"))
    starts_at = forms.DateTimeField(label=_("Дата и время"), required=False,
                                    input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
                                    widget=forms.DateTimeInput(attrs={"type": "datetime-local"},
                                                               format="%Y-%m-%dT%H:%M"))
    place = forms.CharField(label=_("Место"), required=False, max_length=500)


def _people():
    return User.objects.filter(is_active=True).exclude(role=Role.NONE).order_by("short_name", "username")


class ItemForm(forms.Form):
    text = forms.CharField(label=_("Тема"), max_length=5000, widget=forms.Textarea(attrs={"rows": 2}))
    order = forms.IntegerField(label=_("Порядок"), min_value=0, max_value=2_147_483_647, required=False)
    parent = forms.IntegerField(label=_("Подпункт к"), required=False, widget=forms.HiddenInput)
    session = forms.IntegerField(label=_("Заседание"), required=False, widget=forms.HiddenInput)
    other = forms.BooleanField(label=_("«Разное» (без подготовки)"), required=False)
    persons = forms.ModelMultipleChoiceField(label=_("Ответственные"), queryset=_people(), required=False)
    groups = forms.ModelMultipleChoiceField(label=_("Группы"), queryset=ResponsibleGroup.objects.all(),
                                            required=False)
    new_person = forms.CharField(label=_("Новый ответственный (Фамилия И.О.)"), required=False, max_length=255)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["persons"].queryset = _people()
        self.fields["groups"].queryset = ResponsibleGroup.objects.all()
