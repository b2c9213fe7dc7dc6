"""The buyer's and the seller's message pages: permissions, refusals kept in the box, query budgets."""

import pytest
from django.test import Client
from django.urls import reverse

from catalog.tests.factories import ProductFactory
from marketplace.tests.factories import UserFactory
from messaging import services
from messaging.models import Conversation, MessageReport, QuickReply, Side
from orders.tests.factories import order_for
from shops.tests.factories import ShopFactory

from .factories import conversation_with, pdf_upload, png_upload

pytestmark = pytest.mark.django_db


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def conversation():
    return conversation_with()


# --- Permissions --------------------------------------------------------------------------------


def buyer_urls(conversation):
    pk = conversation.pk
    return [reverse("messaging:detail", kwargs={"pk": pk}), reverse("messaging:poll", kwargs={"pk": pk})]


def cabinet_urls(conversation):
    pk = conversation.pk
    return [
        reverse("messaging:cabinet-detail", kwargs={"pk": pk}),
        reverse("messaging:cabinet-poll", kwargs={"pk": pk}),
    ]


def test_buyer_pages_permission_matrix(conversation):
    for url in buyer_urls(conversation):
        assert client_for(conversation.buyer).get(url).status_code == 200
        assert client_for(UserFactory()).get(url).status_code == 404
        assert client_for(conversation.shop.owner).get(url).status_code == 404
        response = Client().get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert client_for(conversation.buyer).get(reverse("messaging:list")).status_code == 200
    assert "/accounts/login/" in Client().get(reverse("messaging:list"))["Location"]


def test_cabinet_pages_permission_matrix(conversation):
    urls = [*cabinet_urls(conversation), reverse("messaging:cabinet-list"), reverse("messaging:cabinet-replies")]
    for url in urls:
        assert client_for(conversation.shop.owner).get(url).status_code == 200
        if "/cabinet/messages/" + str(conversation.pk) in url:
            assert client_for(ShopFactory().owner).get(url).status_code == 404
        assert client_for(conversation.buyer).get(url).status_code == 404  # a buyer has no shop
        assert "/accounts/login/" in Client().get(url)["Location"]


def test_attachments_only_for_the_two_sides(conversation):
    message = services.message_send(conversation=conversation, author=conversation.buyer, side=Side.BUYER,
                                    text="", files=[png_upload(), pdf_upload()])  # fmt: skip
    image, pdf = sorted(message.attachments.all(), key=lambda a: a.kind)
    url = reverse("messaging:attachment", kwargs={"pk": conversation.pk, "attachment_pk": image.pk})
    response = client_for(conversation.buyer).get(url)
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    assert response["X-Content-Type-Options"] == "nosniff"
    cabinet_url = reverse("messaging:cabinet-attachment", kwargs={"pk": conversation.pk, "attachment_pk": pdf.pk})
    response = client_for(conversation.shop.owner).get(cabinet_url)
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    assert client_for(UserFactory()).get(url).status_code == 404
    assert client_for(ShopFactory().owner).get(cabinet_url).status_code == 404
    # /media/ never serves the private folder.
    assert Client().get("/media/" + image.file.name).status_code == 404


# --- Starting conversations ---------------------------------------------------------------------


def test_guest_is_asked_to_log_in_and_comes_back_to_the_product():
    product = ProductFactory()
    response = Client().get(reverse("messaging:new") + f"?product={product.pk}")
    assert response.status_code == 302
    assert "/accounts/login/?next=/messages/new/%3Fproduct%3D" in response["Location"]


def test_buyer_asks_about_a_product_before_ordering(mailoutbox, django_capture_on_commit_callbacks):
    product = ProductFactory()
    buyer = UserFactory()
    client = client_for(buyer)
    url = reverse("messaging:new") + f"?product={product.pk}"
    page = client.get(url)
    assert page.status_code == 200
    assert "Сообщение магазину" in page.content.decode()
    assert product.title in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"text": "Есть ли синий?"})
    conversation = Conversation.objects.get()
    assert response["Location"] == reverse("messaging:detail", kwargs={"pk": conversation.pk})
    message = conversation.messages.get()
    assert message.product == product
    assert mailoutbox[0].to == [product.shop.owner.email]
    # Next time the button leads to the same conversation.
    again = client.get(url)
    assert again["Location"].startswith(reverse("messaging:detail", kwargs={"pk": conversation.pk}))


def test_from_the_storefront_and_unknown_shop():
    shop = ShopFactory()
    client = client_for(UserFactory())
    assert client.get(reverse("messaging:new") + f"?shop={shop.slug}").status_code == 200
    assert client.get(reverse("messaging:new") + "?shop=nope").status_code == 404
    assert client.get(reverse("messaging:new") + "?product=abc").status_code == 404
    assert client.get(reverse("messaging:new")).status_code == 404


