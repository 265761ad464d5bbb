"""Forms of the pages: they only shape input; the services decide."""

from __future__ import annotations

from axes.helpers import get_client_ip_address
from django import forms
from django.conf import settings
from django.contrib.auth.forms import PasswordResetForm
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from accounts.ratelimit import password_reset_allowed
from tasks.uploads import RESULT_EXTENSIONS


def result_accept_attribute() -> str:
    return ",".join(sorted(RESULT_EXTENSIONS))


def result_limits_text() -> str:
    return _("Файл до %(mb)s МБ; допустимые форматы: %(ext)s.") % {
        "mb": settings.TASKS_RESULT_MAX_BYTES // 2**20,
        "ext": ", ".join(ext.lstrip(".") for ext in sorted(RESULT_EXTENSIONS)),
    }


class TaskResultForm(forms.Form):
    file = forms.FileField(label=_("Файл результата"), required=False)
    text = forms.CharField(
        label=_("Текст результата или пояснение"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=20000,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].widget.attrs["accept"] = result_accept_attribute()
        self.fields["file"].help_text = result_limits_text()

    def clean(self):
        data = super().clean()
        if not data.get("file") and not (data.get("text") or "").strip():
            raise forms.ValidationError(_("Приложите файл или впишите текст результата."))
        return data


class CommentForm(forms.Form):
    comment = forms.CharField(
        label=_("Комментарий"), required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )


class OfficePasswordResetForm(PasswordResetForm):
    """Django's form; the e-mail is written in the office's language (``LANGUAGE_CODE``), like
    every other e-mail: it goes to the account's owner, whatever language the page was in.

    Requests over the limits (``PASSWORD_RESET_LIMIT_*``, per address and per client) send
    nothing; the view answers with the same page either way."""

    def save(self, *args, request=None, **kwargs):
        client = get_client_ip_address(request) if request is not None else None
        if password_reset_allowed(email=self.cleaned_data["email"], client=client):
            super().save(*args, request=request, **kwargs)

    def send_mail(self, *args, **kwargs):
        with translation.override(settings.LANGUAGE_CODE):
            super().send_mail(*args, **kwargs)
