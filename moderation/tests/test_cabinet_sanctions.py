"""The seller's «Санкции» page, the cabinet banner while products are hidden or the shop is closed, and the
overview's «Предупреждения» counter."""

from datetime import timedelta

import pytest
from django.utils import timezone

from catalog.tests.factories import ProductFactory
from marketplace.tests.factories import UserFactory
from moderation.models import Appeal, Sanction, SanctionKind, SanctionReason
from moderation.services import appeal_answer, appeal_submit, sanction_impose, sanction_lift
from shops.tests.factories import ShopFactory

pytestmark = pytest.mark.django_db

PAGE = "/cabinet/sanctions/"


@pytest.fixture
def shop():
    return ShopFactory(name="Мастерская Анны", slug="anna", owner=UserFactory(email="anna@example.com", name="Анна"))


@pytest.fixture
def owner_client(client, shop):
    client.force_login(shop.owner)
    return client


def impose(shop, kind, reason=SanctionReason.OTHER, **kwargs):
    return sanction_impose(shop=shop, kind=kind, reason=reason, details=kwargs.pop("details", "Нарушение"), **kwargs)


def marked(page: str, name: str) -> int:
    return page.count(f'data-testid="{name}"')


# --- who sees it --------------------------------------------------------------------------------------------


def test_the_owner_sees_the_page(owner_client, shop):
    impose(shop, SanctionKind.WARNING, SanctionReason.QUALITY, details="Пришёл бракованный плед")
    response = owner_client.get(PAGE)
    assert response.status_code == 200
    assert "Пришёл бракованный плед" in response.content.decode()


def test_another_seller_sees_only_their_own_sanctions(client, shop):
    impose(shop, SanctionKind.WARNING, SanctionReason.QUALITY, details="Пришёл бракованный плед")
    other = ShopFactory(name="Другая лавка")
    impose(other, SanctionKind.HIDE_PRODUCTS, SanctionReason.UNANSWERED, details="Сообщения без ответа")
    client.force_login(other.owner)
    page = client.get(PAGE).content.decode()
    assert "Сообщения без ответа" in page and "Пришёл бракованный плед" not in page
    assert marked(page, "sanction") == 1


def test_a_buyer_without_a_shop_gets_404(client):
    client.force_login(UserFactory())
    assert client.get(PAGE).status_code == 404


def test_anonymous_is_sent_to_log_in(client):
    response = client.get(PAGE)
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/?next=")


# --- what it shows -------------------------------------------------------------------------------------------


def test_active_sanctions_come_first_with_what_to_do_and_a_button_to_write(owner_client, shop):
    product = ProductFactory(shop=shop, title="Вигвам из льна")
    old = impose(shop, SanctionKind.WARNING, SanctionReason.CONTACTS, details="Телефон в описании")
    sanction_lift(sanction=old, actor=UserFactory(is_staff=True), reason="Телефон удалён модератором")
    image = impose(shop, SanctionKind.HIDE_PRODUCT, SanctionReason.IMAGES, product=product,
                   details="Фото взято с чужого сайта", evidence="Найдено то же фото на example.com")  # fmt: skip
    Sanction.objects.filter(pk=old.pk).update(created_at=timezone.now() + timedelta(minutes=1))  # newer, yet lifted

    page = owner_client.get(PAGE).content.decode()
    assert page.index(f'id="sanction-{image.pk}"') < page.index(f'id="sanction-{old.pk}"')
    assert 'data-kind="hide_product"' in page and 'data-active="yes"' in page and 'data-active="no"' in page
    assert "Вигвам из льна" in page and "Найдено то же фото на example.com" in page
    assert marked(page, "sanction-next-step") == 1  # only for the active one
    assert f'href="/contact/?sanction={image.pk}"' in page
    assert f'href="/contact/?sanction={old.pk}"' not in page
    assert "Телефон удалён модератором" in page  # why it was lifted
    assert marked(page, "active-count") == 1 and '<div class="stat-value" data-testid="active-count">1</div>' in page


def test_what_to_do_follows_the_seed_for_each_reason(owner_client, shop, english):
    impose(shop, SanctionKind.HIDE_PRODUCTS, SanctionReason.UNANSWERED)
    page = owner_client.get(PAGE).content.decode()
    assert "Answer the buyers" in page and "write to us" in page


def test_a_ban_has_no_button_to_write(owner_client, shop):
    ban = impose(shop, SanctionKind.BAN, SanctionReason.FRAUD, details="Оплаченный товар не выслан")
    page = owner_client.get(PAGE).content.decode()
    assert f"/contact/?sanction={ban.pk}" not in page
    assert marked(page, "sanction-contact") == 0


