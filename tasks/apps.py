from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TasksConfig(AppConfig):
    name = "tasks"
    verbose_name = _("Задачи подготовки")

    def ready(self) -> None:
        from . import digests, signals  # noqa: F401 - the receivers and the digests' renderers
