"""Catalog data: categories, products with images, options, wholesale tiers, files, labels, likes."""

from decimal import Decimal

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ValidationError
from django.core.files.storage import storages
from django.core.signals import setting_changed
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Substr
from django.dispatch import receiver
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import LazyObject, empty
from django.utils.translation import gettext_lazy as _
from imagekit.models import ImageSpecField
from pilkit.processors import ResizeToFill, ResizeToFit

from marketplace.images import validate_upload_size
from marketplace.money import percent_of, to_money
from marketplace.text_rules import validate_no_contacts
from shops.models import Collection, SanctionState, Shop

# A physical product costs at least 1 ₽; a digital one may be free (Product.clean, the form, the CHECK).
PRICE_VALIDATORS = [MinValueValidator(Decimal("0.00")), MaxValueValidator(Decimal("9999999.00"))]


class _PrivateStorage(LazyObject):
    """settings.STORAGES["private"], looked up when first used and again after the setting changes
    (a FileField keeps the storage it was given, so it gets this stand-in, not the storage itself)."""

    def _setup(self):
        self._wrapped = storages["private"]


private_files = _PrivateStorage()


@receiver(setting_changed)
def _private_storage_changed(*, setting, **kwargs):
    if setting in ("STORAGES", "PRIVATE_MEDIA_ROOT"):
        private_files._wrapped = empty


def private_storage():
    """Where sold files live: apart from MEDIA_ROOT, never served by /media/ (settings.STORAGES["private"])."""
    return private_files