def test_refused_first_message_keeps_the_text_and_leaves_no_conversation():
    shop = ShopFactory()
    client = client_for(UserFactory())
    url = reverse("messaging:new") + f"?shop={shop.slug}"
    response = client.post(url, {"text": "Мой номер +7 912 345-67-89, пишите в телегу"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "+7 912 345-67-89, пишите в телегу</textarea>" in page
    assert "номер телефона" in page
    assert not Conversation.objects.exists()


def test_refused_reply_in_a_conversation_keeps_the_text(conversation):
    url = reverse("messaging:detail", kwargs={"pk": conversation.pk})
    response = client_for(conversation.buyer).post(url, {"text": "смотрите example.org"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "смотрите example.org</textarea>" in page
    assert "ссылка на другой сайт «example.org»" in page
    assert conversation.messages.count() == 1


def test_seller_writes_from_an_order_page():
    shop, buyer = ShopFactory(), UserFactory()
    order = order_for(shop, buyer=buyer)
    seller = client_for(shop.owner)
    detail = seller.get(reverse("orders:cabinet-detail", kwargs={"number": order.number})).content.decode()
    write_url = reverse("messaging:cabinet-order", kwargs={"number": order.number})
    assert f'href="{write_url}"' in detail
    assert seller.get(write_url).status_code == 200
    response = seller.post(write_url, {"text": "Здравствуйте! Уточните цвет.", "order": order.pk})
    conversation = Conversation.objects.get()
    assert response["Location"] == reverse("messaging:cabinet-detail", kwargs={"pk": conversation.pk})
    assert conversation.messages.get().order == order
    assert client_for(ShopFactory().owner).get(write_url).status_code == 404


def test_guest_order_button_is_disabled_with_the_reason():
    shop = ShopFactory()
    order = order_for(shop)
    seller = client_for(shop.owner)
    page = seller.get(reverse("orders:cabinet-detail", kwargs={"number": order.number})).content.decode()
    assert "Гости не могут пользоваться чатом на сайте" in page
    assert 'disabled aria-describedby="write-disabled"' in page
    response = seller.get(reverse("messaging:cabinet-order", kwargs={"number": order.number}))
    assert response.status_code == 302


def test_seller_invoice_email_carries_the_write_link(mailoutbox, django_capture_on_commit_callbacks):
    shop, buyer = ShopFactory(), UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        order = order_for(shop, buyer=buyer)
    seller_mail = next(m for m in mailoutbox if m.to == [shop.owner.email])
    buyer_mail = next(m for m in mailoutbox if m.to == [buyer.email])
    link = reverse("messaging:cabinet-order", kwargs={"number": order.number})
    assert "Написать покупателю: http" in seller_mail.body and link in seller_mail.body
    assert link not in buyer_mail.body


# --- In a conversation --------------------------------------------------------------------------


def test_poll_answers_204_until_something_changes(conversation):
    buyer = client_for(conversation.buyer)
    page = buyer.get(reverse("messaging:detail", kwargs={"pk": conversation.pk})).content.decode()
    state = page.split("?state=")[1].split('"')[0]
    poll = reverse("messaging:poll", kwargs={"pk": conversation.pk})
    assert buyer.get(poll, {"state": state}).status_code == 204
    services.message_send(conversation=conversation, author=conversation.shop.owner, side=Side.SHOP, text="Да!")
    response = buyer.get(poll, {"state": state})
    assert response.status_code == 200 and "Да!" in response.content.decode()


def test_opening_a_conversation_marks_it_read_and_updates_the_badge(conversation):
    seller = client_for(conversation.shop.owner)
    badge = seller.get(reverse("messaging:unread-badge")).content.decode()
    assert ">1</span>" in badge
    seller.get(reverse("messaging:cabinet-detail", kwargs={"pk": conversation.pk}))
    badge = seller.get(reverse("messaging:unread-badge")).content.decode()
    assert ">0</span>" in badge and "d-none" in badge
    assert Client().get(reverse("messaging:unread-badge")).status_code == 204


def test_cabinet_overview_shows_unread_count(conversation):
    page = client_for(conversation.shop.owner).get(reverse("shops:cabinet-home")).content.decode()
    assert 'Непрочитанные сообщения</div><div class="stat-value">1<' in page


def test_seller_sends_with_quick_reply_and_order(conversation):
    order = order_for(conversation.shop, buyer=conversation.buyer)
    seller = client_for(conversation.shop.owner)
    url = reverse("messaging:cabinet-detail", kwargs={"pk": conversation.pk})
    page = seller.get(url).content.decode()
    assert "Заказ собран" in page  # the seed's quick replies
    reply = QuickReply.objects.get(shop=conversation.shop, title="Заказ собран")
    prefilled = seller.get(url, {"reply": reply.pk, "order": order.pk}).content.decode()
    assert f"Ваш заказ №{order.number} собран и передан в доставку</textarea>" in prefilled
    response = seller.post(url, {"text": reply.text, "order": order.pk})
    assert response.status_code == 302
    message = conversation.messages.last()
    assert message.text == f"Ваш заказ №{order.number} собран и передан в доставку" and message.order == order
    thread = client_for(conversation.buyer).get(reverse("messaging:detail", kwargs={"pk": conversation.pk}))
    assert f"Заказ {order.number}" in thread.content.decode()


def test_buyer_reports_a_shop_message(conversation):
    message = services.message_send(conversation=conversation, author=conversation.shop.owner, side=Side.SHOP,
                                    text="Ответ")  # fmt: skip
    url = reverse("messaging:report", kwargs={"pk": conversation.pk, "message_pk": message.pk})
    assert client_for(UserFactory()).post(url, {"reason": "x"}).status_code == 404
    response = client_for(conversation.buyer).post(url, {"reason": "Грубит"})
    assert response.status_code == 302
    assert MessageReport.objects.get().reason == "Грубит"


def test_cabinet_filters_and_search():
    shop = ShopFactory()
    anna = UserFactory(name="Анна Петрова")
    boris = UserFactory(name="Борис Смирнов")
    with_order = conversation_with(shop=shop, buyer=anna)
    order = order_for(shop, buyer=anna)
    answered = conversation_with(shop=shop, buyer=boris)
    services.message_send(conversation=answered, author=shop.owner, side=Side.SHOP, text="Ответ")
    client = client_for(shop.owner)
    url = reverse("messaging:cabinet-list")

    def names(**params):
        return client.get(url, params).content.decode()

    assert "Анна Петрова" in names(show="unread") and "Борис Смирнов" not in names(show="unread")
    assert "Анна Петрова" in names(show="unanswered") and "Борис Смирнов" not in names(show="unanswered")
    assert "Анна Петрова" in names(show="order") and "Борис Смирнов" not in names(show="order")
    assert "Борис Смирнов" in names(q="Борис") and "Анна Петрова" not in names(q="Борис")
    assert "Анна Петрова" in names(q=order.number) and "Борис Смирнов" not in names(q=order.number)
    assert with_order.pk


# The query budgets of these pages (3 and 300 rows) are in test_query_budgets.py.


# --- Includes for the catalog's templates -------------------------------------------------------


def test_message_button_include(rf):
    from django.contrib.auth.models import AnonymousUser
    from django.template.loader import render_to_string

    product = ProductFactory()
    request = rf.get("/")
    request.user = AnonymousUser()
    html = render_to_string("messaging/includes/message_button.html", {"product": product, "user": request.user})
    assert f'href="/messages/new/?product={product.pk}"' in html and "Сообщение" in html
    html = render_to_string("messaging/includes/message_button.html", {"shop": product.shop, "user": UserFactory()})
    assert f'href="/messages/new/?shop={product.shop.slug}"' in html
    own = render_to_string("messaging/includes/message_button.html", {"product": product, "user": product.shop.owner})
    assert "message-shop" not in own


def test_response_time_include():
    from django.template.loader import render_to_string

    shop = ShopFactory()
    assert "response-time" not in render_to_string("messaging/includes/response_time.html", {"shop": shop})
    shop.response_hours = 3
    html = render_to_string("messaging/includes/response_time.html", {"shop": shop})
    assert "Обычно отвечает в течение 3 ч" in html


@pytest.mark.django_db
def test_the_product_page_and_storefront_offer_a_message_to_the_shop_but_not_to_its_owner(client):
    shop = ShopFactory(slug="anna")
    product = ProductFactory(shop=shop, is_enabled=True)
    for who in (None, UserFactory()):
        if who:
            client.force_login(who)
        for url, param in ((f"/p/{product.pk}/", f"product={product.pk}"), ("/shops/anna/", "shop=anna")):
            page = client.get(url).content.decode()
            assert 'data-testid="message-shop"' in page and f"/messages/new/?{param}" in page
    client.force_login(shop.owner)
    assert 'data-testid="message-shop"' not in client.get(f"/p/{product.pk}/").content.decode()
    assert 'data-testid="message-shop"' not in client.get("/shops/anna/").content.decode()
