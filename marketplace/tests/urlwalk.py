"""The generated access-control walk (issue 20): every URL pattern of the project, classified once.

``patterns()`` reads the resolver; ``RULES`` says for each pattern name who may use it and which
objects its address names; ``build_world()`` makes two alike sides: the victims' (seller B's shop,
buyer A's orders, conversation, complaint there) that the attackers (anonymous, buyer B, seller A)
aim at, and the attackers' own. test_access_walk.py and test_csrf_walk.py walk the table.
"""

import io
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from types import SimpleNamespace
from urllib.parse import urlencode

from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, models
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from PIL import Image

from catalog import services as catalog_services
from catalog import sold_files
from catalog.models import Activation, Attachment, GlobalOption, OptionGroup, Product
from catalog.tests.factories import CategoryFactory, ProductFactory, ProductImageFactory
from marketplace.tests.factories import UserFactory
from messaging import services as messaging_services
from messaging.models import Message, QuickReply, Side
from messaging.tests.factories import conversation_with, png_upload
from moderation.models import Complaint, ComplaintPhoto, ComplaintStatus
from moderation.tests.factories import complaint as complaint_for
from moderation.tests.factories import parcel, review
from orders.models import Cart, CartLine, Order, OrderItem, Review
from orders.tests.factories import order_for
from referrals.models import PromoCode
from referrals.tests.factories import PromoCodeFactory, ReferralLinkFactory
from shops import services as shop_services
from shops.tests.factories import CollectionFactory, ShopFactory, image_upload

# --- Who may use a pattern ------------------------------------------------------------------------

PUBLIC = "public"  # anyone, anonymous included, may get an answer (200): storefront, sign-up, cart…
SIGNED_IN = "signed-in"  # an anonymous visitor is sent to log in; anyone signed in uses it for themself
SELLER = "seller"  # the seller's cabinet without an object in the address: own shop only (404 without one)
OWNED = "owned"  # the address names an object of the owner (buyer A or seller B): everyone else is refused
STAFF = "staff"  # the admin: whoever is not staff is sent to the admin's log-in

# Who owns an OWNED address's objects: the side's buyer (buyer A among the victims) or its seller (B).
BUYER_A, SELLER_B = "buyer", "seller"

# An object given for one of these kwargs is written in the address by that attribute, else by its pk.
ADDRESS_ATTRIBUTES = ("number", "slug", "token")


@dataclass(frozen=True)
class Rule:
    access: str
    owner: str | None = None  # for OWNED: BUYER_A or SELLER_B
    kwargs: Callable | None = None  # side → {name: object or value}; objects are snapshotted around a POST
    query: Callable | None = None  # side → {name: value}: the query string, on every request
    data: Callable | None = None  # side → a plausible POST body naming the victims' objects (else empty)
    signs_out: bool = False  # a POST logs the client out: the walk logs it in again
    owner_reaches: bool = True  # for OWNED: the owner is let in (the walk's objects are real)
    why: str = ""


def _pub(**kw):
    return Rule(PUBLIC, **kw)


def _signed(**kw):
    return Rule(SIGNED_IN, **kw)


def _seller(**kw):
    return Rule(SELLER, **kw)


def _buyers(kwargs, **kw):
    return Rule(OWNED, owner=BUYER_A, kwargs=kwargs, **kw)


def _sellers(kwargs, **kw):
    return Rule(OWNED, owner=SELLER_B, kwargs=kwargs, **kw)


def _product(s):
    return {"pk": s.product}


def _digital(s):
    return {"pk": s.digital}


def _order(s):
    return {"number": s.order}


def _conversation(s):
    return {"pk": s.conversation}


def _message_text(s):
    return {"text": "Здравствуйте! Это чужой разговор.", "order": s.order.pk}


