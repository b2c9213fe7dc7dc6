"""Hostile input for the fuzz tests (issue 20): hypothesis strategies for what an attacker types or
sends, and the database checks that tell a clean refusal from a half-save.

Used by marketplace/tests/test_fuzz_forms.py (every form and POST endpoint) and
catalog/tests/test_hostile_uploads.py (files and images).
"""

from __future__ import annotations

import math
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal
from urllib.parse import quote, quote_from_bytes

from django.apps import apps
from django.conf import settings as django_settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import models, transaction
from django.test import Client, override_settings
from django.utils import timezone
from django.utils.functional import empty
from hypothesis import strategies as st

from catalog import services as catalog_services
from catalog import sold_files
from catalog.models import Availability, OptionKind, TierKind
from catalog.tests.factories import CategoryFactory, ProductFactory, ProductImageFactory
from marketplace.tests.factories import UserFactory
from messaging import services as messaging_services
from messaging.models import Side
from moderation.models import (
    Appeal,
    Complaint,
    ComplaintKind,
    ComplaintStatus,
    ReliableApplication,
    SanctionKind,
    SanctionReason,
)
from moderation.services import sanction_impose
from orders import services as order_services
from orders.models import Cart, CartLine, OrderStatus
from orders.tests.factories import order_for
from referrals.models import PromoBonus
from referrals.services import link_for
from referrals.tests.factories import PromoCodeFactory, ReferralRoundFactory
from shops import services as shop_services
from shops.tests.factories import CollectionFactory, ShopFactory, image_upload

POSITIVE_FIELDS = (models.PositiveIntegerField, models.PositiveSmallIntegerField, models.PositiveBigIntegerField)
PROJECT_APPS = ("marketplace", "shops", "catalog", "referrals", "orders", "messaging", "moderation")
# Form-encoded bodies in every shape a client may send them in (the charset ones make Django decode
# the bytes as something other than UTF-8).
FORM = "application/x-www-form-urlencoded"
RAW_CONTENT_TYPES = [
    FORM,
    f"{FORM}; charset=utf-16",
    f"{FORM}; charset=no-such-charset",
    "multipart/form-data; boundary=XyZ",
    "multipart/form-data",
    "application/json",
    "text/plain",
]

# --- values ---------------------------------------------------------------------------------------------

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
LONG_CYRILLIC = "я" * 100_000
NASTY_TEXT = [
    "",
    " ",
    "\x00",
    "Шарф\x00",
    "\u202eгнп.exe",
    "\r\n\r\n",
    "\t\x0b\x0c",
    "\x1b[31mred",
    "\ufeff\u200b\u200d",
    "<script>alert(1)</script>",
    "{{ request }}{% debug %}",
    "%s%s%n%(x)s",
    "'; DROP TABLE shops_shop; --",
    "../../../../etc/passwd",
    "😀" * 50,
    "Z̷͍a̸l̶g̷o̴",
    "\x01\x02\x03\x7f\x80\x9f",
    LONG_CYRILLIC,
    "a" * 100_001,
    "\n" * 5000,
    "https://evil.example/?q=1 +7 900 123-45-67 @handle",
]
NASTY_NUMBERS = [
    "-1", "0", "-0", "0.0", "1e309", "-1e309", "1e-400", "NaN", "nan", "sNaN", "-NaN", "Infinity", "-inf",
    "9" * 40, "-" + "9" * 40, "0.001", "1.005", "99999999999.99", "9999999.999", "2147483648",
    "9223372036854775807", "9223372036854775808", "-9223372036854775809", "18446744073709551616",
    "0x1F", "1_000", "١٢٣", "²", "½", "1,5", "1 990,50 ₽", " 7 ", "+5", "--5", "5-", ".", ",", "e", "1e",
    "1e5", "12abc", "5\x00", "−5", "1" + "0" * 4300,
]  # fmt: skip
NASTY_DATES = [
    "2024-02-30", "0001-01-01", "9999-12-31", "10000-01-01", "-2024-01-01", "2024-13-01", "2024-01-01T25:61",
    "1970-01-01T00:00", "9999-12-31T23:59", "0000-00-00", "now", "2024-1-1", "２０２４-０１-０１",
    "2024-03-31T02:30",
]  # fmt: skip
NASTY_EMAILS = [
    "a@b", "@", "a@@b.ru", "a" * 300 + "@example.com", "мария@пример.рф", "a@example.com\r\nBcc: x@y.z",
    "a@example.com\x00", '"a b"@example.com', "a@[127.0.0.1]", "a@-example.com",
]  # fmt: skip
NASTY_IDS = ["0", "-1", "2147483648", "9223372036854775808", "1.0", "1e3", "abc", "", " 1", "１"]


