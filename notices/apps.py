from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NoticesConfig(AppConfig):
    name = "notices"
    verbose_name = _("Уведомления о решениях")

    def ready(self) -> None:
        from . import digests, receivers  # noqa: F401 - connects the receivers (transitions, the daily run)
