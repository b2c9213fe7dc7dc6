from datetime import timedelta

import pytest
from django.utils import timezone

from marketplace.tests.factories import UserFactory
from shops.models import Collection, Shop

from .factories import CollectionFactory, ShopFactory, image_upload

pytestmark = pytest.mark.django_db

CABINET_PAGES = [
    "/cabinet/shop/",
    "/cabinet/shop/about/",
    "/cabinet/shop/delivery/",
    "/cabinet/shop/rules/",
    "/cabinet/shop/images/",
    "/cabinet/shop/contacts/",
    "/cabinet/shop/vacation/",
    "/cabinet/collections/",
    "/cabinet/collections/new/",
]


@pytest.fixture
def shop():
    return ShopFactory(name="Мастерская Анны", slug="masterskaya-anny")


@pytest.fixture
def owner_client(client, shop):
    client.force_login(shop.owner)
    return client


@pytest.mark.parametrize("url", [*CABINET_PAGES, "/cabinet/"])
def test_owner_sees_cabinet_pages(owner_client, url):
    response = owner_client.get(url)
    assert response.status_code == 200
    assert "Мастерская Анны" in response.content.decode()


@pytest.mark.parametrize("url", CABINET_PAGES)
def test_a_buyer_without_a_shop_gets_404(client, url):
    client.force_login(UserFactory())
    assert client.get(url).status_code == 404


