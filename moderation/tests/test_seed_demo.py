import pytest
from django.core.management import CommandError, call_command

from marketplace.demo import DEMO_PASSWORD
from marketplace.models import User
from shops.models import Shop

pytestmark = pytest.mark.django_db

DEMO_EMAILS = ["admin@lavka.test", "seller@lavka.test", "seller2@lavka.test", "buyer@lavka.test"]


def test_seed_demo_creates_every_demo_login(client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    call_command("seed_demo", products_per_shop=3)
    for email in DEMO_EMAILS:
        response = client.post("/accounts/login/", {"login": email, "password": DEMO_PASSWORD})
        assert response.status_code == 302, email
        client.post("/accounts/logout/")
    admin = User.objects.get(email="admin@lavka.test")
    assert admin.is_staff and admin.is_superuser
    assert not User.objects.get(email="buyer@lavka.test").is_staff


def test_seed_demo_refuses_a_non_empty_database():
    User.objects.create_user("someone@example.com", "x")
    with pytest.raises(CommandError, match="not empty"):
        call_command("seed_demo")
    assert User.objects.count() == 1


def test_seed_demo_skips_quietly_for_make_run():
    User.objects.create_user("someone@example.com", "x")
    call_command("seed_demo", skip_if_not_empty=True, products_per_shop=3)
    assert User.objects.count() == 1


def test_seed_demo_force_is_idempotent(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    call_command("seed_demo", products_per_shop=3)
    call_command("seed_demo", force=True, products_per_shop=3)
    for email in DEMO_EMAILS:
        assert User.objects.filter(email=email).count() == 1
    from shops.models import Collection, Shop

    assert Shop.objects.count() == 12
    assert Collection.objects.filter(shop__slug="masterskaya-anny").count() == 3


def test_seed_demo_opens_a_dozen_complete_shops_one_on_vacation(settings, tmp_path):
    from shops.models import Shop

    settings.MEDIA_ROOT = tmp_path
    call_command("seed_demo", products_per_shop=3)
    shops = list(Shop.objects.all())
    assert len(shops) == 12
    assert all(shop.logo and shop.banner and shop.about_html and shop.has_rules for shop in shops)
    assert all(shop.collections.count() >= 2 for shop in shops)
    assert [shop.slug for shop in shops if shop.current_vacation()] == ["keramika-oli"]
    assert Shop.objects.get(owner__email="seller@lavka.test").name == "Мастерская Анны"
    assert Shop.objects.get(owner__email="seller2@lavka.test").name == "Столярка Петрова"
    assert not User.objects.get(email="buyer@lavka.test").is_seller


def test_seed_demo_places_orders_in_every_status(settings, tmp_path, mailoutbox):
    from orders.models import Order, OrderStatus

    settings.MEDIA_ROOT = tmp_path
    call_command("seed_demo", products_per_shop=4)
    statuses = set(Order.objects.values_list("status", flat=True))
    assert statuses == set(OrderStatus.values)
    assert Order.objects.filter(buyer__email="buyer@lavka.test").values("shop").distinct().count() >= 2
    assert Order.objects.filter(is_guest=True).exists()
    assert mailoutbox == []  # demo e-mails go nowhere


def test_seed_demo_shows_the_reliable_seller_badge_in_three_states(settings, tmp_path):
    """One shop qualifies and holds the badge, the demo seller's is two tracked sales short, one has a low average."""
    from moderation.models import ReliableApplication
    from moderation.selectors import reliable_criteria
    from orders.models import Shipment, TrackingEvent

    settings.MEDIA_ROOT = tmp_path
    call_command("seed_demo", "--products-per-shop", "8")
    holder, short, low = (Shop.objects.get(slug=slug) for slug in ("len-i-hlopok", "masterskaya-anny",
                                                                   "stolyarka-petrova"))  # fmt: skip
    assert holder.is_reliable and all(criterion.met for criterion in reliable_criteria(holder).all)
    assert ReliableApplication.objects.get(shop=holder).status == "approved"
    figures = reliable_criteria(short)
    assert (figures.tracked_sales.value, figures.tracked_sales.met) == (8, False) and not short.is_reliable
    assert figures.positive_reviews.met and figures.average_rating.met
    figures = reliable_criteria(low)
    assert figures.tracked_sales.met and not figures.average_rating.met
    # Parcels go from the seller's city to the buyer's, after the order was placed.
    for shipment in Shipment.objects.filter(order__shop=holder).select_related("order"):
        events = list(TrackingEvent.objects.filter(shipment=shipment).order_by("occurred_at"))
        assert events[0].location.startswith(holder.city) and events[0].occurred_at > shipment.order.created_at
        assert events[-1].is_delivery and events[-1].location.split()[-1] in shipment.order.address
