"""Builders for the complaint tests: a buyer's order, a conversation with the shop, complaints in bulk."""

import io
from datetime import timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from marketplace.tests.factories import UserFactory
from messaging.models import Conversation, Message, Side
from moderation.models import Complaint, ComplaintKind, ComplaintPhoto
from orders.models import Order
from orders.tests.factories import order_for
from shops.tests.factories import ShopFactory, image_upload

SELLER = "anna@example.com"
BUYER = "masha@example.com"
TEXT = "Пришла разбитая чашка, продавец не отвечает уже неделю."


def seller_shop(**kwargs):
    return ShopFactory(name="Мастерская Анны", slug="anna", owner=UserFactory(email=SELLER, name="Анна"), **kwargs)


def buyer_user(email=BUYER):
    return UserFactory(email=email, name="Мария Иванова")


def placed(shop, buyer, *, hours_ago=0, **kwargs) -> Order:
    """An order placed ``hours_ago`` hours ago (its placing event moved back with it)."""
    order = order_for(shop, buyer=buyer, **kwargs)
    if hours_ago:
        when = timezone.now() - timedelta(hours=hours_ago)
        Order.objects.filter(pk=order.pk).update(created_at=when, status_changed_at=when)
        order.events.update(created_at=when)
        order.refresh_from_db()
    return order


def conversation(shop, buyer) -> Conversation:
    return Conversation.objects.get_or_create(shop=shop, buyer=buyer, defaults={"started_by": Side.BUYER})[0]


def say(conv, side, text, *, when=None, order=None) -> Message:
    author = conv.shop.owner if side == Side.SHOP else conv.buyer
    return Message.objects.create(conversation=conv, sender_side=side, author=author, text=text, order=order,
                                  created_at=when or timezone.now())  # fmt: skip


def photo(name="photo.png", size=(400, 300)):
    return image_upload(size=size, name=name)


def huge_photo(name="huge.png"):
    """30 megapixels (over the 25 MP cap), yet a few kilobytes: refused from its header."""
    buffer = io.BytesIO()
    Image.new("1", (6000, 5000)).save(buffer, "PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def bulk_complaints(shop, count, *, author=None, photos=1) -> list[Complaint]:
    """Many complaints at once (query budgets), each with its photos."""
    author = author or UserFactory()
    complaints = Complaint.objects.bulk_create([
        Complaint(shop=shop, author=author, kind=ComplaintKind.QUALITY, text=f"Жалоба {index}")
        for index in range(count)
    ])  # fmt: skip
    ComplaintPhoto.objects.bulk_create([
        ComplaintPhoto(complaint=complaint, image=f"moderation/complaints/2025/01/p{complaint.pk}-{index}.png")
        for complaint in complaints for index in range(photos)
    ])  # fmt: skip
    return complaints
