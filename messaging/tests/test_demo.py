"""The demo's conversations: what the issue asks the demo to show, and every text within the rules."""

import pytest
from django.core.management import call_command

from messaging import rules
from messaging.models import Conversation, Message, QuickReply, RefusedMessage, Side
from messaging.selectors import unread_count_for_shop, unread_count_for_user
from orders.models import Order

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        call_command("seed_demo", products_per_shop=8, stdout=open("/dev/null", "w"))
        yield
        call_command("flush", interactive=False, verbosity=0)


def test_demo_conversations(demo):
    buyer_conversations = Conversation.objects.filter(buyer__email="buyer@lavka.test")
    assert {c.shop.owner.email for c in buyer_conversations} == {"seller@lavka.test", "seller2@lavka.test"}
    assert Message.objects.filter(conversation__in=buyer_conversations, order__isnull=False).exists()
    petrov = buyer_conversations.get(shop__owner__email="seller2@lavka.test")
    first_order = Order.objects.filter(shop=petrov.shop, buyer=petrov.buyer).order_by("created_at").first()
    assert petrov.messages.order_by("created_at").first().created_at < first_order.created_at
    assert RefusedMessage.objects.filter(conversation=petrov).exists()
    anna = buyer_conversations.get(shop__owner__email="seller@lavka.test")
    assert unread_count_for_shop(anna.shop) == 2
    assert unread_count_for_user(anna.buyer) == 1
    assert QuickReply.objects.filter(shop=anna.shop).count() == 4
    anna.shop.refresh_from_db()
    assert anna.shop.response_hours is not None


def test_demo_texts_follow_the_rules(demo):
    for message in Message.objects.select_related("conversation"):
        has_order = Order.objects.filter(
            shop=message.conversation.shop, buyer=message.conversation.buyer, created_at__lt=message.created_at
        ).exists()
        assert rules.check(message.text, side=message.sender_side, has_order=has_order) is None, message.text
    assert rules.check(RefusedMessage.objects.get().text, side=Side.BUYER, has_order=False) is not None
