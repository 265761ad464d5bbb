"""«Замещения»: the person replaced (or the department head) arranges who acts for them, both
people see it, either ends it early. Every write goes through ``accounts.substitutions``."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from accounts.models import Role, Substitution, User
from accounts.substitutions import (
    acting_position,
    acts_as,
    substitution_create,
    substitution_end,
    substitution_state,
)
from config.errors import DomainError

from .common import page, refusal_response

STATE_LABELS = {"planned": gettext_lazy("ещё не началось"), "running": gettext_lazy("идёт"),
                "ended": gettext_lazy("окончено")}


class SubstitutionForm(forms.Form):
    replaces = forms.ModelChoiceField(label=gettext_lazy("Кого замещают"), queryset=User.objects.none())
    person = forms.ModelChoiceField(label=gettext_lazy("Кто исполняет обязанности"), queryset=User.objects.none())
    starts_on = forms.DateField(label=gettext_lazy("С"), widget=forms.DateInput(attrs={"type": "date"}))
    ends_on = forms.DateField(label=gettext_lazy("По (включительно)"), widget=forms.DateInput(attrs={"type": "date"}))
    comment = forms.CharField(label=gettext_lazy("Комментарий"), required=False, max_length=2000)
    copy_to_replaced = forms.BooleanField(label=gettext_lazy("Присылать копии уведомлений замещаемому"),
                                          required=False)

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        people = User.objects.filter(is_active=True).exclude(role="").order_by("short_name", "username")
        self.fields["person"].queryset = people.exclude(pk=user.pk)
        # The department head arranges for anyone; everyone else for themselves.
        self.fields["replaces"].queryset = people if acts_as(user, Role.DEPARTMENT_HEAD) else people.filter(pk=user.pk)
        self.fields["replaces"].initial = user.pk


def _visible(user: User):
    subs = Substitution.objects.select_related("person", "replaces")
    if acts_as(user, Role.SECRETARY, Role.OFFICE_HEAD, Role.DEPARTMENT_HEAD):
        return subs
    return subs.filter(Q(person=user) | Q(replaces=user))


@require_http_methods(["GET", "POST"])
@login_required
@page
def substitution_list(request):
    form = SubstitutionForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            substitution_create(by=request.user, **form.cleaned_data)
        except DomainError as exc:
            if exc.status == 403:
                return refusal_response(request, exc, back=reverse("web:substitutions"))
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Замещение оформлено."))
            return HttpResponseRedirect(reverse("web:substitutions"))
    rows = [
        {"sub": sub, "state": substitution_state(sub), "state_label": STATE_LABELS[substitution_state(sub)],
         "acting_as": acting_position(sub.replaces),
         "may_end": substitution_state(sub) != "ended" and (
             request.user.pk in (sub.person_id, sub.replaces_id) or acts_as(request.user, Role.DEPARTMENT_HEAD))}
        for sub in _visible(request.user).order_by("-starts_on", "-id")[:200]
    ]
    return render(request, "web/substitutions.html", {"nav": "substitutions", "form": form, "rows": rows})


@require_POST
@login_required
@page
def substitution_end_view(request, pk: int):
    sub = get_object_or_404(_visible(request.user), pk=pk)
    try:
        substitution_end(sub=sub, by=request.user)
    except DomainError as exc:
        return refusal_response(request, exc, back=reverse("web:substitutions"))
    messages.success(request, _("Замещение завершено."))
    return HttpResponseRedirect(reverse("web:substitutions"))
