"""Every form and POST endpoint fuzzed with hostile input (issue 20, «Hostile input, generated»).

Each endpoint is posted to as its legitimate user (the seller who owns the shop, the buyer who owns the
order…), so access is never what refuses: hypothesis sends text with control characters and 100 000
characters, huge, negative and non-numbers («1e309», «NaN», «-0»), broken dates, another shop's ids,
invalid UTF-8 in raw bodies and broken multipart. Whatever comes in:

- the answer is never a 5xx;
- a refusal (a form shown again, a 4xx, a redirect with an error message) changes nothing in the
  database, and a page shown again points at the mistake, in Russian;
- an acceptance saves only valid values: no NUL, nothing longer than its column, numbers that fit,
  each changed row passing its model's own validation and constraints.

Every example runs in a savepoint that is rolled back, so each starts from the same shop. Files and
images have their own module: catalog/tests/test_hostile_uploads.py. The list of endpoints is checked
against the URL resolver: a new address must be fuzzed here or named in NOT_FUZZED with a reason.
"""

from __future__ import annotations

import copy
import os
import re
from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.core.cache import caches
from django.db import transaction
from django.forms import BaseForm, BaseFormSet
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from django.utils.html import escape
from hypothesis import HealthCheck, Phase, given, settings

from catalog.models import OptionKind, TierKind
from moderation.models import ComplaintKind, SanctionKind, SanctionReason
from orders.models import OrderStatus
from referrals.models import PromoBonus

from .fuzzing import (
    FORM,
    PAGE_SIDE_EFFECTS,
    Field,
    Submission,
    World,
    database_rows,
    invalid_saved_values,
    queued_messages,
    submissions,
    unexpected_changes,
    urlencode_text,
    world_in_transaction,
)

pytestmark = pytest.mark.django_db

# Examples per endpoint (FUZZ_EXAMPLES=200 for a long local run); endpoints without fields get fewer.
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "20"))
# Shrinking a failure to its smallest form takes minutes with requests this slow; FUZZ_SHRINK=1 asks for it.
PHASES = [Phase.explicit, Phase.reuse, Phase.generate] + ([Phase.shrink] if os.environ.get("FUZZ_SHRINK") else [])
CYRILLIC = re.compile("[А-Яа-яЁё]")
ERROR_MARKERS = ("invalid-feedback", "alert-danger", "errorlist", "errornote")


@pytest.fixture(scope="module")
def _world(django_db_setup, django_db_blocker, tmp_path_factory):
    """The shops are built once for the module (about a second) in a transaction rolled back at its end;
    each test runs in a savepoint inside it (pytest-django's), and each example in one more."""
    with world_in_transaction(django_db_blocker, tmp_path_factory) as built:
        yield built


@pytest.fixture
def world(_world, db, settings) -> World:
    settings.MEDIA_ROOT = _world.media  # accepted uploads land beside the world's own files
    return _world


# --- the endpoints ----------------------------------------------------------------------------------------


def _redirect_or_no_content(response) -> bool:
    return response.status_code in (301, 302, 303, 204)


@dataclass
class Endpoint:
    """A POST endpoint: who may use it, a submission it accepts, and how each field is attacked.

    ``other_urls`` are the same address with another shop's (or buyer's) object in it: a 404 there.
    ``accepted`` tells an accepted request from a refused one (a redirect, unless said otherwise).
    """

    name: str
    role: str
    url: object
    valid: object = lambda w: {}
    fields: object = lambda w: {}
    other_urls: object = lambda w: []
    headers: tuple = ()
    accepted: object = _redirect_or_no_content
    examples: int = EXAMPLES

    @property
    def id(self) -> str:
        return self.name


def text(**kwargs) -> Field:
    return Field("text", **kwargs)


def number(**kwargs) -> Field:
    return Field("number", **kwargs)


def ids(*values) -> Field:
    return Field("id", ids=tuple(values))


def choice(*values) -> Field:
    return Field("text", choices=tuple(values))


HX = {"HX-Request": "true"}
JSON = {"Accept": "application/json"}
FETCH = {"X-Requested-With": "fetch"}


def _product_form(w, product=None):
    product = product or w.a.product
    return {
        "title": "Шарф из льна", "category": str(product.category_id), "description": "Тёплый и мягкий.",
        "price": "1 990,50", "discount_percent": "10", "availability": "in_stock", "stock": "5",
        "production_days": "", "download_limit": "", "is_enabled": "on", "collections": [str(w.a.collection.pk)],
    }  # fmt: skip


def _product_fields(w):
    return {
        "title": text(), "category": ids(w.a.product.category_id, w.a.product.category.parent_id),
        "description": text(), "price": Field("money"), "discount_percent": number(),
        "availability": choice("in_stock", "made_to_order", "not_tracked"), "stock": number(),
        "production_days": number(), "download_limit": number(), "activation": choice("immediate", "manual"),
        "is_enabled": Field("bool"), "is_digital": Field("bool"), "free_shipping": Field("bool"),
        "collections": ids(w.a.collection.pk, w.b.collection.pk),
    }  # fmt: skip


def _variants(w, rows=(("Синий", "0"), ("Красный", "150"))):
    data = {"variants-TOTAL_FORMS": str(len(rows)), "variants-INITIAL_FORMS": "0"}
    for index, (name, delta) in enumerate(rows):
        data[f"variants-{index}-name"], data[f"variants-{index}-price_delta"] = name, delta
    return data


def _variant_fields(w):
    other = w.b.option.choices.first().pk
    return {
        "name": text(), "kind": choice(*OptionKind.values), "is_required": Field("bool"),
        "variants-TOTAL_FORMS": number(), "variants-INITIAL_FORMS": number(), "variants-MAX_NUM_FORMS": number(),
        "variants-0-id": ids(other, w.a.option.choices.first().pk), "variants-0-name": text(),
        "variants-0-price_delta": Field("money"), "variants-1-name": text(), "variants-1-price_delta": Field("money"),
        "variants-25-name": text(),
    }  # fmt: skip


def _message_fields(w, order_ids=()):
    return {"text": text(), "order": ids(*order_ids), "product": ids(w.b.product.pk, w.a.product.pk)}


def _htmx_ok(response) -> bool:
    """The cart's htmx answers: 200 with the cart's body, an error shown in it when refused."""
    if response.status_code in (301, 302, 303, 204):
        return not any(level == "error" for level, _ in queued_messages(response))
    return response.status_code == 200 and not (response.context and response.context.get("cart_error"))


def _json_ok(response) -> bool:
    if response.status_code != 200 or response.headers.get("Content-Type", "").startswith("text/html"):
        return _redirect_or_no_content(response)
    return "error" not in response.json()