def test_the_sellers_messages_and_the_answers(owner_client, shop):
    hidden = impose(shop, SanctionKind.HIDE_PRODUCTS, SanctionReason.NOT_PROCESSED)
    waiting = appeal_submit(author=shop.owner, name="Анна", email="anna@example.com", sanction=hidden,
                            text="Все заказы обработаны")  # fmt: skip
    question = appeal_submit(author=shop.owner, name="Анна", email="anna@example.com", text="Как сменить город?")
    appeal_answer(appeal=question, actor=UserFactory(is_staff=True), resolution="В профиле магазина.")
    appeal_submit(author=None, name="Гость", email="guest@example.com", text="Чужое сообщение")

    page = owner_client.get(PAGE).content.decode()
    assert "Все заказы обработаны" in page and "Как сменить город?" in page and "Чужое сообщение" not in page
    assert "В профиле магазина." in page
    assert marked(page, "appeal-waiting") == 1 and marked(page, "appeal-answer") == 1
    assert marked(page, "sanction-appeal-pending") == 1
    assert waiting.deadline.strftime("%Y") in page


def test_no_sanctions(owner_client):
    page = owner_client.get(PAGE).content.decode()
    assert marked(page, "sanctions-none") == 1 and marked(page, "appeals-none") == 1


# --- the cabinet around it -----------------------------------------------------------------------------------


def test_the_nav_links_the_page(owner_client):
    page = owner_client.get("/cabinet/").content.decode()
    assert 'data-testid="cabinet-sanctions"' in page and 'href="/cabinet/sanctions/"' in page


@pytest.mark.parametrize(("kind", "state"), [(SanctionKind.HIDE_PRODUCTS, "hidden"), (SanctionKind.SWITCH_OFF, "off"),
                                             (SanctionKind.BAN, "banned")])  # fmt: skip
def test_a_banner_on_every_cabinet_page_while_the_shop_is_sanctioned(owner_client, shop, kind, state):
    assert 'data-testid="sanction-banner"' not in owner_client.get("/cabinet/").content.decode()
    impose(shop, kind)
    for url in ["/cabinet/", "/cabinet/products/", "/cabinet/shop/", PAGE]:
        page = owner_client.get(url).content.decode()
        assert marked(page, "sanction-banner") == 1, url
        assert f'data-state="{state}"' in page


def test_no_banner_for_a_warning_or_one_hidden_product(owner_client, shop):
    impose(shop, SanctionKind.WARNING, SanctionReason.QUALITY)
    impose(shop, SanctionKind.HIDE_PRODUCT, SanctionReason.IMAGES, product=ProductFactory(shop=shop))
    assert 'data-testid="sanction-banner"' not in owner_client.get("/cabinet/").content.decode()


def test_the_overview_counts_the_shops_warnings(owner_client, shop):
    assert 'data-testid="warnings-count">0<' in owner_client.get("/cabinet/").content.decode()
    lifted = impose(shop, SanctionKind.WARNING, SanctionReason.QUALITY)
    sanction_lift(sanction=lifted, actor=UserFactory(is_staff=True), reason="Ошибка")
    impose(shop, SanctionKind.WARNING, SanctionReason.SERVICE)
    impose(shop, SanctionKind.HIDE_PRODUCTS, SanctionReason.UNANSWERED)  # not a warning
    impose(ShopFactory(), SanctionKind.WARNING, SanctionReason.SERVICE)  # another shop's
    assert 'data-testid="warnings-count">2<' in owner_client.get("/cabinet/").content.decode()
    assert 'data-testid="warnings-count">2<' in owner_client.get(PAGE).content.decode()


@pytest.mark.parametrize("count", [3, 300])
def test_the_page_query_budget_does_not_grow(owner_client, shop, count, django_assert_max_num_queries):
    product = ProductFactory(shop=shop)
    sanctions = Sanction.objects.bulk_create([
        Sanction(shop=shop, kind=SanctionKind.HIDE_PRODUCT if index % 2 else SanctionKind.WARNING,
                 reason=SanctionReason.IMAGES, product=product if index % 2 else None, details=f"Нарушение {index}",
                 lifted_at=timezone.now() if index % 3 else None)
        for index in range(count)
    ])  # fmt: skip
    Appeal.objects.bulk_create([
        Appeal(author=shop.owner, name="Анна", email="anna@example.com", text=f"Исправила {index}",
               sanction=sanctions[index], deadline=timezone.localdate())
        for index in range(count)
    ])  # fmt: skip
    with django_assert_max_num_queries(7):
        response = owner_client.get(PAGE)
    assert response.status_code == 200
    assert marked(response.content.decode(), "sanction") == count