def hostile_text(*, max_size: int = 40) -> st.SearchStrategy[str]:
    """Arbitrary text (control characters, NUL, bidi marks included; never a lone surrogate, which no
    browser can send) and the hand-picked nasty strings, 100 000-character ones among them."""
    return st.one_of(st.sampled_from(NASTY_TEXT), st.text(max_size=max_size))


def hostile_number() -> st.SearchStrategy[str]:
    return st.one_of(
        st.sampled_from(NASTY_NUMBERS),
        st.integers().map(str),
        st.decimals(allow_nan=True, allow_infinity=True).map(str),
        st.floats().map(repr),
    )


def hostile_date() -> st.SearchStrategy[str]:
    return st.one_of(st.sampled_from(NASTY_DATES), st.datetimes().map(lambda moment: moment.isoformat()))


def hostile_email() -> st.SearchStrategy[str]:
    return st.one_of(st.sampled_from(NASTY_EMAILS), st.emails(), hostile_text(max_size=20))


def hostile_id(*known: object) -> st.SearchStrategy[str]:
    """Ids of rows the user may not touch (another shop's), nonsense and out-of-range numbers."""
    return st.one_of(st.sampled_from([str(value) for value in known] or NASTY_IDS), st.sampled_from(NASTY_IDS))


def anything() -> st.SearchStrategy[str]:
    return st.one_of(hostile_text(), hostile_number(), hostile_date())


KINDS = {
    "text": lambda _: hostile_text(),
    "number": lambda _: hostile_number(),
    "money": lambda _: hostile_number(),
    "date": lambda _: hostile_date(),
    "email": lambda _: hostile_email(),
    "bool": lambda _: st.sampled_from(["on", "off", "true", "false", "0", "1", "", "\x00", "да"]),
}


@dataclass
class Field:
    """A field of a form and how to attack it: ``kind`` picks hostile values, ``ids`` adds other rows' ids
    (another shop's product, option, order…) and ``choices`` the field's other valid values."""

    kind: str = "text"
    ids: tuple = ()
    choices: tuple = ()

    def hostile(self) -> st.SearchStrategy[str]:
        strategies = [hostile_id(*self.ids)] if self.kind == "id" else [KINDS[self.kind](self)]
        if self.ids and self.kind != "id":
            strategies.append(hostile_id(*self.ids))
        if self.choices:
            strategies.append(st.sampled_from([str(choice) for choice in self.choices]))
        strategies.append(anything())
        return st.one_of(*strategies)


OMIT = object()


@dataclass
class Submission:
    """One hostile request: a form-encoded dict, or raw bytes with a content type."""

    data: dict | bytes
    content_type: str | None = None
    url: str | None = None  # None: the endpoint's own address
    headers: dict = field(default_factory=dict)

    def describe(self) -> str:
        shown = {key: (value[:60] + f"…({len(value)})" if isinstance(value, str) and len(value) > 60 else value)
                 for key, value in self.data.items()} if isinstance(self.data, dict) else self.data[:200]  # fmt: skip
        return f"url={self.url} content_type={self.content_type} headers={self.headers} data={shown!r}"


def _value_or_values(value_strategy):
    """A field sent once, or several times (a list), as a crafted request may."""
    return st.one_of(value_strategy, st.lists(value_strategy, min_size=2, max_size=3))


