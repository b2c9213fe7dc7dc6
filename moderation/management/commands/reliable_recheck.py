"""manage.py reliable_recheck: the daily «Надёжный продавец» re-check, by hand."""

from django.core.management.base import BaseCommand

from moderation.services import reliable_recheck


class Command(BaseCommand):
    help = "Re-evaluate the «Reliable seller» badge holders and flag those below the criteria for an admin."

    def handle(self, *args, **options):
        self.stdout.write(", ".join(f"{key}: {value}" for key, value in reliable_recheck().items()))
