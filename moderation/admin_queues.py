"""Moderation admin: queues (imported by admin.py) — image claims, the claimed photo beside the one it
matches (reason 3), and contacts in sellers' texts with what was found highlighted (reason 6)."""

import re

from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from marketplace.exceptions import DomainError
from marketplace.text_rules import strip_contacts

from .admin import decide_each
from .models import ImageClaim, TextHit, TextHitStatus
from .services import (
    image_claim_confirm,
    image_claim_reject,
    image_claim_resolve,
    text_hits_clean,
    text_hits_dismiss,
)
from .services.images import hash_distance
from .services.texts import field_label

THUMB, LARGE = 96, 400
LIST_CONTEXT = 60  # characters shown around each finding in the list


class ReadOnlyQueue:
    """Rows come from visitors and the scans; admins decide with the actions, never edit or add."""

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False  # the record of what was found and decided

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = {**(extra_context or {}), "show_save": False, "show_save_and_continue": False,
                         "show_save_and_add_another": False, "show_delete": False}  # fmt: skip
        return super().change_view(request, object_id, form_url, extra_context)

    def _decide_each(self, request, queryset, service, done_text: str) -> None:
        done = decide_each(self, request, queryset, service)
        if done:
            self.message_user(request, done_text % {"count": done}, messages.SUCCESS)


def _photo(photo, size: int):
    if photo is None:
        return format_html('<span style="color:#777">{}</span>', gettext("photo removed"))
    thumbnail = photo.thumb if size <= THUMB else photo.card
    return format_html('<a href="{}" target="_blank" rel="noopener"><img src="{}" width="{}" height="{}" alt="" '
                       'style="object-fit:cover;border:1px solid #ddd"></a>', photo.image.url, thumbnail.url, size,
                       size)  # fmt: skip


def _pair(claim: ImageClaim, size: int):
    """The claimed photo and, for a match, the photo it resembles with its shop and the distance."""
    if claim.matching is None:
        return _photo(claim.image, size)
    distance = ""
    if claim.image is not None and claim.image.phash and claim.matching.phash:
        distance = gettext("%(bits)d bits apart") % {"bits": hash_distance(claim.image.phash, claim.matching.phash)}
    return format_html(
        '<div style="display:flex;gap:8px;align-items:flex-start">{}<span style="align-self:center">≈</span>'
        '<div>{}<div style="font-size:11px;color:#555;max-width:{}px">{} · {}<br>{}</div></div></div>',
        _photo(claim.image, size), _photo(claim.matching, size), size, claim.matching.product.shop.name,
        claim.matching.product.title, distance,
    )  # fmt: skip


@admin.register(ImageClaim)
class ImageClaimAdmin(ReadOnlyQueue, admin.ModelAdmin):
    list_display = ["photos", "product_link", "shop", "kind", "automatic", "status", "measures", "reported_by",
                    "created_at"]  # fmt: skip
    list_filter = ["status", "automatic", "kind", "is_rights_holder"]
    list_select_related = ["product", "product__shop", "image", "matching", "matching__product",
                           "matching__product__shop", "reporter"]  # fmt: skip
    search_fields = ["product__title", "product__shop__name", "reporter_email", "text"]
    actions = ["confirm", "reject", "resolve"]
    fields = ["photos_large", "product_link", "shop", "kind", "automatic", "status", "text", "measures", "reported_by",
              "is_rights_holder", "created_at", "decided_at", "decided_by"]  # fmt: skip
    readonly_fields = fields

    @admin.display(description=_("photo and the one it matches"))
    def photos(self, obj):
        return _pair(obj, THUMB)

    @admin.display(description=_("photo and the one it matches"))
    def photos_large(self, obj):
        return _pair(obj, LARGE)

    @admin.display(description=_("product"), ordering="product__title")
    def product_link(self, obj):
        return format_html('<a href="{}">{}</a> (<a href="{}" target="_blank" rel="noopener">{}</a>)',
                           reverse("admin:catalog_product_change", args=[obj.product_id]), obj.product.title,
                           obj.product.get_absolute_url(), gettext("page"))  # fmt: skip

    @admin.display(description=_("shop"), ordering="product__shop__name")
    def shop(self, obj):
        return obj.product.shop.name

    @admin.display(description=_("measured on upload"))
    def measures(self, obj):
        photo = obj.image
        if photo is None:
            return "—"
        sharpness = "—" if photo.sharpness is None else f"{photo.sharpness:g}"
        return gettext("%(width)d×%(height)d px, sharpness %(sharpness)s") % {
            "width": photo.width, "height": photo.height, "sharpness": sharpness}  # fmt: skip

    @admin.display(description=_("reported by"))
    def reported_by(self, obj):
        if obj.automatic:
            return gettext("found automatically")
        who = obj.reporter.email if obj.reporter is not None else obj.reporter_email
        return format_html("{}{}", who, gettext(" (rights holder)") if obj.is_rights_holder else "")

    @admin.action(description=_("Confirm: hide the product until the photo is replaced"), permissions=["change"])
    def confirm(self, request, queryset):
        done = gettext("Confirmed: %(count)d. The products are hidden; the sellers are e-mailed.")
        self._decide_each(request, queryset, lambda claim: image_claim_confirm(claim=claim, actor=request.user), done)

    @admin.action(description=_("Reject: nothing wrong with the photo"), permissions=["change"])
    def reject(self, request, queryset):
        self._decide_each(request, queryset, lambda claim: image_claim_reject(claim=claim, actor=request.user),
                          gettext("Rejected: %(count)d."))  # fmt: skip

    @admin.action(description=_("Resolve: the photo was replaced, bring the product back"), permissions=["change"])
    def resolve(self, request, queryset):
        self._decide_each(request, queryset, lambda claim: image_claim_resolve(claim=claim, actor=request.user),
                          gettext("Resolved: %(count)d."))  # fmt: skip


