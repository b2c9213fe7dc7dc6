"""Writes of the catalog app: products and everything a seller sets on them, likes, views, labels."""

from collections.abc import Iterable, Sequence
from datetime import date, timedelta
from decimal import Decimal

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import F, Q, Sum
from django.db.models.expressions import RawSQL
from django.db.models.functions import Greatest
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from marketplace.money import format_rub, percent_of, to_money
from marketplace.pagecache import bump_generation_on_commit
from marketplace.text_hooks import text_saved
from shops.models import Collection, Shop

from . import attachments, image_hooks, search
from .exceptions import CatalogError
from .models import (
    Attachment,
    Availability,
    CollectionItem,
    GlobalOption,
    GlobalOptionChoice,
    OptionChoice,
    OptionGroup,
    OptionKind,
    Product,
    ProductImage,
    ProductLike,
    ProductView,
    ProductViewDay,
    TierKind,
    WholesaleTier,
)

MAX_IMAGES = 10
MAX_ATTACHMENTS = 5
MAX_TIERS = 6
NEW_LABEL_DAYS = 5
HIT_LABEL_SALES = 3

PRODUCT_FIELDS = {
    "category", "title", "description", "price", "discount_percent", "free_shipping",
    "availability", "stock", "production_days", "is_enabled", "is_digital", "activation", "download_limit",
}  # fmt: skip


def _catalog_changed() -> None:
    """Cached anonymous pages show the change as soon as it is committed."""
    bump_generation_on_commit()


def _touch(product: Product) -> None:
    """The product changed (photos, options, tiers, files): its cached page parts are stale."""
    Product.objects.filter(pk=product.pk).update(updated_at=timezone.now())


def product_part_changed(sender, instance, **kwargs) -> None:
    """A photo, tier, file, option or variant was saved or deleted, by the services or anywhere else
    (the admin): its products' cached page parts are stale (a signal receiver, catalog.apps)."""
    if isinstance(instance, GlobalOptionChoice):
        products = Product.objects.filter(option_groups__global_option_id=instance.option_id)
    elif isinstance(instance, OptionChoice):
        products = Product.objects.filter(option_groups__pk=instance.group_id)
    else:
        products = Product.objects.filter(pk=instance.product_id)
    products.update(updated_at=timezone.now())


# Popularity, the «По популярности» order. Seed 001 lists its ingredients; what Lavka records:
#   20 × the product's sales (orders, see products_sales_record) + 10 × its reviews + 5 × its likes
#   + 1 × its views + 1 × the shop's sales (all its products) + 2 × the shop's reviews.
# Left out: search queries and ad clicks (not recorded), and cart additions — carts live in the
# orders app above the catalog, and a cart line is deleted at checkout, so counting lines would
# not count additions. A counted view, like or sale moves the stored figure at once by its
# weight (one cheap UPDATE of one row); the hourly labels_refresh recomputes it in full, which
# also brings in reviews and the shop's part.
POPULARITY_WEIGHTS = {"sales": 20, "reviews": 10, "likes": 5, "views": 1, "shop_sales": 1, "shop_reviews": 2}


def _popularity_own():
    w = POPULARITY_WEIGHTS
    return (F("sales_count") * w["sales"] + F("review_count") * w["reviews"] + F("likes_count") * w["likes"]
            + F("views_count") * w["views"])  # fmt: skip


def _popularity_moved(delta: int):
    """The stored popularity moved by ``delta``, never below zero (the hourly recompute is the truth)."""
    return Greatest(F("popularity") + delta, 0)


def products_popularity_refresh() -> int:
    """Recompute every product's popularity from its figures and its shop's (one UPDATE per shop)."""
    w = POPULARITY_WEIGHTS
    shop_sales = dict(Product.objects.order_by().values("shop_id").annotate(total=Sum("sales_count"))
                      .values_list("shop_id", "total"))  # fmt: skip
    shop_reviews = dict(Shop.objects.filter(pk__in=shop_sales).values_list("pk", "rating_count"))
    changed = 0
    for shop_id, sales in shop_sales.items():
        shop_part = (sales or 0) * w["shop_sales"] + shop_reviews.get(shop_id, 0) * w["shop_reviews"]
        changed += Product.objects.filter(shop_id=shop_id).update(popularity=_popularity_own() + shop_part)
    return changed


