"""The site's name in the Sites row is the brand allauth's e-mails sign with: «Лавка», not "Lavka"."""

from django.conf import settings
from django.db import migrations


def site_name_russian(apps, schema_editor):
    Site = apps.get_model("sites", "Site")
    Site.objects.filter(pk=settings.SITE_ID, name="Lavka").update(name="Лавка")


def site_name_latin(apps, schema_editor):
    Site = apps.get_model("sites", "Site")
    Site.objects.filter(pk=settings.SITE_ID, name="Лавка").update(name="Lavka")


class Migration(migrations.Migration):
    dependencies = [
        ("marketplace", "0002_site_domain"),
        ("sites", "0002_alter_domain_unique"),
    ]

    operations = [migrations.RunPython(site_name_russian, site_name_latin)]