def form_data(valid: dict, fields: dict[str, Field]) -> st.SearchStrategy[dict]:
    """Mostly-valid forms with one field made hostile (to reach the service behind the form), and
    forms where every field is hostile, missing or valid at random."""
    # An endpoint without fields still gets fields it does not expect.
    names = sorted(set(valid) | set(fields)) or ["id", "pk", "next", "confirm"]

    def hostile_of(name):
        spec = fields.get(name, Field())
        return _value_or_values(spec.hostile())

    @st.composite
    def one_field(draw):
        data = dict(valid)
        name = draw(st.sampled_from(names))
        choice = draw(st.one_of(hostile_of(name), st.just(OMIT)))
        if choice is OMIT:
            data.pop(name, None)
        else:
            data[name] = choice
        return data

    @st.composite
    def every_field(draw):
        data = {}
        for name in names:
            options = [hostile_of(name), st.just(OMIT)]
            if name in valid:
                options.insert(0, st.just(valid[name]))
            value = draw(st.one_of(*options))
            if value is not OMIT:
                data[name] = value
        # A field the form does not know about: ignored, never an error.
        if draw(st.booleans()):
            data[draw(st.sampled_from(["csrfmiddlewaretoken", "id", "shop", "owner", "pk", "__proto__"]))] = draw(
                anything()
            )
        return data

    return st.one_of(one_field(), every_field())


def _encode_bytes(pairs) -> bytes:
    return b"&".join(quote_from_bytes(key.encode()).encode() + b"=" + value for key, value in pairs)


def raw_bodies(names) -> st.SearchStrategy[Submission]:
    """Bodies that are not what the form sends: invalid UTF-8 (raw and percent-encoded) in the form's
    own fields, random bytes, broken multipart, JSON and plain text where a form is expected."""
    names = sorted(names) or ["text"]
    invalid_utf8 = st.sampled_from([b"\xff", b"\xfe\xff", b"\xc3\x28", b"\xe2\x28\xa1", b"\xf0\x28\x8c\x28",
                                    b"\xc0\xaf", b"\xed\xa0\x80", b"\x00"])  # fmt: skip
    value_bytes = st.one_of(
        invalid_utf8,
        invalid_utf8.map(lambda raw: quote_from_bytes(raw).encode()),
        st.binary(max_size=30),
        st.binary(max_size=30).map(lambda raw: quote_from_bytes(raw).encode()),
    )
    form_bytes = st.lists(st.tuples(st.sampled_from(names), value_bytes), min_size=1, max_size=6).map(_encode_bytes)
    junk = st.one_of(
        st.binary(max_size=300),
        st.sampled_from([b"=&=&&==", b"%", b"%%%zz", b"a=%", b"\xff\xfe\xfd=\xfc", b'{"text": "x"}', b"[]",
                         b"--XyZ\r\nContent-Disposition: form-data; name=\"text\"\r\n\r\n\xff\xfe\r\n--XyZ--\r\n",
                         b"--XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"../../x.png\"\r\n"
                         b"Content-Type: image/png\r\n\r\n\x89PNG\r\n--XyZ",
                         b"--XyZ--", b"--XyZ\r\n\r\n\r\n"]),
    )  # fmt: skip
    return st.builds(
        Submission,
        data=st.one_of(form_bytes, junk),
        content_type=st.sampled_from(RAW_CONTENT_TYPES),
    )


def submissions(valid: dict, fields: dict[str, Field], *, urls=(), headers=()) -> st.SearchStrategy[Submission]:
    """Everything test_fuzz_forms sends to one endpoint."""
    urls = st.sampled_from([None, *urls])
    headers = st.sampled_from([{}, *headers])
    # A form sent as a browser does: multipart (None) or urlencoded.
    as_form = st.builds(Submission, data=form_data(valid, fields), content_type=st.sampled_from([None, FORM]),
                        url=urls, headers=headers)  # fmt: skip
    raw = st.builds(
        lambda raw, url, extra: Submission(raw.data, raw.content_type, url, extra),
        raw_bodies(set(valid) | set(fields)),
        urls,
        headers,
    )
    return st.one_of(as_form, raw)


def urlencode_text(data: dict) -> str:
    """A dict as the browser would encode it (the test client's own encoding, for GET query strings)."""
    pairs = []
    for key, value in data.items():
        for item in value if isinstance(value, list) else [value]:
            pairs.append(f"{quote(key)}={quote(str(item))}")
    return "&".join(pairs)