def _normalise_digital(fields: dict) -> None:
    """A digital product has no stock, parcel or delivery (seed 001); only it may be free."""
    if fields.get("is_digital"):
        fields.update(availability=Availability.NOT_TRACKED, stock=None, production_days=None, free_shipping=False)
    else:
        if fields.get("price") is not None and fields["price"] <= 0:
            raise CatalogError(_("Only a digital product may be free: the price is at least 1 ₽."))
        fields.pop("activation", None)
        fields.pop("download_limit", None)


def _normalise_availability(fields: dict) -> None:
    availability = fields.get("availability")
    if availability == Availability.IN_STOCK:
        if fields.get("stock") is None:
            raise CatalogError(_("Say how many pieces are in stock."))
    elif availability == Availability.MADE_TO_ORDER:
        if not fields.get("production_days"):
            raise CatalogError(_("Say how many days it takes to make the product."))
        fields["stock"] = None
    elif availability == Availability.NOT_TRACKED:
        fields["stock"] = None


def _refresh_derived(product: Product) -> None:
    """Keep the stored sale price, search text and search vector in step with the product."""
    product.sale_price = to_money(product.price - percent_of(product.price, product.discount_percent))
    document = search.product_document(product)
    product.search_text = document.search_text
    product.save(update_fields=["sale_price", "search_text", "updated_at"])
    if settings.DB_IS_POSTGRES:
        Product.objects.filter(pk=product.pk).update(
            search_vector=RawSQL(search.VECTOR_SQL, search.vector_params(document))
        )
    text_saved(instance=product, fields=["title", "description"])  # scanned for contacts (moderation)


def products_refresh_search(*, queryset=None, batch_size: int = 500) -> int:
    """Rebuild the stored search fields (after a shop or category rename, or a search change)."""
    queryset = (
        (queryset if queryset is not None else Product.objects.all())
        .select_related("shop", "category", "category__parent")
        .order_by("pk")
    )
    done, last = 0, 0
    while batch := list(queryset.filter(pk__gt=last)[:batch_size]):
        search.store(connection, [(product.pk, search.product_document(product)) for product in batch])
        done, last = done + len(batch), batch[-1].pk
    return done


def products_refresh_search_of_shop(shop: Shop) -> int:
    """A renamed shop: its products are found by the new name (shops.services.shop_renamed)."""
    return products_refresh_search(queryset=Product.objects.filter(shop=shop))


@transaction.atomic
def product_create(*, shop: Shop, **fields) -> Product:
    """A new product of the shop; it stays off until the seller enables it (after a preview)."""
    _catalog_changed()
    unknown = set(fields) - PRODUCT_FIELDS
    if unknown:
        raise ValueError(f"Unknown product fields: {sorted(unknown)}")
    _normalise_digital(fields)
    _normalise_availability(fields)
    if fields.get("is_enabled"):
        fields["first_on_sale_at"] = timezone.now()
    product = Product.objects.create(shop=shop, **fields)
    _refresh_derived(product)
    return product


@transaction.atomic
def product_update(*, product: Product, **fields) -> Product:
    _catalog_changed()
    unknown = set(fields) - PRODUCT_FIELDS
    if unknown:
        raise ValueError(f"Unknown product fields: {sorted(unknown)}")
    # Digital or not is chosen when the product is created (seed 001): orders and files rely on it.
    fields.pop("is_digital", None)
    merged = {"availability": product.availability, "stock": product.stock, "price": product.price,
              "production_days": product.production_days, "free_shipping": product.free_shipping, **fields,
              "is_digital": product.is_digital}  # fmt: skip
    _normalise_digital(merged)
    _normalise_availability(merged)
    for key in ("availability", "stock", "production_days"):
        fields[key] = merged[key]
    if product.is_digital:
        fields["free_shipping"] = False
    else:
        fields.pop("activation", None)
        fields.pop("download_limit", None)
    if fields.get("is_enabled") and product.first_on_sale_at is None:
        fields["first_on_sale_at"] = timezone.now()
    for key, value in fields.items():
        setattr(product, key, value)
    product.save(update_fields=[*fields, "updated_at"])
    _refresh_derived(product)
    return product


