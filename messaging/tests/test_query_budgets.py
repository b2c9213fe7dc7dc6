"""Query budgets of the message pages: the same count of queries for 3 and for 300 rows, and the rows shown."""

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from catalog.tests.factories import ProductFactory
from marketplace.models import User
from messaging.models import Attachment, Conversation, Message, Side
from orders.tests.factories import order_for
from shops.models import Shop
from shops.tests.factories import ShopFactory

from .factories import conversation_with

pytestmark = pytest.mark.django_db

ROWS = [3, 300]
PER_PAGE = 30  # messaging.views.*.PER_PAGE
THREAD_LIMIT = 100  # messaging.selectors.THREAD_LIMIT


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


def page_of(response) -> str:
    assert response.status_code == 200
    return response.content.decode()


def people(count: int, prefix: str) -> list[User]:
    """``count`` accounts in one query (no password: the tests log them in with force_login)."""
    return User.objects.bulk_create(
        User(email=f"{prefix}{n}@example.com", name=f"{prefix.capitalize()} {n}") for n in range(count)
    )


def fill_conversations(*, shops, buyers) -> None:
    """One conversation per (shop, buyer) pair with one unread buyer's question; the last pair is the newest."""
    now = timezone.now()
    pairs = list(zip(shops, buyers, strict=True))
    conversations = Conversation.objects.bulk_create(
        Conversation(shop=shop, buyer=buyer, started_by=Side.BUYER,
                     last_message_at=now - timedelta(minutes=len(pairs) - n))
        for n, (shop, buyer) in enumerate(pairs)
    )  # fmt: skip
    Message.objects.bulk_create(
        Message(conversation=conversation, sender_side=Side.BUYER, author=conversation.buyer, text=f"Вопрос {n}",
                created_at=conversation.last_message_at)
        for n, conversation in enumerate(conversations)
    )  # fmt: skip
    Message.objects.bulk_create(  # the shop answered every other one, before the buyer's next question
        Message(conversation=conversation, sender_side=Side.SHOP, author=conversation.shop.owner, text=f"Ответ {n}",
                created_at=conversation.last_message_at - timedelta(seconds=30))
        for n, conversation in enumerate(conversations)
        if n % 2
    )  # fmt: skip


def pagination(page: str, count: int) -> None:
    pages = -(-count // PER_PAGE)
    assert page.count('data-testid="conversation"') == min(count, PER_PAGE)
    assert (f"1 / {pages}" in page) == (pages > 1)
    assert ("page=2" in page) == (pages > 1)


BUYER_INBOX_QUERIES = 9


@pytest.mark.parametrize("count", ROWS)
def test_buyer_inbox_makes_the_same_queries_for_3_and_300_conversations(count, django_assert_max_num_queries):
    buyer = User.objects.create(email="masha@example.com", name="Мария Иванова")
    owners = people(count, "owner")
    shops = Shop.objects.bulk_create(
        Shop(owner=owner, name=f"Лавка {n}", slug=f"lavka-{n}", city="Казань") for n, owner in enumerate(owners)
    )
    fill_conversations(shops=shops, buyers=[buyer] * count)
    client = client_for(buyer)
    with django_assert_max_num_queries(BUYER_INBOX_QUERIES):
        page = page_of(client.get(reverse("messaging:list")))
    assert f"Лавка {count - 1}<" in page and f"Вопрос {count - 1}" in page  # the newest conversation first
    assert f"Лавка {count - 1 - PER_PAGE}<" not in page
    pagination(page, count)


CABINET_INBOX_QUERIES = 6


@pytest.mark.parametrize("count", ROWS)
def test_cabinet_inbox_makes_the_same_queries_for_3_and_300_conversations(count, django_assert_max_num_queries):
    shop = ShopFactory(name="Мастерская Анны")
    buyers = people(count, "buyer")
    fill_conversations(shops=[shop] * count, buyers=buyers)
    order_for(shop, buyer=buyers[-1])  # «has an order» on the newest row
    client = client_for(shop.owner)
    client.get(reverse("messaging:cabinet-replies"))  # the seed's quick replies exist already
    with django_assert_max_num_queries(CABINET_INBOX_QUERIES):
        page = page_of(client.get(reverse("messaging:cabinet-list")))
    assert f"Buyer {count - 1}<" in page and f"Вопрос {count - 1}" in page
    assert f"Buyer {count - 1 - PER_PAGE}<" not in page
    assert page.count("есть заказ") == 1
    pagination(page, count)
    with django_assert_max_num_queries(CABINET_INBOX_QUERIES):  # a filter costs the same
        page = page_of(client.get(reverse("messaging:cabinet-list"), {"show": "unanswered"}))
    assert f"Buyer {count - 1}<" in page


def fill_thread(conversation, count: int) -> None:
    """``count`` messages taking turns, a minute apart, oldest first: every third one about an order,
    every fifth one about a product, every seventh one with a PDF."""
    shop = conversation.shop
    order = order_for(shop, buyer=conversation.buyer)
    product = ProductFactory(shop=shop, title="Шарф в полоску")
    start = timezone.now() - timedelta(minutes=count + 1)
    messages = Message.objects.bulk_create(
        Message(conversation=conversation, sender_side=Side.SHOP if n % 2 else Side.BUYER,
                author=shop.owner if n % 2 else conversation.buyer, text=f"Сообщение {n}",
                order=order if n % 3 == 0 else None, product=product if n % 5 == 0 else None,
                created_at=start + timedelta(minutes=n))
        for n in range(count)
    )  # fmt: skip
    Attachment.objects.bulk_create(
        Attachment(message=message, kind=Attachment.Kind.PDF, file=f"messaging/attachments/2026/01/m{n}.pdf",
                   name=f"размеры-{n}.pdf", size=1024)
        for n, message in enumerate(messages)
        if n % 7 == 0
    )  # fmt: skip


def shown_with(count: int, step: int) -> int:
    """How many of the shown (latest) messages are the ones every ``step``-th carries something."""
    return sum(1 for n in range(max(0, count - THREAD_LIMIT), count) if n % step == 0)


BUYER_CONVERSATION_QUERIES = 13
SELLER_CONVERSATION_QUERIES = 14


@pytest.mark.parametrize("count", ROWS)
def test_conversation_pages_make_the_same_queries_for_3_and_300_messages(count, django_assert_max_num_queries):
    conversation = conversation_with(text="")
    fill_thread(conversation, count)
    shown = min(count, THREAD_LIMIT)
    buyer, seller = client_for(conversation.buyer), client_for(conversation.shop.owner)
    seller.get(reverse("messaging:cabinet-replies"))
    with django_assert_max_num_queries(BUYER_CONVERSATION_QUERIES):
        page = page_of(buyer.get(reverse("messaging:detail", kwargs={"pk": conversation.pk})))
    assert page.count('data-testid="message"') == shown
    assert f"Сообщение {count - 1}<" in page and f"Сообщение {count - shown}<" in page
    assert f"Сообщение {count - shown - 1}<" not in page
    assert ("Более ранние сообщения сохранены" in page) == (count > THREAD_LIMIT)
    with django_assert_max_num_queries(SELLER_CONVERSATION_QUERIES):
        page = page_of(seller.get(reverse("messaging:cabinet-detail", kwargs={"pk": conversation.pk})))
    assert page.count('data-testid="message"') == shown
    assert f"Сообщение {count - 1}<" in page
    assert page.count('data-testid="order-chip"') == shown_with(count, 3)
    assert page.count(">Шарф в полоску</a>") == shown_with(count, 5)
    assert page.count(".pdf</a>") == shown_with(count, 7)
