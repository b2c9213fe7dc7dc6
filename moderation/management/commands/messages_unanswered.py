"""manage.py messages_unanswered: the daily check of buyers' messages left unanswered (reason 4), by hand."""

from django.core.management.base import BaseCommand

from moderation.services import messages_unanswered_check


class Command(BaseCommand):
    help = ("Hide the products of shops with 3 or more buyers' messages unread and unanswered for 3 days; "
            "warn the sellers a day before.")  # fmt: skip

    def handle(self, *args, **options):
        self.stdout.write(", ".join(f"{key}: {value}" for key, value in messages_unanswered_check().items()))