def _preview_or_saved(response) -> bool:
    """«Предпросмотр» shows the text and saves nothing; «Сохранить» redirects."""
    previewed = response.status_code == 200 and "preview" in response.wsgi_request.POST
    return _redirect_or_no_content(response) or previewed


def _url(name, *args):
    return lambda w: reverse(name, args=[arg(w) for arg in args])


ENDPOINTS = [
    # --- the core app: the buyer's profile, sign-up and log-in -------------------------------------------
    Endpoint(
        "profile",
        "buyer",
        _url("profile"),
        valid=lambda w: {"name": "Мария", "phone": "+7 900 123-45-67", "city": "Казань"},
        fields=lambda w: {"name": text(), "phone": text(), "city": text()},
    ),
    Endpoint(
        "account_signup",
        "anon",
        _url("account_signup"),
        valid=lambda w: {
            "email": "new@example.com",
            "password1": "long-pass-9931",
            "password2": "long-pass-9931",
            "name": "Новый",
            "phone": "",
            "city": "",
        },
        fields=lambda w: {
            "email": Field("email"),
            "password1": text(),
            "password2": text(),
            "name": text(),
            "phone": text(),
            "city": text(),
        },
    ),
    Endpoint(
        "account_login",
        "anon",
        _url("account_login"),
        valid=lambda w: {"login": w.buyer.email, "password": "correct-horse-42"},
        fields=lambda w: {"login": Field("email"), "password": text(), "remember": Field("bool")},
    ),
    Endpoint(
        "account_reset_password",
        "anon",
        _url("account_reset_password"),
        valid=lambda w: {"email": w.buyer.email},
        fields=lambda w: {"email": Field("email")},
    ),
    Endpoint(
        "account_change_password",
        "buyer",
        _url("account_change_password"),
        valid=lambda w: {
            "oldpassword": "correct-horse-42",
            "password1": "long-pass-9931",
            "password2": "long-pass-9931",
        },
        fields=lambda w: {"oldpassword": text(), "password1": text(), "password2": text()},
    ),
    Endpoint(
        "account_email",
        "buyer",
        _url("account_email"),
        valid=lambda w: {"action_add": "", "email": "second@example.com"},
        fields=lambda w: {
            "email": Field("email"),
            "action_add": text(),
            "action_remove": text(),
            "action_primary": text(),
            "action_send": text(),
        },
    ),
    # --- shops: opening a shop and the profile pages ------------------------------------------------------
    Endpoint(
        "shops:cabinet-open",
        "newcomer",
        _url("shops:cabinet-open"),
        valid=lambda w: {"name": "Мастерская Анны", "slug": "", "city": "Казань", "tagline": "Игрушки"},
        fields=lambda w: {"name": text(), "slug": text(choices=(w.b.shop.slug,)), "city": text(), "tagline": text()},
    ),
    Endpoint(
        "shops:cabinet-profile",
        "seller",
        _url("shops:cabinet-profile"),
        valid=lambda w: {"name": "Лён и шерсть", "city": "Казань", "tagline": "Шарфы"},
        fields=lambda w: {"name": text(), "city": text(), "tagline": text()},
    ),
    Endpoint(
        "shops:cabinet-about",
        "seller",
        _url("shops:cabinet-about"),
        valid=lambda w: {"about": "Мы шьём шарфы **вручную**."},
        fields=lambda w: {"about": text(), "preview": Field("bool")},
        headers=(HX,),
        accepted=_preview_or_saved,
    ),
    Endpoint(
        "shops:cabinet-delivery",
        "seller",
        _url("shops:cabinet-delivery"),
        valid=lambda w: {
            "payment_systems": ["card", "sbp"],
            "carriers": ["russian_post"],
            "delivery_info": "Почтой России",
            "prepayment_terms": "100% предоплата",
        },
        fields=lambda w: {
            "payment_systems": choice("card", "cash"),
            "carriers": choice("cdek", "pickup"),
            "delivery_info": text(),
            "prepayment_terms": text(),
        },
    ),
    Endpoint(
        "shops:cabinet-rules",
        "seller",
        _url("shops:cabinet-rules"),
        valid=lambda w: {
            "confirmation_days": "3",
            "rules_returns": "14 дней",
            "rules_shipping": "",
            "rules_non_returnable": "",
            "rules_other": "",
            "rules_consent_required": "",
        },
        fields=lambda w: {
            "confirmation_days": number(),
            "rules_returns": text(),
            "rules_shipping": text(),
            "rules_non_returnable": text(),
            "rules_other": text(),
            "rules_consent_required": Field("bool"),
        },
    ),
    Endpoint(
        "shops:cabinet-images",
        "seller",
        _url("shops:cabinet-images"),
        valid=lambda w: {"remove_banner": "on"},
        fields=lambda w: {
            "logo_crop": choice("start", "center", "end"),
            "remove_logo": Field("bool"),
            "remove_banner": Field("bool"),
            "logo": text(),
            "banner": text(),
        },
    ),
    Endpoint(
        "shops:cabinet-contacts",
        "seller",
        _url("shops:cabinet-contacts"),
        valid=lambda w: {"contact_methods": ["email", "chat"]},
        fields=lambda w: {"contact_methods": choice("email", "chat", "messenger", "sms", "call")},
    ),
    Endpoint(
        "shops:cabinet-vacation",
        "seller",
        _url("shops:cabinet-vacation"),
        valid=lambda w: {
            "message": "Уехали на ярмарку",
            "starts_on": str(timezone.localdate()),
            "ends_on": str(timezone.localdate() + timedelta(days=7)),
            "allow_cart": "on",
        },
        fields=lambda w: {
            "message": text(),
            "starts_on": Field("date"),
            "ends_on": Field("date"),
            "allow_cart": Field("bool"),
        },
    ),
    Endpoint("shops:cabinet-vacation-end", "seller", _url("shops:cabinet-vacation-end"), examples=5),
    Endpoint(
        "shops:cabinet-about-image-add",
        "seller",
        _url("shops:cabinet-about-image-add"),
        valid=None,
        fields=lambda w: {"caption": text(), "image": text()},
    ),
    Endpoint(
        "shops:cabinet-about-image-delete",
        "seller",
        _url("shops:cabinet-about-image-delete", lambda w: w.a.about_image.pk),
        other_urls=lambda w: [reverse("shops:cabinet-about-image-delete", args=[w.b.about_image.pk])],
        examples=5,
    ),
    Endpoint(
        "shops:cabinet-collection-new",
        "seller",
        _url("shops:cabinet-collection-new"),
        valid=lambda w: {"name": "Осень", "position": "3"},
        fields=lambda w: {
            "name": text(choices=(w.a.collection.name,)),
            "position": number(),
            "remove_cover": Field("bool"),
            "cover": text(),
        },
    ),
    Endpoint(
        "shops:cabinet-collection-edit",
        "seller",
        _url("shops:cabinet-collection-edit", lambda w: w.a.collection.pk),
        valid=lambda w: {"name": "Зима", "position": "1"},
        fields=lambda w: {"name": text(), "position": number(), "remove_cover": Field("bool")},
        other_urls=lambda w: [reverse("shops:cabinet-collection-edit", args=[w.b.collection.pk])],
    ),
    Endpoint(
        "shops:cabinet-collection-delete",
        "seller",
        _url("shops:cabinet-collection-delete", lambda w: w.a.collection.pk),
        other_urls=lambda w: [reverse("shops:cabinet-collection-delete", args=[w.b.collection.pk])],
        examples=5,
    ),
    # --- catalog: the seller's products -------------------------------------------------------------------
    Endpoint(
        "catalog:cabinet-product-new",
        "seller",
        _url("catalog:cabinet-product-new"),
        valid=lambda w: _product_form(w),
        fields=_product_fields,
    ),
    Endpoint(
        "catalog:cabinet-product-edit",
        "seller",
        _url("catalog:cabinet-product-edit", lambda w: w.a.product.pk),
        valid=lambda w: _product_form(w),
        fields=_product_fields,
        other_urls=lambda w: [reverse("catalog:cabinet-product-edit", args=[w.b.product.pk])],
    ),
    Endpoint(
        "catalog:cabinet-products-bulk",
        "seller",
        _url("catalog:cabinet-products-bulk"),
        valid=lambda w: {"action": "disable", "ids": [str(w.a.product.pk)], "next": "/cabinet/products/?q=1"},
        fields=lambda w: {
            "action": choice("enable", "disable"),
            "ids": ids(w.b.product.pk, w.a.product.pk),
            "next": text(choices=("https://evil.example/", "//evil.example")),
        },
    ),
    Endpoint(
        "catalog:cabinet-product-images",
        "seller",
        _url("catalog:cabinet-product-images", lambda w: w.a.product.pk),
        valid=None,
        fields=lambda w: {"images": text()},
        other_urls=lambda w: [reverse("catalog:cabinet-product-images", args=[w.b.product.pk])],
    ),
    Endpoint(
        "catalog:cabinet-product-image-delete",
        "seller",
        _url("catalog:cabinet-product-image-delete", lambda w: w.a.product.pk, lambda w: w.a.photo.pk),
        other_urls=lambda w: [
            reverse("catalog:cabinet-product-image-delete", args=[w.b.product.pk, w.b.photo.pk]),
            reverse("catalog:cabinet-product-image-delete", args=[w.a.product.pk, w.b.photo.pk]),
        ],
        examples=5,
    ),
    Endpoint(
        "catalog:cabinet-product-image-move",
        "seller",
        _url("catalog:cabinet-product-image-move", lambda w: w.a.product.pk, lambda w: w.a.photo.pk),
        valid=lambda w: {"direction": "right"},
        fields=lambda w: {"direction": choice("left", "right", "first", "up", "down"), "position": number()},
        other_urls=lambda w: [reverse("catalog:cabinet-product-image-move", args=[w.a.product.pk, w.b.photo.pk])],
        headers=(FETCH,),
    ),
    Endpoint(
        "catalog:cabinet-product-options",
        "seller",
        _url("catalog:cabinet-product-options", lambda w: w.a.product.pk),
        valid=lambda w: {"name": "Размер", "kind": "select", **_variants(w)},
        fields=_variant_fields,
        other_urls=lambda w: [reverse("catalog:cabinet-product-options", args=[w.b.product.pk])],
    ),
    Endpoint(
        "catalog:cabinet-product-option-edit",
        "seller",
        _url("catalog:cabinet-product-option-edit", lambda w: w.a.product.pk, lambda w: w.a.option.pk),
        valid=lambda w: {
            "name": "Цвет",
            "kind": "radio",
            **_variants(w),
            "variants-INITIAL_FORMS": "2",
            **{
                f"variants-{index}-id": str(pk)
                for index, pk in enumerate(w.a.option.choices.order_by("position").values_list("pk", flat=True))
            },
        },
        fields=lambda w: {**_variant_fields(w), "direction": choice("up", "down"), "position": number()},
        other_urls=lambda w: [reverse("catalog:cabinet-product-option-edit", args=[w.a.product.pk, w.b.option.pk])],
    ),
    Endpoint(
        "catalog:cabinet-product-option-add-global",
        "seller",
        _url("catalog:cabinet-product-option-add-global", lambda w: w.a.product.pk),
        valid=lambda w: {"option": str(w.a.global_option.pk)},
        fields=lambda w: {"option": ids(w.b.global_option.pk, w.a.global_option.pk)},
    ),
    Endpoint(
        "catalog:cabinet-product-option-delete",
        "seller",
        _url("catalog:cabinet-product-option-delete", lambda w: w.a.product.pk, lambda w: w.a.option.pk),
        other_urls=lambda w: [reverse("catalog:cabinet-product-option-delete", args=[w.a.product.pk, w.b.option.pk])],
        examples=5,
    ),
    Endpoint(
        "catalog:cabinet-global-options",
        "seller",
        _url("catalog:cabinet-global-options"),
        valid=lambda w: {"name": "Гравировка", "kind": "checkbox", **_variants(w, [("Имя", "300")])},
        fields=_variant_fields,
    ),
    Endpoint(
        "catalog:cabinet-global-option-edit",
        "seller",
        _url("catalog:cabinet-global-option-edit", lambda w: w.a.global_option.pk),
        valid=lambda w: {"name": "Упаковка", "kind": "checkbox", **_variants(w, [("Крафт", "50")])},
        fields=_variant_fields,
        other_urls=lambda w: [reverse("catalog:cabinet-global-option-edit", args=[w.b.global_option.pk])],
    ),
    Endpoint(
        "catalog:cabinet-product-wholesale",
        "seller",
        _url("catalog:cabinet-product-wholesale", lambda w: w.a.tier_product.pk),
        valid=lambda w: {
            "tiers-TOTAL_FORMS": "2",
            "tiers-INITIAL_FORMS": "0",
            "tiers-0-min_quantity": "3",
            "tiers-0-kind": "percent",
            "tiers-0-value": "10",
            "tiers-1-min_quantity": "10",
            "tiers-1-kind": "total",
            "tiers-1-value": "8000",
        },
        fields=lambda w: {
            "tiers-TOTAL_FORMS": number(),
            "tiers-INITIAL_FORMS": number(),
            "tiers-0-min_quantity": number(),
            "tiers-0-kind": choice(*TierKind.values),
            "tiers-0-value": Field("money"),
            "tiers-1-min_quantity": number(),
            "tiers-1-kind": choice(*TierKind.values),
            "tiers-1-value": Field("money"),
        },
        other_urls=lambda w: [reverse("catalog:cabinet-product-wholesale", args=[w.b.tier_product.pk])],
    ),
    Endpoint(
        "catalog:cabinet-product-files",
        "seller",
        _url("catalog:cabinet-product-files", lambda w: w.a.product.pk),
        valid=None,
        fields=lambda w: {"title": text(), "form": choice("reseller", "file"), "file": text(), "document": text()},
        other_urls=lambda w: [reverse("catalog:cabinet-product-files", args=[w.b.product.pk])],
    ),
    Endpoint(
        "catalog:cabinet-product-file-delete",
        "seller",
        _url("catalog:cabinet-product-file-delete", lambda w: w.a.product.pk, lambda w: w.a.attachment.pk),
        other_urls=lambda w: [reverse("catalog:cabinet-product-file-delete", args=[w.a.product.pk, w.b.attachment.pk])],
        examples=5,
    ),
    Endpoint(
        "catalog:cabinet-product-sold-files",
        "seller",
        _url("catalog:cabinet-product-sold-files", lambda w: w.a.digital.pk),
        valid=None,
        fields=lambda w: {
            "form": choice("file", "folder", "preview"),
            "file-title": text(),
            "folder-title": text(),
            "file-file": text(),
            "folder-files": text(),
            "preview-images": text(),
        },
        other_urls=lambda w: [
            reverse("catalog:cabinet-product-sold-files", args=[w.b.digital.pk]),
            reverse("catalog:cabinet-product-sold-files", args=[w.a.product.pk]),
        ],
    ),
    Endpoint(
        "catalog:cabinet-product-sold-file-delete",
        "seller",
        _url("catalog:cabinet-product-sold-file-delete", lambda w: w.a.digital.pk, lambda w: w.a.sold.pk),
        other_urls=lambda w: [reverse("catalog:cabinet-product-sold-file-delete", args=[w.a.digital.pk, w.b.sold.pk])],
        examples=5,
    ),
    Endpoint(
        "catalog:cabinet-product-preview-delete",
        "seller",
        _url("catalog:cabinet-product-preview-delete", lambda w: w.a.digital.pk, lambda w: w.a.preview.pk),
        other_urls=lambda w: [reverse("catalog:cabinet-product-preview-delete", args=[w.a.digital.pk, w.b.preview.pk])],
        examples=5,
    ),
    Endpoint(
        "catalog:cabinet-collection-products",
        "seller",
        _url("catalog:cabinet-collection-products", lambda w: w.a.collection.pk),
        valid=lambda w: {"action": "add", "product": str(w.a.tier_product.pk)},
        fields=lambda w: {
            "action": choice("add", "remove", "up", "down"),
            "product": ids(w.b.product.pk, w.a.product.pk),
        },
        other_urls=lambda w: [reverse("catalog:cabinet-collection-products", args=[w.b.collection.pk])],
    ),
    # --- catalog: the buyer's side (htmx like, the view counter) -----------------------------------------
    Endpoint(
        "catalog:product-like",
        "buyer",
        _url("catalog:product-like", lambda w: w.b.product.pk),
        headers=(HX,),
        accepted=lambda r: r.status_code in (200, 302),
        examples=8,
    ),
    Endpoint(
        "catalog:product-seen",
        "anon",
        _url("catalog:product-seen", lambda w: w.b.product.pk),
        headers=({"Origin": "https://evil.example"}, {"Origin": "null"}),
        examples=8,
    ),
    # --- orders: the cart, checkout, the buyer's order ----------------------------------------------------
    Endpoint(
        "orders:cart-add",
        "buyer",
        _url("orders:cart-add", lambda w: w.a.product.pk),
        valid=lambda w: {"quantity": "2", f"option_{w.a.option.pk}": str(w.a.option.choices.first().pk)},
        fields=lambda w: {
            "quantity": number(),
            "next": text(choices=("/cart/",)),
            f"option_{w.a.option.pk}": ids(w.b.option.choices.first().pk),
            "option_1": ids(w.b.option.choices.first().pk),
        },
        headers=(JSON,),
        accepted=_json_ok,
    ),
    Endpoint(
        "orders:cart-line",
        "buyer",
        _url("orders:cart-line", lambda w: w.a.line.pk),
        valid=lambda w: {"quantity": "3"},
        fields=lambda w: {"quantity": number()},
        other_urls=lambda w: [reverse("orders:cart-line", args=[w.a.line.pk + 10_000])],
        headers=(HX,),
        accepted=_htmx_ok,
    ),
    Endpoint(
        "orders:cart-line-remove",
        "buyer",
        _url("orders:cart-line-remove", lambda w: w.a.line.pk),
        headers=(HX,),
        accepted=_htmx_ok,
        examples=5,
    ),
    Endpoint(
        "orders:cart-promo",
        "buyer",
        _url("orders:cart-promo", lambda w: w.a.shop.slug),
        valid=lambda w: {"code": w.a.promo.code, "next": "checkout", "buyer_name": "Мария"},
        fields=lambda w: {
            "code": text(choices=(w.b.promo.code, "LAVKA-X")),
            "next": choice("checkout", "cart"),
            "remove": choice("referral", "1"),
            "buyer_name": text(),
            "address": text(),
            "idempotency_key": text(),
        },
    ),
    Endpoint(
        "orders:checkout",
        "buyer",
        _url("orders:checkout", lambda w: w.a.shop.slug),
        valid=lambda w: {
            "buyer_name": "Мария Иванова",
            "phone": "+79265550101",
            "email": "masha@example.com",
            "address": "620000, Екатеринбург, ул. Ленина, 1",
            "delivery_method": "russian_post",
            "contact_method": "email",
            "notes": "",
            "idempotency_key": "fuzz-key-1",
        },
        fields=lambda w: {
            "buyer_name": text(),
            "phone": text(),
            "email": Field("email"),
            "address": text(),
            "delivery_method": choice("courier", "cdek", "other"),
            "contact_method": choice("chat", "messenger", "sms"),
            "notes": text(),
            "rules_accepted": Field("bool"),
            "idempotency_key": text(choices=(w.a.order_open.idempotency_key, w.b.order_open.idempotency_key)),
        },
    ),
    Endpoint(
        "orders:confirm",
        "buyer",
        _url("orders:confirm", lambda w: w.a.order_open.number),
        fields=lambda w: {"key": text(choices=(w.b.order_open.secret,))},
        examples=8,
    ),
    Endpoint(
        "orders:received",
        "buyer",
        _url("orders:received", lambda w: w.a.order_shipped.number),
        fields=lambda w: {"key": text(choices=(w.b.order_open.secret,))},
        examples=8,
    ),
    Endpoint(
        "orders:review-add",
        "buyer",
        _url("orders:review-add", lambda w: w.a.order_shipped.number, lambda w: w.a.order_shipped.items.get().pk),
        valid=lambda w: {
            f"item{w.a.order_shipped.items.get().pk}-rating": "5",
            f"item{w.a.order_shipped.items.get().pk}-text": "Отличный шарф, спасибо!",
        },
        fields=lambda w: {
            f"item{w.a.order_shipped.items.get().pk}-rating": number(),
            f"item{w.a.order_shipped.items.get().pk}-text": text(),
        },
        other_urls=lambda w: [
            reverse("orders:review-add", args=[w.a.order_shipped.number, w.b.order_shipped.items.get().pk])
        ],
    ),
    Endpoint(
        "orders:review-edit",
        "buyer",
        _url("orders:review-edit", lambda w: w.a.order_reviewed.number, lambda w: w.a.review.pk),
        valid=lambda w: {f"edit{w.a.review.pk}-rating": "3", f"edit{w.a.review.pk}-text": "Полинял после стирки."},
        fields=lambda w: {
            f"edit{w.a.review.pk}-rating": number(),
            f"edit{w.a.review.pk}-text": text(),
            f"edit{w.a.review.pk}-remove_photos": ids(w.b.review.pk),
        },
        other_urls=lambda w: [reverse("orders:review-edit", args=[w.a.order_reviewed.number, w.b.review.pk])],
    ),
    # --- orders: the seller's cabinet ---------------------------------------------------------------------
    Endpoint(
        "orders:cabinet-status",
        "seller",
        _url("orders:cabinet-status", lambda w: w.a.order_open.number),
        valid=lambda w: {"status": "paid", "note": "Оплата пришла"},
        fields=lambda w: {
            "status": choice(*OrderStatus.values),
            "note": text(),
            "cancel_reason": choice("buyer_asked", "no_confirmation", "fake_order"),
        },
        other_urls=lambda w: [reverse("orders:cabinet-status", args=[w.b.order_open.number])],
    ),
    Endpoint(
        "orders:cabinet-shipment-add",
        "seller",
        _url("orders:cabinet-shipment-add", lambda w: w.a.order_open.number),
        valid=lambda w: {"carrier": "russian_post", "track_number": "RA987654326RU", "new_status": ""},
        fields=lambda w: {
            "carrier": choice("cdek", "other"),
            "carrier_name": text(),
            "track_number": text(),
            "new_status": choice(*OrderStatus.values),
            "notify_buyer": Field("bool"),
        },
        other_urls=lambda w: [reverse("orders:cabinet-shipment-add", args=[w.b.order_open.number])],
    ),
    Endpoint(
        "orders:cabinet-shipment-delete",
        "seller",
        _url("orders:cabinet-shipment-delete", lambda w: w.a.order_shipped.number, lambda w: w.a.shipment.pk),
        other_urls=lambda w: [
            reverse("orders:cabinet-shipment-delete", args=[w.a.order_shipped.number, w.b.shipment.pk])
        ],
        examples=5,
    ),
    Endpoint(
        "orders:cabinet-cancel-unconfirmed-guest", "seller", _url("orders:cabinet-cancel-unconfirmed-guest"), examples=5
    ),
    Endpoint(
        "orders:cabinet-review-answer",
        "seller",
        _url("orders:cabinet-review-answer", lambda w: w.a.review.pk),
        valid=lambda w: {f"review{w.a.review.pk}-text": "Спасибо за отзыв!"},
        fields=lambda w: {f"review{w.a.review.pk}-text": text()},
        other_urls=lambda w: [reverse("orders:cabinet-review-answer", args=[w.b.review.pk])],
    ),
    Endpoint(
        "orders:cabinet-carts-offer",
        "seller",
        _url("orders:cabinet-carts-offer"),
        valid=lambda w: {"line": str(w.a.line.pk), "percent": "15", "days": "7"},
        fields=lambda w: {"line": ids(w.b.line.pk, w.a.line.pk), "percent": number(), "days": number()},
    ),
    # --- messaging ----------------------------------------------------------------------------------------
    Endpoint(
        "messaging:new",
        "buyer",
        lambda w: reverse("messaging:new") + f"?product={w.a.product.pk}",
        fields=lambda w: _message_fields(w),
    ),
    Endpoint(
        "messaging:detail",
        "buyer",
        _url("messaging:detail", lambda w: w.a.conversation.pk),
        valid=lambda w: {"text": "А красный есть?"},
        fields=lambda w: _message_fields(w),
        other_urls=lambda w: [reverse("messaging:detail", args=[w.a.conversation.pk + 10_000])],
    ),
    Endpoint(
        "messaging:report",
        "buyer",
        _url("messaging:report", lambda w: w.a.conversation.pk, lambda w: w.a.shop_message.pk),
        valid=lambda w: {"reason": "Грубит"},
        fields=lambda w: {"reason": text()},
        other_urls=lambda w: [reverse("messaging:report", args=[w.a.conversation.pk, w.b.shop_message.pk])],
    ),
    Endpoint(
        "messaging:cabinet-detail",
        "seller",
        _url("messaging:cabinet-detail", lambda w: w.a.conversation.pk),
        valid=lambda w: {"text": "Есть и красный.", "order": str(w.a.order_open.pk)},
        fields=lambda w: _message_fields(w, (w.b.order_open.pk, w.a.order_open.pk)),
        other_urls=lambda w: [reverse("messaging:cabinet-detail", args=[w.b.conversation.pk])],
    ),
    Endpoint(
        "messaging:cabinet-order",
        "seller",
        _url("messaging:cabinet-order", lambda w: w.a.order_open.number),
        fields=lambda w: _message_fields(w, (w.b.order_open.pk,)),
        other_urls=lambda w: [reverse("messaging:cabinet-order", args=[w.b.order_open.number])],
    ),
    Endpoint(
        "messaging:cabinet-replies",
        "seller",
        _url("messaging:cabinet-replies"),
        valid=lambda w: {"title": "Сроки", "text": "Отправим заказ {номер} завтра."},
        fields=lambda w: {"title": text(), "text": text()},
    ),
    Endpoint(
        "messaging:cabinet-reply-edit",
        "seller",
        _url("messaging:cabinet-reply-edit", lambda w: w.a.reply.pk),
        valid=lambda w: {"title": "Сроки", "text": "Отправим завтра."},
        fields=lambda w: {"title": text(), "text": text()},
        other_urls=lambda w: [reverse("messaging:cabinet-reply-edit", args=[w.b.reply.pk])],
    ),
    Endpoint(
        "messaging:cabinet-reply-delete",
        "seller",
        _url("messaging:cabinet-reply-delete", lambda w: w.a.reply.pk),
        other_urls=lambda w: [reverse("messaging:cabinet-reply-delete", args=[w.b.reply.pk])],
        examples=5,
    ),
    # --- referrals ----------------------------------------------------------------------------------------
    Endpoint(
        "referrals:invite",
        "buyer",
        _url("referrals:invite"),
        valid=lambda w: {"addresses": "anna@example.ru, ivan@example.ru", "own_text": "Загляни!"},
        fields=lambda w: {"addresses": text(), "own_text": text()},
    ),
    Endpoint(
        "referrals:cabinet-promo-new",
        "seller",
        _url("referrals:cabinet-promo-new"),
        valid=lambda w: {
            "name": "Весна",
            "code": "vesna25",
            "bonus": "order",
            "discount_kind": "percent",
            "value": "15",
            "is_enabled": "on",
        },
        fields=lambda w: {
            "name": text(),
            "code": text(choices=(w.a.promo.code, w.b.promo.code)),
            "bonus": choice(*PromoBonus.values),
            "discount_kind": choice("percent", "rubles"),
            "value": Field("money"),
            "min_order_total": Field("money"),
            "max_uses": number(),
            "max_uses_per_buyer": number(),
            "starts_at": Field("date"),
            "ends_at": Field("date"),
            "products": ids(w.b.product.pk, w.a.product.pk),
            "gift_products": ids(w.b.product.pk, w.a.product.pk),
            "is_enabled": Field("bool"),
        },
    ),
    Endpoint(
        "referrals:cabinet-promo-edit",
        "seller",
        _url("referrals:cabinet-promo-edit", lambda w: w.a.promo.pk),
        valid=lambda w: {
            "name": "Лето",
            "code": w.a.promo.code,
            "bonus": "order",
            "discount_kind": "rubles",
            "value": "200",
            "min_order_total": "1000",
        },
        fields=lambda w: {
            "name": text(),
            "code": text(choices=(w.b.promo.code,)),
            "bonus": choice(*PromoBonus.values),
            "discount_kind": choice("percent", "rubles"),
            "value": Field("money"),
            "min_order_total": Field("money"),
            "max_uses": number(),
            "products": ids(w.b.product.pk),
            "gift_products": ids(w.b.product.pk),
        },
        other_urls=lambda w: [reverse("referrals:cabinet-promo-edit", args=[w.b.promo.pk])],
    ),
    Endpoint(
        "referrals:cabinet-promo-toggle",
        "seller",
        _url("referrals:cabinet-promo-toggle", lambda w: w.a.promo.pk),
        other_urls=lambda w: [reverse("referrals:cabinet-promo-toggle", args=[w.b.promo.pk])],
        examples=5,
    ),
    Endpoint(
        "referrals:cabinet-promo-duplicate",
        "seller",
        _url("referrals:cabinet-promo-duplicate", lambda w: w.a.promo.pk),
        other_urls=lambda w: [reverse("referrals:cabinet-promo-duplicate", args=[w.b.promo.pk])],
        examples=5,
    ),
    # --- moderation ---------------------------------------------------------------------------------------
    Endpoint(
        "moderation:reliable-apply",
        "seller",
        _url("moderation:reliable-apply"),
        valid=lambda w: {"message": "Прошу рассмотреть."},
        fields=lambda w: {"message": text()},
    ),
    Endpoint(
        "moderation:contact",
        "seller",
        _url("moderation:contact"),
        valid=lambda w: {
            "name": "Анна",
            "email": "anna@example.ru",
            "text": "Убрала телефон из описания.",
            "sanction": str(w.sanction.pk),
        },
        fields=lambda w: {
            "name": text(),
            "email": Field("email"),
            "text": text(),
            "sanction": ids(w.sanction.pk + 10_000),
        },
    ),
    Endpoint(
        "moderation:complaint-new",
        "buyer",
        lambda w: reverse("moderation:complaint-new") + f"?order={w.a.order_reviewed.number}",
        valid=lambda w: {"kind": "quality", "text": "Шарф пришёл с дыркой."},
        fields=lambda w: {"kind": choice(*ComplaintKind.values), "text": text(), "photos": text()},
    ),
    Endpoint(
        "moderation:cabinet-complaint-answer",
        "seller",
        _url("moderation:cabinet-complaint-answer", lambda w: w.a.complaint.pk),
        valid=lambda w: {f"c{w.a.complaint.pk}-text": "Заменим шарф бесплатно."},
        fields=lambda w: {f"c{w.a.complaint.pk}-text": text()},
        other_urls=lambda w: [reverse("moderation:cabinet-complaint-answer", args=[w.b.complaint.pk])],
    ),
    Endpoint(
        "moderation:image-report",
        "anon",
        _url("moderation:image-report", lambda w: w.b.product.pk),
        valid=lambda w: {
            "image": str(w.b.photo.pk),
            "kind": "borrowed",
            "email": "visitor@example.com",
            "text": "Это фото с другого сайта.",
        },
        fields=lambda w: {
            "image": ids(w.a.photo.pk, w.b.photo.pk),
            "kind": choice("poor", "collage"),
            "email": Field("email"),
            "text": text(),
            "is_rights_holder": Field("bool"),
        },
    ),
    # --- the admin's moderation forms ---------------------------------------------------------------------
    Endpoint(
        "admin:moderation_reliableapplication_refuse",
        "staff",
        _url("admin:moderation_reliableapplication_refuse", lambda w: w.application.pk),
        valid=lambda w: {"reason": "Мало заказов с треком."},
        fields=lambda w: {"reason": text()},
        examples=10,
    ),
    Endpoint(
        "admin:moderation_complaint_decide",
        "staff",
        _url("admin:moderation_complaint_decide", lambda w: w.a.complaint.pk),
        valid=lambda w: {"do": "confirm", "decision": "Брак подтверждён фото.", "rating": "1"},
        fields=lambda w: {"do": choice("confirm", "reject"), "decision": text(), "rating": number(), "reason": text()},
        examples=10,
    ),
    Endpoint(
        "admin:moderation_appeal_answer",
        "staff",
        _url("admin:moderation_appeal_answer", lambda w: w.appeal.pk),
        valid=lambda w: {"reason": "Спасибо, проверим."},
        fields=lambda w: {"reason": text()},
        examples=10,
    ),
    Endpoint(
        "admin:moderation_sanction_add",
        "staff",
        _url("admin:moderation_sanction_add"),
        valid=lambda w: {
            "shop": str(w.a.shop.pk),
            "kind": "hide_product",
            "reason": "images",
            "product": str(w.a.product.pk),
            "details": "Чужое фото.",
            "evidence": "",
        },
        fields=lambda w: {
            "shop": ids(w.a.shop.pk, w.b.shop.pk),
            "kind": choice(*SanctionKind.values),
            "reason": choice(*SanctionReason.values),
            "product": ids(w.b.product.pk),
            "details": text(),
            "evidence": text(),
        },
        examples=10,
    ),
]


