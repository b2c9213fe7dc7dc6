"""manage.py texts_scan: the scheduled scan of every shop's and product's texts for contacts (reason 6), by hand."""

from django.core.management.base import BaseCommand

from moderation.services import texts_scan


class Command(BaseCommand):
    help = "Scan every shop's and product's texts for contacts and links; new findings go to the admin's queue."

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=500, help="Rows read at a time.")

    def handle(self, *args, **options):
        counts = texts_scan(batch_size=max(1, options["batch_size"]))
        self.stdout.write(", ".join(f"{key}: {value}" for key, value in counts.items()))
