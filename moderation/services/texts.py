"""Contacts and links in sellers' texts (seed 001, reason 6).

Every saved shop profile and product text is scanned (``text_saved``, registered with
marketplace.text_hooks), and the scheduled ``texts_scan`` goes over all of them (the rules grow:
what yesterday's rules missed is found today). Hits wait in the queue, one open hit per text;
an admin removes the contacts from the text and warns the seller (one warning per shop and
decision, however many of its texts), or marks the hit «not a contact», which the scans then
leave alone while the text holds nothing new.
"""

from collections import defaultdict

from django.core.exceptions import FieldDoesNotExist
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from catalog.models import Product
from catalog.services import product_update
from marketplace.exceptions import DomainError
from marketplace.text_rules import find_contacts, strip_contacts
from shops.models import Shop
from shops.services import shop_update

from ..models import Sanction, SanctionKind, SanctionReason, TextHit, TextHitStatus
from .sanctions import sanction_impose

# The texts a seller writes that buyers read, by owner (model label → fields).
SHOP_FIELDS = (
    "name", "tagline", "about", "delivery_info", "prepayment_terms", "made_to_order_terms",
    "rules_returns", "rules_payment", "rules_shipping", "rules_non_returnable", "rules_other",
)  # fmt: skip
PRODUCT_FIELDS = ("title", "description")
TEXT_FIELDS = {"shops.shop": SHOP_FIELDS, "catalog.product": PRODUCT_FIELDS}
# Fields that must not be left empty by removing what was found in them.
REQUIRED_FIELDS = {"name", "title"}
EXCERPT_MAX = 2000
EXCERPT_CONTEXT = 120
SCAN_BATCH = 500


class TextHitError(DomainError):
    """A text hit that cannot be decided as asked."""


def field_label(*, product_id, field: str) -> str:
    """The field's name as the seller knows it («Подробное описание», «О нас»)."""
    model = Shop if product_id is None else Product
    try:
        return str(model._meta.get_field(field).verbose_name)
    except FieldDoesNotExist:  # a field renamed since the hit was found
        return field


def _found(findings) -> list[dict]:
    seen, found = set(), []
    for finding in findings:
        key = (str(finding.kind), finding.text.casefold())
        if key not in seen:
            seen.add(key)
            found.append({"kind": str(finding.kind), "text": finding.text})
    return found


def _excerpt(text: str, findings) -> str:
    """The whole text when short; otherwise the pieces around what was found."""
    if len(text) <= EXCERPT_MAX:
        return text
    spans = []
    for finding in findings:
        start, end = max(0, finding.start - EXCERPT_CONTEXT), min(len(text), finding.end + EXCERPT_CONTEXT)
        if spans and start <= spans[-1][1]:
            spans[-1] = (spans[-1][0], max(end, spans[-1][1]))
        else:
            spans.append((start, end))
    return " … ".join(text[start:end] for start, end in spans)[:EXCERPT_MAX]


def _scan_rows(rows: list[tuple[int, int | None, str, str]], *, now) -> int:
    """Rows (shop_id, product_id, field, text) of one batch: open hits created or brought up to date.

    The batch's hits are read in one query; a text whose findings were all dismissed is left alone.
    """
    found_rows = [(shop_id, product_id, field, text, findings) for shop_id, product_id, field, text in rows
                  if (findings := find_contacts(text or ""))]  # fmt: skip
    if not found_rows:
        return 0  # most texts: no query at all
    shop_ids = {shop_id for shop_id, product_id, *_rest in found_rows if product_id is None}
    product_ids = {product_id for _shop_id, product_id, *_rest in found_rows if product_id is not None}
    open_hits, dismissed = {}, defaultdict(set)
    known = TextHit.objects.filter(status__in=[TextHitStatus.NEW, TextHitStatus.DISMISSED]).filter(
        _owner_q(shop_ids, product_ids)
    )
    for hit in known:
        key = (hit.shop_id, hit.product_id, hit.field)
        if hit.status == TextHitStatus.NEW:
            open_hits[key] = hit
        else:
            dismissed[key] |= {item["text"].casefold() for item in hit.found}
    created = 0
    for shop_id, product_id, field, text, findings in found_rows:
        key = (shop_id, product_id, field)
        found, excerpt = _found(findings), _excerpt(text, findings)
        if {item["text"].casefold() for item in found} <= dismissed[key]:
            continue
        hit = open_hits.get(key)
        if hit is None:
            open_hits[key] = TextHit.objects.create(shop_id=shop_id, product_id=product_id, field=field, found=found,
                                                    excerpt=excerpt, created_at=now)  # fmt: skip
            created += 1
        elif (hit.found, hit.excerpt) != (found, excerpt):
            hit.found, hit.excerpt = found, excerpt
            hit.save(update_fields=["found", "excerpt"])
    return created


def _owner_q(shop_ids, product_ids):
    q = Q(pk__in=[])
    if shop_ids:
        q |= Q(shop_id__in=shop_ids, product__isnull=True)
    if product_ids:
        q |= Q(product_id__in=product_ids)
    return q


def _shop_rows(shops, fields=SHOP_FIELDS):
    return [(shop.pk, None, field, getattr(shop, field)) for shop in shops for field in fields]


def _product_rows(products, fields=PRODUCT_FIELDS):
    return [(product.shop_id, product.pk, field, getattr(product, field)) for product in products for field in fields]


