"""Factories of the shops app."""

import io

import factory
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from marketplace.tests.factories import UserFactory
from shops.models import Collection, Shop


class ShopFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Shop

    owner = factory.SubFactory(UserFactory)
    name = factory.Sequence(lambda n: f"Мастерская {n}")
    slug = factory.Sequence(lambda n: f"shop-{n}")
    city = "Казань"
    tagline = "Вещи ручной работы"


class CollectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Collection

    shop = factory.SubFactory(ShopFactory)
    name = factory.Sequence(lambda n: f"Коллекция {n}")
    position = factory.Sequence(lambda n: n)


def image_upload(size=(300, 300), fmt="PNG", name="image.png", color="#b4532a"):
    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, fmt)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type=f"image/{fmt.lower()}")
