"""manage.py refresh_labels: the «Новинка»/«Хит» label job, by hand."""

from django.core.management.base import BaseCommand

from catalog.services import labels_refresh


class Command(BaseCommand):
    help = "Set the «New» and «Hit» labels from product ages and sales."

    def handle(self, *args, **options):
        self.stdout.write(", ".join(f"{key}: {value}" for key, value in labels_refresh().items()))