@transaction.atomic
def product_save(*, shop: Shop, product: Product | None, fields: dict, collection_ids: Iterable[int],
                 images: Sequence = ()) -> Product:  # fmt: skip
    """The cabinet's product form: the product, its collections and the photos sent with it
    (already checked by marketplace.images) together, or nothing."""
    if product is None:
        product = product_create(shop=shop, **fields)
    else:
        product = product_update(product=product, **fields)
    product_set_collections(product=product, collection_ids=collection_ids)
    if images:
        product_images_add(product=product, images=images)
    return product


@transaction.atomic
def product_after_admin_edit(*, product: Product) -> Product:
    """An admin changed the product in the Django admin: keep derived fields and caches right."""
    _catalog_changed()
    _refresh_derived(product)
    return product


@transaction.atomic
def products_set_enabled(*, shop: Shop, product_ids: Iterable[int], enabled: bool) -> int:
    """Bulk «Включить/Выключить»; only this shop's products are touched."""
    _catalog_changed()
    now = timezone.now()
    products = Product.objects.filter(shop=shop, pk__in=list(product_ids))
    if enabled:
        products.filter(first_on_sale_at__isnull=True).update(first_on_sale_at=now)
    return products.update(is_enabled=enabled, updated_at=now)


def _set_cover(product: Product) -> None:
    first = product.images.order_by("position", "pk").first()
    Product.objects.filter(pk=product.pk).update(cover=first)
    product.cover = first


@transaction.atomic
def product_image_add(*, product: Product, image) -> ProductImage:
    """Add a photo (already checked by marketplace.images); thumbnails are made right away."""
    _catalog_changed()
    _touch(product)
    if product.images.count() >= MAX_IMAGES:
        raise CatalogError(_("A product can have at most %(count)d images.") % {"count": MAX_IMAGES})
    last = product.images.order_by("-position").values_list("position", flat=True).first()
    found = image_hooks.measure(image)
    photo = ProductImage(product=product, position=0 if last is None else last + 1, phash=found.phash,
                         sharpness=found.sharpness)  # fmt: skip
    photo.image.save(image.name, image, save=False)
    photo.save()
    _set_cover(product)
    image_hooks.image_added(photo.pk)
    return photo


@transaction.atomic
def product_images_add(*, product: Product, images: Sequence) -> list[ProductImage]:
    """Several photos at once: all of them, or none (a bad one rolls the others back)."""
    return [product_image_add(product=product, image=image) for image in images]


@transaction.atomic
def product_image_delete(*, photo: ProductImage) -> None:
    _catalog_changed()
    _touch(photo.product)
    product = photo.product
    storage, name = photo.image.storage, photo.image.name
    image_hooks.image_removing(photo)
    photo.delete()
    _set_cover(product)
    transaction.on_commit(lambda: storage.delete(name))


@transaction.atomic
def product_images_reorder(*, product: Product, ordered_ids: Sequence[int]) -> None:
    """Put the photos in this order; the first becomes the cover."""
    _catalog_changed()
    _touch(product)
    photos = {photo.pk: photo for photo in product.images.all()}
    if set(ordered_ids) != set(photos):
        raise CatalogError(_("The list of images is out of date; reload the page."))
    for position, pk in enumerate(ordered_ids):
        photos[pk].position = position
    ProductImage.objects.bulk_update(photos.values(), ["position"])
    _set_cover(product)


VariantRow = tuple[str, Decimal] | tuple[int | None, str, Decimal]


def _variant_rows(choices: Sequence[VariantRow]) -> list[tuple[int | None, str, Decimal]]:
    """(id, name, price difference); an id of None is a new variant, or one matched by name."""
    rows = []
    for row in choices:
        pk, name, delta = (None, *row) if len(row) == 2 else row
        rows.append((pk, " ".join(str(name).split()), delta))
    return rows


def _check_variants(*, kind: str, rows, prices: Iterable[tuple[str, Decimal]]) -> None:
    """The rules every option obeys, a product's own or a global one; ``prices`` are the base
    prices (with a product title) the variants are added to."""
    names = [name for _pk, name, _delta in rows]
    if not names:
        raise CatalogError(_("Add at least one variant."))
    if len(names) < 2 and kind != OptionKind.CHECKBOX:
        raise CatalogError(_("An option needs at least two variants to choose from."))
    if len({n.casefold() for n in names}) != len(names):
        raise CatalogError(_("Variant names of one option must differ."))
    for title, price in prices:
        for _pk, choice_name, delta in rows:
            if price + delta <= 0:
                if title:
                    raise CatalogError(
                        _("With «%(name)s» the price of «%(title)s» would be %(price)s; it must stay above zero.")
                        % {"name": choice_name, "title": title, "price": format_rub(price + delta)}
                    )
                raise CatalogError(
                    _("With «%(name)s» the price would be %(price)s; it must stay above zero.")
                    % {"name": choice_name, "price": format_rub(price + delta)}
                )