# Every pattern outside the admin, by its name («namespace:name»). A new pattern fails
# test_every_pattern_is_classified until it is added here.
RULES: dict[str, Rule] = {
    # The core app, allauth and the infrastructure.
    "rules": _pub(),
    "ping": _pub(),
    "health": _pub(why="load balancers' check; says nothing about anyone"),
    "profile": _signed(),
    "switch-language": _pub(kwargs=lambda s: {"code": "en"}),
    "media": _sellers(
        lambda s: {"path": s.attachment.file.name},
        owner_reaches=False,
        why="a private upload (a product's file) is never served by /media/, not even to its owner: "
        "its own view checks who asks",
    ),
    "account_login": _pub(),
    "account_logout": _pub(signs_out=True),
    "account_inactive": _pub(),
    "account_signup": _pub(),
    "account_reauthenticate": _signed(),
    "account_email": _signed(),
    "account_email_verification_sent": _pub(),
    "account_change_password": _signed(),
    "account_set_password": _signed(),
    "account_reset_password": _pub(),
    "account_confirm_login_code": _pub(),
    "account_confirm_email": _pub(kwargs=lambda s: {"key": "MQ:1tZ9aa:not-a-real-key"}),
    "account_reset_password_from_key_done": _pub(),
    "account_reset_password_from_key": _pub(kwargs=lambda s: {"uidb36": "1", "key": "not-a-real-key"}),
    "account_reset_password_done": _pub(),
    # catalog: the storefront is public; the cabinet is the seller's.
    "catalog:home": _pub(),
    "catalog:list": _pub(),
    "catalog:category": _pub(kwargs=lambda s: {"slug": s.category}),
    "catalog:product": _pub(kwargs=_product),
    "catalog:product-like": _signed(kwargs=_product, why="a like is the visitor's own (counters are not data)"),
    "catalog:product-seen": _pub(kwargs=_product, why="CSRF-exempt view counter, see test_csrf_walk.py"),
    "catalog:favorites": _signed(),
    "catalog:recently-viewed": _pub(query=lambda s: {"ids": f"{s.product.pk},{s.disabled.pk}"}),
    "catalog:attachment": _pub(
        kwargs=lambda s: {"pk": s.product, "attachment_id": s.attachment},
        why="a visible product's files are for anyone",
    ),
    "catalog:cabinet-product-file": _sellers(lambda s: {"pk": s.product, "file_pk": s.attachment}),
    "catalog:cabinet-product-reseller-document": _sellers(_product),
    "catalog:cabinet-products": _seller(),
    "catalog:cabinet-products-bulk": _seller(
        data=lambda s: {"action": "disable", "ids": [s.product.pk]}, why="another shop's ids are ignored"
    ),
    "catalog:cabinet-product-new": _seller(),
    "catalog:cabinet-product-edit": _sellers(_product, data=lambda s: {"title": "Чужой", "price": "1"}),
    "catalog:cabinet-product-images": _sellers(_product),
    "catalog:cabinet-product-image-delete": _sellers(lambda s: {"pk": s.product, "image_pk": s.image}),
    "catalog:cabinet-product-image-move": _sellers(
        lambda s: {"pk": s.product, "image_pk": s.image}, data=lambda s: {"direction": "first"}
    ),
    "catalog:cabinet-product-options": _sellers(_product),
    "catalog:cabinet-product-option-edit": _sellers(lambda s: {"pk": s.product, "group_pk": s.option}),
    "catalog:cabinet-product-option-add-global": _sellers(_product, data=lambda s: {"option": s.global_option.pk}),
    "catalog:cabinet-product-option-delete": _sellers(lambda s: {"pk": s.product, "group_pk": s.option}),
    "catalog:cabinet-product-wholesale": _sellers(_product),
    "catalog:cabinet-product-files": _sellers(_product),
    "catalog:cabinet-product-file-delete": _sellers(lambda s: {"pk": s.product, "file_pk": s.attachment}),
    "catalog:cabinet-product-sold-files": _sellers(_digital),
    "catalog:cabinet-product-sold-file-delete": _sellers(lambda s: {"pk": s.digital, "file_pk": s.sold_file}),
    "catalog:cabinet-product-sold-file-download": _sellers(lambda s: {"pk": s.digital, "file_pk": s.sold_file}),
    "catalog:cabinet-product-preview-delete": _sellers(lambda s: {"pk": s.digital, "preview_pk": s.preview}),
    "catalog:cabinet-global-options": _seller(),
    "catalog:cabinet-global-option-edit": _sellers(lambda s: {"pk": s.global_option}),
    "catalog:cabinet-collection-products": _sellers(
        lambda s: {"pk": s.collection}, data=lambda s: {"action": "remove", "product": s.product.pk}
    ),
    "catalog:cabinet-product-preview": _sellers(
        lambda s: {"pk": s.disabled}, why="the seller's preview of a product buyers cannot see"
    ),
    "catalog:shop": _pub(kwargs=lambda s: {"slug": s.shop}),
    "catalog:shop-about": _pub(kwargs=lambda s: {"slug": s.shop}),
    "catalog:shop-delivery": _pub(kwargs=lambda s: {"slug": s.shop}),
    "catalog:shop-rules": _pub(kwargs=lambda s: {"slug": s.shop}),
    "catalog:shop-collection": _pub(kwargs=lambda s: {"slug": s.shop, "pk": s.collection}),
    # orders: the cart is the visitor's own (by session); orders are the buyer's and the shop's.
    "orders:cart": _pub(),
    "orders:cart-add": _pub(kwargs=_product, why="CSRF-exempt, adds to the visitor's own cart"),
    "orders:cart-line": _buyers(
        lambda s: {"pk": s.cart_line}, data=lambda s: {"quantity": "0"}, why="a line of buyer A's cart"
    ),
    "orders:cart-line-remove": _buyers(lambda s: {"pk": s.cart_line}),
    "orders:checkout": _pub(
        kwargs=lambda s: {"slug": s.shop},
        data=lambda s: {"idempotency_key": f"walk-{s.shop.slug}"},
        why="guests check out too; the visitor's own cart (a key is the cart's own)",
    ),
    "orders:cart-promo": _pub(kwargs=lambda s: {"slug": s.shop}, data=lambda s: {"code": s.promo.code}),
    "orders:list": _signed(),
    "orders:detail": _buyers(_order),
    "orders:confirm": _buyers(_order),
    "orders:received": _buyers(_order),
    "orders:download": _buyers(lambda s: {"number": s.digital_order, "pk": s.sold_file}),
    "orders:downloads": _signed(),
    "orders:user-download": _buyers(lambda s: {"pk": s.sold_file}, why="opened by buyer A's order only"),
    "orders:tracking": _buyers(lambda s: {"number": s.order, "pk": s.shipment}),
    "orders:review-add": _buyers(
        lambda s: {"number": s.digital_order, "item_pk": s.digital_item},
        data=lambda s: {f"item{s.digital_item.pk}-rating": "1", f"item{s.digital_item.pk}-text": "Плохо"},
    ),
    "orders:review-edit": _buyers(
        lambda s: {"number": s.order, "pk": s.review},
        data=lambda s: {f"edit{s.review.pk}-rating": "1", f"edit{s.review.pk}-text": "Плохо"},
    ),
    "orders:shop-reviews": _pub(kwargs=lambda s: {"slug": s.shop}),
    "orders:cabinet-list": _seller(),
    "orders:cabinet-reviews": _seller(),
    "orders:cabinet-review-answer": _sellers(
        lambda s: {"pk": s.review}, data=lambda s: {f"review{s.review.pk}-text": "Ответ"}
    ),
    "orders:cabinet-carts": _seller(),
    "orders:cabinet-carts-offer": _seller(
        data=lambda s: {"line": s.cart_line.pk, "percent": "10", "days": "7"}, why="another shop's cart line is refused"
    ),
    "orders:cabinet-marketing": _seller(),
    "orders:cabinet-marketing-csv": _seller(),
    "orders:cabinet-cancel-unconfirmed-guest": _seller(),
    "orders:cabinet-detail": _sellers(_order),
    "orders:cabinet-status": _sellers(_order, data=lambda s: {"status": "cancelled", "cancel_reason": "buyer_asked"}),
    "orders:cabinet-shipment-add": _sellers(
        _order, data=lambda s: {"carrier": "russian_post", "track_number": "80080012345678"}
    ),
    "orders:cabinet-shipment-delete": _sellers(lambda s: {"number": s.order, "pk": s.shipment}),
    # messaging: a conversation is buyer A's and shop B's.
    "messaging:list": _signed(),
    "messaging:new": _signed(query=lambda s: {"shop": s.shop.slug}, why="a buyer writes to any shop"),
    "messaging:unread-badge": _pub(why="204 for a visitor"),
    "messaging:detail": _buyers(_conversation, data=_message_text),
    "messaging:poll": _buyers(_conversation),
    "messaging:attachment": _buyers(lambda s: {"pk": s.conversation, "attachment_pk": s.message_file}),
    "messaging:report": _buyers(
        lambda s: {"pk": s.conversation, "message_pk": s.seller_message}, data=lambda s: {"reason": "spam"}
    ),
    "messaging:cabinet-list": _seller(),
    "messaging:cabinet-replies": _seller(),
    "messaging:cabinet-reply-edit": _sellers(
        lambda s: {"pk": s.quick_reply}, data=lambda s: {"title": "Чужой", "text": "Чужой ответ"}
    ),
    "messaging:cabinet-reply-delete": _sellers(lambda s: {"pk": s.quick_reply}),
    "messaging:cabinet-order": _sellers(_order, data=lambda s: {"text": "Здравствуйте!", "order": s.order.pk}),
    "messaging:cabinet-detail": _sellers(_conversation, data=_message_text),
    "messaging:cabinet-poll": _sellers(_conversation),
    "messaging:cabinet-attachment": _sellers(lambda s: {"pk": s.conversation, "attachment_pk": s.message_file}),
    # referrals
    "referrals:page": _pub(),
    "referrals:invite": _pub(why="POST only; an anonymous visitor is sent to the programme's page"),
    "referrals:follow": _pub(kwargs=lambda s: {"token": s.referral_link}, why="buyer A's link is for anyone"),
    "referrals:cabinet-promos": _seller(),
    "referrals:cabinet-promo-new": _seller(),
    "referrals:cabinet-promo-edit": _sellers(
        lambda s: {"pk": s.promo}, data=lambda s: {"name": "Чужая", "code": "STOLEN", "value": "90"}
    ),
    "referrals:cabinet-promo-toggle": _sellers(lambda s: {"pk": s.promo}),
    "referrals:cabinet-promo-duplicate": _sellers(lambda s: {"pk": s.promo}),
    # moderation
    "moderation:cabinet-trust": _seller(),
    "moderation:reliable-apply": _seller(),
    "moderation:cabinet-sanctions": _seller(),
    "moderation:contact": _pub(),
    "moderation:complaint-list": _signed(),
    "moderation:complaint-new": _buyers(
        lambda s: {},
        query=lambda s: {"order": s.order.number},
        data=lambda s: {"kind": "quality", "text": "Чужой заказ"},
        why="a complaint about buyer A's order",
    ),
    "moderation:complaint-detail": _buyers(lambda s: {"pk": s.complaint}),
    "moderation:complaint-photo": _buyers(lambda s: {"pk": s.complaint, "photo_pk": s.complaint_photo}),
    "moderation:cabinet-complaints": _seller(),
    "moderation:cabinet-complaint-answer": _sellers(
        lambda s: {"pk": s.complaint}, data=lambda s: {f"c{s.complaint.pk}-text": "Неправда"}
    ),
    "moderation:image-report": _pub(kwargs=_product),
    # shops: the seller's own shop.
    "shops:cabinet-home": _signed(why="someone without a shop is sent to open one"),
    "shops:cabinet-open": _signed(),
    "shops:cabinet-profile": _seller(),
    "shops:cabinet-about": _seller(),
    "shops:cabinet-about-image-add": _seller(),
    "shops:cabinet-about-image-delete": _sellers(lambda s: {"pk": s.about_image}),
    "shops:cabinet-delivery": _seller(),
    "shops:cabinet-rules": _seller(),
    "shops:cabinet-images": _seller(),
    "shops:cabinet-contacts": _seller(),
    "shops:cabinet-vacation": _seller(),
    "shops:cabinet-vacation-end": _seller(),
    "shops:cabinet-collections": _seller(),
    "shops:cabinet-collection-new": _seller(),
    "shops:cabinet-collection-edit": _sellers(lambda s: {"pk": s.collection}, data=lambda s: {"name": "Чужая"}),
    "shops:cabinet-collection-delete": _sellers(lambda s: {"pk": s.collection}),
    # The admin's own log-in and log-out pages; every other admin address is STAFF (rule_for).
    "admin:login": _pub(),
    "admin:logout": _pub(signs_out=True),
}


