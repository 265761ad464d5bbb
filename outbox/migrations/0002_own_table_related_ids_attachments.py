# The outbox's table gets this app's name, its index a name of its own; ``task_ids`` becomes
# ``related_ids`` (the outbox does not know what the ids are of); the attachments a caller
# hands over are kept on the row. Rows keep their data: renames, and a column with a default.

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('outbox', '0001_initial'),
    ]

    operations = [
        migrations.AlterModelTable(name='outboxmessage', table=None),
        migrations.RenameIndex(
            model_name='outboxmessage', new_name='outbox_status_next_idx', old_name='tasks_outbo_status_7e8895_idx'
        ),
        migrations.RenameField(model_name='outboxmessage', old_name='task_ids', new_name='related_ids'),
        migrations.AlterField(
            model_name='outboxmessage',
            name='related_ids',
            field=models.JSONField(blank=True, default=list, verbose_name='связанные записи'),
        ),
        migrations.AddField(
            model_name='outboxmessage',
            name='attachments',
            field=models.JSONField(blank=True, default=list, verbose_name='вложения'),
        ),
    ]