class Category(models.Model):
    """A node of the two-level category tree (e.g. «Дом и интерьер» → «Текстиль»)."""

    parent = models.ForeignKey(
        "self", verbose_name=_("parent category"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="children",
    )  # fmt: skip
    name = models.CharField(_("category name"), max_length=80)
    slug = models.SlugField(_("address"), max_length=80, unique=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        ordering = ["position", "name"]

    def __str__(self):
        return f"{self.parent.name} → {self.name}" if self.parent_id and self.parent else self.name

    def get_absolute_url(self):
        return reverse("catalog:category", kwargs={"slug": self.slug})


class Availability(models.TextChoices):
    IN_STOCK = "in_stock", _("In stock, N pieces")
    MADE_TO_ORDER = "made_to_order", _("Made to order")
    NOT_TRACKED = "not_tracked", _("Ready, quantity not tracked")


class Activation(models.TextChoices):
    """When a digital product's files open to a buyer (seed 001 «режим активации»)."""

    IMMEDIATE = "immediate", _("Immediately")
    MANUAL = "manual", _("Manually, after I confirm the payment")


# The part of ProductQuerySet.visible() that is the product's own: the listing indexes' condition.
LISTED = Q(is_enabled=True, is_hidden_by_moderation=False)


class ProductQuerySet(models.QuerySet):
    def visible(self):
        """The single definition of "a buyer may see and buy this" (DESIGN.md)."""
        return self.filter(is_enabled=True, is_hidden_by_moderation=False, shop__sanction_state=SanctionState.ACTIVE)

    def for_cards(self):
        """What a product card shows: its shop (with its vacation) and the cover image, in the same query."""
        return self.select_related("shop", "shop__vacation", "cover").only(*CARD_FIELDS)


class Product(models.Model):
    shop = models.ForeignKey(Shop, verbose_name=_("shop"), on_delete=models.CASCADE, related_name="products")
    category = models.ForeignKey(
        Category, verbose_name=_("category"), on_delete=models.PROTECT, related_name="products"
    )
    title = models.CharField(_("title"), max_length=120, validators=[validate_no_contacts])
    description = models.TextField(
        _("detailed description"), max_length=10_000, blank=True, validators=[validate_no_contacts]
    )
    price = models.DecimalField(_("price, ₽"), max_digits=12, decimal_places=2, validators=PRICE_VALIDATORS)
    discount_percent = models.PositiveSmallIntegerField(_("discount, %"), default=0, validators=[MaxValueValidator(99)])
    # Price after the product discount, kept in step by the services: sorting and the price
    # filter use it, so buyers see products ordered by what they will actually pay.
    sale_price = models.DecimalField(
        _("price with discount"), max_digits=12, decimal_places=2, editable=False, default=Decimal("0")
    )
    free_shipping = models.BooleanField(_("free shipping"), default=False)
    availability = models.CharField(
        _("availability"), max_length=16, choices=Availability, default=Availability.IN_STOCK
    )
    stock = models.PositiveIntegerField(_("pieces in stock"), null=True, blank=True)
    production_days = models.PositiveSmallIntegerField(
        _("production time, days"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(365)]
    )
    # «Цифровой товар» (seed 001): files instead of parcels; stock, delivery and wholesale don't apply.
    is_digital = models.BooleanField(_("digital product"), default=False)
    activation = models.CharField(_("activation"), max_length=10, choices=Activation, default=Activation.IMMEDIATE)
    download_limit = models.PositiveSmallIntegerField(
        _("downloads of each file per buyer"), null=True, blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(1000)],
    )  # fmt: skip
    is_enabled = models.BooleanField(_("enabled"), default=False)
    is_hidden_by_moderation = models.BooleanField(_("hidden by moderation"), default=False)

    # Labels (seed 001 «Этикетки»), stored so that a label filter is one indexed condition.
    is_new = models.BooleanField(_("label «New»"), default=False)
    is_hit = models.BooleanField(_("label «Hit»"), default=False)
    is_official_reseller = models.BooleanField(_("label «Official reseller»"), default=False)
    reseller_document = models.FileField(
        _("reseller document"), upload_to="catalog/reseller/%Y/%m/", blank=True, validators=[validate_upload_size],
        help_text=_("The document the seller provided to confirm the official reseller status."),
    )  # fmt: skip

    cover = models.ForeignKey(
        "ProductImage",
        verbose_name=_("main photo"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    views_count = models.PositiveIntegerField(_("views"), default=0)
    likes_count = models.PositiveIntegerField(_("likes"), default=0)
    sales_count = models.PositiveIntegerField(_("sales"), default=0)
    # Computed by the orders app from published reviews (the catalog only shows them).
    rating_avg = models.DecimalField(_("average rating"), max_digits=3, decimal_places=2, null=True, blank=True)
    review_count = models.PositiveIntegerField(_("reviews"), default=0)
    popularity = models.PositiveIntegerField(_("popularity"), default=0, editable=False)
    # Our normalised Snowball tokens of title, shop and category names and description
    # (catalog/search.py): SQLite searches search_text, PostgreSQL the GIN-indexed vector.
    search_text = models.TextField(_("search words"), editable=False, blank=True)
    search_vector = SearchVectorField(_("search index"), null=True, editable=False)

    created_at = models.DateTimeField(_("created"), default=timezone.now)
    # When the seller first enabled the product: «Новинка» counts its days from here (seed 001).
    first_on_sale_at = models.DateTimeField(_("first on sale"), null=True, blank=True, editable=False)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = ProductQuerySet.as_manager()

    class Meta:
        verbose_name = _("product")
        verbose_name_plural = _("products")
        ordering = ["-created_at"]
        # One index per catalog sort (catalog/filters.py SORTS), in exactly its order with the
        # tie-breaker, on the products' own part of visible(): a page is then the first rows of
        # an index scan (the shop's state is checked on those rows only), whatever the catalog's size.
        indexes = [
            models.Index(fields=["-created_at", "-id"], name="listing_new_idx", condition=LISTED),
            models.Index(fields=["sale_price", "id"], name="listing_price_idx", condition=LISTED),
            models.Index(fields=["-popularity", "-id"], name="listing_popular_idx", condition=LISTED),
            models.Index(fields=["-discount_percent", "-created_at"], name="listing_discount_idx", condition=LISTED),
            models.Index(fields=["category", "-created_at", "-id"], name="listing_category_idx", condition=LISTED),
            models.Index(fields=["category", "sale_price", "id"], name="listing_category_price_idx", condition=LISTED),
            # The storefront (visible products) and the cabinet's table (all of them), newest first.
            models.Index(fields=["shop", "-created_at", "-id"], name="product_shop_new_idx"),
            models.Index(fields=["is_new"], name="product_label_new_idx", condition=Q(is_new=True)),
            models.Index(fields=["is_hit"], name="product_label_hit_idx", condition=Q(is_hit=True)),
            models.Index(fields=["free_shipping"], name="product_free_ship_idx", condition=Q(free_shipping=True)),
            models.Index(fields=["-created_at"], name="product_digital_idx", condition=Q(is_digital=True)),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(discount_percent__lte=99), name="product_discount_below_100"),
            models.CheckConstraint(
                condition=Q(price__gt=0) | Q(is_digital=True, price__gte=0), name="product_price_positive"
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("catalog:product", kwargs={"pk": self.pk})

    def clean(self):
        super().clean()
        if self.price is not None and self.price < 1 and not self.is_digital:
            raise ValidationError({"price": _("Only a digital product may be free: the price is at least 1 ₽.")})

    @property
    def is_free(self) -> bool:
        return self.is_digital and self.price == 0

    @property
    def downloadable_without_order(self) -> bool:
        """Seed 001: a free product with activation «немедленно» is downloaded without an order."""
        return self.is_free and self.activation == Activation.IMMEDIATE

    @property
    def has_discount(self) -> bool:
        return self.discount_percent > 0

    @property
    def discounted_price(self) -> Decimal:
        return to_money(self.price - percent_of(self.price, self.discount_percent))

    @property
    def is_orderable(self) -> bool:
        """Stock 0 means "not orderable" for products whose pieces are counted."""
        if self.is_digital:
            return True
        return not (self.availability == Availability.IN_STOCK and not self.stock)

    @property
    def labels(self) -> list[tuple[str, str]]:
        """(code, label) pairs shown on cards and the product page, in the seed's order."""
        found = []
        if self.is_new:
            found.append(("new", _("New")))
        if self.is_hit:
            found.append(("hit", _("Hit")))
        if self.free_shipping and not self.is_digital:
            found.append(("free_shipping", _("Free shipping")))
        if self.is_official_reseller:
            found.append(("reseller", _("Official reseller")))
        if self.has_discount:
            found.append(("discount", _("Discount")))
        return found


CARD_FIELDS = [
    "id", "title", "price", "discount_percent", "sale_price", "free_shipping", "availability", "stock",
    "is_new", "is_hit", "is_official_reseller", "is_digital", "created_at", "updated_at", "cover_id",
    "shop__updated_at", "shop__id", "shop__name", "shop__slug", "shop__city", "shop__is_reliable", "cover__id",
    "cover__image", "cover__width", "cover__height", "rating_avg", "review_count",
    "shop__vacation__id", "shop__vacation__shop_id", "shop__vacation__starts_on", "shop__vacation__ends_on",
    "shop__vacation__allow_cart",
]  # fmt: skip


class LabelCode(models.TextChoices):
    NEW = "new", _("New")
    HIT = "hit", _("Hit")
    FREE_SHIPPING = "free_shipping", _("Free shipping")
    RESELLER = "reseller", _("Official reseller")
    DISCOUNT = "discount", _("Discount")


LABEL_FILTERS = {
    LabelCode.NEW: Q(is_new=True),
    LabelCode.HIT: Q(is_hit=True),
    LabelCode.FREE_SHIPPING: Q(free_shipping=True),
    LabelCode.RESELLER: Q(is_official_reseller=True),
    LabelCode.DISCOUNT: Q(discount_percent__gt=0),
}


# The 16 hex digits of ProductImage.phash cut into five bands (1-based start, length): two hashes
# at most four bits apart agree on a whole band.
PHASH_BANDS = ((1, 4), (5, 3), (8, 3), (11, 3), (14, 3))


class ProductImage(models.Model):
    """A product photo; the first by position is the cover. Thumbnails are made on upload."""

    product = models.ForeignKey(Product, verbose_name=_("product"), on_delete=models.CASCADE, related_name="images")
    image = models.ImageField(
        _("image"), upload_to="catalog/products/%Y/%m/", width_field="width", height_field="height"
    )
    width = models.PositiveIntegerField(_("width"), default=0, editable=False)
    height = models.PositiveIntegerField(_("height"), default=0, editable=False)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    # Measured on upload (catalog.image_hooks.measure): a perceptual hash that re-saved and resized
    # copies share, and the photo's sharpness; moderation's image queue compares them.
    phash = models.CharField(_("perceptual hash"), max_length=16, blank=True, db_index=True, editable=False)
    sharpness = models.FloatField(_("sharpness"), null=True, blank=True, editable=False)

    # Grids crop square (seed 001); the product page shows the photo in its own shape.
    card = ImageSpecField(source="image", processors=[ResizeToFill(400, 400)], format="WEBP", options={"quality": 82})
    large = ImageSpecField(source="image", processors=[ResizeToFit(1200, 1200)], format="WEBP", options={"quality": 85})
    thumb = ImageSpecField(source="image", processors=[ResizeToFill(96, 96)], format="WEBP", options={"quality": 80})

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("product image")
        verbose_name_plural = _("product images")
        # Hashes a few bits apart share at least one whole band (pigeonhole), so similar photos
        # are found through these indexes rather than by comparing every stored hash.
        indexes = [
            models.Index(Substr("phash", start, length), name=f"productimage_phash_band{number}")
            for number, (start, length) in enumerate(PHASH_BANDS)
        ]

    def __str__(self):
        return self.image.name


class OptionKind(models.TextChoices):
    """How the buyer picks (seed 001): a list (one), checkboxes (any), radio buttons (one, required)."""

    SELECT = "select", _("List of variants (choose one)")
    CHECKBOX = "checkbox", _("Checkboxes (choose any)")
    RADIO = "radio", _("Radio buttons (must choose one)")


class GlobalOption(models.Model):
    """«Глобальная опция»: made once in the cabinet's «Опции», added to any product of the shop.

    A product that uses it gets its own OptionGroup linked here (``OptionGroup.global_option``)
    whose variants mirror these (``OptionChoice.global_choice``); catalog.services keeps the
    copies in step, so carts and pricing keep working with the product's OptionChoice ids.
    """

    shop = models.ForeignKey(Shop, verbose_name=_("shop"), on_delete=models.CASCADE, related_name="global_options")
    name = models.CharField(_("option name"), max_length=60, validators=[validate_no_contacts])
    kind = models.CharField(_("display"), max_length=10, choices=OptionKind, default=OptionKind.SELECT)
    is_required = models.BooleanField(_("required"), default=True)
    created_at = models.DateTimeField(_("date created"), default=timezone.now)

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = _("global option")
        verbose_name_plural = _("global options")
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind=OptionKind.RADIO) | Q(is_required=True), name="global_option_radio_required"
            )
        ]

    def __str__(self):
        return self.name


class VariantQuerySet(models.QuerySet):
    def active(self):
        """Variants a buyer may choose now; removed ones stay only for the carts that hold them."""
        return self.filter(is_removed=False)


class Variant(models.Model):
    """What a product's variant and a global option's variant share: name, price difference,
    position, and the mark of a removed one (ids are never reused)."""

    name = models.CharField(_("variant"), max_length=60, validators=[validate_no_contacts])
    price_delta = models.DecimalField(
        _("price difference, ₽"), max_digits=12, decimal_places=2, default=Decimal("0"),
        validators=[MinValueValidator(Decimal("-9999999")), MaxValueValidator(Decimal("9999999"))],
    )  # fmt: skip
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    is_removed = models.BooleanField(_("removed"), default=False)
    removed_at = models.DateTimeField(_("removed"), null=True, blank=True)

    objects = VariantQuerySet.as_manager()

    class Meta:
        abstract = True
        ordering = ["position", "pk"]

    def __str__(self):
        return self.name


class GlobalOptionChoice(Variant):
    option = models.ForeignKey(
        GlobalOption, verbose_name=_("global option"), on_delete=models.CASCADE, related_name="choices"
    )

    class Meta(Variant.Meta):
        verbose_name = _("global option variant")
        verbose_name_plural = _("global option variants")


class OptionGroup(models.Model):
    product = models.ForeignKey(
        Product, verbose_name=_("product"), on_delete=models.CASCADE, related_name="option_groups"
    )
    name = models.CharField(_("option name"), max_length=60, validators=[validate_no_contacts])
    kind = models.CharField(_("display"), max_length=10, choices=OptionKind, default=OptionKind.SELECT)
    is_required = models.BooleanField(_("required"), default=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    # Set when the option is a product's copy of a global one (edited only there).
    global_option = models.ForeignKey(
        GlobalOption, verbose_name=_("global option"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="product_groups",
    )  # fmt: skip

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("option")
        verbose_name_plural = _("options")
        constraints = [
            # Seed 001: with radio buttons «пользователь обязан выбрать один из вариантов».
            models.CheckConstraint(
                condition=~Q(kind=OptionKind.RADIO) | Q(is_required=True), name="option_radio_required"
            )
        ]

    def __str__(self):
        return self.name


class OptionChoice(Variant):
    """A variant. Its id is what carts and orders hold, so an edit keeps it: a variant the seller
    removes is marked ``is_removed`` (hidden from buyers, never priced), never deleted or reused."""

    group = models.ForeignKey(OptionGroup, verbose_name=_("option"), on_delete=models.CASCADE, related_name="choices")
    global_choice = models.ForeignKey(
        GlobalOptionChoice,
        verbose_name=_("global option variant"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="product_choices",
    )

    class Meta(Variant.Meta):
        verbose_name = _("option variant")
        verbose_name_plural = _("option variants")


class TierKind(models.TextChoices):
    PERCENT = "percent", _("Discount, %")
    # Seed 001 states rubles tiers as totals: «2 – 1800 рублей, 3 товара – 2600 рублей».
    TOTAL = "total", _("Price for that many pieces, ₽")


class WholesaleTier(models.Model):
    """«Оптовые скидки»: from ``min_quantity`` pieces, a % off, or a price in rubles for
    ``min_quantity`` pieces together (catalog.pricing says how other quantities are priced)."""

    product = models.ForeignKey(
        Product, verbose_name=_("product"), on_delete=models.CASCADE, related_name="wholesale_tiers"
    )
    min_quantity = models.PositiveIntegerField(_("from, pieces"), validators=[MinValueValidator(2)])
    kind = models.CharField(_("kind"), max_length=10, choices=TierKind, default=TierKind.PERCENT)
    value = models.DecimalField(_("value"), max_digits=12, decimal_places=2)

    class Meta:
        ordering = ["min_quantity"]
        verbose_name = _("wholesale tier")
        verbose_name_plural = _("wholesale tiers")
        constraints = [
            models.UniqueConstraint(fields=["product", "min_quantity"], name="tier_quantity_unique_per_product")
        ]

    def __str__(self):
        return f"≥{self.min_quantity}: {self.value}"


class Attachment(models.Model):
    """Files for buyers: instructions, size charts (seed 001 «загружать к товару файлы»)."""

    product = models.ForeignKey(
        Product, verbose_name=_("product"), on_delete=models.CASCADE, related_name="attachments"
    )
    title = models.CharField(_("file title"), max_length=100, validators=[validate_no_contacts])
    file = models.FileField(_("file"), upload_to="catalog/files/%Y/%m/", validators=[validate_upload_size])
    size = models.PositiveIntegerField(_("size, bytes"), default=0, editable=False)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("attached file")
        verbose_name_plural = _("attached files")

    def __str__(self):
        return self.title


class DigitalFileKind(models.TextChoices):
    FILE = "file", _("File")
    FOLDER = "folder", _("Folder")


class DigitalFile(models.Model):
    """A sold file or folder of a digital product («Продаваемые файлы», seed 001).

    ``file`` is what the buyer downloads: the file itself, or for a folder one zip of its
    files — uploaded as a zip (checked, kept as sent) or as several files packed by a task
    (catalog.tasks.digital_folder_pack), empty until the task has run. It lives in the private
    storage and is only ever sent by orders.views.downloads, which checks the right to it.
    """

    product = models.ForeignKey(
        Product, verbose_name=_("product"), on_delete=models.CASCADE, related_name="digital_files"
    )
    title = models.CharField(_("name"), max_length=100, validators=[validate_no_contacts])
    kind = models.CharField(_("kind"), max_length=6, choices=DigitalFileKind, default=DigitalFileKind.FILE)
    file = models.FileField(_("file"), storage=private_storage, upload_to="digital/%Y/%m/", max_length=200,
                            blank=True)  # fmt: skip
    size = models.PositiveBigIntegerField(_("size, bytes"), default=0)
    # A folder's contents as the buyer will find them: [[path inside the folder, size], …].
    entries = models.JSONField(_("contents"), default=list, blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    created_at = models.DateTimeField(_("added"), default=timezone.now)

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("sold file")
        verbose_name_plural = _("sold files")

    def __str__(self):
        return self.title

    @property
    def is_folder(self) -> bool:
        return self.kind == DigitalFileKind.FOLDER

    @property
    def is_ready(self) -> bool:
        return bool(self.file)


class DigitalFolderPart(models.Model):
    """One file of a folder uploaded as several files, waiting to be packed into the folder's zip."""

    folder = models.ForeignKey(DigitalFile, verbose_name=_("folder"), on_delete=models.CASCADE, related_name="parts")
    path = models.CharField(_("path in the folder"), max_length=255)
    file = models.FileField(_("file"), storage=private_storage, upload_to="digital/parts/%Y/%m/", max_length=200)
    size = models.PositiveBigIntegerField(_("size, bytes"), default=0)

    class Meta:
        verbose_name = _("file of a folder")
        verbose_name_plural = _("files of folders")
        ordering = ["pk"]

    def __str__(self):
        return self.path


class PreviewImage(models.Model):
    """«Файлы для предпросмотра»: a page or spread of a digital product shown on its page (public)."""

    product = models.ForeignKey(Product, verbose_name=_("product"), on_delete=models.CASCADE, related_name="previews")
    image = models.ImageField(
        _("image"), upload_to="catalog/previews/%Y/%m/", width_field="width", height_field="height"
    )
    width = models.PositiveIntegerField(_("width"), default=0, editable=False)
    height = models.PositiveIntegerField(_("height"), default=0, editable=False)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    large = ImageSpecField(source="image", processors=[ResizeToFit(1200, 1200)], format="WEBP", options={"quality": 82})
    thumb = ImageSpecField(source="image", processors=[ResizeToFit(320, 320)], format="WEBP", options={"quality": 80})

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("preview")
        verbose_name_plural = _("previews")

    def __str__(self):
        return self.image.name


class CollectionItem(models.Model):
    """A product's place in one of its shop's collections (shops.Collection)."""

    collection = models.ForeignKey(
        Collection, verbose_name=_("collection"), on_delete=models.CASCADE, related_name="items"
    )
    product = models.ForeignKey(
        Product, verbose_name=_("product"), on_delete=models.CASCADE, related_name="collection_items"
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("product in a collection")
        verbose_name_plural = _("products in collections")
        ordering = ["position", "pk"]
        constraints = [models.UniqueConstraint(fields=["collection", "product"], name="collection_item_unique")]

    def __str__(self):
        return f"{self.collection_id}: {self.product_id}"


class ProductLike(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="likes"
    )
    product = models.ForeignKey(Product, verbose_name=_("product"), on_delete=models.CASCADE, related_name="likes")
    created_at = models.DateTimeField(_("date created"), default=timezone.now)

    class Meta:
        verbose_name = _("like")
        verbose_name_plural = _("likes of products")
        constraints = [models.UniqueConstraint(fields=["user", "product"], name="like_once")]

    def __str__(self):
        return f"{self.user_id} ♥ {self.product_id}"


class ProductView(models.Model):
    """A claim of the view counter for one product and day: a visitor, a session or an address
    slot ``visitor`` (see catalog.services.product_view_record), each taken once a day."""

    product = models.ForeignKey(Product, verbose_name=_("product"), on_delete=models.CASCADE, related_name="+")
    visitor = models.CharField(_("visitor"), max_length=64)
    day = models.DateField(_("day"))

    class Meta:
        verbose_name = _("product view")
        verbose_name_plural = _("product views")
        constraints = [models.UniqueConstraint(fields=["product", "visitor", "day"], name="view_once_a_day")]

    def __str__(self):
        return f"{self.product_id} {self.day}"


class ProductViewDay(models.Model):
    """Counted views of one product on one day, kept for the marketing report's views over time
    (ProductView claims last two days; Product.views_count is only the running total)."""

    product = models.ForeignKey(Product, verbose_name=_("product"), on_delete=models.CASCADE, related_name="+")
    day = models.DateField(_("day"))
    views = models.PositiveIntegerField(_("views"), default=0)

    class Meta:
        verbose_name = _("product views in a day")
        verbose_name_plural = _("product views by day")
        constraints = [models.UniqueConstraint(fields=["product", "day"], name="view_day_once")]

    def __str__(self):
        return f"{self.product_id} {self.day}: {self.views}"