# --- The resolver ----------------------------------------------------------------------------------


@dataclass
class Pattern:
    key: str  # «namespace:name», or «namespace:route» for an unnamed pattern (the admin's redirects)
    route: str  # the whole route, as the resolver joins it
    callback: Callable
    name: str | None


def patterns() -> list[Pattern]:
    """Every URL pattern of the project, nested includes and the admin's too."""
    found = []

    def walk(resolver, prefix, namespaces):
        for entry in resolver.url_patterns:
            route = prefix + str(entry.pattern)
            if isinstance(entry, URLResolver):
                walk(entry, route, namespaces + ([entry.namespace] if entry.namespace else []))
            elif isinstance(entry, URLPattern):
                name = ":".join([*namespaces, entry.name]) if entry.name else None
                key = name or ":".join([*namespaces, route])
                found.append(Pattern(key=key, route=route, callback=entry.callback, name=name))

    walk(get_resolver(), "", [])
    return found


def rule_for(pattern: Pattern) -> Rule | None:
    if pattern.key in RULES:
        return RULES[pattern.key]
    if pattern.key.startswith("admin:"):
        return Rule(STAFF)
    return None


# --- Addresses -------------------------------------------------------------------------------------

_CONVERTER = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<name>\w+)>")
_GROUP = re.compile(r"\(\?P<(?P<name>\w+)>[^)]*\)")


