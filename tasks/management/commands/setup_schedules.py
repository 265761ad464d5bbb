from django.conf import settings
from django.core.management.base import BaseCommand
from django_celery_beat.models import CrontabSchedule, IntervalSchedule, PeriodicTask

from tasks.schedules import schedules_ensure


class Command(BaseCommand):
    help = "Создать расписание Celery beat для задач подготовки (существующие записи не меняются)."

    def handle(self, *args, **options):
        created = schedules_ensure(
            periodic_task=PeriodicTask,
            crontab_schedule=CrontabSchedule,
            interval_schedule=IntervalSchedule,
            timezone_name=settings.TIME_ZONE,
        )
        for name in created:
            self.stdout.write(f"Создано: {name}")
        if not created:
            self.stdout.write("Расписание уже настроено.")
