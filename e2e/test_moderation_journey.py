"""Moderation: a buyer complains about an order with a photo; the admin confirms it in the Django
admin; the seller sees the warning and the administration's negative review; a shop whose products
were hidden writes through «Написать нам» and the admin lifts the hiding."""

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from catalog.models import Product
from catalog.tests.factories import ProductFactory
from marketplace.tests.factories import UserFactory
from moderation.models import Appeal, Complaint, SanctionKind, SanctionReason
from moderation.services import sanction_impose
from orders.models import OrderStatus
from orders.tests.factories import order_for
from shops.models import SanctionState, Shop
from shops.tests.factories import ShopFactory, image_upload

from .conftest import DESKTOP, both_widths
from .test_shop_journey import log_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_complaint_warning_review_appeal_and_lifting(live_server, page, browser, screenshot, tmp_path):
    anna = ShopFactory(name="Мастерская Анны", slug="anna", owner=UserFactory(email="anna@example.com"))
    ProductFactory(shop=anna, title="Кружка «Сова»", price=Decimal("900"), stock=5)
    masha = UserFactory(email="masha@example.com", name="Мария Иванова")
    order = order_for(anna, buyer=masha, statuses=[OrderStatus.PAID, OrderStatus.SHIPPED])
    UserFactory(email="admin@example.com", is_staff=True, is_superuser=True)
    photo = tmp_path / "crack.png"
    photo.write_bytes(image_upload(size=(800, 600), color="#8a5a44").read())

    # The buyer complains about the order's quality, with a photo.
    log_in(page, live_server.url, "masha@example.com")
    page.goto(live_server.url + order.get_absolute_url())
    page.get_by_test_id("order-complain").get_by_role("link", name="Пожаловаться").click()
    page.get_by_label("Качество товара").check()
    page.get_by_label("Опишите, что случилось").fill("Кружка пришла с трещиной по ручке, продавец не отвечает.")
    page.locator("input[type=file]").set_input_files(str(photo))
    both_widths(page, screenshot, "moderation-complaint-form")
    page.get_by_test_id("complaint-submit").click()
    expect(page.get_by_test_id("complaint-photo")).to_have_count(1)
    complaint = Complaint.objects.get()
    assert complaint.order_id == order.pk and complaint.photos.count() == 1

    # The admin confirms it in the Django admin: a warning and the administration's review.
    admin = browser.new_page(locale="ru-RU", viewport=DESKTOP)
    log_in(admin, live_server.url, "admin@example.com")
    admin.goto(f"{live_server.url}/admin/moderation/complaint/{complaint.pk}/decide/")
    expect(admin.get_by_test_id("decide-photo")).to_have_count(1)
    confirm = admin.get_by_test_id("confirm-form")
    confirm.locator("textarea").fill("Жалоба подтверждена: трещина видна на фото, замену покупатель не получил.")
    screenshot(admin, "moderation-admin-decide-1366")
    confirm.locator("input[type=submit]").click()
    complaint.refresh_from_db()
    assert complaint.status == "confirmed"

    # The seller sees the warning in the cabinet and the review on the storefront.
    seller = browser.new_page(locale="ru-RU", viewport=DESKTOP)
    log_in(seller, live_server.url, "anna@example.com")
    seller.goto(live_server.url + "/cabinet/sanctions/")
    expect(seller.get_by_text("Предупреждение").first).to_be_visible()
    both_widths(seller, screenshot, "moderation-cabinet-sanctions")
    seller.goto(live_server.url + "/shops/anna/reviews/")
    expect(seller.get_by_text("Отзыв администрации Лавки").first).to_be_visible()
    expect(seller.get_by_text("трещина видна на фото").first).to_be_visible()

    # Later her products are hidden (three unanswered messages); she writes through «Написать нам».
    hiding = sanction_impose(shop=anna, kind=SanctionKind.HIDE_PRODUCTS, reason=SanctionReason.UNANSWERED,
                             details="Три сообщения покупателей больше трёх дней без ответа.")  # fmt: skip
    assert not Product.objects.visible().filter(shop=anna).exists()
    seller.goto(live_server.url + "/cabinet/sanctions/")
    seller.locator(f"a[href$='?sanction={hiding.pk}']").click()
    seller.get_by_role("textbox", name="Сообщение").fill("Ответила всем покупателям и включила уведомления.")
    both_widths(seller, screenshot, "moderation-contact")
    seller.get_by_test_id("contact-submit").click()
    appeal = Appeal.objects.get()
    assert appeal.sanction_id == hiding.pk

    # The admin lifts the hiding from the appeal; the products are back.
    admin.goto(f"{live_server.url}/admin/moderation/appeal/")
    screenshot(admin, "moderation-admin-appeals-1366")
    admin.goto(f"{live_server.url}/admin/moderation/appeal/{appeal.pk}/lift/")
    admin.locator("textarea").first.fill("Продавец ответил покупателям, уведомления включены.")
    admin.locator("input[type=submit], button[type=submit]").last.click()
    hiding.refresh_from_db()
    assert hiding.lifted_at is not None
    assert Shop.objects.get(pk=anna.pk).sanction_state == SanctionState.ACTIVE
    assert Product.objects.visible().filter(shop=anna).exists()