def route_kwargs(route: str) -> list[str]:
    return [m.group("name") for m in _CONVERTER.finditer(route)] + [m.group("name") for m in _GROUP.finditer(route)]


def _admin_model(route: str):
    """The model of an admin address «admin/<app>/<model>/…», or None."""
    from django.apps import apps

    parts = route.split("/")
    if len(parts) < 3 or parts[0] != "admin":
        return None
    try:
        return apps.get_model(parts[1], parts[2])
    except (LookupError, ValueError):
        return None


def admin_kwargs(pattern: Pattern, side) -> dict:
    """Values for an admin address: a real object of the page's model where there is one (non-staff
    must be sent away before any lookup, so a missing one would do too)."""
    names = route_kwargs(pattern.route)
    model = _admin_model(pattern.route)
    pk = None
    if model is not None:
        pk = model._default_manager.order_by("pk").values_list("pk", flat=True).first()
    values = {}
    for name in names:
        if name in ("object_id", "pk", "id"):
            values[name] = pk if pk is not None else 1
        elif name == "file_pk":
            values[name] = side.attachment.pk
        elif name == "shop_id":
            values[name] = side.shop.pk
        elif name == "content_type_id":
            values[name] = ContentType.objects.get_for_model(Product).pk
        elif name == "app_label":
            values[name] = "orders"
        elif name == "url":
            values[name] = "no/such/page/"
        else:
            raise AssertionError(f"{pattern.key}: no value for «{name}» in an admin address")
    if pattern.key == "admin:view_on_site":
        values["object_id"] = side.product.pk
    return values