# Addresses that take no input worth fuzzing, with the reason; everything else must be in ENDPOINTS.
NOT_FUZZED = {
    # GET-only pages (require_GET/require_safe, or they ignore POST and only render).
    **dict.fromkeys(
        [
            "rules",
            "ping",
            "catalog:home",
            "catalog:list",
            "catalog:category",
            "catalog:product",
            "catalog:favorites",
            "catalog:recently-viewed",
            "catalog:attachment",
            "catalog:cabinet-product-file",
            "catalog:cabinet-product-reseller-document",
            "catalog:cabinet-products",
            "catalog:cabinet-product-preview",
            "catalog:cabinet-product-sold-file-download",
            "catalog:shop",
            "catalog:shop-about",
            "catalog:shop-delivery",
            "catalog:shop-rules",
            "catalog:shop-collection",
            "orders:cart",
            "orders:list",
            "orders:detail",
            "orders:download",
            "orders:downloads",
            "orders:user-download",
            "orders:tracking",
            "orders:shop-reviews",
            "orders:cabinet-list",
            "orders:cabinet-reviews",
            "orders:cabinet-carts",
            "orders:cabinet-marketing",
            "orders:cabinet-marketing-csv",
            "orders:cabinet-detail",
            "messaging:list",
            "messaging:unread-badge",
            "messaging:poll",
            "messaging:attachment",
            "messaging:cabinet-list",
            "messaging:cabinet-poll",
            "messaging:cabinet-attachment",
            "referrals:page",
            "referrals:follow",
            "referrals:cabinet-promos",
            "moderation:cabinet-trust",
            "moderation:cabinet-sanctions",
            "moderation:complaint-list",
            "moderation:complaint-detail",
            "moderation:complaint-photo",
            "moderation:cabinet-complaints",
            "shops:cabinet-home",
            "shops:cabinet-collections",
            "switch-language",
            "health",
            "media",
        ],
        "reads only: answers GET (or HEAD)",
    ),  # fmt: skip
    # allauth's own flows: a token or a state the fuzz cannot hold, each tested by allauth itself.
    **dict.fromkeys(
        [
            "account_logout",
            "account_inactive",
            "account_reauthenticate",
            "account_email_verification_sent",
            "account_set_password",
            "account_confirm_login_code",
            "account_confirm_email",
            "account_reset_password_from_key_done",
            "account_reset_password_from_key",
            "account_reset_password_done",
        ],
        "allauth's own flow behind a one-time key, a pending log-in or with no fields",
    ),  # fmt: skip
    # Image and file uploads: catalog/tests/test_hostile_uploads.py sends them hostile files. The pages'
    # other fields are fuzzed here (their entries above post no file).
}