# --- the database, before and after ---------------------------------------------------------------------

# Columns a page shown again may change as its GET does: a conversation shown is read, and «Дружные
# скидки» remembers the browser that opened it as the inviter's own.
PAGE_SIDE_EFFECTS = {"messaging.Message": {"read_at"}, "referrals.ReferralLink": {"inviter_browsers"}}
# Rows a refusal adds on purpose: a message the rules refused is kept for the moderators.
REFUSAL_RECORDS = {"messaging.RefusedMessage"}


def tracked_models() -> list[type[models.Model]]:
    return [
        model
        for model in apps.get_models()
        if model._meta.app_label in PROJECT_APPS and model._meta.managed and not model._meta.proxy
    ]


def _columns(model) -> list[str]:
    return [f.attname for f in model._meta.concrete_fields]


def database_rows(ignore: dict[str, set[str]] | None = None) -> dict[str, dict]:
    """Every row of the project's tables, by model label and primary key (the test database holds a few
    dozen rows, so this is cheap); ``ignore`` leaves out columns that may change on any request."""
    ignore = ignore or {}
    rows = {}
    for model in tracked_models():
        label = model._meta.label
        columns = [name for name in _columns(model) if name not in ignore.get(label, ())]
        pk = model._meta.pk.attname
        rows[label] = {row[pk]: row for row in model._base_manager.order_by().values(*columns)}
    return rows


def changes(before: dict, after: dict) -> dict[str, dict]:
    """Per model: pks added, removed and changed (with the changed columns)."""
    found = {}
    for label, rows in after.items():
        old = before.get(label, {})
        added = sorted(set(rows) - set(old), key=str)
        removed = sorted(set(old) - set(rows), key=str)
        changed = {
            pk: sorted(name for name in rows[pk] if rows[pk][name] != old[pk][name])
            for pk in set(rows) & set(old)
            if rows[pk] != old[pk]
        }
        if added or removed or changed:
            found[label] = {"added": added, "removed": removed, "changed": changed}
    return found


def unexpected_changes(before: dict, after: dict) -> dict[str, dict]:
    """``changes()`` but for the records a refusal keeps on purpose (REFUSAL_RECORDS)."""
    found = changes(before, after)
    for label in REFUSAL_RECORDS:
        if label in found and not found[label]["removed"] and not found[label]["changed"]:
            del found[label]
    return found


def _bad_value(model, field_obj, value) -> str | None:
    if isinstance(value, str):
        if "\x00" in value:
            return "contains NUL"
        max_length = getattr(field_obj, "max_length", None)
        if max_length and isinstance(field_obj, models.CharField) and len(value) > max_length:
            return f"{len(value)} characters > max_length {max_length}"
    if isinstance(value, Decimal):
        if not value.is_finite():
            return "not a finite number"
        if isinstance(field_obj, models.DecimalField):
            limit = Decimal(10) ** (field_obj.max_digits - field_obj.decimal_places)
            if abs(value) >= limit:
                return f"{value} does not fit max_digits={field_obj.max_digits}"
    if isinstance(value, float) and not math.isfinite(value):
        return "not a finite number"
    if isinstance(value, int) and not isinstance(value, bool):
        if isinstance(field_obj, POSITIVE_FIELDS) and value < 0:
            return "negative in a positive field"
        if not -(2**63) <= value < 2**63:
            return "out of the 64-bit range"
    return None


def invalid_saved_values(before: dict, after: dict) -> list[str]:
    """What an accepted request saved that no valid submission could have: NUL characters, text longer
    than its column, numbers that do not fit, negative stock, and each changed row's own model
    validation (field validators such as price ≥ 0, check constraints)."""
    problems = []
    for label, found in changes(before, after).items():
        model = apps.get_model(label)
        pks = set(found["added"]) | set(found["changed"])
        if not pks:
            continue
        fields_by_attname = {f.attname: f for f in model._meta.concrete_fields}
        for pk in pks:
            for name, value in after[label][pk].items():
                bad = _bad_value(model, fields_by_attname[name], value)
                if bad:
                    problems.append(f"{label} #{pk} {name}: {bad}")
        files = [f.name for f in model._meta.concrete_fields if isinstance(f, models.FileField)]
        for instance in model._base_manager.filter(pk__in=pks):
            try:
                instance.clean_fields(exclude=files)
                instance.validate_constraints()
            except ValidationError as error:
                # «This field cannot be blank» is the admin's rule for forms; services store "" and [] on purpose.
                found_errors = {
                    name: [e.message % (e.params or {}) for e in errors if e.code != "blank"]
                    for name, errors in error.error_dict.items()
                }
                found_errors = {name: messages for name, messages in found_errors.items() if messages}
                if found_errors:
                    problems.append(f"{label} #{instance.pk}: {found_errors}")
    return problems


