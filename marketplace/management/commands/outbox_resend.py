"""manage.py outbox_resend: send pending e-mails now (the periodic job, by hand)."""

from django.core.management.base import BaseCommand

from marketplace.notifications import outbox_resend_pending


class Command(BaseCommand):
    help = "Send outbox e-mails that are still pending."

    def handle(self, *args, **options):
        sent = outbox_resend_pending()
        self.stdout.write(f"{sent} e-mail(s) sent.")
