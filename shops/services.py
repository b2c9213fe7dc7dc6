"""Writes of the shops app: opening a shop, its profile, images, vacation, collections."""

from collections.abc import Callable
from datetime import date

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from marketplace.models import User
from marketplace.pagecache import bump_generation_on_commit
from marketplace.richtext import render_markdown
from marketplace.text_hooks import text_saved

from .exceptions import ShopError
from .models import AboutImage, Collection, ContactMethod, Shop, Vacation

# Fields a seller edits through the cabinet's profile sections (slug is fixed once opened:
# links in e-mails and bookmarks rely on it).
EDITABLE_FIELDS = {
    "name", "city", "tagline", "about",
    "payment_systems", "carriers", "delivery_info", "prepayment_terms", "made_to_order_terms",
    "confirmation_days", "rules_returns", "rules_payment", "rules_shipping", "rules_non_returnable",
    "rules_other", "rules_consent_required",
}  # fmt: skip


@transaction.atomic
def shop_open(*, owner: User, name: str, slug: str, city: str, tagline: str = "") -> Shop:
    """Open the one shop a user may have."""
    if Shop.objects.filter(owner=owner).exists():
        raise ShopError(_("You already have a shop."))
    if Shop.objects.filter(slug=slug).exists():
        raise ShopError(_("The address «%(slug)s» is taken. Choose another.") % {"slug": slug})
    try:
        with transaction.atomic():
            shop = Shop.objects.create(owner=owner, name=name, slug=slug, city=city, tagline=tagline)
    except IntegrityError:  # two clicks or two people racing for one address
        raise ShopError(_("The address «%(slug)s» is taken. Choose another.") % {"slug": slug})
    text_saved(instance=shop, fields=["name", "tagline"])
    return shop


@transaction.atomic
def shop_update(*, shop: Shop, **changes) -> Shop:
    """Save profile fields edited in the cabinet; «О нас» is rendered to safe HTML here."""
    bump_generation_on_commit()
    unknown = set(changes) - EDITABLE_FIELDS
    if unknown:
        raise ValueError(f"Not editable here: {sorted(unknown)}")
    renamed = "name" in changes and changes["name"] != shop.name
    for field, value in changes.items():
        setattr(shop, field, value)
    update_fields = list(changes)
    if "about" in changes:
        shop.about_html = render_markdown(shop.about)
        update_fields.append("about_html")
    shop.save(update_fields=[*update_fields, "updated_at"])
    if renamed:
        shop_renamed(shop=shop)
    text_saved(instance=shop, fields=changes)
    return shop


# Apps above shops that keep copies of a shop's name (catalog's search index) register here in
# their AppConfig.ready(), so shops never imports them (like shops.overview).
_rename_hooks: list[Callable] = []


def register_shop_renamed(hook: Callable) -> Callable:
    """``hook(shop)`` runs in the transaction that renamed the shop."""
    if hook not in _rename_hooks:
        _rename_hooks.append(hook)
    return hook


def shop_renamed(*, shop: Shop) -> None:
    """Tell the registered apps that the shop's name changed (cabinet or admin)."""
    for hook in _rename_hooks:
        hook(shop)


@transaction.atomic
def shop_set_images(*, shop: Shop, logo=None, banner=None, remove_logo=False, remove_banner=False) -> Shop:
    """Replace or remove the logo and banner (files already checked by marketplace.images)."""
    bump_generation_on_commit()
    old_files = []
    for field, new, remove in (("logo", logo, remove_logo), ("banner", banner, remove_banner)):
        current = getattr(shop, field)
        if new is not None or remove:
            if current:
                old_files.append((current.storage, current.name))
            if new is not None:
                getattr(shop, field).save(new.name, new, save=False)
            else:
                setattr(shop, field, "")
    shop.save(update_fields=["logo", "banner", "updated_at"])
    # Old files go only once the new ones are safely recorded.
    transaction.on_commit(lambda: [storage.delete(name) for storage, name in old_files])
    return shop


@transaction.atomic
def shop_set_contact_methods(*, shop: Shop, methods: list[str]) -> Shop:
    """At least two methods: a main one and a reserve one, e.g. for guest orders (seed 001)."""
    methods = [code for code in ContactMethod.values if code in set(methods)]
    if len(methods) < 2:
        raise ShopError(_("Choose at least two contact methods: a main one and a reserve one."))
    shop.contact_methods = methods
    shop.save(update_fields=["contact_methods", "updated_at"])
    return shop


@transaction.atomic
def vacation_set(*, shop: Shop, message: str, starts_on: date, ends_on: date, allow_cart: bool) -> Vacation:
    """Create or change the shop's vacation."""
    bump_generation_on_commit()
    if ends_on < starts_on:
        raise ShopError(_("The vacation cannot end before it starts."))
    if ends_on < timezone.localdate():
        raise ShopError(_("The vacation would already be over: choose a last day from today on."))
    vacation, _created = Vacation.objects.update_or_create(
        shop=shop, defaults={"message": message, "starts_on": starts_on, "ends_on": ends_on, "allow_cart": allow_cart}
    )
    return vacation


@transaction.atomic
def vacation_end(*, shop: Shop) -> None:
    """Back from vacation now."""
    bump_generation_on_commit()
    Vacation.objects.filter(shop=shop).delete()


@transaction.atomic
def about_image_add(*, shop: Shop, image, caption: str = "") -> AboutImage:
    if shop.about_images.count() >= 10:
        raise ShopError(_("«About us» can have at most 10 images. Delete one first."))
    last = shop.about_images.order_by("-position").values_list("position", flat=True).first() or 0
    about_image = AboutImage(shop=shop, caption=caption, position=last + 1)
    about_image.image.save(image.name, image, save=False)
    about_image.save()
    return about_image


@transaction.atomic
def about_image_delete(*, about_image: AboutImage) -> None:
    storage, name = about_image.image.storage, about_image.image.name
    about_image.delete()
    transaction.on_commit(lambda: storage.delete(name))


@transaction.atomic
def collection_save(*, shop: Shop, collection: Collection | None = None, name: str, cover=None,
                    remove_cover: bool = False, position: int | None = None) -> Collection:  # fmt: skip
    """Create a collection of the shop, or change one."""
    bump_generation_on_commit()
    # Compared in Python: SQLite folds only ASCII case, and «Вигвамы» must clash with «вигвамы».
    others = shop.collections.exclude(pk=getattr(collection, "pk", None)).values_list("name", flat=True)
    if name.casefold() in {other.casefold() for other in others}:
        raise ShopError(_("The shop already has a collection named «%(name)s».") % {"name": name})
    if collection is None:
        last = shop.collections.order_by("-position").values_list("position", flat=True).first() or 0
        collection = Collection(shop=shop, position=last + 1)
    elif collection.shop_id != shop.pk:
        raise ShopError(_("This collection belongs to another shop."))
    collection.name = name
    if position is not None:
        collection.position = position
    old = None
    if (cover is not None or remove_cover) and collection.cover:
        old = (collection.cover.storage, collection.cover.name)
    if cover is not None:
        collection.cover.save(cover.name, cover, save=False)
    elif remove_cover:
        collection.cover = ""
    collection.save()
    if old:
        transaction.on_commit(lambda: old[0].delete(old[1]))
    return collection


@transaction.atomic
def collection_delete(*, collection: Collection) -> None:
    bump_generation_on_commit()
    cover = (collection.cover.storage, collection.cover.name) if collection.cover else None
    collection.delete()
    if cover:
        transaction.on_commit(lambda: cover[0].delete(cover[1]))
