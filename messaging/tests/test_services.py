"""The messaging rules, checked once in the services (seed 001, seed 002)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from catalog.tests.factories import ProductFactory
from marketplace.tests.factories import UserFactory
from messaging import services
from messaging.exceptions import MessageRefused, MessagingError
from messaging.models import Attachment, Conversation, Message, MessageReport, QuickReply, RefusedMessage, Side
from messaging.selectors import unread_count_for_shop, unread_count_for_user
from orders.tests.factories import order_for
from shops.tests.factories import ShopFactory

from .factories import conversation_with, pdf_upload, png_upload

pytestmark = pytest.mark.django_db


def send(conversation, side, text, **kwargs):
    author = conversation.buyer if side == Side.BUYER else conversation.shop.owner
    return services.message_send(conversation=conversation, author=author, side=side, text=text, **kwargs)


# --- Conversations ------------------------------------------------------------------------------


def test_one_conversation_per_buyer_and_shop():
    shop, buyer = ShopFactory(), UserFactory()
    first = services.conversation_start(buyer=buyer, shop=shop)
    again = services.conversation_start(buyer=buyer, shop=shop)
    assert first == again
    assert Conversation.objects.count() == 1


def test_seller_cannot_write_to_own_shop():
    shop = ShopFactory()
    with pytest.raises(MessagingError, match="собственный магазин"):
        services.conversation_start(buyer=shop.owner, shop=shop)


def test_seller_starts_from_a_registered_buyers_order():
    shop, buyer = ShopFactory(), UserFactory()
    order = order_for(shop, buyer=buyer)
    conversation = services.conversation_start_for_order(order=order, actor=shop.owner)
    message = send(conversation, Side.SHOP, "Ваш заказ собран", order=order)
    assert message.order == order
    assert conversation.started_by == Side.SHOP


def test_guest_order_has_no_chat():
    shop = ShopFactory()
    order = order_for(shop)
    with pytest.raises(MessagingError, match="гостевой заказ"):
        services.conversation_start_for_order(order=order, actor=shop.owner)


def test_another_seller_cannot_start_from_an_order():
    shop, buyer = ShopFactory(), UserFactory()
    order = order_for(shop, buyer=buyer)
    with pytest.raises(MessagingError):
        services.conversation_start_for_order(order=order, actor=ShopFactory().owner)


# --- Spam and authors ---------------------------------------------------------------------------


def test_shop_may_not_write_first_without_an_order():
    conversation = conversation_with(text="")
    with pytest.raises(MessagingError, match="написали ему первыми"):
        send(conversation, Side.SHOP, "Здравствуйте! У нас новая коллекция")
    assert not Message.objects.exists()


def test_shop_answers_a_buyer_who_wrote_first():
    conversation = conversation_with()
    send(conversation, Side.SHOP, "Да, есть синий.")
    assert conversation.messages.count() == 2


def test_stranger_cannot_write_in_a_conversation():
    conversation = conversation_with()
    with pytest.raises(MessagingError):
        services.message_send(conversation=conversation, author=UserFactory(), side=Side.BUYER, text="Привет")
    with pytest.raises(MessagingError):
        services.message_send(conversation=conversation, author=ShopFactory().owner, side=Side.SHOP, text="Привет")


def test_order_of_another_buyer_is_refused():
    conversation = conversation_with()
    other_order = order_for(conversation.shop, buyer=UserFactory())
    with pytest.raises(MessagingError, match="не относится"):
        send(conversation, Side.BUYER, "Где заказ?", order=other_order)


# --- Text rules ---------------------------------------------------------------------------------


def test_phone_before_an_order_is_refused_named_and_kept_for_moderators():
    conversation = conversation_with()
    with pytest.raises(MessageRefused) as refused:
        send(conversation, Side.BUYER, "Позвоните мне: +7 912 345-67-89")
    assert "номер телефона «+7 912 345-67-89»" in str(refused.value)
    assert "До оформления заказа" in str(refused.value)
    assert conversation.messages.count() == 1
    attempt = RefusedMessage.objects.get()
    assert attempt.text == "Позвоните мне: +7 912 345-67-89"
    assert attempt.kinds == ["phone"]


def test_buyer_telegram_slang_before_an_order_is_refused():
    conversation = conversation_with()
    with pytest.raises(MessageRefused, match="мессенджер или соцсеть «телегу»"):
        send(conversation, Side.BUYER, "пишите в телегу")


def test_seller_cannot_pass_an_email_before_an_order():
    conversation = conversation_with()
    with pytest.raises(MessageRefused, match="адрес e-mail «shop@example.com»"):
        send(conversation, Side.SHOP, "Пишите на shop@example.com")


def test_after_an_order_contacts_pass_but_links_do_not():
    conversation = conversation_with()
    order_for(conversation.shop, buyer=conversation.buyer)
    send(conversation, Side.BUYER, "Мой телефон +7 912 345-67-89")
    with pytest.raises(MessageRefused, match="ссылка на другой сайт «example.org/pay»"):
        send(conversation, Side.BUYER, "Вот фото: example.org/pay")
    with pytest.raises(MessageRefused, match="Ссылки на другие сайты"):
        send(conversation, Side.SHOP, "Смотрите https://shop.example.com/")


def test_links_to_lavka_itself_pass(settings):
    settings.SITE_DOMAIN = "lavka.example.com"
    conversation = conversation_with()
    send(conversation, Side.SHOP, "Вот этот товар: https://lavka.example.com/p/12/")


@pytest.mark.parametrize(
    "text",
    ["Оплатите дополнительно за упаковку", "Купите еще этот товар", "Напишите мне в WhatsApp"],
)
def test_seller_forbidden_phrases_are_refused_even_with_an_order(text):
    conversation = conversation_with()
    order_for(conversation.shop, buyer=conversation.buyer)
    with pytest.raises(MessageRefused, match="запрещённая фраза"):
        send(conversation, Side.SHOP, text)


def test_seller_cannot_advertise_goods_outside_lavka():
    conversation = conversation_with()
    with pytest.raises(MessageRefused, match="другая торговая площадка «Авито»"):
        send(conversation, Side.SHOP, "Дешевле у меня на Авито")


def test_text_limits():
    conversation = conversation_with()
    with pytest.raises(MessagingError, match="Напишите сообщение"):
        send(conversation, Side.BUYER, "   ")
    with pytest.raises(MessagingError, match="4001 символов"):
        send(conversation, Side.BUYER, "а" * 4001)
    send(conversation, Side.BUYER, "а" * 4000)


# --- Attachments --------------------------------------------------------------------------------


def test_image_and_pdf_attachments_are_stored_privately():
    conversation = conversation_with()
    message = send(conversation, Side.BUYER, "", files=[png_upload(), pdf_upload()])
    kinds = sorted(a.kind for a in message.attachments.all())
    assert kinds == [Attachment.Kind.IMAGE, Attachment.Kind.PDF]
    for attachment in message.attachments.all():
        assert attachment.file.name.startswith("messaging/attachments/")
    assert {a.name for a in message.attachments.all()} == {"photo.png", "размеры.pdf"}


def test_six_files_are_refused():
    conversation = conversation_with()
    with pytest.raises(MessagingError, match="не больше 5 файлов"):
        send(conversation, Side.BUYER, "фото", files=[png_upload(f"{i}.png") for i in range(6)])
    assert conversation.messages.count() == 1


def test_other_file_types_are_refused():
    conversation = conversation_with()
    from django.core.files.uploadedfile import SimpleUploadedFile

    with pytest.raises(MessagingError, match="только фото"):
        send(conversation, Side.BUYER, "вот", files=[SimpleUploadedFile("virus.exe", b"MZ\x90\x00" * 10)])
    with pytest.raises(MessagingError, match="не PDF"):
        send(conversation, Side.BUYER, "вот", files=[SimpleUploadedFile("fake.pdf", b"hello")])
    assert conversation.messages.count() == 1


def test_too_large_file_is_refused(settings):
    settings.MAX_UPLOAD_SIZE = 1024
    conversation = conversation_with()
    with pytest.raises(MessagingError, match="МБ"):
        send(conversation, Side.BUYER, "вот", files=[pdf_upload(body=b"%PDF-" + b"0" * 4000)])


# --- Rate limits --------------------------------------------------------------------------------


def test_rate_limit_per_minute(settings):
    settings.MESSAGING_RATE_PER_MINUTE = 3
    conversation = conversation_with()  # one message already
    send(conversation, Side.BUYER, "два")
    send(conversation, Side.BUYER, "три")
    with pytest.raises(MessagingError, match="слишком часто"):
        send(conversation, Side.BUYER, "четыре")
    Message.objects.update(created_at=timezone.now() - timedelta(minutes=2))
    send(conversation, Side.BUYER, "четыре")


def test_rate_limit_per_day(settings):
    settings.MESSAGING_RATE_PER_DAY = 2
    conversation = conversation_with()
    Message.objects.update(created_at=timezone.now() - timedelta(hours=2))
    send(conversation, Side.BUYER, "два")
    Message.objects.update(created_at=timezone.now() - timedelta(hours=2))
    with pytest.raises(MessagingError, match="За последние 24 часа вы отправили 2 сообщения"):
        send(conversation, Side.BUYER, "три")
    Message.objects.update(created_at=timezone.now() - timedelta(days=2))
    send(conversation, Side.BUYER, "три")


# --- Reading, answering, unread counts ----------------------------------------------------------


def test_read_receipts_answers_and_unread_counts():
    conversation = conversation_with()
    send(conversation, Side.BUYER, "И ещё вопрос")
    shop = conversation.shop
    assert unread_count_for_shop(shop) == 2
    assert unread_count_for_user(shop.owner) == 2
    assert services.message_read(conversation=conversation, reader_side=Side.SHOP) == 2
    assert unread_count_for_shop(shop) == 0
    assert Message.objects.filter(answered_at__isnull=True).count() == 2
    send(conversation, Side.SHOP, "Ответ")
    assert Message.objects.filter(sender_side=Side.BUYER, answered_at__isnull=True).count() == 0
    assert unread_count_for_user(conversation.buyer) == 1


# --- E-mail notices -----------------------------------------------------------------------------


def test_a_burst_is_bundled_into_one_email(mailoutbox, django_capture_on_commit_callbacks):
    shop, buyer = ShopFactory(owner__email="seller@example.com"), UserFactory(name="Мария")
    conversation = services.conversation_start(buyer=buyer, shop=shop)
    with django_capture_on_commit_callbacks(execute=True):
        send(conversation, Side.BUYER, "Первое")
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["seller@example.com"]
    assert "Первое" in mailoutbox[0].body
    assert f"/cabinet/messages/{conversation.pk}/" in mailoutbox[0].body

    with django_capture_on_commit_callbacks(execute=True):
        for text in ("Второе", "Третье", "Четвёртое"):
            send(conversation, Side.BUYER, text)
        services.notify_pending()
    assert len(mailoutbox) == 1

    Conversation.objects.filter(pk=conversation.pk).update(shop_notified_at=timezone.now() - timedelta(minutes=6))
    with django_capture_on_commit_callbacks(execute=True):
        assert services.notify_pending() == 1
        assert services.notify_pending() == 0
    assert len(mailoutbox) == 2
    body = mailoutbox[1].body
    assert "Второе" in body and "Третье" in body and "Четвёртое" in body and "Первое" not in body


def test_messages_read_before_the_digest_are_not_mailed(mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        conversation = conversation_with()
        send(conversation, Side.BUYER, "Второе")
    services.message_read(conversation=conversation, reader_side=Side.SHOP)
    Conversation.objects.update(shop_notified_at=timezone.now() - timedelta(minutes=6))
    with django_capture_on_commit_callbacks(execute=True):
        services.notify_pending()
    assert len(mailoutbox) == 1  # the first message's notice only


def test_each_side_is_notified_separately(mailoutbox, django_capture_on_commit_callbacks):
    conversation = conversation_with()
    with django_capture_on_commit_callbacks(execute=True):
        send(conversation, Side.SHOP, "Здравствуйте!")
    assert mailoutbox[-1].to == [conversation.buyer.email]
    assert f"/messages/{conversation.pk}/" in mailoutbox[-1].body


# --- Reports, quick replies, response times -----------------------------------------------------


def test_buyer_reports_a_shop_message_once():
    conversation = conversation_with()
    message = send(conversation, Side.SHOP, "Ответ")
    services.message_report(message=message, reporter=conversation.buyer, reason="грубо")
    services.message_report(message=message, reporter=conversation.buyer, reason="ещё раз")
    assert MessageReport.objects.get().reason == "грубо"
    with pytest.raises(MessagingError):
        services.message_report(message=conversation.messages.first(), reporter=conversation.buyer)


def test_seed_quick_replies_are_given_once_and_fill_the_order_number():
    conversation = conversation_with()
    shop = conversation.shop
    services.quick_replies_ensure_defaults(shop=shop)
    services.quick_replies_ensure_defaults(shop=shop)
    assert QuickReply.objects.filter(shop=shop).count() == 3
    packed = QuickReply.objects.filter(shop=shop).first()
    assert packed.text == "Ваш заказ №{номер} собран и передан в доставку"
    QuickReply.objects.filter(shop=shop).delete()
    services.quick_replies_ensure_defaults(shop=shop)
    assert not QuickReply.objects.filter(shop=shop).exists()

    order = order_for(shop, buyer=conversation.buyer)
    message = send(conversation, Side.SHOP, packed.text, order=order)
    assert message.text == f"Ваш заказ №{order.number} собран и передан в доставку"
    with pytest.raises(MessagingError, match="Выберите заказ"):
        send(conversation, Side.SHOP, packed.text)


def test_quick_reply_text_follows_the_rules():
    shop = ShopFactory()
    with pytest.raises(MessageRefused):
        services.quick_reply_save(shop=shop, title="Связь", text="Напишите мне в Telegram")
    reply = services.quick_reply_save(shop=shop, title="Спасибо", text="Спасибо за заказ №{номер}!")
    with pytest.raises(MessagingError):
        services.quick_reply_save(shop=ShopFactory(), title="x", text="y", reply=reply)


def test_response_hours_need_enough_conversations(settings):
    settings.MESSAGING_RESPONSE_MIN_CONVERSATIONS = 3
    shop = ShopFactory()
    conversations = [conversation_with(shop=shop) for _ in range(3)]
    for hours, conversation in zip([1, 3, 30], conversations, strict=True):
        conversation.messages.update(created_at=timezone.now() - timedelta(hours=hours, minutes=30))
        send(conversation, Side.SHOP, "Ответ")
    services.response_times_refresh()
    shop.refresh_from_db()
    assert shop.response_hours == 4  # median 3 h 30 min, rounded up
    stats = services.response_stats(shop=shop)
    assert stats["conversations"] == 3

    Message.objects.filter(conversation=conversations[0]).delete()
    services.response_times_refresh()
    shop.refresh_from_db()
    assert shop.response_hours is None


def test_product_reference_is_kept():
    shop = ShopFactory()
    product = ProductFactory(shop=shop)
    conversation = services.conversation_start(buyer=UserFactory(), shop=shop)
    message = send(conversation, Side.BUYER, "Есть в синем?", product=product)
    assert message.product == product


def test_periodic_jobs_run_as_commands(mailoutbox, django_capture_on_commit_callbacks):
    from io import StringIO

    from django.core.management import call_command

    from messaging import tasks

    conversation = conversation_with()
    out = StringIO()
    call_command("messages_notify", stdout=out)
    call_command("refresh_response_times", stdout=out)
    assert "notice(s) sent" in out.getvalue()
    assert tasks.notify_pending_task() == 0
    assert tasks.response_times_refresh_task() == 0
    assert tasks.conversation_notify_task(conversation.pk, "shop") is False


def test_ignored_messages_for_the_moderators():
    from messaging.selectors import ignored_buyer_messages

    conversation = conversation_with()
    send(conversation, Side.BUYER, "Второй вопрос")
    send(conversation, Side.BUYER, "Третий вопрос")
    three_days_ago = timezone.now() - timedelta(days=3)
    assert ignored_buyer_messages(older_than=three_days_ago).count() == 0
    conversation.messages.update(created_at=timezone.now() - timedelta(days=4))
    assert ignored_buyer_messages(older_than=three_days_ago, shop=conversation.shop).count() == 3
    services.message_read(conversation=conversation, reader_side=Side.SHOP)
    assert ignored_buyer_messages(older_than=three_days_ago).count() == 0
