from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('workflow', '0004_session_period'),
    ]

    operations = [
        migrations.AlterField(
            model_name='session',
            name='period_end',
            field=models.DateField(verbose_name='конец срока'),
        ),
        migrations.AlterField(
            model_name='session',
            name='period_start',
            field=models.DateField(verbose_name='начало срока'),
        ),
        migrations.AddConstraint(
            model_name='session',
            constraint=models.CheckConstraint(condition=models.Q(('period_start__lte', models.F('period_end'))), name='session_period_order'),
        ),
    ]