def _sync_variants(model, *, owner_field: str, owner, rows, extra=None, match_names: bool = True) -> list:
    """Make ``owner``'s variants these rows, keeping ids: a row with an id (or, without one and
    if ``match_names``, the name of a current variant) updates that variant in place; other rows
    are added; variants not in the rows are marked removed (carts and orders hold their ids)."""
    current = {choice.pk: choice for choice in model.objects.filter(**{owner_field: owner}).active()}
    by_name = {choice.name.casefold(): choice for choice in current.values()}
    now = timezone.now()
    kept, saved = set(), []
    for position, (pk, name, delta) in enumerate(rows):
        if pk is not None:
            choice = current.get(pk)
            if choice is None:
                raise CatalogError(_("The list of variants is out of date; reload the page."))
        else:
            choice = by_name.get(name.casefold()) if match_names else None
            if choice is not None and choice.pk in kept:
                choice = None
        extra_fields = (extra or {}).get(position, {})
        if choice is None:
            choice = model(**{owner_field: owner}, name=name, price_delta=delta, position=position, **extra_fields)
            choice.save()
        else:
            choice.name, choice.price_delta, choice.position = name, delta, position
            for key, value in extra_fields.items():
                setattr(choice, key, value)
            choice.save()
        kept.add(choice.pk)
        saved.append(choice)
    model.objects.filter(pk__in=set(current) - kept).update(is_removed=True, removed_at=now)
    return saved


@transaction.atomic
def option_group_save(
    *, product: Product, group: OptionGroup | None = None, name: str, kind: str, is_required: bool,
    choices: Sequence[VariantRow],
) -> OptionGroup:  # fmt: skip
    """Create or edit an option (e.g. «Цвет») with its variants and price differences.

    Variants keep their ids (see _sync_variants); a radio option is always required (seed 001).
    """
    _catalog_changed()
    _touch(product)
    rows = _variant_rows(choices)
    _check_variants(kind=kind, rows=rows, prices=[("", product.price)])
    if group is None:
        last = product.option_groups.order_by("-position").values_list("position", flat=True).first()
        group = OptionGroup(product=product, position=0 if last is None else last + 1)
    elif group.product_id != product.pk:
        raise CatalogError(_("This option belongs to another product."))
    elif group.global_option_id:
        raise CatalogError(_("This is a global option: edit it in «Options» of the cabinet."))
    group.name, group.kind = name, kind
    group.is_required = True if kind == OptionKind.RADIO else is_required
    group.save()
    _sync_variants(OptionChoice, owner_field="group", owner=group, rows=rows)
    return group


def _global_option_copy(*, option: GlobalOption, product: Product, group: OptionGroup | None,
                        choices: Sequence[GlobalOptionChoice]) -> OptionGroup:  # fmt: skip
    """The product's copy of a global option, with variants linked to the global ones."""
    _touch(product)
    if group is None:
        last = product.option_groups.order_by("-position").values_list("position", flat=True).first()
        group = OptionGroup(product=product, global_option=option, position=0 if last is None else last + 1)
    group.name, group.kind, group.is_required = option.name, option.kind, option.is_required
    group.save()
    # The copy's variants follow the global ones by link, never by name.
    linked = {c.global_choice_id: c.pk for c in group.choices.active().exclude(global_choice=None)}
    rows = [(linked.get(choice.pk), choice.name, choice.price_delta) for choice in choices]
    extra = {position: {"global_choice": choice} for position, choice in enumerate(choices)}
    _sync_variants(OptionChoice, owner_field="group", owner=group, rows=rows, extra=extra, match_names=False)
    return group


