"""The flows that touch Redis and the worker, run for real in CI's PostgreSQL pass: a buyer and a
seller use the site through gunicorn while a Celery worker delivers the mail, with sessions, the
page cache and the broker in a Redis of the test's own (everywhere else tests get a private
in-memory cache and eager tasks, conftest.py).
"""

import hashlib
from decimal import Decimal

import pytest
import redis
from django.contrib.sessions.models import Session

from catalog.models import Product
from catalog.tests.factories import ProductFactory
from marketplace.models import OutboxMessage
from messaging.models import Conversation
from orders.models import Order, OrderStatus
from shops.tests.factories import ShopFactory

from .factories import PASSWORD, UserFactory
from .live import Browser, free_port, mails_to, service_env, start_redis, start_web, start_worker, wait_for

pytestmark = pytest.mark.broker

BUYER, SELLER, ADMIN = "masha@example.com", "anna@example.com", "admin@lavka.test"
DETAILS = {
    "buyer_name": "Мария Иванова",
    "phone": "+7 926 555-01-01",
    "email": BUYER,
    "address": "620000, Екатеринбург, ул. Ленина, 1, кв. 2",
    "delivery_method": "cdek",
    "contact_method": "email",
}


def sign_in(browser, email):
    response = browser.submit("/accounts/login/", having="password", data={"login": email, "password": PASSWORD})
    assert response.status == 200 and response.path == "/", (response.url, response.text[:500])
    return response


def all_mail_sent(expected: int):
    def check():
        rows = list(OutboxMessage.objects.values_list("status", flat=True))
        return len(rows) == expected and set(rows) == {OutboxMessage.Status.SENT}

    return check


def test_buyer_and_seller_through_real_sessions_page_cache_broker_and_worker(processes, tmp_path):
    port = free_port()
    store = redis.Redis(port=port)
    maildir = tmp_path / "mail"
    maildir.mkdir()
    start_redis(processes, port)
    env = service_env(f"redis://127.0.0.1:{port}/0", maildir, ADMIN_EMAILS=ADMIN)
    start_worker(processes, env)
    web = start_web(processes, env)
    shop = ShopFactory(name="Мастерская Анны", slug="anna", owner=UserFactory(email=SELLER, name="Анна Петрова"))
    product = ProductFactory(shop=shop, title="Вигвам", price=Decimal("2000"), stock=3)
    UserFactory(email=BUYER, name="Мария Иванова")

    # A visitor's second look at the product page comes from the page cache in Redis.
    visitor = Browser(web.base)
    first, second = visitor.open(f"/p/{product.pk}/"), visitor.open(f"/p/{product.pk}/")
    assert first.status == second.status == 200 and "Вигвам" in second.text
    assert (first.headers["X-Page-Cache"], second.headers["X-Page-Cache"]) == ("miss", "hit")
    digest = hashlib.sha1(f"/p/{product.pk}/".encode()).hexdigest()
    assert store.keys(f"lavka:1:pagecache:*:ru:{digest}"), store.keys("lavka:*")

    # The buyer signs in: the session is in the database and in Redis.
    buyer = Browser(web.base)
    page = sign_in(buyer, BUYER)
    assert "Мария" in page.text
    session_key = buyer.cookie("sessionid")
    assert Session.objects.filter(session_key=session_key).exists()
    assert store.exists(f"lavka:1:django.contrib.sessions.cached_db{session_key}")

    # Cart and checkout.
    response = buyer.post(f"/cart/add/{product.pk}/", {"quantity": "2", "next": "/cart/"})
    assert response.status == 200 and response.path == "/cart/" and "Вигвам" in response.text
    response = buyer.submit("/checkout/anna/", having="idempotency_key", data=DETAILS)
    order = Order.objects.get()
    assert response.status == 200 and response.path == order.get_absolute_url(), response.text[:500]
    assert f"Заказ {order.number} оформлен" in response.text
    assert Product.objects.get(pk=product.pk).stock == 1
    # The invoice goes to the buyer, the seller and the admin, each their own, through the worker.
    wait_for(all_mail_sent(3), 30, "the invoices")
    assert mails_to(maildir) == {BUYER: 1, SELLER: 1, ADMIN: 1}

    # The seller signs in and marks the order paid in the cabinet; the buyer sees it.
    seller = Browser(web.base)
    sign_in(seller, SELLER)
    assert store.exists(f"lavka:1:django.contrib.sessions.cached_db{seller.cookie('sessionid')}")
    cabinet = f"/cabinet/orders/{order.number}/"
    response = seller.submit(cabinet, action=f"{cabinet}status/", data={"status": OrderStatus.PAID})
    assert response.status == 200 and response.path == cabinet
    assert "Заказ теперь «Оплачен»" in response.text, response.text[:3000]
    assert Order.objects.get().status == OrderStatus.PAID
    assert "Оплачен" in buyer.open(order.get_absolute_url()).text
    wait_for(all_mail_sent(6), 30, "the status change mail")
    assert mails_to(maildir) == {BUYER: 2, SELLER: 2, ADMIN: 2}

    # The buyer writes to the shop and the seller answers: each is told by e-mail once.
    response = buyer.submit("/messages/new/?shop=anna", having="text", data={"text": "Когда отправите вигвам?"})
    conversation = Conversation.objects.get()
    assert response.status == 200 and response.path == f"/messages/{conversation.pk}/"
    wait_for(all_mail_sent(7), 30, "the seller's message notice")
    page = seller.open(f"/cabinet/messages/{conversation.pk}/")
    assert "Когда отправите вигвам?" in page.text
    response = seller.submit(page.url, having="text", page=page.text, data={"text": "Завтра утром."})
    assert response.status == 200 and response.path == f"/cabinet/messages/{conversation.pk}/"
    assert "Завтра утром." in buyer.open(f"/messages/{conversation.pk}/").text
    wait_for(all_mail_sent(8), 30, "the buyer's message notice")
    assert mails_to(maildir) == {BUYER: 3, SELLER: 3, ADMIN: 2}
    assert set(OutboxMessage.objects.values_list("attempts", flat=True)) == {1}

    # The seller renames the product: the catalog's generation in Redis moves on, and the
    # visitor's next look is rendered afresh with the new name.
    generation = int(store.get("lavka:1:pagecache:generation"))
    edit = f"/cabinet/products/{product.pk}/"
    response = seller.submit(edit, having="title", data={"title": "Вигвам «Лесной»"})
    assert response.status == 200 and response.path == edit and "Сохранено" in response.text
    assert int(store.get("lavka:1:pagecache:generation")) > generation
    page = visitor.open(f"/p/{product.pk}/")
    assert page.headers["X-Page-Cache"] == "miss" and "Вигвам «Лесной»" in page.text
    assert visitor.open(f"/p/{product.pk}/").headers["X-Page-Cache"] == "hit"
