"""The image queue (seed 001, reason 3 and «Основания для удаления/скрытия изображений»).

Photos come in two ways: found on upload (catalog measures a perceptual hash and the sharpness of
every product photo; ``image_claims_detect`` runs after the upload commits) and flagged by anyone
(``image_claim_report``). An admin confirms a claim (the product is hidden until the photo is
replaced), rejects it, or resolves it once the seller replaced the photo (the product comes back).
"""

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.db.models.functions import Substr
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from catalog.models import PHASH_BANDS, ProductImage
from marketplace.exceptions import DomainError
from marketplace.notifications import notify, site_url

from ..models import ImageClaim, ImageClaimKind, ImageClaimStatus, Sanction, SanctionKind, SanctionReason
from .sanctions import sanction_impose, sanction_lift

# Thresholds; each can be overridden in settings under the name in the comment.
# Hashes (64 bits) this many bits apart or fewer are the same picture re-saved, resized or
# re-compressed; different photos are 20–40 bits apart. MODERATION_IMAGE_HASH_DISTANCE.
HASH_MAX_DISTANCE = 4
# Variance of the Laplacian of the grey photo fitted in 1024 px (catalog.image_hooks.measure): sharp
# photos score in the hundreds, one blurred by a pixel or two below 10. MODERATION_IMAGE_SHARPNESS_MIN.
SHARPNESS_MIN = 15.0
# «Маленький размер изображения»: the short side in pixels. MODERATION_IMAGE_MIN_SIDE.
MIN_SIDE = 500
# Photos compared with a new one at most (those sharing a band of the hash; identical ones first).
MATCH_CANDIDATES = 1000
REPORT_TEXT_MAX = 2000

OPEN = [ImageClaimStatus.NEW, ImageClaimStatus.CONFIRMED, ImageClaimStatus.REPLACED]
# The product stays hidden while one of these is open.
HIDING = [ImageClaimStatus.CONFIRMED, ImageClaimStatus.REPLACED]


class ImageClaimError(DomainError):
    """An image claim that cannot be made or decided as asked."""


def _setting(name: str, default):
    return getattr(settings, name, default)


def hash_distance(first: str, second: str) -> int:
    """How many of the 64 bits of two perceptual hashes (16 hex digits) differ."""
    return (int(first, 16) ^ int(second, 16)).bit_count()


def image_matches(*, photo: ProductImage) -> list[tuple[int, ProductImage]]:
    """Photos of other products like this one, as (distance, photo), closest and earliest first.

    Two hashes at most four bits apart agree on one of the five bands (PHASH_BANDS, each indexed):
    identical hashes are looked up first, then those sharing a band, a bounded number of each.
    """
    if not photo.phash:
        return []
    limit = _setting("MODERATION_IMAGE_HASH_DISTANCE", HASH_MAX_DISTANCE)
    others = ProductImage.objects.exclude(product_id=photo.product_id).select_related("product").order_by("pk")
    found = {other.pk: other for other in others.filter(phash=photo.phash)[:MATCH_CANDIDATES]}
    bands = {f"band{number}": Substr("phash", start, length) for number, (start, length) in enumerate(PHASH_BANDS)}
    any_band = Q()
    for number, (start, length) in enumerate(PHASH_BANDS):
        any_band |= Q(**{f"band{number}": photo.phash[start - 1 : start - 1 + length]})
    for other in others.annotate(**bands).filter(any_band).exclude(phash=photo.phash)[:MATCH_CANDIDATES]:
        found.setdefault(other.pk, other)
    pairs = [(hash_distance(photo.phash, other.phash), other) for other in found.values() if other.phash]
    return sorted(((distance, other) for distance, other in pairs if distance <= limit), key=lambda p: (p[0], p[1].pk))


def _poor_reasons(photo: ProductImage) -> list[str]:
    reasons = []
    sharpness_min = _setting("MODERATION_IMAGE_SHARPNESS_MIN", SHARPNESS_MIN)
    if photo.sharpness is not None and photo.sharpness < sharpness_min:
        reasons.append(_("Blurred: sharpness %(value)s, at least %(min)s expected.")
                       % {"value": f"{photo.sharpness:g}", "min": f"{sharpness_min:g}"})  # fmt: skip
    min_side = _setting("MODERATION_IMAGE_MIN_SIDE", MIN_SIDE)
    if photo.width and photo.height and min(photo.width, photo.height) < min_side:
        reasons.append(_("Too small: %(width)d×%(height)d pixels, the short side below %(min)d.")
                       % {"width": photo.width, "height": photo.height, "min": min_side})  # fmt: skip
    return reasons


