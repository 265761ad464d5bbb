from __future__ import annotations

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from .models import CalendarFeedToken


def feed_url(token: CalendarFeedToken) -> str:
    return settings.SITE_URL + reverse("calendar-feed", kwargs={"token": token.token})


class CalendarFeedTokenSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField(help_text=_("Адрес для подписки в календаре (без входа)."))
    webcal_url = serializers.SerializerMethodField(help_text=_("Тот же адрес по схеме webcal://."))

    class Meta:
        model = CalendarFeedToken
        fields = ["url", "webcal_url", "created_at"]
        read_only_fields = fields

    def get_url(self, obj) -> str:
        return feed_url(obj)

    def get_webcal_url(self, obj) -> str:
        return "webcal://" + feed_url(obj).split("://", 1)[-1]