@pytest.mark.parametrize("url", [*CABINET_PAGES, "/cabinet/", "/cabinet/open/"])
def test_anonymous_is_sent_to_log_in(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")


def test_other_seller_gets_404_on_a_collection(client, shop):
    collection = CollectionFactory(shop=shop, name="Вигвамы")
    client.force_login(ShopFactory().owner)
    assert client.get(f"/cabinet/collections/{collection.pk}/").status_code == 404
    assert client.post(f"/cabinet/collections/{collection.pk}/delete/").status_code == 404
    assert client.post(f"/cabinet/collections/{collection.pk}/", {"name": "Чужое", "position": 1}).status_code == 404
    assert Collection.objects.get(pk=collection.pk).name == "Вигвамы"


def test_other_seller_cannot_delete_an_about_image(client, shop):
    from shops import services

    picture = services.about_image_add(shop=shop, image=image_upload((800, 600)))
    client.force_login(ShopFactory().owner)
    assert client.post(f"/cabinet/shop/about/images/{picture.pk}/delete/").status_code == 404
    assert shop.about_images.count() == 1


def test_cabinet_home_sends_a_buyer_to_open_a_shop(client):
    client.force_login(UserFactory())
    response = client.get("/cabinet/")
    assert response.status_code == 302
    assert response["Location"] == "/cabinet/open/"


def test_an_address_typed_in_capitals_is_lowered(client):
    user = UserFactory()
    client.force_login(user)
    client.post("/cabinet/open/", {"name": "Свечи", "slug": "Svechi-Tula", "city": "Тула"})
    assert Shop.objects.get(owner=user).slug == "svechi-tula"


def test_opening_a_shop_makes_the_address_from_the_name(client):
    user = UserFactory(city="Тула")
    client.force_login(user)
    page = client.get("/cabinet/open/").content.decode()
    assert 'value="Тула"' in page  # the city is suggested from the profile
    response = client.post("/cabinet/open/", {"name": "Мастерская Анны", "slug": "", "city": "Тула", "tagline": ""})
    assert response.status_code == 302
    shop = Shop.objects.get(owner=user)
    assert shop.slug == "masterskaya-anny"
    home = client.get("/").content.decode()
    assert "Кабинет продавца" in home  # the header now shows the cabinet


@pytest.mark.parametrize(
    ("data", "error"),
    [
        ({"name": "", "slug": "abc", "city": "Тула"}, "Обязательное поле."),
        ({"name": "Лавка", "slug": "Bad Slug!", "city": "Тула"}, "Значение должно состоять только из латинских букв"),
        ({"name": "Лавка", "slug": "my_shop", "city": "Тула"}, "Используйте от 3 до 50 строчных латинских букв"),
        ({"name": "Лавка", "slug": "-shop", "city": "Тула"}, "дефис не может стоять в начале или в конце"),
        ({"name": "Лавка", "slug": "taken-slug", "city": "Тула"}, "Этот адрес уже занят. Выберите другой."),
        ({"name": "Лавка", "slug": "", "city": ""}, "Обязательное поле."),
        ({"name": "Звоните +7 912 345-67-89", "slug": "zvonite", "city": "Тула"}, "Здесь нельзя указывать контакты"),
        ({"name": "Я" * 81, "slug": "long", "city": "Тула"}, "не более 80 символов"),
        ({"name": "Ё", "slug": "", "city": "Тула"}, "Придумайте адрес сами"),
    ],
)
def test_bad_shop_opening_input_keeps_the_form_and_saves_nothing(client, data, error):
    ShopFactory(slug="taken-slug")
    user = UserFactory()
    client.force_login(user)
    response = client.post("/cabinet/open/", {"tagline": "Свечи", **data})
    page = response.content.decode()
    assert response.status_code == 200
    assert error in page
    assert 'value="Свечи"' in page
    assert not Shop.objects.filter(owner=user).exists()


def test_profile_sections_save_and_refuse_contacts(owner_client, shop):
    response = owner_client.post(
        "/cabinet/shop/delivery/",
        {"payment_systems": ["card", "sbp"], "carriers": ["cdek"], "delivery_info": "Отправка за 2 дня",
         "prepayment_terms": "Пишите в телеграм @anna_shop"},
    )  # fmt: skip
    page = response.content.decode()
    assert response.status_code == 200
    assert "Здесь нельзя указывать контакты и ссылки. Найдено:" in page
    assert "@anna_shop" in page
    shop.refresh_from_db()
    assert shop.carriers == []  # nothing half-saved

    response = owner_client.post(
        "/cabinet/shop/delivery/",
        {"payment_systems": ["card", "sbp"], "carriers": ["cdek"], "delivery_info": "Отправка за 2 дня"},
    )
    assert response.status_code == 302
    shop.refresh_from_db()
    assert shop.payment_systems == ["card", "sbp"]
    assert shop.carriers == ["cdek"]


@pytest.mark.parametrize("days", ["0", "31", "-1", "abc"])
def test_rules_confirmation_period_is_bounded(owner_client, shop, days):
    response = owner_client.post("/cabinet/shop/rules/", {"confirmation_days": days, "rules_returns": "14 дней"})
    assert response.status_code == 200
    assert "is-invalid" in response.content.decode()
    shop.refresh_from_db()
    assert shop.confirmation_days == 3 and shop.rules_returns == ""


def test_rules_save_with_the_consent_switch(owner_client, shop):
    response = owner_client.post(
        "/cabinet/shop/rules/", {"confirmation_days": "5", "rules_returns": "14 дней", "rules_consent_required": "on"}
    )
    assert response.status_code == 302
    shop.refresh_from_db()
    assert (shop.confirmation_days, shop.rules_returns, shop.rules_consent_required) == (5, "14 дней", True)


def test_logo_and_banner_upload(owner_client, shop):
    response = owner_client.post(
        "/cabinet/shop/images/",
        {"logo": image_upload((600, 600)), "banner": image_upload((1600, 400), fmt="JPEG", name="b.jpg")},
    )
    assert response.status_code == 302
    shop.refresh_from_db()
    assert shop.logo.width == 200 and shop.logo.height == 200
    assert shop.banner.width == 1600


def test_a_wrong_logo_says_its_size_and_keeps_the_old_one(owner_client, shop):
    owner_client.post("/cabinet/shop/images/", {"logo": image_upload((300, 300))})
    shop.refresh_from_db()
    old = shop.logo.name
    response = owner_client.post(  # a logo of another shape is cut to a square now; a too small one is refused
        "/cabinet/shop/images/", {"logo": image_upload((500, 150)), "banner": image_upload((1600, 400))}
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "Логотип: 500×150 пикселей, а нужно не меньше 200×200 пикселей." in page
    shop.refresh_from_db()
    assert shop.logo.name == old
    assert not shop.banner  # the valid banner is not half-saved either


def test_contact_methods_form_needs_two(owner_client, shop):
    response = owner_client.post("/cabinet/shop/contacts/", {"contact_methods": ["email"]})
    assert "Выберите не меньше двух способов связи" in response.content.decode()
    assert owner_client.post("/cabinet/shop/contacts/", {"contact_methods": ["email", "sms"]}).status_code == 302
    shop.refresh_from_db()
    assert shop.contact_methods == ["email", "sms"]


def test_vacation_can_be_created_and_ended(owner_client, shop):
    today = timezone.localdate()
    response = owner_client.post(
        "/cabinet/shop/vacation/",
        {
            "message": "Уехала на ярмарку",
            "starts_on": today.isoformat(),
            "ends_on": (today + timedelta(days=7)).isoformat(),
        },
    )
    assert response.status_code == 302
    shop.refresh_from_db()
    assert shop.current_vacation().allow_cart is False  # unticked box
    assert owner_client.post("/cabinet/shop/vacation/end/").status_code == 302
    assert not Shop.objects.get(pk=shop.pk).current_vacation()


def test_vacation_bad_dates_are_an_error_on_the_page(owner_client, shop):
    today = timezone.localdate()
    response = owner_client.post(
        "/cabinet/shop/vacation/",
        {"message": "Отпуск", "starts_on": today.isoformat(), "ends_on": (today - timedelta(days=3)).isoformat()},
    )
    page = response.content.decode()
    assert "Отпуск не может закончиться раньше, чем начнётся." in page
    assert "Отпуск</textarea>" in page
    assert not hasattr(Shop.objects.get(pk=shop.pk), "vacation")


def test_collections_create_edit_delete(owner_client, shop):
    response = owner_client.post(
        "/cabinet/collections/new/", {"name": "Вигвамы", "position": 1, "cover": image_upload((500, 500))}
    )
    assert response.status_code == 302
    collection = shop.collections.get()
    assert collection.cover.width == 500
    response = owner_client.post("/cabinet/collections/new/", {"name": "вигвамы", "position": 2})
    assert "В магазине уже есть коллекция «вигвамы»." in response.content.decode()
    owner_client.post(f"/cabinet/collections/{collection.pk}/", {"name": "Вигвамы и шалаши", "position": 3})
    collection.refresh_from_db()
    assert collection.name == "Вигвамы и шалаши" and collection.cover  # the cover stays
    owner_client.post(f"/cabinet/collections/{collection.pk}/delete/")
    assert not shop.collections.exists()


def test_about_text_and_images(owner_client, shop):
    assert owner_client.post("/cabinet/shop/about/", {"about": "## Кто мы\n\nШьём с 2015 года."}).status_code == 302
    response = owner_client.post("/cabinet/shop/about/images/", {"image": image_upload((100, 100)), "caption": ""})
    assert "Изображение: 100×100 пикселей, а нужно не меньше 400×300 пикселей." in response.content.decode()
    response = owner_client.post(
        "/cabinet/shop/about/images/", {"image": image_upload((800, 600)), "caption": "Мастерская"}
    )
    assert response.status_code == 302
    storefront = owner_client.get("/shops/masterskaya-anny/about/").content.decode()
    assert "<h2>Кто мы</h2>" in storefront
    assert "Мастерская" in storefront
