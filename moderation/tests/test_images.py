"""The image queue (seed 001, reason 3): photos found on upload by their perceptual hash, blur and size;
anyone flags a photo; the admin confirms (the product is hidden), the seller replaces the photo, the
admin resolves (the product is back)."""

import io
import random

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from PIL import Image, ImageDraw, ImageFilter

from catalog.models import Product, ProductImage
from catalog.services import product_image_add, product_image_delete
from catalog.tests.factories import CategoryFactory, ProductFactory
from marketplace.tests.factories import UserFactory
from moderation.models import ImageClaim, ImageClaimKind, ImageClaimStatus, Sanction, SanctionKind, SanctionReason
from moderation.services import (
    ImageClaimError,
    image_claim_confirm,
    image_claim_reject,
    image_claim_report,
    image_claim_resolve,
    image_claims_detect,
)
from moderation.services.images import HASH_MAX_DISTANCE, SHARPNESS_MIN, hash_distance
from shops.tests.factories import ShopFactory

pytestmark = pytest.mark.django_db

QUEUE = "/admin/moderation/imageclaim/"


def picture(seed: int, size=(900, 900)) -> Image.Image:
    """A photo-like picture: a background with overlapping shapes, different for each seed."""
    rng = random.Random(seed)
    image = Image.new("RGB", size, tuple(rng.randrange(256) for _ in range(3)))
    draw = ImageDraw.Draw(image)
    for _ in range(40):
        x, y = rng.randrange(size[0]), rng.randrange(size[1])
        box = [x, y, x + rng.randrange(30, size[0] // 2), y + rng.randrange(30, size[1] // 2)]
        getattr(draw, rng.choice(["rectangle", "ellipse"]))(box, fill=tuple(rng.randrange(256) for _ in range(3)))
    return image


def upload(image: Image.Image, *, fmt="PNG", quality=90, name="photo") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    image.save(buffer, fmt, **({"quality": quality} if fmt == "JPEG" else {}))
    return SimpleUploadedFile(f"{name}.{fmt.lower()}", buffer.getvalue(), content_type=f"image/{fmt.lower()}")


@pytest.fixture
def add_photo(django_capture_on_commit_callbacks):
    """Upload through the catalog's service, with the after-commit hooks run as in a request."""

    def add(product, image, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            photo = product_image_add(product=product, image=upload(image, **kwargs))
        return photo

    return add


@pytest.fixture
def original(add_photo):
    """A shop's photo of its product, uploaded first."""
    product = ProductFactory(shop=ShopFactory(name="Мастерская Анны"), title="Вигвам «Лес»")
    return add_photo(product, picture(1))


@pytest.fixture
def other_product():
    return ProductFactory(shop=ShopFactory(name="Копировальня"), title="Вигвам детский")


def claims_of(photo):
    return list(ImageClaim.objects.filter(image=photo).values_list("kind", flat=True))


# --- Measured on upload ---------------------------------------------------------------------------


def test_the_hash_and_sharpness_are_stored_on_upload(original):
    assert len(original.phash) == 16 and int(original.phash, 16) >= 0
    assert original.sharpness > SHARPNESS_MIN
    assert claims_of(original) == []


def test_an_identical_copy_in_another_shop_is_borrowed(original, other_product, add_photo):
    copy = add_photo(other_product, picture(1))
    claim = ImageClaim.objects.get(image=copy)
    assert (claim.kind, claim.automatic, claim.status, claim.matching) == (
        ImageClaimKind.BORROWED, True, ImageClaimStatus.NEW, original)  # fmt: skip
    assert claim.product == other_product
    assert "Вигвам «Лес»" in claim.text
    assert claims_of(original) == []  # the earlier photo is the original


@pytest.mark.parametrize(
    "resave",
    [
        {"fmt": "JPEG", "quality": 60},
        {"fmt": "JPEG", "quality": 35},
        {"fmt": "WEBP"},
    ],
)
def test_a_re_encoded_copy_is_found(original, other_product, add_photo, resave):
    copy = add_photo(other_product, picture(1), **resave)
    assert claims_of(copy) == [ImageClaimKind.BORROWED]


@pytest.mark.parametrize("scale", [0.7, 1.6])
def test_a_resized_copy_is_found(original, other_product, add_photo, scale):
    image = picture(1)
    resized = image.resize((int(image.width * scale), int(image.height * scale)), Image.Resampling.LANCZOS)
    copy = add_photo(other_product, resized, fmt="JPEG", quality=80)
    assert claims_of(copy) == [ImageClaimKind.BORROWED]
    assert hash_distance(copy.phash, original.phash) <= HASH_MAX_DISTANCE


def test_a_copy_differing_in_a_few_bits_is_found_through_a_band(original, other_product, add_photo):
    copy = add_photo(other_product, picture(1))
    # As a re-saved copy could come out: three bits flipped, in three different bands.
    flipped = int(original.phash, 16) ^ (1 << 63 | 1 << 40 | 1 << 3)
    ProductImage.objects.filter(pk=original.pk).update(phash=f"{flipped:016x}")
    ImageClaim.objects.all().delete()
    assert [claim.kind for claim in image_claims_detect(image_id=copy.pk)] == [ImageClaimKind.BORROWED]


def test_different_photos_are_not_matched(original, other_product, add_photo):
    photos = [add_photo(other_product, picture(seed)) for seed in range(2, 8)]
    assert ImageClaim.objects.filter(image__in=photos).count() == 0
    assert all(hash_distance(photo.phash, original.phash) > HASH_MAX_DISTANCE for photo in photos)


def test_the_same_picture_on_another_product_of_the_shop_is_a_duplicate(original, add_photo):
    sibling = ProductFactory(shop=original.product.shop, title="Вигвам «Поле»")
    copy = add_photo(sibling, picture(1), fmt="JPEG", quality=80)
    claim = ImageClaim.objects.get(image=copy)
    assert (claim.kind, claim.matching) == (ImageClaimKind.DUPLICATE, original)


def test_the_same_picture_twice_on_one_product_is_not_a_duplicate(original, add_photo):
    again = add_photo(original.product, picture(1))
    assert claims_of(again) == []


def test_a_blurred_photo_is_poor(original, add_photo):
    blurred = add_photo(original.product, picture(9).filter(ImageFilter.GaussianBlur(3)))
    assert blurred.sharpness < SHARPNESS_MIN
    claim = ImageClaim.objects.get(image=blurred)
    assert claim.kind == ImageClaimKind.POOR and "резкость" in claim.text.lower()


def test_a_small_photo_is_poor(original, add_photo):
    small = add_photo(original.product, picture(10, size=(640, 420)))
    claim = ImageClaim.objects.get(image=small)
    assert claim.kind == ImageClaimKind.POOR and "640×420" in claim.text


def test_a_photo_is_put_in_the_queue_once_per_kind(original, other_product, add_photo):
    copy = add_photo(other_product, picture(1))
    assert image_claims_detect(image_id=copy.pk) == []
    assert ImageClaim.objects.filter(image=copy).count() == 1


# --- «Пожаловаться на фото» ---------------------------------------------------------------------


def report_url(product):
    return f"/p/{product.pk}/report-image/"


def test_the_product_page_links_to_the_report_form(client, original):
    page = client.get(original.product.get_absolute_url()).content.decode()
    assert f'href="{report_url(original.product)}"' in page


def test_a_visitor_reports_a_photo_with_an_e_mail(client, original):
    product = original.product
    page = client.get(report_url(product))
    assert page.status_code == 200
    assert 'name="csrfmiddlewaretoken"' in page.content.decode() and 'name="email"' in page.content.decode()
    response = client.post(report_url(product), {"image": original.pk, "kind": ImageClaimKind.BORROWED,
                                                 "is_rights_holder": "on", "email": "Author@Example.com",
                                                 "text": "Это моя фотография с выставки"})  # fmt: skip
    assert response.status_code == 302 and response["Location"] == product.get_absolute_url()
    claim = ImageClaim.objects.get()
    assert (claim.image, claim.kind, claim.automatic, claim.reporter, claim.reporter_email, claim.is_rights_holder) == (
        original, ImageClaimKind.BORROWED, False, None, "author@example.com", True)  # fmt: skip


def test_a_signed_in_buyer_reports_without_an_e_mail(client, original):
    buyer = UserFactory()
    client.force_login(buyer)
    assert 'name="email"' not in client.get(report_url(original.product)).content.decode()
    response = client.post(report_url(original.product), {"image": original.pk, "kind": ImageClaimKind.POOR})
    assert response.status_code == 302
    claim = ImageClaim.objects.get()
    assert (claim.reporter, claim.reporter_email) == (buyer, "")


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({}, "image"),
        ({"kind": "borrowed", "email": "a@example.com"}, "image"),
        ({"image": "not-a-number", "kind": "borrowed", "email": "a@example.com"}, "image"),
        ({"image": "{other}", "kind": "borrowed", "email": "a@example.com"}, "image"),
        ({"image": "{own}", "kind": "stolen", "email": "a@example.com"}, "kind"),
        ({"image": "{own}", "kind": "borrowed"}, "email"),
        ({"image": "{own}", "kind": "borrowed", "email": "not an address"}, "email"),
        ({"image": "{own}", "kind": "borrowed", "email": "a@example.com", "text": "x" * 2001}, "text"),
    ],
)
def test_bad_reports_show_errors_and_save_nothing(client, original, other_product, add_photo, data, field):
    other = add_photo(other_product, picture(20))
    data = {key: str(value).format(own=original.pk, other=other.pk) for key, value in data.items()}
    response = client.post(report_url(original.product), data)
    assert response.status_code == 400
    assert response.context["form"].errors[field]
    assert not ImageClaim.objects.filter(automatic=False).exists()


def test_the_form_is_protected_against_cross_site_posts(original):
    client = Client(enforce_csrf_checks=True)
    response = client.post(report_url(original.product), {"image": original.pk, "kind": "borrowed",
                                                          "email": "a@example.com"})  # fmt: skip
    assert response.status_code == 403
    assert not ImageClaim.objects.exists()


def test_reports_are_limited_per_address(client, original, settings):
    settings.MODERATION_IMAGE_REPORT_RATE = "2/h"
    for number in range(2):
        data = {"image": original.pk, "kind": "borrowed", "email": f"visitor{number}@example.com"}
        assert client.post(report_url(original.product), data).status_code == 302
    response = client.post(report_url(original.product), {"image": original.pk, "kind": "poor",
                                                          "email": "visitor9@example.com"})  # fmt: skip
    assert response.status_code == 429
    assert ImageClaim.objects.count() == 2


def test_the_same_visitor_cannot_report_the_same_photo_twice(original):
    image_claim_report(product=original.product, image=original, kind="poor", reporter_email="a@example.com")
    with pytest.raises(ImageClaimError):
        image_claim_report(product=original.product, image=original, kind="poor", reporter_email="A@example.com")


def test_a_hidden_or_disabled_product_has_no_report_form(client, original):
    Product.objects.filter(pk=original.product_id).update(is_enabled=False)
    assert client.get(report_url(original.product)).status_code == 404


# --- Decisions: confirm, replace, resolve -----------------------------------------------------------


@pytest.fixture
def reported(original):
    return image_claim_report(product=original.product, image=original, kind=ImageClaimKind.CAPTIONS,
                              reporter_email="visitor@example.com", text="Водяной знак другого магазина")  # fmt: skip


def visible(product) -> bool:
    return Product.objects.visible().filter(pk=product.pk).exists()


def test_confirm_hides_the_product_until_the_photo_is_replaced_and_resolve_brings_it_back(
    admin_client, admin_user, reported, add_photo, mailoutbox, django_capture_on_commit_callbacks
):
    product, seller = reported.product, reported.product.shop.owner
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(QUEUE, {"action": "confirm", ACTION_CHECKBOX_NAME: [reported.pk]})
    assert response.status_code == 302
    reported.refresh_from_db()
    assert (reported.status, reported.decided_by) == (ImageClaimStatus.CONFIRMED, admin_user)
    assert not visible(product)
    sanction = Sanction.objects.get(shop=product.shop)
    assert (sanction.kind, sanction.reason, sanction.product, sanction.created_by) == (
        SanctionKind.HIDE_PRODUCT, SanctionReason.IMAGES, product, admin_user)  # fmt: skip
    assert "replace the photo" in sanction.details.lower() or "замените" in sanction.details.lower()
    assert sorted(mail.to for mail in mailoutbox) == sorted([[seller.email], ["visitor@example.com"]])

    # The seller removes the photo and uploads another: the claim is back in the admin's queue.
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        product_image_delete(photo=reported.image)
    add_photo(product, picture(30))
    reported.refresh_from_db()
    assert reported.status == ImageClaimStatus.REPLACED
    assert not visible(product)
    page = admin_client.get(QUEUE, {"status__exact": "replaced"}).content.decode()
    assert "Вигвам «Лес»" in page

    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(QUEUE, {"action": "resolve", ACTION_CHECKBOX_NAME: [reported.pk]})
    reported.refresh_from_db()
    sanction.refresh_from_db()
    assert reported.status == ImageClaimStatus.RESOLVED
    assert visible(product)
    assert sanction.lifted_by == admin_user and sanction.lift_reason
    assert [mail.to for mail in mailoutbox] == [[seller.email]]  # the lifting


def test_a_new_photo_added_to_a_hidden_product_sends_the_claim_back(admin_user, reported, add_photo):
    image_claim_confirm(claim=reported, actor=admin_user)
    add_photo(reported.product, picture(31))
    reported.refresh_from_db()
    assert reported.status == ImageClaimStatus.REPLACED


def test_a_replacement_that_is_still_wrong_is_confirmed_again_without_a_second_hiding(admin_user, reported,
                                                                                    add_photo):  # fmt: skip
    image_claim_confirm(claim=reported, actor=admin_user)
    add_photo(reported.product, picture(32))
    image_claim_confirm(claim=reported, actor=admin_user)
    reported.refresh_from_db()
    assert reported.status == ImageClaimStatus.CONFIRMED
    assert Sanction.objects.filter(product=reported.product, lifted_at__isnull=True).count() == 1
    assert not visible(reported.product)


def test_the_product_stays_hidden_while_another_of_its_claims_is_confirmed(admin_user, reported, original):
    second = image_claim_report(product=original.product, image=original, kind=ImageClaimKind.POOR,
                                reporter_email="other@example.com")  # fmt: skip
    image_claim_confirm(claim=reported, actor=admin_user)
    image_claim_confirm(claim=second, actor=admin_user)
    image_claim_resolve(claim=reported, actor=admin_user)
    assert not visible(original.product)
    image_claim_resolve(claim=second, actor=admin_user)
    assert visible(original.product)


def test_reject_leaves_the_product_alone_and_tells_the_reporter(admin_client, reported, mailoutbox,
                                                                 django_capture_on_commit_callbacks):  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(QUEUE, {"action": "reject", ACTION_CHECKBOX_NAME: [reported.pk]})
    reported.refresh_from_db()
    assert reported.status == ImageClaimStatus.REJECTED
    assert visible(reported.product) and not Sanction.objects.exists()
    assert [mail.to for mail in mailoutbox] == [["visitor@example.com"]]
    assert "not confirmed" in mailoutbox[0].subject or "не подтвердилась" in mailoutbox[0].subject.lower()


def test_decisions_out_of_order_are_refused(admin_user, reported):
    with pytest.raises(ImageClaimError):
        image_claim_resolve(claim=reported, actor=admin_user)
    image_claim_reject(claim=reported, actor=admin_user)
    with pytest.raises(ImageClaimError):
        image_claim_confirm(claim=reported, actor=admin_user)


def test_removing_a_photo_nobody_decided_on_closes_its_claim(reported, django_capture_on_commit_callbacks):
    product_image_delete(photo=reported.image)
    reported.refresh_from_db()
    assert (reported.status, reported.image) == (ImageClaimStatus.RESOLVED, None)


# --- The admin's queue --------------------------------------------------------------------------------


def test_the_queue_shows_the_photo_beside_the_one_it_matches(admin_client, original, other_product, add_photo):
    copy = add_photo(other_product, picture(1))
    page = admin_client.get(QUEUE).content.decode()
    assert copy.thumb.url in page and original.thumb.url in page
    assert "Мастерская Анны" in page  # the matching photo's shop
    change = admin_client.get(f"{QUEUE}{ImageClaim.objects.get().pk}/change/").content.decode()
    assert copy.card.url in change and original.card.url in change
    assert 'name="_save"' not in change


@pytest.mark.parametrize(
    ("query", "expected"),
    [({"status__exact": "new"}, 2), ({"automatic__exact": "1"}, 1), ({"automatic__exact": "0"}, 1),
     ({"kind__exact": "borrowed"}, 1), ({"kind__exact": "poor"}, 1), ({"status__exact": "confirmed"}, 0)],
)  # fmt: skip
def test_the_queue_filters(admin_client, original, other_product, add_photo, query, expected):
    add_photo(other_product, picture(1))
    image_claim_report(product=original.product, image=original, kind=ImageClaimKind.POOR,
                       reporter_email="a@example.com")  # fmt: skip
    response = admin_client.get(QUEUE, query)
    assert response.status_code == 200
    assert response.context["cl"].result_count == expected


def _many_claims(count: int) -> None:
    """``count`` automatic claims, each on its own product and shop, matching another shop's photo."""
    category = CategoryFactory()
    shops = [ShopFactory() for _ in range(2)]
    products = Product.objects.bulk_create([
        Product(shop=shops[index % 2], category=category, title=f"Товар {index}", price=100, sale_price=100)
        for index in range(count * 2)
    ])  # fmt: skip
    photos = ProductImage.objects.bulk_create([
        ProductImage(product=product, image=f"catalog/products/p{product.pk}.jpg", width=900, height=900,
                     phash="83573a72fc4acc25", sharpness=150.0)
        for product in products
    ])  # fmt: skip
    ImageClaim.objects.bulk_create([
        ImageClaim(product=photos[index].product, image=photos[index], matching=photos[index + count],
                   kind=ImageClaimKind.BORROWED, automatic=True)
        for index in range(count)
    ])  # fmt: skip


def test_the_queue_costs_the_same_queries_for_3_and_300_claims(admin_client):
    _many_claims(3)
    admin_client.get(QUEUE)  # warm: the account and the badges come from the cache afterwards
    with CaptureQueriesContext(connection) as few:
        assert admin_client.get(QUEUE).status_code == 200
    _many_claims(297)
    with CaptureQueriesContext(connection) as many:
        response = admin_client.get(QUEUE)
    assert response.context["cl"].result_count == 300
    assert len(many) == len(few)