def _project_url_names():
    """Every named URL of the project's apps and allauth (the Django admin's own pages are Django's)."""

    def walk(resolver, namespace=""):
        for pattern in resolver.url_patterns:
            if isinstance(pattern, URLResolver):
                inner = namespace
                if pattern.namespace:
                    inner = f"{namespace}{pattern.namespace}:"
                if pattern.namespace == "admin":
                    continue
                yield from walk(pattern, inner)
            elif isinstance(pattern, URLPattern) and pattern.name:
                yield namespace + pattern.name

    return set(walk(get_resolver()))


def test_every_address_is_fuzzed_or_named_as_not_taking_input():
    fuzzed = {endpoint.name for endpoint in ENDPOINTS}
    unclassified = _project_url_names() - fuzzed - set(NOT_FUZZED)
    assert not unclassified, f"Fuzz these in ENDPOINTS or say why not in NOT_FUZZED: {sorted(unclassified)}"
    assert not fuzzed & set(NOT_FUZZED)


# --- sending and judging ----------------------------------------------------------------------------------


def _send(client: Client, url: str, submission: Submission):
    headers = submission.headers
    if isinstance(submission.data, bytes):  # generic(): the bytes go as they are, whatever the charset says
        return client.generic("POST", url, submission.data, content_type=submission.content_type, headers=headers)
    if submission.content_type == FORM:
        return client.post(url, data=urlencode_text(submission.data), content_type=FORM, headers=headers)
    return client.post(url, data=submission.data, headers=headers)


