from datetime import timedelta

import pytest
from django.utils import timezone

from marketplace.tests.factories import UserFactory
from shops import services
from shops.exceptions import ShopError
from shops.forms import LOGO_SPEC
from shops.models import ContactMethod, Shop

from .factories import CollectionFactory, ShopFactory

pytestmark = pytest.mark.django_db


def test_a_user_opens_one_shop_only():
    user = UserFactory()
    shop = services.shop_open(owner=user, name="Керамика", slug="keramika", city="Тула")
    assert user.is_seller
    assert shop.contact_methods == list(ContactMethod.values)  # every method until narrowed
    with pytest.raises(ShopError, match="У вас уже есть магазин"):
        services.shop_open(owner=user, name="Вторая", slug="vtoraya", city="Тула")
    assert Shop.objects.count() == 1


def test_a_taken_address_is_refused():
    ShopFactory(slug="keramika")
    with pytest.raises(ShopError, match="Адрес «keramika» уже занят"):
        services.shop_open(owner=UserFactory(), name="Керамика", slug="keramika", city="Тула")


def test_about_is_rendered_to_safe_html_without_links():
    shop = ShopFactory()
    services.shop_update(shop=shop, about="# Мы\n\n**Шьём** вигвамы.\n\n<script>alert(1)</script>[тут](/x)")
    shop.refresh_from_db()
    assert "<h2>Мы</h2>" in shop.about_html
    assert "<strong>Шьём</strong>" in shop.about_html
    assert "<script" not in shop.about_html and "<a" not in shop.about_html


def test_shop_update_refuses_fields_not_meant_for_sellers():
    with pytest.raises(ValueError):
        services.shop_update(shop=ShopFactory(), sanction_state="active")


def test_contact_methods_need_a_main_and_a_reserve():
    shop = ShopFactory()
    with pytest.raises(ShopError, match="не меньше двух"):
        services.shop_set_contact_methods(shop=shop, methods=["email"])
    shop.refresh_from_db()
    assert len(shop.contact_methods) == 5
    services.shop_set_contact_methods(shop=shop, methods=["sms", "email", "sms"])
    assert shop.contact_methods == ["email", "sms"]


@pytest.mark.parametrize(
    ("offered", "is_guest", "expected"),
    [
        (["chat", "email"], False, ["email", "chat"]),
        (["chat", "email"], True, ["email"]),
        # A shop offering only chat: a guest gets every other method (seed 001).
        (["chat"], True, ["email", "messenger", "sms", "call"]),
        ([], False, ["email", "chat", "messenger", "sms", "call"]),
    ],
)
def test_contact_methods_a_buyer_may_choose(offered, is_guest, expected):
    shop = ShopFactory(contact_methods=offered)
    assert shop.contact_methods_for(is_guest=is_guest) == expected


def test_vacation_follows_its_dates_without_any_job():
    shop = ShopFactory()
    today = timezone.localdate()
    services.vacation_set(
        shop=shop, message="На ярмарке", starts_on=today + timedelta(days=2), ends_on=today + timedelta(days=5),
        allow_cart=False,
    )  # fmt: skip
    shop.refresh_from_db()
    assert shop.current_vacation() is None
    assert shop.current_vacation(today + timedelta(days=2)).message == "На ярмарке"
    assert shop.current_vacation(today + timedelta(days=5)) is not None
    assert shop.current_vacation(today + timedelta(days=6)) is None


def test_vacation_dates_are_checked():
    shop = ShopFactory()
    today = timezone.localdate()
    with pytest.raises(ShopError, match="не может закончиться раньше"):
        services.vacation_set(
            shop=shop, message="x", starts_on=today, ends_on=today - timedelta(days=1), allow_cart=True
        )
    with pytest.raises(ShopError, match="уже закончился"):
        services.vacation_set(
            shop=shop,
            message="x",
            starts_on=today - timedelta(days=9),
            ends_on=today - timedelta(days=1),
            allow_cart=True,
        )
    assert not hasattr(Shop.objects.get(pk=shop.pk), "vacation")


def test_replacing_the_logo_deletes_the_old_file_after_commit(django_capture_on_commit_callbacks):
    from marketplace.images import clean_image

    from .factories import image_upload

    shop = ShopFactory()
    with django_capture_on_commit_callbacks(execute=True):
        services.shop_set_images(shop=shop, logo=clean_image(image_upload((400, 400)), LOGO_SPEC, label="Логотип"))
    first = shop.logo.name
    assert shop.logo.storage.exists(first)
    with django_capture_on_commit_callbacks(execute=True):
        services.shop_set_images(shop=shop, logo=clean_image(image_upload((300, 300)), LOGO_SPEC, label="Логотип"))
    assert shop.logo.name != first
    assert not shop.logo.storage.exists(first)
    with django_capture_on_commit_callbacks(execute=True):
        services.shop_set_images(shop=shop, remove_logo=True)
    shop.refresh_from_db()
    assert not shop.logo


def test_collection_names_are_unique_within_a_shop_only():
    shop = ShopFactory()
    services.collection_save(shop=shop, name="Вигвамы")
    with pytest.raises(ShopError, match="уже есть коллекция «вигвамы»"):
        services.collection_save(shop=shop, name="вигвамы")
    services.collection_save(shop=ShopFactory(), name="Вигвамы")


def test_a_collection_of_another_shop_cannot_be_changed():
    other = CollectionFactory()
    with pytest.raises(ShopError):
        services.collection_save(shop=ShopFactory(), collection=other, name="Чужая")
    other.refresh_from_db()
    assert other.name != "Чужая"