def _auto_claim(photo: ProductImage, kind: str, *, text: str, matching=None) -> ImageClaim | None:
    """One open automatic claim of a kind per photo."""
    if ImageClaim.objects.filter(image=photo, kind=kind, status__in=OPEN).exists():
        return None
    return ImageClaim.objects.create(product=photo.product, image=photo, matching=matching, kind=kind, automatic=True,
                                     text=text[:REPORT_TEXT_MAX])  # fmt: skip


@transaction.atomic
def image_claims_detect(*, image_id: int) -> list[ImageClaim]:
    """After a photo was uploaded: put it in the image queue if it matches another shop's earlier
    photo (borrowed) or another product's photo of the same shop (duplicate), or it is blurred or
    small (poor); a photo added to a product hidden for its images sends its claims back to an admin."""
    photo = ProductImage.objects.select_related("product").filter(pk=image_id).first()
    if photo is None:  # removed meanwhile
        return []
    ImageClaim.objects.filter(product_id=photo.product_id, status=ImageClaimStatus.CONFIRMED).update(
        status=ImageClaimStatus.REPLACED
    )
    shop_id = photo.product.shop_id
    matches = image_matches(photo=photo)
    borrowed = next((other for _d, other in matches if other.product.shop_id != shop_id and other.pk < photo.pk), None)
    duplicate = next((other for _d, other in matches if other.product.shop_id == shop_id), None)
    claims = []
    if borrowed is not None:
        claims.append(_auto_claim(photo, ImageClaimKind.BORROWED, matching=borrowed, text=_(
            "The same picture as an earlier photo of another shop's product «%(title)s»."
        ) % {"title": borrowed.product.title}))  # fmt: skip
    if duplicate is not None:
        claims.append(_auto_claim(photo, ImageClaimKind.DUPLICATE, matching=duplicate, text=_(
            "The same picture as a photo of the shop's other product «%(title)s»."
        ) % {"title": duplicate.product.title}))  # fmt: skip
    reasons = _poor_reasons(photo)
    if reasons:
        claims.append(_auto_claim(photo, ImageClaimKind.POOR, text=" ".join(reasons)))
    return [claim for claim in claims if claim is not None]


def image_uploaded(image_id: int) -> None:
    """catalog.image_hooks callback, once the upload committed (a few indexed queries: no need for a worker)."""
    image_claims_detect(image_id=image_id)


def image_removing(photo: ProductImage) -> None:
    """The seller removes a photo (in the removing transaction): a claim that hid the product goes
    back to an admin as replaced; a claim nobody decided yet is moot."""
    ImageClaim.objects.filter(image=photo, status=ImageClaimStatus.CONFIRMED).update(status=ImageClaimStatus.REPLACED)
    ImageClaim.objects.filter(image=photo, status=ImageClaimStatus.NEW).update(
        status=ImageClaimStatus.RESOLVED, decided_at=timezone.now()
    )


@transaction.atomic
def image_claim_report(*, product, image, kind: str, text: str = "", reporter=None, reporter_email: str = "",
                       is_rights_holder: bool = False) -> ImageClaim:  # fmt: skip
    """Anyone flags a product's photo: a buyer, a visitor (with an e-mail to answer) or a rights holder."""
    if image.product_id != product.pk:
        raise ImageClaimError(_("Choose one of this product's photos."), field="image")
    if kind not in ImageClaimKind.values:
        raise ImageClaimError(_("Choose what is wrong with the photo."), field="kind")
    reporter = reporter if reporter is not None and reporter.is_authenticated else None
    reporter_email = (reporter_email or "").strip().lower()
    if reporter is None and not reporter_email:
        raise ImageClaimError(_("Give your e-mail: the administration answers there."), field="email")
    text = (text or "").strip()
    if len(text) > REPORT_TEXT_MAX:
        raise ImageClaimError(_("At most %(count)d characters, please.") % {"count": REPORT_TEXT_MAX}, field="text")
    same = ImageClaim.objects.filter(image=image, kind=kind, status=ImageClaimStatus.NEW, automatic=False)
    same = same.filter(reporter=reporter) if reporter is not None else same.filter(reporter_email=reporter_email)
    if same.exists():
        raise ImageClaimError(_("You have already reported this photo; the administration will look at it."))
    return ImageClaim.objects.create(
        product=product, image=image, kind=kind, text=text, reporter=reporter,
        reporter_email="" if reporter is not None else reporter_email, is_rights_holder=is_rights_holder,
    )  # fmt: skip


