# Issue 19: one index per catalog sort (with its tie-breaker) on listed products; the storefront by shop.

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("catalog", "0012_russian_labels"),
        ("shops", "0004_russian_labels"),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name="product",
            name="product_new_idx",
        ),
        migrations.RemoveIndex(
            model_name="product",
            name="product_price_idx",
        ),
        migrations.RemoveIndex(
            model_name="product",
            name="product_popular_idx",
        ),
        migrations.RemoveIndex(
            model_name="product",
            name="product_category_idx",
        ),
        migrations.RemoveIndex(
            model_name="product",
            name="product_shop_idx",
        ),
        migrations.RemoveIndex(
            model_name="product",
            name="product_discount_idx",
        ),
        migrations.AddIndex(
            model_name="product",
            index=models.Index(
                condition=models.Q(("is_enabled", True), ("is_hidden_by_moderation", False)),
                fields=["-created_at", "-id"],
                name="listing_new_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="product",
            index=models.Index(
                condition=models.Q(("is_enabled", True), ("is_hidden_by_moderation", False)),
                fields=["sale_price", "id"],
                name="listing_price_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="product",
            index=models.Index(
                condition=models.Q(("is_enabled", True), ("is_hidden_by_moderation", False)),
                fields=["-popularity", "-id"],
                name="listing_popular_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="product",
            index=models.Index(
                condition=models.Q(("is_enabled", True), ("is_hidden_by_moderation", False)),
                fields=["-discount_percent", "-created_at"],
                name="listing_discount_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="product",
            index=models.Index(
                condition=models.Q(("is_enabled", True), ("is_hidden_by_moderation", False)),
                fields=["category", "-created_at", "-id"],
                name="listing_category_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="product",
            index=models.Index(
                condition=models.Q(("is_enabled", True), ("is_hidden_by_moderation", False)),
                fields=["category", "sale_price", "id"],
                name="listing_category_price_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="product",
            index=models.Index(fields=["shop", "-created_at", "-id"], name="product_shop_new_idx"),
        ),
    ]
