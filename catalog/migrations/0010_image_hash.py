# Perceptual hash and sharpness of product photos, measured on upload (moderation's image queue).

import django.db.models.functions.text
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('catalog', '0009_product_view_day'),
    ]

    operations = [
        migrations.AddField(
            model_name='productimage',
            name='phash',
            field=models.CharField(blank=True, db_index=True, editable=False, max_length=16, verbose_name='perceptual hash'),
        ),
        migrations.AddField(
            model_name='productimage',
            name='sharpness',
            field=models.FloatField(blank=True, editable=False, null=True, verbose_name='sharpness'),
        ),
        migrations.AddIndex(
            model_name='productimage',
            index=models.Index(django.db.models.functions.text.Substr('phash', 1, 4), name='productimage_phash_band0'),
        ),
        migrations.AddIndex(
            model_name='productimage',
            index=models.Index(django.db.models.functions.text.Substr('phash', 5, 3), name='productimage_phash_band1'),
        ),
        migrations.AddIndex(
            model_name='productimage',
            index=models.Index(django.db.models.functions.text.Substr('phash', 8, 3), name='productimage_phash_band2'),
        ),
        migrations.AddIndex(
            model_name='productimage',
            index=models.Index(django.db.models.functions.text.Substr('phash', 11, 3), name='productimage_phash_band3'),
        ),
        migrations.AddIndex(
            model_name='productimage',
            index=models.Index(django.db.models.functions.text.Substr('phash', 14, 3), name='productimage_phash_band4'),
        ),
    ]