@transaction.atomic
def text_hits_scan(*, obj, fields=None, now=None) -> int:
    """Scan one shop's or product's texts (``fields``: only these); returns the hits created."""
    now = now or timezone.now()
    if isinstance(obj, Shop):
        wanted = [field for field in (fields or SHOP_FIELDS) if field in SHOP_FIELDS]
        return _scan_rows(_shop_rows([obj], wanted), now=now)
    wanted = [field for field in (fields or PRODUCT_FIELDS) if field in PRODUCT_FIELDS]
    return _scan_rows(_product_rows([obj], wanted), now=now)


def text_saved(model_label: str, pk: int, fields) -> None:
    """marketplace.text_hooks callback: a shop's or a product's texts were saved (after commit)."""
    wanted = [field for field in fields if field in TEXT_FIELDS.get(model_label, ())]
    if not wanted:
        return
    model = Shop if model_label == "shops.shop" else Product
    obj = model.objects.filter(pk=pk).only("pk", *(["shop_id"] if model is Product else []), *wanted).first()
    if obj is not None:
        text_hits_scan(obj=obj, fields=wanted)


def texts_scan(*, batch_size: int = SCAN_BATCH, now=None) -> dict[str, int]:
    """The scheduled scan of every shop's and product's texts, in batches (running it twice adds nothing)."""
    now = now or timezone.now()
    counts = {"shops": 0, "products": 0, "hits": 0}
    for model, fields, rows_of, name in ((Shop, SHOP_FIELDS, _shop_rows, "shops"),
                                         (Product, PRODUCT_FIELDS, _product_rows, "products")):  # fmt: skip
        queryset = model.objects.only("pk", *(["shop_id"] if model is Product else []), *fields).order_by("pk")
        last = 0
        while batch := list(queryset.filter(pk__gt=last)[:batch_size]):
            with transaction.atomic():
                counts["hits"] += _scan_rows(rows_of(batch), now=now)
            counts[name] += len(batch)
            last = batch[-1].pk
    return counts


def _clean_text(hit: TextHit, owner) -> tuple[str, str]:
    """Remove the contacts from the hit's text through the owning app's service; (before, after)."""
    before = getattr(owner, hit.field) or ""
    after = strip_contacts(before)
    if after != before:
        if hit.field in REQUIRED_FIELDS and not after.strip():
            raise TextHitError(_("Removing the contacts would leave «%(field)s» empty: edit it by hand.")
                               % {"field": field_label(product_id=hit.product_id, field=hit.field)})  # fmt: skip
        if hit.product_id:
            product_update(product=owner, **{hit.field: after})
        else:
            shop_update(shop=owner, **{hit.field: after})
    return before, after


@transaction.atomic
def text_hits_clean(*, hits, actor, now=None) -> list[Sanction]:
    """«Удалить контакты и предупредить»: the contacts go from the texts, and each shop gets one
    warning for the hits decided together (the third warning bans the shop: sanction_impose)."""
    now = now or timezone.now()
    chosen = TextHit.objects.select_for_update(of=("self",)).select_related("shop", "shop__owner", "product")
    hits = list(chosen.filter(pk__in=[hit.pk for hit in hits], status=TextHitStatus.NEW).order_by("shop_id", "pk"))
    if not hits:
        raise TextHitError(_("None of the chosen texts is waiting for a decision."))
    by_shop = defaultdict(list)
    for hit in hits:
        by_shop[hit.shop_id].append(hit)
    warnings = []
    owners = {}  # one instance per shop or product, so a second field saved keeps the first one's change
    for shop_hits in by_shop.values():
        lines, evidence = [], []
        for hit in shop_hits:
            key = ("product", hit.product_id) if hit.product_id else ("shop", hit.shop_id)
            owner = owners.setdefault(key, hit.product if hit.product_id else hit.shop)
            before, _after = _clean_text(hit, owner)
            hit.status, hit.decided_at, hit.decided_by = TextHitStatus.CLEANED, now, actor
            hit.save(update_fields=["status", "decided_at", "decided_by"])
            where = field_label(product_id=hit.product_id, field=hit.field)
            if hit.product_id:
                where = _("«%(field)s» of the product «%(title)s»") % {"field": where, "title": hit.product.title}
            else:
                where = _("«%(field)s» of the shop") % {"field": where}
            found = ", ".join(item["text"] for item in hit.found)
            lines.append(_("%(where)s: %(found)s") % {"where": where, "found": found})
            evidence.append(f"{where}:\n{hit.excerpt or before}")
        products = {hit.product_id for hit in shop_hits}
        details = _(
            "Contacts and links are not allowed in the shop's and products' texts; the administration removed "
            "them. %(lines)s"
        ) % {"lines": "; ".join(lines) + "."}
        warnings.append(sanction_impose(
            shop=shop_hits[0].shop, kind=SanctionKind.WARNING, reason=SanctionReason.CONTACTS, actor=actor,
            details=details, evidence="\n\n".join(evidence),
            product=shop_hits[0].product if len(products) == 1 and None not in products else None,
        ))  # fmt: skip
    return warnings


@transaction.atomic
def text_hits_dismiss(*, hits, actor, now=None) -> int:
    """«Не контакт»: nothing to remove; the scans skip these findings from now on."""
    return TextHit.objects.filter(pk__in=[hit.pk for hit in hits], status=TextHitStatus.NEW).update(
        status=TextHitStatus.DISMISSED, decided_at=now or timezone.now(), decided_by=actor
    )
