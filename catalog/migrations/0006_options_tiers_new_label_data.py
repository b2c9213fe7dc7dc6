"""Issue 11, data: radio options become required, rubles tiers become totals, «Новинка» dates."""

from django.db import migrations
from django.db.models import F


def forwards(apps, schema_editor):
    OptionGroup = apps.get_model("catalog", "OptionGroup")
    WholesaleTier = apps.get_model("catalog", "WholesaleTier")
    Product = apps.get_model("catalog", "Product")
    OptionGroup.objects.filter(kind="radio", is_required=False).update(is_required=True)
    # A price per piece from N pieces is the same deal as N pieces for N × that price.
    WholesaleTier.objects.filter(kind="unit_price").update(kind="total", value=F("value") * F("min_quantity"))
    # Products already on sale count their «Новинка» days from their creation, as before.
    Product.objects.filter(is_enabled=True, first_on_sale_at__isnull=True).update(first_on_sale_at=F("created_at"))


def backwards(apps, schema_editor):
    WholesaleTier = apps.get_model("catalog", "WholesaleTier")
    for tier in WholesaleTier.objects.filter(kind="total"):
        tier.kind, tier.value = "unit_price", round(tier.value / tier.min_quantity, 2)
        tier.save(update_fields=["kind", "value"])


class Migration(migrations.Migration):
    dependencies = [("catalog", "0005_options_tiers_new_label")]

    operations = [migrations.RunPython(forwards, backwards)]