@transaction.atomic
def global_option_save(
    *, shop: Shop, option: GlobalOption | None = None, name: str, kind: str, is_required: bool,
    choices: Sequence[VariantRow],
) -> GlobalOption:  # fmt: skip
    """«Опции» of the cabinet: create or edit a global option; every product using it follows."""
    _catalog_changed()
    rows = _variant_rows(choices)
    if option is not None and option.shop_id != shop.pk:
        raise CatalogError(_("This option belongs to another shop."))
    users = [] if option is None else list(
        Product.objects.filter(option_groups__global_option=option).distinct().only("pk", "title", "price")
    )  # fmt: skip
    _check_variants(kind=kind, rows=rows, prices=[(p.title, p.price) for p in users])
    if option is None:
        option = GlobalOption(shop=shop)
    option.name, option.kind = name, kind
    option.is_required = True if kind == OptionKind.RADIO else is_required
    option.save()
    choices_saved = _sync_variants(GlobalOptionChoice, owner_field="option", owner=option, rows=rows)
    for group in option.product_groups.select_related("product"):
        _global_option_copy(option=option, product=group.product, group=group, choices=choices_saved)
    return option


@transaction.atomic
def global_option_add_to_product(*, product: Product, option: GlobalOption) -> OptionGroup:
    """«Добавить глобальную опцию»: the product gets a copy that follows the global option."""
    _catalog_changed()
    if option.shop_id != product.shop_id:
        raise CatalogError(_("This option belongs to another shop."))
    if product.option_groups.filter(global_option=option).exists():
        raise CatalogError(_("The product already has the option «%(name)s».") % {"name": option.name})
    choices = list(option.choices.active())
    _check_variants(kind=option.kind, rows=[(c.pk, c.name, c.price_delta) for c in choices],
                    prices=[("", product.price)])  # fmt: skip
    return _global_option_copy(option=option, product=product, group=None, choices=choices)


@transaction.atomic
def option_group_delete(*, group: OptionGroup) -> None:
    _catalog_changed()
    _touch(group.product)
    group.delete()


@transaction.atomic
def option_groups_reorder(*, product: Product, ordered_ids: Sequence[int]) -> None:
    """Put the product's options in this order: the product page asks for them in it."""
    _catalog_changed()
    _touch(product)
    groups = {group.pk: group for group in product.option_groups.select_for_update()}
    if len(ordered_ids) != len(groups) or set(ordered_ids) != set(groups):
        raise CatalogError(_("The list of options is out of date; reload the page."))
    for position, pk in enumerate(ordered_ids):
        groups[pk].position = position
    OptionGroup.objects.bulk_update(groups.values(), ["position"])


@transaction.atomic
def wholesale_tiers_set(*, product: Product, tiers: Sequence[tuple[int, str, Decimal]]) -> list[WholesaleTier]:
    """Replace the product's «Оптовые скидки». Each bigger quantity must be a better deal."""
    if product.is_digital and tiers:
        raise CatalogError(_("Wholesale discounts do not apply to a digital product: a buyer takes one copy."))
    _catalog_changed()
    _touch(product)
    tiers = sorted(tiers, key=lambda tier: tier[0])
    if len(tiers) > MAX_TIERS:
        raise CatalogError(_("At most %(count)d wholesale tiers.") % {"count": MAX_TIERS})
    quantities = [quantity for quantity, _kind, _value in tiers]
    if len(set(quantities)) != len(quantities):
        raise CatalogError(_("Each wholesale tier needs its own quantity."))
    previous_unit = product.price
    for quantity, kind, value in tiers:
        if quantity < 2:
            raise CatalogError(_("Wholesale tiers start from 2 pieces."))
        if kind == TierKind.PERCENT:
            if not (1 <= value <= 99) or value != value.to_integral_value():
                raise CatalogError(_("A wholesale discount is a whole number from 1 to 99 %."))
            unit = to_money(product.price - percent_of(product.price, value))
        else:
            full = product.price * quantity
            if value <= 0 or value >= full:
                raise CatalogError(
                    _("The price for %(qty)d pcs must be below their full price %(price)s.")
                    % {"qty": quantity, "price": format_rub(full)}
                )
            unit = value / quantity  # compared unrounded: 3 for 2 600 is a better deal than 2 for 1 800
        if unit > previous_unit:
            raise CatalogError(
                _("From %(qty)d pcs the price per piece (%(unit)s) is higher than for fewer pieces: "
                  "a bigger order must not cost more per piece.")
                % {"qty": quantity, "unit": format_rub(to_money(unit))}
            )  # fmt: skip
        previous_unit = unit
    product.wholesale_tiers.all().delete()
    return WholesaleTier.objects.bulk_create(
        WholesaleTier(product=product, min_quantity=quantity, kind=kind, value=value) for quantity, kind, value in tiers
    )


