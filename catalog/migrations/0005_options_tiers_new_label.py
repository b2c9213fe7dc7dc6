"""Issue 11: stable option variants, global options, wholesale totals, «Новинка» from the first sale."""

import django.core.validators
import django.db.models.deletion
import django.utils.timezone
import marketplace.text_rules
from decimal import Decimal
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('catalog', '0004_upload_size_cap'),
        ('shops', '0001_initial'),
    ]

    operations = [
        migrations.CreateModel(
            name='GlobalOptionChoice',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('name', models.CharField(max_length=60, validators=[marketplace.text_rules.validate_no_contacts], verbose_name='variant')),
                ('price_delta', models.DecimalField(decimal_places=2, default=Decimal('0'), max_digits=12, validators=[django.core.validators.MinValueValidator(Decimal('-9999999')), django.core.validators.MaxValueValidator(Decimal('9999999'))], verbose_name='price difference, ₽')),
                ('position', models.PositiveSmallIntegerField(default=0, verbose_name='position')),
                ('is_removed', models.BooleanField(default=False, verbose_name='removed')),
                ('removed_at', models.DateTimeField(blank=True, null=True, verbose_name='removed')),
            ],
            options={
                'verbose_name': 'global option variant',
                'verbose_name_plural': 'global option variants',
                'ordering': ['position', 'pk'],
            },
        ),
        migrations.AddField(
            model_name='optionchoice',
            name='is_removed',
            field=models.BooleanField(default=False, verbose_name='removed'),
        ),
        migrations.AddField(
            model_name='optionchoice',
            name='removed_at',
            field=models.DateTimeField(blank=True, null=True, verbose_name='removed'),
        ),
        migrations.AddField(
            model_name='product',
            name='first_on_sale_at',
            field=models.DateTimeField(blank=True, editable=False, null=True, verbose_name='first on sale'),
        ),
        migrations.AlterField(
            model_name='wholesaletier',
            name='kind',
            field=models.CharField(choices=[('percent', 'Discount, %'), ('total', 'Price for that many pieces, ₽')], default='percent', max_length=10, verbose_name='kind'),
        ),
        migrations.CreateModel(
            name='GlobalOption',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('name', models.CharField(max_length=60, validators=[marketplace.text_rules.validate_no_contacts], verbose_name='option name')),
                ('kind', models.CharField(choices=[('select', 'List of variants (choose one)'), ('checkbox', 'Checkboxes (choose any)'), ('radio', 'Radio buttons (must choose one)')], default='select', max_length=10, verbose_name='display')),
                ('is_required', models.BooleanField(default=True, verbose_name='required')),
                ('created_at', models.DateTimeField(default=django.utils.timezone.now)),
                ('shop', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='global_options', to='shops.shop')),
            ],
            options={
                'verbose_name': 'global option',
                'verbose_name_plural': 'global options',
                'ordering': ['name', 'pk'],
            },
        ),
        migrations.AddField(
            model_name='optiongroup',
            name='global_option',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='product_groups', to='catalog.globaloption', verbose_name='global option'),
        ),
        migrations.AddField(
            model_name='globaloptionchoice',
            name='option',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='choices', to='catalog.globaloption'),
        ),
        migrations.AddField(
            model_name='optionchoice',
            name='global_choice',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='product_choices', to='catalog.globaloptionchoice'),
        ),
        migrations.AddConstraint(
            model_name='globaloption',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('kind', 'radio'), _negated=True), ('is_required', True), _connector='OR'), name='global_option_radio_required'),
        ),
    ]
