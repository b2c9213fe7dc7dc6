# Reviews completed (issue 15): the kind (buyer / moderation), photos, earlier versions and the
# seller's answer. A moderation review has no item or order; a buyer's review must have both.

import django.db.models.deletion
import django.utils.timezone
from django.db import migrations, models

import marketplace.images


class Migration(migrations.Migration):

    dependencies = [
        ("orders", "0009_referral_discount_compensation"),
    ]

    operations = [
        migrations.AddField(
            model_name="review",
            name="kind",
            field=models.CharField(
                choices=[("buyer", "buyer's review"), ("moderation", "review by Lavka's administration")],
                default="buyer",
                max_length=12,
                verbose_name="kind",
            ),
        ),
        migrations.AddField(
            model_name="review",
            name="edited_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="changed"),
        ),
        migrations.AddField(
            model_name="review",
            name="answer",
            field=models.TextField(blank=True, max_length=2000, verbose_name="seller's answer"),
        ),
        migrations.AddField(
            model_name="review",
            name="answered_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="answered"),
        ),
        migrations.AddField(
            model_name="review",
            name="answer_edited_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="answer changed"),
        ),
        migrations.AlterField(
            model_name="review",
            name="item",
            field=models.OneToOneField(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="review",
                to="orders.orderitem",
            ),
        ),
        migrations.AlterField(
            model_name="review",
            name="order",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="reviews",
                to="orders.order",
            ),
        ),
        migrations.AddConstraint(
            model_name="review",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("kind", "buyer"), _negated=True),
                    models.Q(("item__isnull", False), ("order__isnull", False)),
                    _connector="OR",
                ),
                name="review_buyer_has_item_and_order",
            ),
        ),
        migrations.AddConstraint(
            model_name="review",
            constraint=models.CheckConstraint(
                condition=models.Q(("answer", ""), ("answered_at__isnull", False), _connector="OR"),
                name="review_answer_has_date",
            ),
        ),
        migrations.CreateModel(
            name="ReviewPhoto",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                (
                    "image",
                    models.ImageField(
                        height_field="height",
                        upload_to="orders/reviews/%Y/%m/",
                        validators=[marketplace.images.validate_upload_size],
                        verbose_name="image",
                        width_field="width",
                    ),
                ),
                ("width", models.PositiveIntegerField(default=0, editable=False)),
                ("height", models.PositiveIntegerField(default=0, editable=False)),
                ("position", models.PositiveSmallIntegerField(default=0, verbose_name="position")),
                (
                    "review",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE, related_name="photos", to="orders.review"
                    ),
                ),
            ],
            options={
                "verbose_name": "review photo",
                "verbose_name_plural": "review photos",
                "ordering": ["position", "pk"],
            },
        ),
        migrations.CreateModel(
            name="ReviewRevision",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("rating", models.PositiveSmallIntegerField(verbose_name="rating")),
                ("text", models.TextField(max_length=2000, verbose_name="review")),
                ("edited_at", models.DateTimeField(default=django.utils.timezone.now, verbose_name="replaced")),
                (
                    "review",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE, related_name="revisions", to="orders.review"
                    ),
                ),
            ],
            options={
                "verbose_name": "earlier version of a review",
                "verbose_name_plural": "earlier versions of reviews",
                "ordering": ["-edited_at", "-pk"],
            },
        ),
    ]
