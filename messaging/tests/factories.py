"""Factories of the messaging app: conversations and messages made through the services."""

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from marketplace.tests.factories import UserFactory
from messaging import services
from messaging.models import Side
from shops.tests.factories import ShopFactory


def conversation_with(*, shop=None, buyer=None, text="Здравствуйте! Есть ли этот шарф в синем цвете?"):
    """A buyer's conversation with a shop, opened by the buyer's first message."""
    shop = shop or ShopFactory()
    buyer = buyer or UserFactory()
    conversation = services.conversation_start(buyer=buyer, shop=shop)
    if text:
        services.message_send(conversation=conversation, author=buyer, side=Side.BUYER, text=text)
    return conversation


def png_upload(name="photo.png", size=(200, 150)):
    buffer = io.BytesIO()
    Image.new("RGB", size, "#b4532a").save(buffer, "PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def pdf_upload(name="размеры.pdf", body=b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"):
    return SimpleUploadedFile(name, body, content_type="application/pdf")