def _bound_forms(response):
    found = []
    for context in response.context or []:
        for value in context.flatten().values() if hasattr(context, "flatten") else context.values():
            if isinstance(value, (BaseForm, BaseFormSet)) and value.is_bound and value not in found:
                found.append(value)
    return found


def _form_errors(form, *, visible: bool = False) -> list[str]:
    """The form's (or formset's) error messages; ``visible`` leaves out those of hidden inputs (a
    tampered row id), which no person typed and pages do not show."""
    if isinstance(form, BaseFormSet):
        messages = list(form.non_form_errors())
        for inner in form.forms:
            messages += _form_errors(inner, visible=visible)
        return messages
    return [
        message
        for name, errors in form.errors.items()
        if not (visible and name in form.fields and form.fields[name].widget.is_hidden)
        for message in errors
    ]


def _check_refusal_is_shown(response, submission) -> None:
    """A form sent back says what is wrong, in Russian; a redirect carries a Russian error message."""
    flashed = [text for level, text in queued_messages(response) if level in ("error", "warning")]
    if response.headers.get("Content-Type", "").startswith("application/json"):
        answer = response.json()
        if isinstance(answer, dict) and isinstance(answer.get("error"), str):  # the product page's toast
            flashed.append(answer["error"])
    if response.context and response.context.get("cart_error"):  # the cart's htmx answer
        flashed.append(response.context["cart_error"])
        assert escape(response.context["cart_error"]) in response.content.decode()
    for message in flashed:
        assert CYRILLIC.search(message), f"English message {message!r} for {submission.describe()}"
    is_page = response.headers.get("Content-Type", "").startswith("text/html") and response.status_code in (
        200, 400, 429
    )  # fmt: skip
    if not is_page or not response.context:
        return
    page = response.content.decode()
    forms = _bound_forms(response)
    sent = bool(response.wsgi_request.POST)
    if not forms and (response.status_code == 200 or not sent):
        return  # nothing arrived as a form (a JSON, plain-text or broken body): the blank form is shown
    errors = [message for form in forms for message in _form_errors(form)]
    assert errors or flashed or any(marker in page for marker in ERROR_MARKERS), (
        f"A refused form came back without an error: {submission.describe()}"
    )
    for message in [message for form in forms for message in _form_errors(form, visible=True)]:
        assert CYRILLIC.search(message), f"English error {message!r} for {submission.describe()}"
        assert escape(message) in page or message in page, f"Error {message!r} is not on the page"


