"""Sanctions of seed 001: each kind imposed and lifted, the shop's standing that follows on the pages
buyers see, the third warning's ban, a ban only a superuser reverses, the e-mails, the admin's forms."""

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.auth.models import Permission

from catalog.models import Product
from catalog.tests.factories import ProductFactory
from marketplace.tests.factories import UserFactory
from moderation.exceptions import SanctionError
from moderation.models import Sanction, SanctionKind, SanctionReason
from moderation.services import sanction_impose, sanction_lift
from orders.exceptions import CartError
from orders.models import Cart, CartLine, Order
from orders.services import cart_add, order_place
from orders.tests.test_checkout import DETAILS
from shops.models import SanctionState, Shop
from shops.tests.factories import ShopFactory

pytestmark = pytest.mark.django_db

SANCTIONS = "/admin/moderation/sanction/"


@pytest.fixture
def shop():
    return ShopFactory(name="Мастерская Анны", slug="anna", owner=UserFactory(email="anna@example.com"))


@pytest.fixture
def product(shop):
    return ProductFactory(shop=shop, title="Вигвам из льна", stock=5)


@pytest.fixture
def other_product(shop):
    return ProductFactory(shop=shop, title="Ночник-облако", stock=5)


@pytest.fixture
def staff():
    user = UserFactory(is_staff=True, email="moderator@lavka.test")
    user.user_permissions.set(Permission.objects.filter(
        content_type__app_label="moderation", codename__in=["view_sanction", "add_sanction", "change_sanction",
                                                           "view_appeal", "change_appeal"],
    ))  # fmt: skip
    return user


@pytest.fixture
def staff_client(client, staff):
    client.force_login(staff)
    return client


def impose(shop, kind, reason=SanctionReason.OTHER, actor=None, **kwargs):
    return sanction_impose(shop=shop, kind=kind, reason=reason, details="Нарушение правил площадки", actor=actor,
                           **kwargs)  # fmt: skip


def visible(shop):
    return set(Product.objects.visible().filter(shop=shop).values_list("title", flat=True))


def state(shop):
    shop.refresh_from_db()
    return shop.sanction_state


# --- the standing each kind brings, and lifting it -------------------------------------------------------


def test_hiding_one_product_hides_it_everywhere_and_lifting_returns_it(client, shop, product, other_product, staff):
    sanction = impose(shop, SanctionKind.HIDE_PRODUCT, SanctionReason.IMAGES, product=product, actor=staff)

    assert visible(shop) == {"Ночник-облако"}
    assert state(shop) == SanctionState.ACTIVE  # the shop stays open: one product is hidden
    response = client.get(f"/p/{product.pk}/")
    assert response.status_code == 404
    assert 'data-testid="product-unavailable"' in response.content.decode()
    storefront = client.get("/shops/anna/").content.decode()
    assert "Ночник-облако" in storefront and "Вигвам из льна" not in storefront

    sanction_lift(sanction=sanction, actor=staff, reason="Фото заменено")
    assert visible(shop) == {"Вигвам из льна", "Ночник-облако"}
    assert client.get(f"/p/{product.pk}/").status_code == 200


def test_hiding_the_shops_products_keeps_its_pages_readable(client, shop, product, staff):
    sanction = impose(shop, SanctionKind.HIDE_PRODUCTS, SanctionReason.UNANSWERED)

    assert state(shop) == SanctionState.HIDDEN and visible(shop) == set()
    assert sanction.created_by is None  # a job's sanction
    assert client.get(f"/p/{product.pk}/").status_code == 404
    products_tab = client.get("/shops/anna/")
    assert products_tab.status_code == 200
    assert 'data-testid="products-hidden"' in products_tab.content.decode()
    assert "Вигвам из льна" not in products_tab.content.decode()
    for tab in ["about/", "delivery/", "rules/", "reviews/"]:
        assert client.get(f"/shops/anna/{tab}").status_code == 200, tab

    sanction_lift(sanction=sanction, actor=staff, reason="Покупателям ответили")
    assert state(shop) == SanctionState.ACTIVE and visible(shop) == {"Вигвам из льна"}


@pytest.mark.parametrize(("kind", "expected"), [(SanctionKind.SWITCH_OFF, SanctionState.SWITCHED_OFF),
                                                (SanctionKind.BAN, SanctionState.BANNED)])  # fmt: skip
def test_switch_off_and_ban_close_the_whole_storefront(client, shop, product, kind, expected):
    impose(shop, kind, SanctionReason.FAKE_ORDERS)
    assert state(shop) == expected and visible(shop) == set()
    for url in ["/shops/anna/", "/shops/anna/about/", "/shops/anna/reviews/", f"/p/{product.pk}/"]:
        assert client.get(url).status_code == 404, url


