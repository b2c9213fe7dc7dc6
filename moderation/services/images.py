"""The image queue (seed 001, reason 3 and «Основания для удаления/скрытия изображений»).

Photos come in two ways: found on upload (catalog measures a perceptual hash and the sharpness of
every product photo; ``image_claims_detect`` runs after the upload commits) and flagged by anyone
(``image_claim_report``). An admin confirms a claim (the product is hidden until the photo is
replaced), rejects it, or resolves it once the seller replaced the photo (the product comes back).
"""

import numpy as np
from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.db.models.functions import Substr
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from PIL import Image, ImageOps

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
# A scheme, drawing or collage as the cover (looks_like_scheme_or_collage; module constants, not settings),
# measured on the picture fitted in SCHEME_SIDE px. Tuned on diagrams, charts and screenshots against
# photo-like pictures, products on a white backdrop, the demo's photos and the mock-ups in
# static/catalog/mockups/ (moderation/tests/test_collage_check.py).
SCHEME_SIDE = 256
# A drawing: its SCHEME_TOP_COLOURS most frequent colours (cut to 32 levels a channel) cover more than
# SCHEME_COLOURS_SHARE of it (photos: 10–75 %, diagrams and charts: 90–97 %)…
SCHEME_COLOUR_STEP = 8
SCHEME_TOP_COLOURS = 8
SCHEME_COLOURS_SHARE = 0.85
# …one colour is the background (at least SCHEME_BACKGROUND of the picture) or most of it is near white
# (RGB all ≥ NEAR_WHITE and within NEAR_WHITE_SPREAD of each other); a mock-up's table or wall is neither…
SCHEME_BACKGROUND = 0.45
SCHEME_NEAR_WHITE = 0.55
NEAR_WHITE = 224
NEAR_WHITE_SPREAD = 24
# …and what is drawn on it is flat: the same number of fine colours (64 levels) cover at least
# SCHEME_FLAT_MARKS of the non-background (a shaded product on a white backdrop spreads over hundreds).
SCHEME_FINE_STEP = 4
SCHEME_FLAT_MARKS = 0.5
SCHEME_MARKS_MIN = 0.03
# A collage: a row where neighbouring rows (two apart) differ by more than SEAM_CHANGE in some channel
# over SEAM_ACROSS of the width, while SEAM_CALM rows away they do so over less than SEAM_CALM_ACROSS
# (a texture changes everywhere); lines within SEAM_MERGE of each other are one seam (a white gap between
# tiles has two edges), seams closer than SEAM_EDGE to the border are a frame. Tiles need seams both ways.
SEAM_CHANGE = 24
SEAM_ACROSS = 0.85
SEAM_CALM = 6
SEAM_CALM_ACROSS = 0.5
SEAM_MERGE = 0.05
SEAM_EDGE = 0.2
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


