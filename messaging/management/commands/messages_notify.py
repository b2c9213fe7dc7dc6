"""manage.py messages_notify: e-mail the bundled notices whose interval is over (the per-minute job)."""

from django.core.management.base import BaseCommand

from messaging.services import notify_pending


class Command(BaseCommand):
    help = "Send the pending new-message notices (bursts bundled per conversation)."

    def handle(self, *args, **options):
        self.stdout.write(f"{notify_pending()} notice(s) sent.")