def test_the_strongest_active_sanction_decides_the_standing(shop, product, staff):
    hidden = impose(shop, SanctionKind.HIDE_PRODUCTS, SanctionReason.NOT_PROCESSED)
    off = impose(shop, SanctionKind.SWITCH_OFF, SanctionReason.FAKE_ORDERS)
    assert state(shop) == SanctionState.SWITCHED_OFF
    sanction_lift(sanction=off, actor=staff, reason="Разобрались")
    assert state(shop) == SanctionState.HIDDEN
    sanction_lift(sanction=hidden, actor=staff, reason="Заказы обработаны")
    assert state(shop) == SanctionState.ACTIVE


def test_a_warning_changes_nothing_buyers_see(shop, product):
    impose(shop, SanctionKind.WARNING, SanctionReason.QUALITY)
    assert state(shop) == SanctionState.ACTIVE and visible(shop) == {"Вигвам из льна"}


def test_hiding_another_shops_product_is_refused(shop):
    foreign = ProductFactory(title="Чужой товар")
    with pytest.raises(SanctionError, match="Выберите товар этого магазина"):
        impose(shop, SanctionKind.HIDE_PRODUCT, product=foreign)
    with pytest.raises(SanctionError):
        impose(shop, SanctionKind.HIDE_PRODUCT)
    assert not Sanction.objects.exists()


def test_lifting_needs_a_reason_and_an_active_sanction(shop, staff):
    sanction = impose(shop, SanctionKind.HIDE_PRODUCTS)
    with pytest.raises(SanctionError) as error:
        sanction_lift(sanction=sanction, actor=staff, reason="   ")
    assert error.value.field == "reason"
    sanction_lift(sanction=sanction, actor=staff, reason="Исправлено")
    with pytest.raises(SanctionError, match="уже снята"):
        sanction_lift(sanction=sanction, actor=staff, reason="Ещё раз")


# --- warnings and bans --------------------------------------------------------------------------------------


def test_the_third_warning_bans_the_shop(shop, product, mailoutbox, django_capture_on_commit_callbacks):
    impose(shop, SanctionKind.WARNING, SanctionReason.QUALITY)
    impose(shop, SanctionKind.WARNING, SanctionReason.SERVICE)
    assert state(shop) == SanctionState.ACTIVE
    with django_capture_on_commit_callbacks(execute=True):
        impose(shop, SanctionKind.WARNING, SanctionReason.CONTACTS)

    ban = Sanction.objects.get(kind=SanctionKind.BAN)
    assert ban.reason == SanctionReason.WARNINGS and ban.is_active
    assert state(shop) == SanctionState.BANNED and visible(shop) == set()
    assert [mail.to for mail in mailoutbox] == [["anna@example.com"], ["anna@example.com"]]  # the warning, the ban


def test_a_lifted_warning_still_counts_towards_the_ban(shop, staff):
    first = impose(shop, SanctionKind.WARNING, SanctionReason.QUALITY)
    sanction_lift(sanction=first, actor=staff, reason="Покупатель отозвал жалобу")
    impose(shop, SanctionKind.WARNING, SanctionReason.QUALITY)
    impose(shop, SanctionKind.WARNING, SanctionReason.QUALITY)
    assert state(shop) == SanctionState.BANNED


def test_staff_cannot_reverse_a_ban_a_superuser_can_with_a_recorded_reason(shop, product, staff):
    ban = impose(shop, SanctionKind.BAN, SanctionReason.FRAUD)
    with pytest.raises(SanctionError, match="только суперпользователь"):
        sanction_lift(sanction=ban, actor=staff, reason="Ошибка")
    assert state(shop) == SanctionState.BANNED

    superuser = UserFactory(is_staff=True, is_superuser=True)
    sanction_lift(sanction=ban, actor=superuser, reason="Мошенничество не подтвердилось в суде")
    ban.refresh_from_db()
    assert ban.lifted_by == superuser and ban.lift_reason == "Мошенничество не подтвердилось в суде"
    assert state(shop) == SanctionState.ACTIVE and visible(shop) == {"Вигвам из льна"}


# --- e-mails ----------------------------------------------------------------------------------------------


def test_imposing_and_lifting_each_email_the_seller_once(shop, product, staff, mailoutbox,
                                                         django_capture_on_commit_callbacks):  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        sanction = impose(shop, SanctionKind.HIDE_PRODUCT, SanctionReason.IMAGES, product=product)
    assert len(mailoutbox) == 1
    imposed = mailoutbox[0]
    assert imposed.to == ["anna@example.com"]
    assert "Мастерская Анны" in imposed.subject
    assert "Вигвам из льна" in imposed.body and "Нарушение правил площадки" in imposed.body
    assert f"/contact/?sanction={sanction.pk}" in imposed.body and "/cabinet/sanctions/" in imposed.body
    assert f"/contact/?sanction={sanction.pk}" in imposed.alternatives[0][0]

    with django_capture_on_commit_callbacks(execute=True):
        sanction_lift(sanction=sanction, actor=staff, reason="Фото заменено на своё")
    assert len(mailoutbox) == 2
    lifted = mailoutbox[1]
    assert lifted.to == ["anna@example.com"] and "Фото заменено на своё" in lifted.body


