"""Close ended «Дружные скидки» rounds, open the one whose start has come, schedule repeats (beat runs it too)."""

from django.core.management.base import BaseCommand

from referrals.rounds import referral_rounds_rotate


class Command(BaseCommand):
    help = "Close ended referral rounds, open started ones and schedule the repeats they ask for."

    def handle(self, *args, **options):
        report = referral_rounds_rotate()
        for round in report.closed:  # noqa: A001
            self.stdout.write(f"closed: {round.title} ({round.starts_at:%Y-%m-%d} – {round.ends_at:%Y-%m-%d})")
        for round in report.opened:  # noqa: A001
            self.stdout.write(f"opened: {round.title} ({round.starts_at:%Y-%m-%d} – {round.ends_at:%Y-%m-%d})")
        for round in report.scheduled:  # noqa: A001
            self.stdout.write(f"scheduled: {round.title} ({round.starts_at:%Y-%m-%d} – {round.ends_at:%Y-%m-%d})")
        self.stdout.write(self.style.SUCCESS(str(report)))
