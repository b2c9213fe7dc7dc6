"""E-mails of orders: the text part and the subject are plain text, only the HTML part is escaped."""

import pytest

from catalog.tests.factories import ProductFactory
from orders import services
from orders.models import Cart, CartLine
from shops.tests.factories import ShopFactory

pytestmark = pytest.mark.django_db

SHOP_NAME = "Д'Артаньян & Ко"
ADDRESS = '620000, Екатеринбург, ул. "Ленина" <во дворе>, д. 1'


def test_invoice_text_and_subject_keep_quotes_and_ampersands(mailoutbox, django_capture_on_commit_callbacks):
    shop = ShopFactory(name=SHOP_NAME)
    cart = Cart.objects.create()
    CartLine.objects.create(cart=cart, product=ProductFactory(shop=shop, stock=5), quantity=1)
    with django_capture_on_commit_callbacks(execute=True):
        order = services.order_place(
            cart=cart, shop=shop, buyer=None, idempotency_key="k-1", buyer_name="Мария O'Нил & сын",
            phone="+79265550101", email="o'neil@example.com", address=ADDRESS, delivery_method="russian_post",
            contact_method="email", rules_accepted=True,
        )  # fmt: skip

    buyer_mail = next(mail for mail in mailoutbox if mail.to == ["o'neil@example.com"])
    seller_mail = next(mail for mail in mailoutbox if mail.to == [shop.owner.email])
    assert buyer_mail.subject == f"Ваш заказ {order.number} в магазине «{SHOP_NAME}»"
    assert seller_mail.subject == f"Новый заказ {order.number}: Мария O'Нил & сын"
    for mail in (buyer_mail, seller_mail):
        assert SHOP_NAME in mail.body
        assert ADDRESS in mail.body
        assert "o'neil@example.com" in mail.body
        assert "&amp;" not in mail.body + mail.subject and "&#x27;" not in mail.body + mail.subject
        html = mail.alternatives[0][0]
        assert "Д&#x27;Артаньян &amp; Ко" in html
        assert "ул. &quot;Ленина&quot; &lt;во дворе&gt;" in html
        assert SHOP_NAME not in html and "<во дворе>" not in html