def _colour_keys(pixels: np.ndarray, step: int) -> np.ndarray:
    """Each pixel's colour cut to ``256 / step`` levels a channel, as one integer."""
    cut = (pixels // step).astype(np.int32)
    return (cut[..., 0] << 16) | (cut[..., 1] << 8) | cut[..., 2]


def _scheme_reason(pixels: np.ndarray) -> str | None:
    """A drawing's colours: a handful of flat ones, mostly an even background; a photo has thousands."""
    keys = _colour_keys(pixels, SCHEME_COLOUR_STEP).ravel()
    colours, counts = np.unique(keys, return_counts=True)
    counts_desc = np.sort(counts)[::-1]
    few_colours = counts_desc[:SCHEME_TOP_COLOURS].sum() / keys.size
    background = counts_desc[0] / keys.size
    lightest, darkest = pixels.min(axis=-1), pixels.max(axis=-1)
    white = (lightest >= NEAR_WHITE) & (darkest - lightest <= NEAR_WHITE_SPREAD)
    if few_colours <= SCHEME_COLOURS_SHARE or (background < SCHEME_BACKGROUND and white.mean() < SCHEME_NEAR_WHITE):
        return None
    # A product on a white backdrop also has few colours and a white background: but the product and
    # its shadow are shaded and textured, their colours spread, while a drawing's marks are flat fills.
    marks = pixels[~white & (keys.reshape(pixels.shape[:2]) != colours[np.argmax(counts)])]
    if len(marks) < keys.size * SCHEME_MARKS_MIN:
        return None  # an empty picture: nothing drawn on it either
    _fine, fine_counts = np.unique(_colour_keys(marks, SCHEME_FINE_STEP), return_counts=True)
    flat_marks = np.sort(fine_counts)[::-1][:SCHEME_TOP_COLOURS].sum() / len(marks)
    if flat_marks < SCHEME_FLAT_MARKS:
        return None
    numbers = {"share": round(few_colours * 100), "count": SCHEME_TOP_COLOURS}
    message = ngettext(
        "Looks like a scheme or a drawing, not a photo: %(share)d%% of it is in %(count)d colour.",
        "Looks like a scheme or a drawing, not a photo: %(share)d%% of it is in %(count)d colours.",
        SCHEME_TOP_COLOURS,
    )
    return message % numbers


def _seams(pixels: np.ndarray) -> list[float]:
    """Where (as a fraction of the height) a straight line crosses the whole width and the picture
    changes sharply across it, as between two pictures glued together; close lines count once."""
    height, width = pixels.shape[:2]
    change = np.abs(pixels[2:] - pixels[:-2]).max(axis=-1)  # across row i + 1, two rows apart: a blurred seam too
    margin = max(1, width // 50)
    across = (change[:, margin : width - margin] > SEAM_CHANGE).mean(axis=1)
    lines = []
    for row, share in enumerate(across):
        if share < SEAM_ACROSS:
            continue
        # A texture (planks, stripes) changes on every row; a seam stands out from the rows around it.
        around = [across[other] for other in (row - SEAM_CALM, row + SEAM_CALM) if 0 <= other < len(across)]
        if around and min(around) >= SEAM_CALM_ACROSS:
            continue
        lines.append((row + 1) / height)
    seams: list[list[float]] = []
    for line in lines:
        if seams and line - seams[-1][-1] <= SEAM_MERGE:
            seams[-1].append(line)
        else:
            seams.append([line])
    return [sum(group) / len(group) for group in seams]


def _collage_reason(pixels: np.ndarray) -> str | None:
    """Tiles: seams across the whole width and the whole height, away from the edges (a frame is not a collage)."""

    def inner(seams):
        return [seam for seam in seams if SEAM_EDGE <= seam <= 1 - SEAM_EDGE]

    rows, columns = inner(_seams(pixels)), inner(_seams(pixels.transpose(1, 0, 2)))
    if not rows or not columns:
        return None
    tiles = (len(rows) + 1) * (len(columns) + 1)
    message = ngettext(
        "Looks like a collage: the picture is split into %(count)d tile by straight seams.",
        "Looks like a collage: the picture is split into %(count)d tiles by straight seams.",
        tiles,
    )
    return message % {"count": tiles}


def looks_like_scheme_or_collage(image_file) -> str | None:
    """Why a product's cover looks like a scheme, a drawing or a collage rather than a photo (seed 001:
    «Заглавными изображениями к товарам могут служить только фотографии или фотошаблоны»), or None.

    Cheap and cautious: the picture is looked at fitted in SCHEME_SIDE pixels; only a clear case is
    flagged, and an admin decides on the claim.
    """
    if hasattr(image_file, "seek"):
        image_file.seek(0)
    with Image.open(image_file) as picture:
        picture.draft("RGB", (SCHEME_SIDE * 2, SCHEME_SIDE * 2))  # a JPEG decodes at a fraction of its size
        picture = ImageOps.exif_transpose(picture)
        if picture.mode in ("RGBA", "LA", "PA") or (picture.mode == "P" and "transparency" in picture.info):
            picture = Image.alpha_composite(Image.new("RGBA", picture.size, "white"), picture.convert("RGBA"))
        picture = picture.convert("RGB")
        picture.thumbnail((SCHEME_SIDE, SCHEME_SIDE), Image.Resampling.BOX)
    if hasattr(image_file, "seek"):
        image_file.seek(0)
    if min(picture.size) < 32:
        return None
    pixels = np.asarray(picture, dtype=np.int16)
    return _scheme_reason(pixels) or _collage_reason(pixels)


def _auto_claim(photo: ProductImage, kind: str, *, text: str, matching=None) -> ImageClaim | None:
    """One open automatic claim of a kind per photo."""
    if ImageClaim.objects.filter(image=photo, kind=kind, status__in=OPEN).exists():
        return None
    return ImageClaim.objects.create(product=photo.product, image=photo, matching=matching, kind=kind, automatic=True,
                                     text=text[:REPORT_TEXT_MAX])  # fmt: skip


@transaction.atomic
def image_claims_detect(*, image_id: int) -> list[ImageClaim]:
    """After a photo was uploaded: put it in the image queue if it matches another shop's earlier
    photo (borrowed) or another product's photo of the same shop (duplicate), it is blurred or small
    (poor), or, being the cover, it looks like a scheme or a collage; a photo added to a product hidden
    for its images sends its claims back to an admin."""
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
    if photo.product.cover_id == photo.pk:  # only the cover must be a photo or a mock-up
        reason = _cover_reason(photo)
        if reason:
            claims.append(_auto_claim(photo, ImageClaimKind.COLLAGE, text=reason))
    return [claim for claim in claims if claim is not None]


def _cover_reason(photo: ProductImage) -> str | None:
    try:
        with photo.image.open("rb") as file:
            return looks_like_scheme_or_collage(file)
    except (OSError, ValueError, Image.DecompressionBombError):  # gone from the storage or unreadable: no claim
        return None


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