def _address_value(name: str, value):
    if isinstance(value, models.Model):
        return getattr(value, name) if name in ADDRESS_ATTRIBUTES else value.pk
    return value


def objects_named(pattern: Pattern, side) -> list[models.Model]:
    """The objects the pattern's address names (snapshotted around a POST)."""
    rule = rule_for(pattern)
    if rule is None or rule.kwargs is None:
        return []
    return [value for value in rule.kwargs(side).values() if isinstance(value, models.Model)]


def address(pattern: Pattern, side) -> str:
    """A concrete address of the pattern, naming the objects of ``side`` (the victims', usually)."""
    rule = rule_for(pattern)
    if rule.access == STAFF:
        kwargs = admin_kwargs(pattern, side)
    else:
        raw = rule.kwargs(side) if rule.kwargs else {}
        kwargs = {name: _address_value(name, value) for name, value in raw.items()}
    missing = set(route_kwargs(pattern.route)) - set(kwargs)
    assert not missing, f"{pattern.key}: the rule gives no value for {sorted(missing)}"
    if pattern.name:
        url = reverse(pattern.name, kwargs=kwargs)
    else:  # the admin's unnamed «<object_id>/» redirects: filled in by hand
        url = "/" + _CONVERTER.sub(lambda m: str(kwargs[m.group("name")]), pattern.route)
        url = _GROUP.sub(lambda m: str(kwargs[m.group("name")]), url).replace("^", "").replace("$", "")
    if rule.query:
        url += "?" + urlencode(rule.query(side))
    return url