def test_a_ban_email_does_not_invite_to_write(shop, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        impose(shop, SanctionKind.BAN, SanctionReason.FRAUD)
    assert len(mailoutbox) == 1 and "/contact/" not in mailoutbox[0].body


# --- carts and checkout -----------------------------------------------------------------------------------


def _cart_with(product):
    cart = Cart.objects.create()
    CartLine.objects.create(cart=cart, product=product, quantity=1, choice_ids=[], options_key="")
    return cart


def test_a_product_hidden_by_a_sanction_cannot_be_added_to_a_cart(shop, product, other_product):
    impose(shop, SanctionKind.HIDE_PRODUCT, SanctionReason.IMAGES, product=product)
    with pytest.raises(CartError, match="не продаётся|not on sale"):
        cart_add(cart=Cart.objects.create(), product=Product.objects.get(pk=product.pk), quantity=1)
    impose(shop, SanctionKind.HIDE_PRODUCTS, SanctionReason.UNANSWERED)
    with pytest.raises(CartError):
        cart_add(cart=Cart.objects.create(), product=Product.objects.get(pk=other_product.pk), quantity=1)


@pytest.mark.parametrize("kind", [SanctionKind.HIDE_PRODUCT, SanctionKind.HIDE_PRODUCTS, SanctionKind.SWITCH_OFF])
def test_a_product_in_a_cart_hidden_by_a_sanction_since_cannot_be_ordered(shop, product, kind):
    cart = _cart_with(product)
    impose(shop, kind, SanctionReason.OTHER, product=product if kind == SanctionKind.HIDE_PRODUCT else None)
    with pytest.raises(CartError):
        order_place(cart=cart, shop=Shop.objects.get(pk=shop.pk), buyer=None, **DETAILS)
    assert not Order.objects.exists()


def test_the_cart_marks_a_product_hidden_since_and_checkout_refuses_it(client, shop, product):
    client.post(f"/cart/add/{product.pk}/", {"quantity": "1"})
    assert CartLine.objects.filter(product=product).exists()
    impose(shop, SanctionKind.HIDE_PRODUCT, SanctionReason.IMAGES, product=product)

    assert "Больше не продаётся" in client.get("/cart/").content.decode()
    response = client.post("/checkout/anna/", DETAILS)
    assert "«Вигвам из льна» больше не продаётся" in response.content.decode()
    assert not Order.objects.exists()


# --- the admin --------------------------------------------------------------------------------------------


def test_the_admin_imposes_a_sanction_through_the_service(staff_client, staff, shop, product, other_product,
                                                          mailoutbox, django_capture_on_commit_callbacks):  # fmt: skip
    foreign = ProductFactory(title="Товар другого магазина")
    page = staff_client.get(f"{SANCTIONS}add/?shop={shop.pk}").content.decode()
    assert "Вигвам из льна" in page and "Ночник-облако" in page and "Товар другого магазина" not in page

    data = {"shop": shop.pk, "kind": SanctionKind.HIDE_PRODUCT, "reason": SanctionReason.IMAGES,
            "details": "Фото взято с чужого сайта", "evidence": "https://example.com/photo.jpg"}  # fmt: skip
    response = staff_client.post(f"{SANCTIONS}add/", data)  # no product: the form comes back with the shop's list
    assert response.status_code == 200 and not Sanction.objects.exists()
    assert "Вигвам из льна" in response.content.decode()
    response = staff_client.post(f"{SANCTIONS}add/", {**data, "product": foreign.pk})
    assert response.status_code == 200 and not Sanction.objects.exists()

    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(f"{SANCTIONS}add/", {**data, "product": product.pk})
    assert response.status_code == 302
    sanction = Sanction.objects.get()
    assert sanction.created_by == staff and sanction.product == product and sanction.evidence
    assert visible(shop) == {"Ночник-облако"}
    assert [mail.to for mail in mailoutbox] == [["anna@example.com"]]


def test_the_admin_lifts_with_a_reason_typed_on_the_intermediate_page(staff_client, staff, shop, product):
    sanction = impose(shop, SanctionKind.HIDE_PRODUCTS, SanctionReason.NOT_PROCESSED)
    change = staff_client.get(f"{SANCTIONS}{sanction.pk}/change/").content.decode()
    assert 'data-testid="admin-lift"' in change and 'name="_save"' not in change
    assert staff_client.get(f"{SANCTIONS}{sanction.pk}/lift/").status_code == 200
    response = staff_client.post(f"{SANCTIONS}{sanction.pk}/lift/", {"reason": ""})
    assert response.status_code == 400
    sanction.refresh_from_db()
    assert sanction.is_active

    response = staff_client.post(f"{SANCTIONS}{sanction.pk}/lift/", {"reason": "Заказы обработаны"})
    assert response.status_code == 302
    sanction.refresh_from_db()
    assert sanction.lifted_by == staff and sanction.lift_reason == "Заказы обработаны"
    assert state(shop) == SanctionState.ACTIVE


def test_the_admin_lifts_several_with_one_reason(staff_client, shop, product):
    first = impose(shop, SanctionKind.HIDE_PRODUCTS, SanctionReason.UNANSWERED)
    second = impose(shop, SanctionKind.HIDE_PRODUCT, SanctionReason.IMAGES, product=product)
    ban = impose(ShopFactory(), SanctionKind.BAN, SanctionReason.FRAUD)
    selected = {"action": "lift_selected", ACTION_CHECKBOX_NAME: [first.pk, second.pk, ban.pk]}
    page = staff_client.post(SANCTIONS, selected)
    assert page.status_code == 200 and 'name="reason"' in page.content.decode()
    staff_client.post(SANCTIONS, {**selected, "reason": "Исправлено"})
    assert list(Sanction.objects.filter(lifted_at__isnull=True).values_list("pk", flat=True)) == [ban.pk]
    assert state(shop) == SanctionState.ACTIVE


def test_only_a_superuser_reverses_a_ban_in_the_admin(staff_client, admin_client, shop):
    ban = impose(shop, SanctionKind.BAN, SanctionReason.FRAUD)
    page = staff_client.get(f"{SANCTIONS}{ban.pk}/change/").content.decode()
    assert 'data-testid="admin-reverse-ban"' in page
    assert staff_client.get(f"{SANCTIONS}{ban.pk}/lift/").status_code == 302  # back, with the refusal
    staff_client.post(f"{SANCTIONS}{ban.pk}/lift/", {"reason": "Прошу снять"})
    ban.refresh_from_db()
    assert ban.is_active

    assert admin_client.get(f"{SANCTIONS}{ban.pk}/lift/").status_code == 200
    admin_client.post(f"{SANCTIONS}{ban.pk}/lift/", {"reason": "Решение суда"})
    ban.refresh_from_db()
    assert not ban.is_active and ban.lift_reason == "Решение суда" and ban.lifted_by.is_superuser
    assert state(shop) == SanctionState.ACTIVE


def test_the_list_filters_and_search(staff_client, shop):
    two = ShopFactory(name="Две свечи")
    impose(two, SanctionKind.WARNING, SanctionReason.QUALITY)
    impose(two, SanctionKind.WARNING, SanctionReason.SERVICE)
    impose(shop, SanctionKind.WARNING, SanctionReason.QUALITY)
    lifted = impose(shop, SanctionKind.HIDE_PRODUCTS, SanctionReason.UNANSWERED)
    sanction_lift(sanction=lifted, actor=UserFactory(is_staff=True), reason="Ответил")

    def shops_listed(query):
        response = staff_client.get(f"{SANCTIONS}?{query}")
        assert response.status_code == 200
        return {sanction.shop.name for sanction in response.context["cl"].result_list}, \
            len(response.context["cl"].result_list)  # fmt: skip

    assert shops_listed("warnings=2") == ({"Две свечи"}, 2)
    assert shops_listed("active=no") == ({"Мастерская Анны"}, 1)
    assert shops_listed("active=yes") == ({"Две свечи", "Мастерская Анны"}, 3)
    assert shops_listed("kind__exact=hide_products") == ({"Мастерская Анны"}, 1)
    assert shops_listed("reason__exact=service") == ({"Две свечи"}, 1)
    assert shops_listed("q=свечи") == ({"Две свечи"}, 2)


def test_a_sanction_is_never_deleted(staff_client, shop):
    sanction = impose(shop, SanctionKind.WARNING, SanctionReason.QUALITY)
    assert staff_client.post(f"{SANCTIONS}{sanction.pk}/delete/", {"post": "yes"}).status_code == 403
    assert Sanction.objects.filter(pk=sanction.pk).exists()


def test_the_shop_admin_has_no_state_switches_and_points_to_sanctions(admin_client, shop):
    page = admin_client.get("/admin/shops/shop/").content.decode()
    for action in ("make_active", "hide_products", 'value="ban"'):
        assert action not in page
    change = admin_client.get(f"/admin/shops/shop/{shop.pk}/change/")
    assert "sanction_state" not in change.context["adminform"].form.fields
    html = change.content.decode()
    assert f"/admin/moderation/sanction/?shop__id__exact={shop.pk}" in html
    assert f"/admin/moderation/sanction/add/?shop={shop.pk}" in html
