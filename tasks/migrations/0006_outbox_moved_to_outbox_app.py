# The e-mail outbox moved to its own app (``outbox``): the model leaves the state of ``tasks``
# here and enters the state of ``outbox`` in ``outbox.0001_initial``; its table and rows stay
# as they are (``outbox.0002`` then renames the table).

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('tasks', '0005_sweep_index'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name='OutboxMessage')],
            database_operations=[],
        ),
    ]
