from django.conf import settings
from django.db import migrations


def create_schedules(apps, schema_editor):
    """Adds the hourly sweep of orphan result files; the entries already there are left as set."""
    from tasks.schedules import schedules_ensure

    schedules_ensure(
        periodic_task=apps.get_model("django_celery_beat", "PeriodicTask"),
        crontab_schedule=apps.get_model("django_celery_beat", "CrontabSchedule"),
        interval_schedule=apps.get_model("django_celery_beat", "IntervalSchedule"),
        timezone_name=settings.TIME_ZONE,
    )


class Migration(migrations.Migration):
    dependencies = [
        ("tasks", "0006_outbox_moved_to_outbox_app"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [
        migrations.RunPython(create_schedules, migrations.RunPython.noop),
    ]
