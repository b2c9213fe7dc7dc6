"""manage.py orders_unprocessed: the hourly 24-hour processing check (seed 001, reason 1), by hand."""

from django.core.management.base import BaseCommand

from moderation.services import orders_unprocessed_notify


class Command(BaseCommand):
    help = "Warn sellers and admins, once per order, about open orders left 24 hours without any seller action."

    def handle(self, *args, **options):
        self.stdout.write(f"reported: {orders_unprocessed_notify()}")
