"""Demo data of the messaging app: the demo buyer's conversations with both demo sellers (one
begun before any order, one about an order, unread messages on both sides), a refused attempt,
quick replies, and enough answered conversations for «Обычно отвечает в течение N ч».

Rows are written directly with past times (a demo has a history); every text passes the rules
(messaging/tests/test_demo.py checks it).
"""

from datetime import timedelta

from django.utils import timezone

from catalog.models import Product
from marketplace.demo import DemoContext
from marketplace.models import User
from orders.models import Order, OrderStatus
from shops.models import Shop

from . import rules, services
from .models import Conversation, Message, QuickReply, RefusedMessage, Side

BUYER = "buyer@lavka.test"
ANNA, PETROV = "masterskaya-anny", "stolyarka-petrova"
# Other demo shop owners who also buy: their questions give Anna's shop a response-time figure.
OTHER_BUYERS = ["olga@lavka.test", "marina@lavka.test", "denis@lavka.test", "sveta@lavka.test", "irina@lavka.test"]
REFUSED_TEXT = "Можно я вам позвоню? Мой номер +7 926 555-01-01, или пишите в телегу"


def _message(conversation, side, text, at, *, order=None, product=None, read=True):
    author = conversation.buyer if side == Side.BUYER else conversation.shop.owner
    return Message.objects.create(
        conversation=conversation, sender_side=side, author=author, text=text, order=order, product=product,
        created_at=at, read_at=at + timedelta(minutes=20) if read else None, notified_at=at,
    )  # fmt: skip


def _answered(conversation, at):
    Message.objects.filter(conversation=conversation, sender_side=Side.BUYER, answered_at__isnull=True,
                           created_at__lt=at).update(answered_at=at)  # fmt: skip


def _close(conversation):
    last = conversation.messages.order_by("-created_at").first()
    Conversation.objects.filter(pk=conversation.pk).update(
        last_message_at=last.created_at, buyer_notified_at=last.created_at, shop_notified_at=last.created_at
    )


def seed(ctx: DemoContext) -> None:
    buyer = ctx.users.get(BUYER) or User.objects.filter(email=BUYER).first()
    shops = {shop.slug: shop for shop in Shop.objects.filter(slug__in=[ANNA, PETROV]).select_related("owner")}
    if buyer is None or len(shops) < 2 or Conversation.objects.filter(buyer=buyer).exists():
        return
    anna, petrov = shops[ANNA], shops[PETROV]
    now = timezone.now()

    for shop in (anna, petrov):
        services.quick_replies_ensure_defaults(shop=shop)
    QuickReply.objects.create(shop=anna, title="Спасибо", position=10,
                              text="Спасибо за заказ №{номер}! Если будут вопросы, пишите здесь.")  # fmt: skip

    # Petrov: asked about a product before any order, then ordered; the shop's latest is unread.
    petrov_orders = list(Order.objects.filter(shop=petrov, buyer=buyer).order_by("created_at"))
    first_order_at = petrov_orders[0].created_at if petrov_orders else now
    product = Product.objects.visible().filter(shop=petrov).order_by("pk").first()
    talk = Conversation.objects.create(shop=petrov, buyer=buyer, started_by=Side.BUYER,
                                       created_at=first_order_at - timedelta(days=2))  # fmt: skip
    start = first_order_at - timedelta(days=2)
    _message(talk, Side.BUYER, "Здравствуйте! Из какого дерева сделана эта игрушка и чем она покрыта?", start,
             product=product)  # fmt: skip
    _message(talk, Side.SHOP, "Здравствуйте! Это берёза, покрыта льняным маслом и воском — безопасно для детей.",
             start + timedelta(hours=2))  # fmt: skip
    _answered(talk, start + timedelta(hours=2))
    RefusedMessage.objects.create(conversation=talk, shop=petrov, sender_side=Side.BUYER, author=buyer,
                                  text=REFUSED_TEXT, created_at=start + timedelta(hours=3),
                                  **_refusal(REFUSED_TEXT))  # fmt: skip
    _message(talk, Side.BUYER, "Спасибо, тогда оформлю заказ.", start + timedelta(hours=3, minutes=5))
    _message(talk, Side.SHOP, "Спасибо! Будем ждать.", start + timedelta(hours=4))
    _answered(talk, start + timedelta(hours=4))
    shipped = next((order for order in petrov_orders if order.status == OrderStatus.SHIPPED), None)
    if shipped is not None:  # sent when the parcel left, not read yet
        _message(talk, Side.SHOP, f"Ваш заказ №{shipped.number} собран и передан в доставку",
                 shipped.status_changed_at, order=shipped, read=False)  # fmt: skip
    _close(talk)

    # Anna: about an order, the day after it was paid (answered when it left), then two new
    # questions she has not read.
    anna_orders = list(Order.objects.filter(shop=anna, buyer=buyer).order_by("created_at"))
    order = next((order for order in anna_orders if order.status == OrderStatus.SHIPPED), None)
    start = order.created_at + timedelta(hours=26) if order else now - timedelta(days=6)
    talk = Conversation.objects.create(shop=anna, buyer=buyer, started_by=Side.BUYER, created_at=start)
    _message(talk, Side.BUYER, "Добрый день! Когда отправите заказ?", start, order=order)
    answer_at = max(start + timedelta(hours=3), order.status_changed_at if order else start)
    reply = f"Ваш заказ №{order.number} собран и передан в доставку" if order else "Заказ собран."
    _message(talk, Side.SHOP, reply, answer_at, order=order)
    _answered(talk, answer_at)
    later = anna_orders[-1] if anna_orders else None
    _message(talk, Side.BUYER, "Здравствуйте! А можно вигвам в сером цвете?", now - timedelta(hours=2),
             read=False)  # fmt: skip
    _message(talk, Side.BUYER, "И подскажите, пожалуйста, сроки изготовления.", now - timedelta(hours=1, minutes=50),
             order=later, read=False)  # fmt: skip
    _close(talk)

    # Other buyers' questions to Anna, answered within a few hours: the storefront figure.
    for index, email in enumerate(OTHER_BUYERS):
        other = User.objects.filter(email=email).first()
        if other is None or other.pk == anna.owner_id:
            continue
        talk = Conversation.objects.create(shop=anna, buyer=other, started_by=Side.BUYER,
                                           created_at=now - timedelta(days=index + 2))  # fmt: skip
        start = now - timedelta(days=index + 2)
        _message(talk, Side.BUYER, "Здравствуйте! Есть ли постер в размере A3?", start)
        answer_at = start + timedelta(hours=index + 1, minutes=30)
        _message(talk, Side.SHOP, "Здравствуйте! Да, A3 есть, выберите размер в вариантах товара.", answer_at)
        _answered(talk, answer_at)
        _close(talk)

    services.response_times_refresh()


def _refusal(text: str) -> dict:
    refusal = rules.check(text, side=Side.BUYER, has_order=False)
    return {"reason": refusal.message, "kinds": refusal.kinds} if refusal else {"reason": "", "kinds": []}
