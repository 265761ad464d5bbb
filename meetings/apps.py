from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MeetingsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "meetings"
    verbose_name = _("Заседания: повестка, протокол, поручения")

    def ready(self) -> None:
        from tasks.chase import daily_chase

        from .mailing import on_daily_chase

        daily_chase.connect(on_daily_chase, dispatch_uid="meetings.agendas")
