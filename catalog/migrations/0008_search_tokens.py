"""Search by our own Snowball tokens on both databases: refill search_text and search_vector.

Imports catalog.search on purpose: the stored tokens must be exactly what the running code
searches for, so this migration always writes the current format.
"""

from django.db import migrations

from catalog import search


def refill(apps, schema_editor):
    Product = apps.get_model("catalog", "Product")
    products = Product.objects.select_related("shop", "category", "category__parent").order_by("pk")
    last = 0
    while batch := list(products.filter(pk__gt=last)[:500]):
        search.store(schema_editor.connection, [(product.pk, search.product_document(product)) for product in batch])
        last = batch[-1].pk


class Migration(migrations.Migration):
    dependencies = [("catalog", "0007_option_radio_required")]

    operations = [migrations.RunPython(refill, migrations.RunPython.noop, elidable=True)]
