from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MeetingsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "meetings"
    verbose_name = _("Заседания: повестка, протокол, поручения")

    def ready(self) -> None:
        from lifecycle.kernel import transition_fired
        from tasks.chase import daily_chase

        from .mailing import on_daily_chase, on_transition_fired
        from .services import on_protocol_fired

        daily_chase.connect(on_daily_chase, dispatch_uid="meetings.agendas")
        # An approved protocol issues its assignments, inside the approval's transaction.
        transition_fired.connect(on_protocol_fired, dispatch_uid="meetings.assignments_issue")
        transition_fired.connect(on_transition_fired, dispatch_uid="meetings.material_late")
