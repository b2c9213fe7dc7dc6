"""manage.py seed_demo: fill an empty database with the demo data of DESIGN.md.

It lives in the top app of the layer order so that it may call every app's demo step;
each app keeps its own step in <app>/demo.py.
"""

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.test.utils import override_settings

from catalog import demo as catalog_demo
from marketplace import demo as marketplace_demo
from marketplace.models import User
from messaging import demo as messaging_demo
from moderation import demo as moderation_demo
from orders import demo as orders_demo
from orders import demo_carts as orders_demo_carts
from referrals import demo as referrals_demo
from shops import demo as shops_demo

# Every app's demo step, in the layer order of DESIGN.md.
STEPS = [marketplace_demo.seed, shops_demo.seed, catalog_demo.seed, referrals_demo.seed, orders_demo.seed,
         orders_demo_carts.seed, messaging_demo.seed, moderation_demo.seed]  # fmt: skip


class Command(BaseCommand):
    help = "Fill an empty database with demo shops, products, orders and users."

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="Run even if the database has data (idempotent).")
        parser.add_argument(
            "--skip-if-not-empty", action="store_true", help="Exit quietly when the database already has users."
        )
        parser.add_argument("--products-per-shop", type=int, default=25, help="Demo products per shop (default 25).")

    def handle(self, *args, force=False, skip_if_not_empty=False, products_per_shop=25, **options):
        if User.objects.exists() and not force:
            if skip_if_not_empty:
                self.stdout.write("The database already has data; demo data not added.")
                return
            raise CommandError("The database is not empty. Use --force to add the demo data anyway.")
        ctx = marketplace_demo.DemoContext()
        ctx.extra["products_per_shop"] = products_per_shop
        # Demo orders write invoices and status e-mails to the outbox like real ones; they are
        # "sent" nowhere, so make run's console is not flooded with them.
        with override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"):
            with transaction.atomic():
                for step in STEPS:
                    step(ctx)
        from catalog.models import Product

        shops = len(ctx.extra.get("shops", {}))
        products = Product.objects.count()
        self.stdout.write(
            self.style.SUCCESS(f"Demo data ready: {len(ctx.users)} accounts, {shops} shops, {products} products.")
        )
        for email, *_rest in marketplace_demo.DEMO_USERS:
            self.stdout.write(f"  {email} / {marketplace_demo.DEMO_PASSWORD}")