@transaction.atomic
def attachment_add(*, product: Product, title: str, file) -> Attachment:
    _catalog_changed()
    _touch(product)
    if product.attachments.count() >= MAX_ATTACHMENTS:
        raise CatalogError(_("A product can have at most %(count)d files.") % {"count": MAX_ATTACHMENTS})
    attachment = Attachment(product=product, title=title, size=file.size)
    attachment.file.save(attachments.stored_name(file), file, save=False)
    attachment.save()
    return attachment


@transaction.atomic
def attachment_delete(*, attachment: Attachment) -> None:
    _catalog_changed()
    _touch(attachment.product)
    storage, name = attachment.file.storage, attachment.file.name
    attachment.delete()
    transaction.on_commit(lambda: storage.delete(name))


@transaction.atomic
def collection_items_set(*, collection: Collection, product_ids: Sequence[int]) -> None:
    """The collection's products, in this order; only products of the collection's shop."""
    _catalog_changed()
    ids = list(dict.fromkeys(product_ids))
    found = set(Product.objects.filter(shop_id=collection.shop_id, pk__in=ids).values_list("pk", flat=True))
    if found != set(ids):
        raise CatalogError(_("Only your shop's products can be added to a collection."))
    collection.items.all().delete()
    CollectionItem.objects.bulk_create(
        CollectionItem(collection=collection, product_id=pk, position=i) for i, pk in enumerate(ids)
    )


@transaction.atomic
def product_set_collections(*, product: Product, collection_ids: Iterable[int]) -> None:
    """Put the product in exactly these collections of its shop (appended at their end)."""
    _catalog_changed()
    wanted = set(collection_ids)
    own = set(Collection.objects.filter(shop_id=product.shop_id, pk__in=wanted).values_list("pk", flat=True))
    if own != wanted:
        raise CatalogError(_("Only your shop's collections can hold your products."))
    CollectionItem.objects.filter(product=product).exclude(collection_id__in=wanted).delete()
    present = set(CollectionItem.objects.filter(product=product).values_list("collection_id", flat=True))
    for collection_id in wanted - present:
        last = CollectionItem.objects.filter(collection_id=collection_id).order_by("-position").first()
        CollectionItem.objects.create(
            collection_id=collection_id, product=product, position=(last.position + 1) if last else 0
        )


@transaction.atomic
def product_like_toggle(*, user, product: Product) -> bool:
    """Like or unlike; returns whether the product is liked now."""
    deleted, _rows = ProductLike.objects.filter(user=user, product=product).delete()
    if deleted:
        Product.objects.filter(pk=product.pk).update(likes_count=F("likes_count") - 1)
        liked = False
    else:
        try:
            with transaction.atomic():
                ProductLike.objects.create(user=user, product=product)
        except IntegrityError:  # a double click: it is liked already
            return True
        Product.objects.filter(pk=product.pk).update(likes_count=F("likes_count") + 1)
        liked = True
    weight = POPULARITY_WEIGHTS["likes"]
    Product.objects.filter(pk=product.pk).update(popularity=_popularity_moved(weight if liked else -weight))
    return liked


# Counted views of one product from one address a day, whatever the accounts or sessions
# (a family or an office behind one address; a script varying its User-Agent gets one).
VIEWS_PER_ADDRESS = 3


