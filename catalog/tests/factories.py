"""Factories of the catalog app."""

from decimal import Decimal

import factory

from catalog import services
from catalog.models import Availability, Category, Product, ProductImage
from shops.tests.factories import ShopFactory, image_upload


class CategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Category
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Категория {n}")
    slug = factory.Sequence(lambda n: f"category-{n}")
    parent = None


class ProductFactory(factory.django.DjangoModelFactory):
    """A product made by ``product_create``, so its sale price and search text are in step."""

    class Meta:
        model = Product

    shop = factory.SubFactory(ShopFactory)
    category = factory.SubFactory(CategoryFactory)
    title = factory.Sequence(lambda n: f"Товар {n}")
    description = "Сшито вручную из льна."
    price = Decimal("1000.00")
    discount_percent = 0
    free_shipping = False
    availability = Availability.IN_STOCK
    stock = 5
    production_days = None
    is_enabled = True

    @classmethod
    def _create(cls, model_class, *, shop, **fields):
        extra = {key: fields.pop(key) for key in list(fields) if key not in services.PRODUCT_FIELDS}
        product = services.product_create(shop=shop, **fields)
        if extra:  # counters, labels and dates that no seller sets
            for key, value in extra.items():
                setattr(product, key, value)
            product.save(update_fields=list(extra))
        return product


class ProductImageFactory(factory.django.DjangoModelFactory):
    """A photo added through ``product_image_add``, so the product's cover follows it."""

    class Meta:
        model = ProductImage

    product = factory.SubFactory(ProductFactory)

    @classmethod
    def _create(cls, model_class, *, product, size=(600, 600), **kwargs):
        return services.product_image_add(product=product, image=image_upload(size, name="photo.png"))