def post_data(pattern: Pattern, side) -> dict:
    rule = rule_for(pattern)
    return rule.data(side) if rule and rule.data else {}


# --- The world: two victims, two attackers ---------------------------------------------------------

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _png(name="photo.png"):
    buffer = io.BytesIO()
    Image.new("RGB", (120, 90), "#2a6bb4").save(buffer, "PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def build_side(*, seller, buyer, slug: str, category):
    """A shop with everything a seller makes, and a buyer's orders, cart, conversation and complaint there.

    Both sides of the world are made alike, so that an attacker has objects of their own: an address
    mixing the attacker's order with the victim's parcel must be refused too (test_access_walk.py).
    """
    from orders import services as order_services

    s = SimpleNamespace(seller=seller, buyer=buyer, category=category)
    s.shop = ShopFactory(owner=seller, slug=slug)
    s.product = ProductFactory(shop=s.shop, category=category, stock=10)
    s.disabled = ProductFactory(shop=s.shop, category=category, is_enabled=False, title=f"Черновик {slug}")
    s.image = ProductImageFactory(product=s.product)
    s.attachment = Attachment(product=s.product, title="Схема", size=len(PDF))
    s.attachment.file.save("schema.pdf", SimpleUploadedFile("schema.pdf", PDF), save=False)
    s.attachment.save()
    catalog_services.product_reseller_document_set(product=s.product, file=SimpleUploadedFile("reseller.pdf", PDF))
    s.option = OptionGroup.objects.create(product=s.product, name="Цвет", is_required=False)
    s.global_option = GlobalOption.objects.create(shop=s.shop, name="Упаковка")
    s.collection = CollectionFactory(shop=s.shop)
    catalog_services.collection_items_set(collection=s.collection, product_ids=[s.product.pk])
    s.about_image = shop_services.about_image_add(shop=s.shop, image=image_upload())
    s.quick_reply = QuickReply.objects.create(shop=s.shop, title="Спасибо", text=f"Спасибо за заказ ({slug})!")
    s.promo = PromoCodeFactory(shop=s.shop, code=f"{slug}-promo")
    # A digital product, with a sold file and a preview.
    s.digital = ProductFactory(shop=s.shop, category=category, is_digital=True, price=Decimal("300"),
                               activation=Activation.IMMEDIATE, download_limit=3)  # fmt: skip
    s.sold_file = sold_files.sold_file_add(product=s.digital, title="Открытка",
                                           upload=SimpleUploadedFile("card.pdf", PDF))  # fmt: skip
    s.preview = sold_files.preview_add(product=s.digital, images=[_png("preview.png")])[0]
    # The buyer's orders: a parcel (shipped, reviewed) and a file.
    s.order = order_for(s.shop, buyer=buyer, product=s.product, statuses=["paid", "shipped"])
    s.shipment = parcel(s.order)
    s.review = review(s.order, author=buyer)
    cart = Cart.objects.get_or_create(user=buyer)[0]
    CartLine.objects.create(cart=cart, product=s.digital, quantity=1)
    s.digital_order = order_services.order_place(
        cart=cart, shop=s.shop, buyer=buyer, idempotency_key=f"walk-{slug}", buyer_name="Мария Иванова",
        phone="+79265550101", email=buyer.email, address="", delivery_method="", contact_method="email",
        rules_accepted=True,
    )  # fmt: skip
    s.digital_item = s.digital_order.items.get()
    # The buyer's cart still holds a line of the shop's product (the seller may offer a discount on it).
    s.cart_line = CartLine.objects.create(cart=cart, product=s.product, quantity=2)
    # The buyer's conversation with the shop: the seller answered with a photo.
    s.conversation = conversation_with(shop=s.shop, buyer=buyer, text=f"Есть ли шарф в синем цвете ({slug})?")
    s.seller_message = messaging_services.message_send(
        conversation=s.conversation, author=seller, side=Side.SHOP, text=f"Есть, отправим завтра ({slug}).",
        files=[png_upload()],
    )  # fmt: skip
    s.message_file = s.seller_message.attachments.get()
    # The buyer's complaint about the shop, with a photo.
    s.complaint = complaint_for(s.shop, author=buyer, status=ComplaintStatus.NEW)
    s.complaint.text = f"Пришёл с браком ({slug})"
    s.complaint.save(update_fields=["text"])
    s.complaint_photo = ComplaintPhoto(complaint=s.complaint)
    s.complaint_photo.image.save("parcel.png", _png("parcel.png"), save=False)
    s.complaint_photo.save()
    s.referral_link = ReferralLinkFactory(user=buyer)
    return s


def build_world():
    """The victims' side (seller B's shop, buyer A's orders there) and the attackers' (seller A's shop,
    buyer B's orders there), and a member of staff."""
    w = SimpleNamespace()
    w.buyer_a = UserFactory(name="Покупатель А", email="buyer-a@example.com", phone="+79265550111")
    w.buyer_b = UserFactory(name="Покупатель Б", email="buyer-b@example.com", phone="+79265550122")
    w.seller_a = UserFactory(name="Продавец А", email="seller-a@example.com")
    w.seller_b = UserFactory(name="Продавец Б", email="seller-b@example.com")
    w.staff = UserFactory(name="Модератор", email="staff@example.com", is_staff=True, is_superuser=True)
    category = CategoryFactory()
    w.victim = build_side(seller=w.seller_b, buyer=w.buyer_a, slug="shop-b", category=category)
    w.attacker = build_side(seller=w.seller_a, buyer=w.buyer_b, slug="shop-a", category=category)
    return w


# What an attacker owns in an address (the container: an order, a product…), by role; the rest of
# the address (a parcel, a photo, a file…) may be the victim's.
CONTAINERS = {
    "seller": ("shop", "product", "digital", "order", "digital_order", "conversation", "collection"),
    "buyer": ("order", "digital_order", "conversation", "complaint"),
}


def mixed_side(world, role: str):
    """The victims' objects, except the containers: the attacker's own (their order, their product)."""
    mixed = SimpleNamespace(**vars(world.victim))
    for name in CONTAINERS[role]:
        setattr(mixed, name, getattr(world.attacker, name))
    return mixed


def secrets(s) -> dict[str, str]:
    """What only the side's buyer, seller and staff may read: never in an answer to anyone else."""
    return {
        "the buyer's e-mail": s.buyer.email,
        "the buyer's phone": str(s.buyer.phone),
        "the seller's e-mail": s.seller.email,
        "the order's secret link code": s.order.secret,
        "the file order's secret link code": s.digital_order.secret,
        "the disabled product's title": s.disabled.title,
        "the buyer's message": s.conversation.messages.order_by("pk").first().text,
        "the seller's message": s.seller_message.text,
        "the complaint": s.complaint.text,
        "a quick reply": s.quick_reply.text,
    }


def finish(response):
    """Read a download to its end, as a browser would: the test client then closes its file (calling
    response.close() here would fire request_finished and close the test's database connection)."""
    if response.streaming:
        for _chunk in response.streaming_content:
            pass
    return response


# --- What changed ----------------------------------------------------------------------------------

# Moved by any visitor by design (a like, a view), not the owner's data.
COUNTERS = {"likes_count", "views_count", "popularity", "updated_at"}


def victim_counts(s) -> dict:
    """How many rows the victims have, in the tables a leak would write to."""
    return {
        "orders": Order.objects.filter(shop=s.shop).count() + Order.objects.filter(buyer=s.buyer).count(),
        "order items": OrderItem.objects.filter(order__shop=s.shop).count(),
        "products": Product.objects.filter(shop=s.shop).count(),
        "messages": Message.objects.filter(conversation__shop=s.shop).count(),
        "reviews": Review.objects.filter(shop=s.shop).count(),
        "promo codes": PromoCode.objects.filter(shop=s.shop).count(),
        "complaints": Complaint.objects.filter(shop=s.shop).count(),
        "the buyer's cart lines": CartLine.objects.filter(cart__user=s.buyer).count(),
    }


def row_of(obj: models.Model) -> dict | None:
    """The object's stored fields (None once deleted), counters left out."""
    row = type(obj)._default_manager.filter(pk=obj.pk).values().first()
    if row is None:
        return None
    return {name: value for name, value in row.items() if name not in COUNTERS}


def victim_rows(s) -> dict:
    """Every stored field of the victims' objects: compared before and after a whole walk."""
    rows = {}
    for name, obj in sorted(vars(s).items()):
        if isinstance(obj, models.Model):
            rows[f"{name} ({type(obj).__name__} {obj.pk})"] = row_of(obj)
    for name in ("buyer", "seller"):
        rows[f"{name} ({type(getattr(s, name)).__name__} {getattr(s, name).pk})"].pop("last_login", None)
    return rows


# Tables a refused request may still write: the visitor's own session and the log-in guard's logs.
SESSION_TABLES = {"django_session", "axes_accesslog", "axes_accessattempt", "axes_accessfailurelog"}
_WRITE = re.compile(r'^\s*(?:INSERT\s+(?:OR\s+\w+\s+)?INTO|UPDATE|DELETE\s+FROM|REPLACE\s+INTO)\s+"?(\w+)"?',
                    re.IGNORECASE)  # fmt: skip


@dataclass
class WriteRecorder:
    """The tables rows were written to while it is active (connection.execute_wrapper); a statement
    that changed no row (an UPDATE … WHERE shop = mine AND id IN (theirs)) is not a write."""

    tables: list[str] = field(default_factory=list)

    def __call__(self, execute, sql, params, many, context):
        result = execute(sql, params, many, context)
        match = _WRITE.match(sql)
        if match and context["cursor"].rowcount != 0:
            self.tables.append(match.group(1))
        return result

    def __enter__(self):
        self.tables = []
        self._wrapper = connection.execute_wrapper(self)
        self._wrapper.__enter__()
        return self

    def __exit__(self, *exc):
        return self._wrapper.__exit__(*exc)

    def beyond_session(self) -> set[str]:
        return set(self.tables) - SESSION_TABLES