def queued_messages(response) -> list[tuple[str, str]]:
    """(level tag, text) of the flash messages the request added, without consuming them."""
    storage = getattr(response.wsgi_request, "_messages", None)
    if storage is None:
        return []
    wrapped = getattr(storage, "_wrapped", storage)
    if wrapped is empty:
        return []
    return [(message.level_tag, str(message)) for message in getattr(wrapped, "_queued_messages", [])]


# --- the shops, orders and conversations the hostile requests are aimed at ---------------------------------------


@dataclass
class ShopWorld:
    """One seller's shop and everything in it: the owner's (A) or another shop's (B)."""

    shop: object
    product: object
    digital: object
    photo: object
    option: object
    global_option: object
    tier_product: object
    attachment: object
    sold: object
    preview: object
    collection: object
    about_image: object
    reply: object
    promo: object
    order_open: object
    order_shipped: object
    order_reviewed: object
    shipment: object
    review: object
    complaint: object
    conversation: object
    shop_message: object
    line: object


ROLES = ("seller", "buyer", "staff", "newcomer", "anon")


@dataclass
class World:
    a: ShopWorld
    b: ShopWorld
    seller: object
    buyer: object
    staff: object
    newcomer: object
    sanction: object
    application: object
    appeal: object
    clients: dict = field(default_factory=dict)
    media: object = None

    def client(self, role: str) -> Client:
        if role not in self.clients:
            client = Client()
            user = getattr(self, role) if role != "anon" else None
            if user is not None:
                client.force_login(user)
            self.clients[role] = client
        return self.clients[role]