def _judge(endpoint: Endpoint, response, before, after, submission) -> None:
    described = submission.describe()
    assert response.status_code < 500, f"{response.status_code} for {described}"
    if submission.url is not None:  # another shop's (or buyer's) object: not found, whatever was sent
        assert response.status_code in (404, 400), f"{response.status_code} for {described}"
    if endpoint.accepted(response) and not any(level == "error" for level, _ in queued_messages(response)):
        problems = invalid_saved_values(before, after)
        assert not problems, f"Saved invalid values {problems} for {described}"
        return
    changed = unexpected_changes(before, after)
    assert not changed, f"Refused ({response.status_code}) but saved {changed} for {described}"
    _check_refusal_is_shown(response, submission)


def _clear_caches() -> None:
    """Rate-limit counters and cached sessions start afresh with each example (they live in the cache)."""
    for name in ("default", "template_fragments"):
        caches[name].clear()


class _Rollback(Exception):
    pass


def _post_in_savepoint(world, endpoint: Endpoint, submission: Submission):
    """Send one submission and judge it; everything it wrote is rolled back afterwards."""
    client = world.client(endpoint.role)
    url = submission.url or endpoint.url(world)
    # A log-in or a password change gives the client a new session, rolled back with the example.
    cookies = copy.deepcopy(client.cookies)
    try:
        with transaction.atomic():
            _clear_caches()
            before = database_rows(PAGE_SIDE_EFFECTS)
            response = _send(client, url, submission)
            after = database_rows(PAGE_SIDE_EFFECTS)
            _judge(endpoint, response, before, after, submission)
            raise _Rollback
    except _Rollback:
        pass
    finally:
        client.cookies = cookies
    return response


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=lambda endpoint: endpoint.id)
def test_the_valid_submission_is_accepted(world, endpoint):
    """The fuzz starts from a submission each endpoint accepts, so its refusals are the hostile values' doing."""
    if endpoint.valid is None:
        pytest.skip("posts files: catalog/tests/test_hostile_uploads.py sends valid and hostile ones")
    response = _post_in_savepoint(world, endpoint, Submission(endpoint.valid(world)))
    assert endpoint.accepted(response), (
        response.status_code,
        queued_messages(response),
        [_form_errors(form) for form in _bound_forms(response)],
    )


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=lambda endpoint: endpoint.id)
def test_hostile_input_is_refused_cleanly(world, endpoint):
    valid = endpoint.valid(world) if endpoint.valid is not None else {}
    strategy = submissions(valid, endpoint.fields(world), urls=endpoint.other_urls(world), headers=endpoint.headers)

    @settings(max_examples=endpoint.examples, deadline=None, database=None, phases=PHASES,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])  # fmt: skip
    @given(submission=strategy)
    def post(submission):
        _post_in_savepoint(world, endpoint, submission)

    post()


