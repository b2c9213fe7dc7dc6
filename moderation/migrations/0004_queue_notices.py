# A notice a job e-mailed to a shop, once a day at most (reason 4: the warning a day before hiding).

import django.db.models.deletion
import django.utils.timezone
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('moderation', '0003_order_notices'),
        ('shops', '0003_sanction_state_switched_off'),
    ]

    operations = [
        migrations.CreateModel(
            name='ShopNotice',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('kind', models.CharField(choices=[('unanswered', 'Unanswered messages: products to be hidden tomorrow')], max_length=16, verbose_name='notice')),
                ('day', models.DateField(verbose_name='day')),
                ('sent_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='sent')),
                ('shop', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='shops.shop', verbose_name='shop')),
            ],
            options={
                'verbose_name': 'shop notice',
                'verbose_name_plural': 'shop notices',
                'ordering': ['-sent_at', '-pk'],
                'constraints': [models.UniqueConstraint(fields=('shop', 'kind', 'day'), name='shop_notice_once_a_day')],
            },
        ),
    ]
