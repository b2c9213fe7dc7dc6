"""manage.py refresh_response_times: store each shop's «usually answers within N h» (the hourly job)."""

from django.core.management.base import BaseCommand

from messaging.services import response_times_refresh


class Command(BaseCommand):
    help = "Recompute the shops' median first-answer time over 30 days (Shop.response_hours)."

    def handle(self, *args, **options):
        self.stdout.write(f"{response_times_refresh()} shop(s) changed.")