def highlight(excerpt: str, found: list, *, context: int | None = None) -> SafeString:
    """The text, escaped, with what was found in <mark>; with ``context``, only the pieces around it."""
    texts = sorted({item.get("text", "") for item in found} - {""}, key=len, reverse=True)
    matches = list(re.finditer("|".join(map(re.escape, texts)), excerpt, re.IGNORECASE)) if texts else []
    if not matches:
        return mark_safe(escape(excerpt if context is None else excerpt[: context * 2]).replace("\n", "<br>"))
    pieces, last = [], 0
    for number, match in enumerate(matches):
        before = excerpt[last : match.start()]
        if context is not None and number == 0 and len(before) > context:
            before = "… " + before[-context:]
        elif context is not None and len(before) > context * 2:
            before = before[:context] + " … " + before[-context:]
        pieces.append(escape(before))
        pieces.append(format_html("<mark>{}</mark>", match.group()))
        last = match.end()
    after = excerpt[last:]
    if context is not None and len(after) > context:
        after = after[:context] + " …"
    pieces.append(escape(after))
    return mark_safe("".join(pieces).replace("\n", "<br>"))


@admin.register(TextHit)
class TextHitAdmin(ReadOnlyQueue, admin.ModelAdmin):
    list_display = ["shop_link", "product_link", "field_name", "found_text", "status", "created_at", "decided_at"]
    list_filter = ["status", "created_at"]
    list_select_related = ["shop", "product"]
    search_fields = ["shop__name", "product__title", "excerpt"]
    actions = ["clean_and_warn", "dismiss"]
    fields = ["shop_link", "product_link", "field_name", "found_full", "status", "created_at", "decided_at",
              "decided_by"]  # fmt: skip
    readonly_fields = fields

    @admin.display(description=_("shop"), ordering="shop__name")
    def shop_link(self, obj):
        return format_html('<a href="{}" target="_blank" rel="noopener">{}</a>', obj.shop.get_absolute_url(),
                           obj.shop.name)  # fmt: skip

    @admin.display(description=_("product"))
    def product_link(self, obj):
        if obj.product is None:
            return "—"
        return format_html('<a href="{}">{}</a>', reverse("admin:catalog_product_change", args=[obj.product_id]),
                           obj.product.title)  # fmt: skip

    @admin.display(description=_("field"), ordering="field")
    def field_name(self, obj):
        return field_label(product_id=obj.product_id, field=obj.field)

    @admin.display(description=_("what was found"))
    def found_text(self, obj):
        return highlight(obj.excerpt, obj.found, context=LIST_CONTEXT)

    @admin.display(description=_("text"))
    def found_full(self, obj):
        return highlight(obj.excerpt, obj.found)

    @admin.action(description=_("Remove the contacts and warn the seller"), permissions=["change"])
    def clean_and_warn(self, request, queryset):
        """Shows the texts before and after first; one warning per shop for the chosen texts."""
        hits = list(queryset.filter(status=TextHitStatus.NEW).select_related("shop", "product"))
        if not hits:
            self.message_user(request, gettext("None of the chosen texts is waiting for a decision."),
                              messages.WARNING)  # fmt: skip
            return None
        if request.POST.get("confirmed") == "yes":
            try:
                warnings = text_hits_clean(hits=hits, actor=request.user)
            except DomainError as error:
                self.message_user(request, str(error), messages.ERROR)
                return None
            self.message_user(request, ngettext(
                "The contacts were removed; %(count)d shop was warned and e-mailed.",
                "The contacts were removed; %(count)d shops were warned and e-mailed.", len(warnings),
            ) % {"count": len(warnings)}, messages.SUCCESS)  # fmt: skip
            return None
        rows = []
        for hit in hits:
            current = getattr(hit.product if hit.product_id else hit.shop, hit.field) or ""
            rows.append({"hit": hit, "where": self.field_name(hit), "found": highlight(hit.excerpt, hit.found),
                         "after": strip_contacts(current)})  # fmt: skip
        context = {
            **self.admin_site.each_context(request), "opts": self.opts, "rows": rows,
            "title": gettext("Remove the contacts and warn the seller"),
            "shops": len({hit.shop_id for hit in hits}), "selected": request.POST.getlist(ACTION_CHECKBOX_NAME),
        }  # fmt: skip
        return TemplateResponse(request, "moderation/queues/admin_clean_confirm.html", context)

    @admin.action(description=_("Not a contact"), permissions=["change"])
    def dismiss(self, request, queryset):
        done = text_hits_dismiss(hits=list(queryset), actor=request.user)
        self.message_user(request, gettext("Marked «not a contact»: %(count)d.") % {"count": done}, messages.SUCCESS)