# --- what the fuzz found, pinned down -------------------------------------------------------------------


def _refused_page(world, role, url, data, *, error):
    """Post ``data`` as ``role``: the form comes back (no 5xx) showing ``error``, and nothing is saved."""
    before = database_rows(PAGE_SIDE_EFFECTS)
    response = world.client(role).post(url, data)
    assert response.status_code in (200, 400)
    assert error in response.content.decode()
    assert not unexpected_changes(before, database_rows(PAGE_SIDE_EFFECTS))


@pytest.mark.parametrize("shop", ["1e3", "abc", "9223372036854775808"])
def test_the_admins_sanction_form_with_a_shop_that_is_no_id_is_shown_again(world, shop):
    """The admin's autocomplete looked the posted shop up by id to show the form again: «1e3» was a 500."""
    url = reverse("admin:moderation_sanction_add")
    data = {"shop": shop, "kind": "warning", "reason": "images", "details": "Чужое фото."}
    _refused_page(world, "staff", url, data, error="Обязательное поле.")


def test_a_product_id_beyond_64_bits_in_a_promo_is_an_unknown_choice(world):
    """SQLite raised OverflowError on it in the IN lookup of a multiple choice (a 500)."""
    url = reverse("referrals:cabinet-promo-edit", args=[world.a.promo.pk])
    data = {"name": "Лето", "code": world.a.promo.code, "bonus": "products", "discount_kind": "percent",
            "value": "10", "products": [str(world.a.product.pk), "9223372036854775808"]}  # fmt: skip
    _refused_page(world, "seller", url, data, error="9223372036854775808 нет среди допустимых значений")