def product_view_record(*, product_id: int, day: date, address: str, user_id: int | None = None,
                        session_key: str = "") -> bool:  # fmt: skip
    """Count a view of the product page; True when this view was counted.

    A view counts at most once a day per visitor (the account when signed in, else the
    address — never the User-Agent, which a script changes at will), once a day per session
    (when there is one), and at most VIEWS_PER_ADDRESS times a day per product from one address.

    Each rule is a claim: a ProductView row whose ``visitor`` is ``u<account>``, ``a<address>``,
    ``s<session>`` or ``n<slot>:<address>``; addresses and session keys are stored only as a
    keyed hash (and for two days, see labels_refresh). One INSERT … ON CONFLICT DO NOTHING
    (PostgreSQL and SQLite both have it) takes a claim and tells in one round trip whether it
    was free. The view counts only if all its claims were; a claim once taken stays, so a
    visitor or session that did not count now does not count later that day either.
    """
    table = ProductView._meta.db_table

    def claim(key: str) -> bool:
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {table} (product_id, visitor, day) VALUES (%s, %s, %s) ON CONFLICT DO NOTHING",  # noqa: S608
                [product_id, key[:64], day],
            )
            return cursor.rowcount == 1

    def hashed(value: str) -> str:
        return salted_hmac("catalog.product_view", value).hexdigest()[:40]

    address_key = hashed(address)
    if not claim(f"u{user_id}" if user_id else f"a{address_key}"):
        return False
    if session_key and not claim(f"s{hashed(session_key)}"):
        return False
    if not any(claim(f"n{slot}:{address_key}") for slot in range(1, VIEWS_PER_ADDRESS + 1)):
        return False
    Product.objects.filter(pk=product_id).update(
        views_count=F("views_count") + 1, popularity=_popularity_moved(POPULARITY_WEIGHTS["views"])
    )
    # The day's count for the marketing report: one upsert, one round trip.
    days = ProductViewDay._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {days} (product_id, day, views) VALUES (%s, %s, 1) "  # noqa: S608
            f"ON CONFLICT (product_id, day) DO UPDATE SET views = {days}.views + 1",
            [product_id, day],
        )
    return True


def products_sales_record(*, product_ids: Iterable[int | None], delta: int) -> int:
    """Count (``delta=1``, an order placed) or uncount (``-1``, cancelled) one sale of each product.

    A sale is an order holding the product, whatever its pieces: one order of three candles is one
    purchase, so «Хит» («куплены три раза и более», labels_refresh) needs three orders. Cancelled
    orders do not count. Deleted products (``None``) are skipped; the count never goes below zero.
    One UPDATE, atomic by itself: no savepoint inside the caller's order transaction.
    """
    if delta not in (1, -1):
        raise ValueError("delta is 1 or -1")
    ids = {pk for pk in product_ids if pk is not None}
    if not ids:
        return 0
    return Product.objects.filter(pk__in=ids).update(
        sales_count=Greatest(F("sales_count") + delta, 0),
        popularity=_popularity_moved(delta * POPULARITY_WEIGHTS["sales"]),
    )


@transaction.atomic
def labels_refresh(*, now=None) -> dict[str, int]:
    """The periodic job: «Новинка» for 5 days after the product first went on sale, «Хит» from 3 sales
    (orders, see products_sales_record), and popularity recomputed from the real figures."""
    _catalog_changed()
    now = now or timezone.now()
    new_since = now - timedelta(days=NEW_LABEL_DAYS)
    fresh = Q(first_on_sale_at__gte=new_since)
    counts = {
        "new_on": Product.objects.filter(fresh, is_new=False).update(is_new=True),
        "new_off": Product.objects.filter(~fresh | Q(first_on_sale_at=None), is_new=True).update(is_new=False),
        "hit_on": Product.objects.filter(is_hit=False, sales_count__gte=HIT_LABEL_SALES).update(is_hit=True),
        "hit_off": Product.objects.filter(is_hit=True, sales_count__lt=HIT_LABEL_SALES).update(is_hit=False),
    }
    ProductView.objects.filter(day__lt=(now - timedelta(days=2)).date()).delete()
    counts["popularity"] = products_popularity_refresh()
    return counts


@transaction.atomic
def product_reseller_document_set(*, product: Product, file) -> Product:
    """The seller's document for «Официальный реселлер» (checked by the form); an admin reviews it.

    A new document replaces the old one; a label already given stays (the admin may revoke it).
    """
    _catalog_changed()
    old = product.reseller_document.name if product.reseller_document else ""
    storage = product.reseller_document.storage
    product.reseller_document.save(attachments.stored_name(file), file, save=False)
    product.save(update_fields=["reseller_document", "updated_at"])
    if old and old != product.reseller_document.name:
        transaction.on_commit(lambda: storage.delete(old))
    return product


@transaction.atomic
def products_set_reseller(*, product_ids: Iterable[int], value: bool) -> int:
    """Admin only: «Официальный реселлер», given for a document the seller provided."""
    _catalog_changed()
    products = Product.objects.filter(pk__in=list(product_ids))
    if value:
        missing = products.filter(Q(reseller_document="") | Q(reseller_document__isnull=True))
        if missing.exists():
            raise CatalogError(
                _("Attach the seller's reseller document first: %(titles)s.")
                % {"titles": ", ".join(missing.values_list("title", flat=True)[:5])}
            )
    return products.update(is_official_reseller=value)
