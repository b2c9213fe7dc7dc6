"""The demo holds together: what each shop sells, its prices, its pictures and its calendar."""

from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db.models import Min
from django.test import override_settings

from catalog import demo, demo_digital
from catalog.models import Product
from marketplace import demo_art
from shops.demo import SHOPS, SHOPS_BY_SLUG

HANDMADE = {slug: items for slug, items in demo.GOODS.items() if slug not in demo_digital.DIGITAL_SHOPS}


# --- The lists themselves ---------------------------------------------------------------------------


def test_every_shop_has_a_list_and_no_title_twice():
    assert set(demo.GOODS) | demo_digital.DIGITAL_SHOPS == {shop.slug for shop in SHOPS}
    lists = {**{slug: [item.title for item in items] for slug, items in demo.GOODS.items()},
             "printy-pavla": [spec.title for spec in demo_digital.PRINTS]}  # fmt: skip
    for slug, titles in lists.items():
        assert len(titles) >= 12, slug
        assert len(titles) == len(set(titles)), f"{slug}: {[t for t in titles if titles.count(t) > 1]}"
        assert all(len(title) <= 82 for title in titles), slug  # room for « (PDF для печати)» on a file


def test_items_name_real_categories_collections_and_options():
    leaves = {slug for _name, _slug, children in demo.TREE for _child, slug in children}
    for slug, items in HANDMADE.items():
        collections = {name for name, _subject in SHOPS_BY_SLUG[slug].collections}
        for item in items:
            assert item.leaf in leaves, item.title
            assert not item.collection or item.collection in collections, item.title
            assert not item.options or item.options in demo.OPTIONS, item.title
    assert all(spec.leaf in leaves for spec in demo_digital.PRINTS)


def test_handmade_prices_and_any_discount_leave_whole_rubles():
    for items in HANDMADE.values():
        for item in items:
            assert item.price == int(item.price) > 0, item.title
            for percent in (0, 10, 15, 20, 30):
                discount = demo.whole_ruble_discount(item.price, _Fixed(percent))
                assert item.price * (100 - discount) % 100 == 0, (item.title, discount)


def test_every_picture_has_its_emoji_in_the_repository():
    subjects = [item.subject for items in HANDMADE.values() for item in items]
    subjects += [subject for shop in SHOPS for subject in (*shop.banner, *(s for _n, s in shop.collections))]
    codes = {code for subject in subjects for code in (subject.code, *subject.codes, *subject.extras) if code}
    codes |= {shop.emblem for shop in SHOPS} | {code for shop in SHOPS for code in shop.look.props}
    codes |= {code for spec in demo_digital.PRINTS for code in spec.motifs}
    missing = sorted(code for code in codes if not (demo_art.EMOJI_DIR / f"{code}.webp").exists())
    assert missing == []
    assert (demo_art.ASSETS / "LICENSE.txt").read_text().count("Microsoft") >= 1


def test_a_composed_photo_is_a_small_square_webp():
    item = demo.GOODS["keramika-oli"][0]
    data = demo_art.encoded(demo_art.compose(item.subject, SHOPS_BY_SLUG["keramika-oli"].look, seed=1))
    assert data[:4] == b"RIFF" and data[8:12] == b"WEBP"
    assert 5_000 < len(data) < 120_000


class _Fixed:
    """A random.Random stand-in whose choice is always the given value."""

    def __init__(self, value):
        self.value = value

    def choice(self, _options):
        return self.value


# --- The seeded demo ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker, tmp_path_factory):
    media = tmp_path_factory.mktemp("demo-media")
    # The photos go to a folder of this test run (catalog/tests/conftest.py gives each test its own).
    with override_settings(MEDIA_ROOT=media), django_db_blocker.unblock():
        call_command("seed_demo", products_per_shop=8, stdout=open("/dev/null", "w"))
        yield media
        call_command("flush", interactive=False, verbosity=0)


pytestmark = pytest.mark.django_db


def test_no_duplicate_titles_in_a_shop(seeded):
    for shop_id in Product.objects.values_list("shop", flat=True).distinct():
        titles = list(Product.objects.filter(shop_id=shop_id).values_list("title", flat=True))
        assert len(titles) == len(set(titles))


def test_handmade_prices_and_sale_prices_are_whole_rubles(seeded):
    handmade = Product.objects.filter(is_digital=False)
    assert handmade.count() > 50
    for product in handmade:
        assert product.price == product.price.to_integral_value(), product.title
        assert product.sale_price == product.sale_price.to_integral_value(), (product.title, product.sale_price)
    assert handmade.filter(discount_percent__gt=0).exists()


def test_every_shop_opened_before_its_first_product(seeded):
    from shops.models import Shop

    for shop in Shop.objects.annotate(first=Min("products__created_at")):
        assert shop.first is not None and shop.created_at < shop.first, shop.name


def test_orders_come_after_the_shop_and_the_products_in_them(seeded):
    from orders.models import OrderItem

    for item in OrderItem.objects.select_related("order__shop", "product"):
        assert item.order.shop.created_at < item.order.created_at, item.order.number
        assert item.product.created_at < item.order.created_at, (item.order.number, item.product.title)


def test_tracking_events_follow_their_order_from_the_sellers_city(seeded):
    from orders.models import TrackingEvent

    events = TrackingEvent.objects.select_related("shipment__order__shop").order_by("occurred_at")
    assert events.exists()
    first_of = {}
    for event in events:
        order = event.shipment.order
        assert order.created_at < event.occurred_at, (order.number, event.status)
        assert event.occurred_at >= event.shipment.created_at, (order.number, event.status)
        first_of.setdefault(event.shipment_id, event)
        if event.is_delivery:
            assert event.location.split()[0] in order.address, (order.number, event.location)
    for event in first_of.values():
        assert event.location.startswith(event.shipment.order.shop.city), event.location


def test_reviews_and_messages_come_after_what_they_are_about(seeded):
    from messaging.models import Message
    from orders.models import Review

    for review in Review.objects.select_related("item__order"):
        if review.item_id:
            assert review.item.order.created_at < review.created_at
    for message in Message.objects.select_related("conversation__shop", "order", "product"):
        assert message.conversation.shop.created_at < message.created_at
        if message.order_id:
            assert message.order.created_at <= message.created_at
        if message.product_id:
            assert message.product.created_at < message.created_at


def test_every_product_has_a_cover_whose_file_exists(seeded):
    for product in Product.objects.select_related("cover"):
        assert product.cover is not None, product.title
        assert (seeded / product.cover.image.name).is_file(), product.title


def test_new_products_wear_the_label_and_old_ones_do_not(seeded):
    assert Product.objects.filter(is_new=True).exists()
    assert Product.objects.filter(is_new=False).count() > Product.objects.filter(is_new=True).count()


def test_each_shop_sells_from_its_own_list(seeded):
    for slug, items in demo.GOODS.items():
        titles = {item.title for item in items}
        sold = Product.objects.filter(shop__slug=slug, is_digital=False).values_list("title", flat=True)
        assert set(sold) <= titles, slug
    assert not Product.objects.filter(shop__slug="printy-pavla", is_digital=False).exists()
    assert Product.objects.filter(price=Decimal("0")).count() == 1  # Anna's free growth chart
