# The outbox's model as it stood in ``tasks`` (its table ``tasks_outboxmessage`` with every
# row is kept: no database operation), moved into this app's state. Its content type moves
# with it, so the permissions granted on it and the admin's log keep pointing at it.

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


def content_type_to_outbox(apps, schema_editor):
    content_types = apps.get_model('contenttypes', 'ContentType').objects.using(schema_editor.connection.alias)
    if not content_types.filter(app_label='outbox', model='outboxmessage').exists():
        content_types.filter(app_label='tasks', model='outboxmessage').update(app_label='outbox')


def content_type_to_tasks(apps, schema_editor):
    content_types = apps.get_model('contenttypes', 'ContentType').objects.using(schema_editor.connection.alias)
    if not content_types.filter(app_label='tasks', model='outboxmessage').exists():
        content_types.filter(app_label='outbox', model='outboxmessage').update(app_label='tasks')


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('tasks', '0006_outbox_moved_to_outbox_app'),
        ('contenttypes', '0002_remove_content_type_name'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='OutboxMessage',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('to_email', models.EmailField(max_length=254, verbose_name='адрес')),
                        ('kind', models.CharField(choices=[('assigned', 'Назначение задач'), ('reminder', 'Напоминание'), ('escalation', 'Просроченные задачи (руководителю)'), ('changed', 'Задача возвращена или отменена')], max_length=20, verbose_name='вид')),
                        ('day', models.DateField(verbose_name='день')),
                        ('key', models.CharField(blank=True, default='', max_length=40, verbose_name='ключ')),
                        ('subject', models.CharField(max_length=255, verbose_name='тема')),
                        ('body_text', models.TextField(verbose_name='текст')),
                        ('body_html', models.TextField(blank=True, verbose_name='HTML')),
                        ('task_ids', models.JSONField(blank=True, default=list, verbose_name='задачи')),
                        ('status', models.CharField(choices=[('pending', 'Ожидает отправки'), ('sending', 'Отправляется'), ('sent', 'Отправлено'), ('failed', 'Не доставлено')], db_index=True, default='pending', max_length=10, verbose_name='статус')),
                        ('attempts', models.PositiveSmallIntegerField(default=0, verbose_name='попыток')),
                        ('last_error', models.TextField(blank=True, verbose_name='последняя ошибка')),
                        ('next_attempt_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='следующая попытка')),
                        ('claimed_at', models.DateTimeField(blank=True, null=True, verbose_name='взято в отправку')),
                        ('claim_token', models.CharField(blank=True, default='', editable=False, max_length=32)),
                        ('sent_at', models.DateTimeField(blank=True, null=True, verbose_name='отправлено')),
                        ('created_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='создано')),
                        ('recipient', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='outbox', to=settings.AUTH_USER_MODEL, verbose_name='получатель')),
                    ],
                    options={
                        'verbose_name': 'письмо',
                        'verbose_name_plural': 'исходящие письма',
                        'ordering': ['-created_at', '-id'],
                        'db_table': 'tasks_outboxmessage',
                        'indexes': [models.Index(fields=['status', 'next_attempt_at'], name='tasks_outbo_status_7e8895_idx')],
                        'constraints': [models.UniqueConstraint(fields=('recipient', 'kind', 'day', 'key'), name='outbox_unique_recipient_kind_day')],
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(content_type_to_outbox, content_type_to_tasks),
    ]