def _locked(claim: ImageClaim) -> ImageClaim:
    return (ImageClaim.objects.select_for_update(of=("self",)).select_related("product", "product__shop", "image",
            "matching", "matching__product", "reporter").get(pk=claim.pk))  # fmt: skip


def _hiding_sanctions(product):
    return Sanction.objects.filter(product=product, kind=SanctionKind.HIDE_PRODUCT, reason=SanctionReason.IMAGES,
                                   lifted_at__isnull=True)  # fmt: skip


def _decide(claim: ImageClaim, status: str, actor) -> None:
    claim.status, claim.decided_at, claim.decided_by = status, timezone.now(), actor
    claim.save(update_fields=["status", "decided_at", "decided_by"])


def _tell_reporter(claim: ImageClaim) -> None:
    address = claim.reporter.email if claim.reporter is not None else claim.reporter_email
    if address:
        notify(template="queue_image_decided", to=[address], context={
            "claim": claim, "product": claim.product, "confirmed": claim.status == ImageClaimStatus.CONFIRMED,
        })  # fmt: skip


@transaction.atomic
def image_claim_confirm(*, claim: ImageClaim, actor) -> ImageClaim:
    """The photo breaks the rules: the product is hidden until the seller replaces it (one hiding per
    product, however many of its photos are claimed); the seller and the reporter are e-mailed."""
    claim = _locked(claim)
    if claim.status not in (ImageClaimStatus.NEW, ImageClaimStatus.REPLACED):
        raise ImageClaimError(_("Only a new claim or a replaced photo can be confirmed."))
    again = claim.status == ImageClaimStatus.REPLACED
    _decide(claim, ImageClaimStatus.CONFIRMED, actor)
    product = claim.product
    if not _hiding_sanctions(product).exists():
        edit_url = site_url() + reverse("catalog:cabinet-product-images", args=[product.pk])
        details = _(
            "A photo of «%(title)s» breaks the rules: %(kind)s. The product is hidden from the storefront; "
            "replace the photo (%(url)s) and the administration will check it and bring the product back."
        ) % {"title": product.title, "kind": claim.get_kind_display().lower(), "url": edit_url}
        sanction_impose(shop=product.shop, kind=SanctionKind.HIDE_PRODUCT, reason=SanctionReason.IMAGES,
                        details=details, evidence=_evidence(claim), actor=actor, product=product)  # fmt: skip
    if not again:
        _tell_reporter(claim)
    return claim


def _evidence(claim: ImageClaim) -> str:
    lines = [claim.get_kind_display()]
    if claim.image is not None:
        lines.append(_("Photo: %(url)s") % {"url": site_url() + claim.image.image.url})
    if claim.matching is not None:
        matching = claim.matching
        lines.append(_("Matching photo: %(url)s (product «%(title)s»)")
                     % {"url": site_url() + matching.image.url, "title": matching.product.title})  # fmt: skip
    if claim.text:
        lines.append(claim.text)
    return "\n".join(lines)


@transaction.atomic
def image_claim_reject(*, claim: ImageClaim, actor) -> ImageClaim:
    """Nothing wrong with the photo; the reporter is e-mailed."""
    claim = _locked(claim)
    if claim.status != ImageClaimStatus.NEW:
        raise ImageClaimError(_("Only a new claim can be rejected; a confirmed one is resolved."))
    _decide(claim, ImageClaimStatus.REJECTED, actor)
    _tell_reporter(claim)
    return claim


@transaction.atomic
def image_claim_resolve(*, claim: ImageClaim, actor) -> ImageClaim:
    """The seller replaced the photo and an admin checked it: the product comes back to the storefront
    once none of its claims is still confirmed (its «images» hiding is lifted with a reason)."""
    claim = _locked(claim)
    if claim.status not in HIDING:
        raise ImageClaimError(_("Only a confirmed claim or a replaced photo can be resolved."))
    _decide(claim, ImageClaimStatus.RESOLVED, actor)
    if not ImageClaim.objects.filter(product=claim.product, status__in=HIDING).exists():
        for sanction in _hiding_sanctions(claim.product):
            sanction_lift(sanction=sanction, actor=actor,
                          reason=_("The photo was replaced and checked by the administration."))  # fmt: skip
    return claim
