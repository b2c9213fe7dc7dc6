"""manage.py refresh_tracking: the parcel-tracking job, by hand."""

from django.core.management.base import BaseCommand

from orders.services import shipments_refresh_due


class Command(BaseCommand):
    help = "Ask Russian Post and CDEK about undelivered parcels not checked lately and store their events."

    def handle(self, *args, **options):
        self.stdout.write(", ".join(f"{key}: {value}" for key, value in shipments_refresh_due().items()))
