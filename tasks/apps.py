from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

# What the task list (TaskViewSet.list) reads besides the "plans" counter's tables (sessions,
# people, substitutions): the tasks, their history, and the protocol an assignment belongs to.
# A change to any of these moves the "tasks" revision counter (revisions.triggers).
TASK_REPRESENTATION_READS = ("tasks.PreparationTask", "tasks.TaskEvent", "meetings.Assignment")


class TasksConfig(AppConfig):
    name = "tasks"
    verbose_name = _("Задачи подготовки")

    def ready(self) -> None:
        from revisions.triggers import watch

        from . import digests, signals  # noqa: F401 - the receivers and the digests' renderers

        watch("tasks", *TASK_REPRESENTATION_READS)