def _side(owner, buyer, category) -> ShopWorld:
    shop = ShopFactory(owner=owner)
    shop.contact_methods = ["email", "chat", "call"]
    shop.save(update_fields=["contact_methods"])
    product = ProductFactory(shop=shop, category=category, stock=50, price=Decimal("1500"))
    photo = ProductImageFactory(product=product)
    ProductImageFactory(product=product)
    option = catalog_services.option_group_save(
        product=product, name="Цвет", kind=OptionKind.SELECT, is_required=False,
        choices=[(None, "Синий", Decimal("0")), (None, "Красный", Decimal("100"))],
    )  # fmt: skip
    global_option = catalog_services.global_option_save(
        shop=shop, name="Упаковка", kind=OptionKind.CHECKBOX, is_required=False,
        choices=[(None, "Подарочная", Decimal("200"))],
    )  # fmt: skip
    tier_product = ProductFactory(shop=shop, category=category, stock=50)
    catalog_services.wholesale_tiers_set(product=tier_product, tiers=[(3, TierKind.PERCENT, Decimal("10"))])
    attachment = catalog_services.attachment_add(
        product=product, title="Уход", file=image_upload((10, 10), name="care.png")
    )
    digital = ProductFactory(shop=shop, category=category, is_digital=True, availability=Availability.NOT_TRACKED,
                             stock=None, activation="immediate", price=Decimal("300"))  # fmt: skip
    sold = sold_files.sold_file_add(product=digital, title="Раскраска", upload=_pdf("раскраска.pdf"))
    [preview] = sold_files.preview_add(product=digital, images=[image_upload((400, 400), name="page.png")])
    collection = CollectionFactory(shop=shop)
    catalog_services.collection_items_set(collection=collection, product_ids=[product.pk])
    about_image = shop_services.about_image_add(shop=shop, image=image_upload((400, 300), name="me.png"))
    messaging_services.quick_replies_ensure_defaults(shop=shop)
    reply = shop.quick_replies.first()
    promo = PromoCodeFactory(shop=shop, bonus=PromoBonus.ORDER)
    order_open = order_for(shop, buyer=buyer, product=product)
    order_shipped = order_for(shop, buyer=buyer, product=product, statuses=[OrderStatus.PAID, OrderStatus.SHIPPED])
    order_reviewed = order_for(shop, buyer=buyer, product=product, statuses=[OrderStatus.PAID, OrderStatus.SHIPPED])
    shipment = order_services.shipment_add(order=order_shipped, actor=owner, carrier="russian_post",
                                           track_number="RA123456785RU")  # fmt: skip
    review = order_services.review_add(author=buyer, item=order_reviewed.items.get(), rating=4,
                                       text="Хороший товар, пришёл быстро.")  # fmt: skip
    complaint = Complaint.objects.create(shop=shop, author=buyer, order=order_shipped, kind=ComplaintKind.QUALITY,
                                         text="Товар с браком", status=ComplaintStatus.NEW)  # fmt: skip
    conversation = messaging_services.conversation_start(buyer=buyer, shop=shop)
    messaging_services.message_send(conversation=conversation, author=buyer, side=Side.BUYER,
                                    text="Здравствуйте! Есть синий?")  # fmt: skip
    shop_message = messaging_services.message_send(conversation=conversation, author=owner, side=Side.SHOP,
                                                   text="Да, есть.")  # fmt: skip
    cart = Cart.objects.get_or_create(user=buyer)[0]
    line = CartLine.objects.create(cart=cart, product=product, quantity=1)
    return ShopWorld(
        shop=shop, product=product, digital=digital, photo=photo, option=option, global_option=global_option,
        tier_product=tier_product, attachment=attachment, sold=sold, preview=preview, collection=collection,
        about_image=about_image, reply=reply, promo=promo, order_open=order_open, order_shipped=order_shipped,
        order_reviewed=order_reviewed, shipment=shipment, review=review, complaint=complaint,
        conversation=conversation, shop_message=shop_message, line=line,
    )  # fmt: skip


def _pdf(name):
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def _build_world() -> World:
    category = CategoryFactory(parent=CategoryFactory())
    seller, buyer = UserFactory(), UserFactory()
    a = _side(seller, buyer, category)
    b = _side(UserFactory(), buyer, category)
    staff = UserFactory(is_staff=True, is_superuser=True)
    round_ = ReferralRoundFactory()
    link_for(user=buyer, round=round_)
    sanction = sanction_impose(shop=a.shop, kind=SanctionKind.WARNING, reason=SanctionReason.CONTACTS,
                               details="Телефон в описании товара.", notify_seller=False)  # fmt: skip
    application = ReliableApplication.objects.create(shop=b.shop, applicant=b.shop.owner, criteria={"orders": 12})
    appeal = Appeal.objects.create(author=seller, name="Анна", email=seller.email, text="Исправила описание.",
                                   sanction=sanction, deadline=timezone.localdate() + timedelta(days=3))  # fmt: skip
    return World(a=a, b=b, seller=seller, buyer=buyer, staff=staff, newcomer=UserFactory(), sanction=sanction,
                 application=application, appeal=appeal)  # fmt: skip


@contextmanager
def world_in_transaction(django_db_blocker, tmp_path_factory):
    """The world, built in a transaction that is rolled back when the block ends (a module-scoped
    fixture's), with its files in a temporary folder and its users' clients logged in."""
    media = tmp_path_factory.mktemp("hostile-media")
    private = tmp_path_factory.getbasetemp() / "private"  # where conftest's _isolated_services puts sold files
    storages = {**django_settings.STORAGES, "private": {
        "BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(private)}}}  # fmt: skip
    fast = override_settings(MEDIA_ROOT=media, PRIVATE_MEDIA_ROOT=private, STORAGES=storages,
                             PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])  # fmt: skip
    with django_db_blocker.unblock(), fast:
        outer = transaction.atomic()
        outer.__enter__()
        try:
            world = _build_world()
            world.media = media
            for role in ROLES:  # logged in here: a session made inside a test would go with its rollback
                world.client(role)
            yield world
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
