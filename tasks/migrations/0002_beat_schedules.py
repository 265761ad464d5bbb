from django.conf import settings
from django.db import migrations


def create_schedules(apps, schema_editor):
    from tasks.schedules import schedules_ensure

    schedules_ensure(
        periodic_task=apps.get_model("django_celery_beat", "PeriodicTask"),
        crontab_schedule=apps.get_model("django_celery_beat", "CrontabSchedule"),
        interval_schedule=apps.get_model("django_celery_beat", "IntervalSchedule"),
        timezone_name=settings.TIME_ZONE,
    )


def create_policy(apps, schema_editor):
    apps.get_model("tasks", "ReminderPolicy").objects.get_or_create(pk=1)


class Migration(migrations.Migration):
    dependencies = [
        ("tasks", "0001_initial"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [
        migrations.RunPython(create_schedules, migrations.RunPython.noop),
        migrations.RunPython(create_policy, migrations.RunPython.noop),
    ]