def test_a_collection_id_beyond_64_bits_on_a_product_is_an_unknown_choice(world):
    url = reverse("catalog:cabinet-product-edit", args=[world.a.product.pk])
    data = {**_product_form(world), "collections": ["18446744073709551616"]}
    _refused_page(world, "seller", url, data, error="18446744073709551616 нет среди допустимых значений")


@pytest.mark.parametrize("when", ["0001-01-01T00:00", "9999-12-31T23:59"])
def test_a_promo_date_that_cannot_be_stored_is_refused(world, when):
    """«0001-01-01» in Moscow is before the year 1 in UTC: saving it was an OverflowError (a 500)."""
    url = reverse("referrals:cabinet-promo-new")
    data = {"name": "Весна", "code": "vesna25", "bonus": "order", "discount_kind": "percent", "value": "15",
            "starts_at": when}  # fmt: skip
    _refused_page(world, "seller", url, data, error="Введите правильную дату и время.")


def test_a_nul_in_the_status_note_is_not_stored(world):
    """The note is a bare POST field: PostgreSQL refuses a NUL in text (a 500 there, stored on SQLite)."""
    order = world.a.order_open
    url = reverse("orders:cabinet-status", args=[order.number])
    response = world.client("seller").post(url, {"status": "paid", "note": "  Оплата\x00 пришла" + " ж" * 400})
    assert response.status_code == 302
    note = order.events.latest("pk").note
    assert note.startswith("Оплата пришла ж ж") and len(note) == 500  # no NUL, no leading blanks, what the event keeps
