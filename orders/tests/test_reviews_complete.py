"""Reviews completed (issue 15): no reviews of one's own shop, photos, editing with history, the
seller's answer, sorting and filtering, the product page's inline reviews, moderation reviews."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from catalog.tests.factories import ProductFactory
from marketplace.tests.factories import UserFactory
from orders import services
from orders.exceptions import ReviewError
from orders.models import Order, OrderStatus, Review, ReviewKind, ReviewPhoto, ReviewRevision
from shops.tests.factories import ShopFactory, image_upload

from .factories import order_for

pytestmark = pytest.mark.django_db

TEXT = "Очень аккуратная работа, всё как на фото."
ANSWER = "Спасибо, Мария! Рады, что вигвам понравился."


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    """Uploaded photos of a test go to its own temporary folder."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def shop():
    return ShopFactory(name="Мастерская Анны", slug="anna")


@pytest.fixture
def buyer():
    return UserFactory(email="masha@example.com", name="Мария Иванова")


def shipped(shop, buyer, **kwargs):
    return order_for(shop, buyer=buyer, statuses=[OrderStatus.PAID, OrderStatus.SHIPPED], **kwargs)


def photo(name="photo.png", size=(400, 400)):
    return image_upload(size=size, name=name)


def reviewed(shop, buyer, *, rating=5, text=TEXT, photos=(), product=None):
    order = shipped(shop, buyer, product=product)
    return services.review_add(author=buyer, item=order.items.get(), rating=rating, text=text, photos=photos)


def add_url(order, item):
    return f"/orders/{order.number}/reviews/{item.pk}/"


def edit_url(review):
    return f"/orders/{review.order.number}/reviews/{review.pk}/edit/"


def answer_url(review):
    return f"/cabinet/reviews/{review.pk}/answer/"


def post_review(client, order, item, *, rating="5", text=TEXT, photos=()):
    data = {f"item{item.pk}-rating": rating, f"item{item.pk}-text": text}
    if photos:
        data[f"item{item.pk}-photos"] = list(photos)
    return client.post(add_url(order, item), data)


def post_edit(client, review, *, rating="4", text=TEXT, photos=(), remove=()):
    data = {f"edit{review.pk}-rating": rating, f"edit{review.pk}-text": text,
            f"edit{review.pk}-remove_photos": [str(pk) for pk in remove]}  # fmt: skip
    if photos:
        data[f"edit{review.pk}-photos"] = list(photos)
    return client.post(edit_url(review), data)


# --- Nobody reviews their own shop -----------------------------------------------------------


def test_the_owner_cannot_review_an_order_from_their_own_shop(client, shop):
    # Checkout refuses the owner's own order now (issue 16); an older one may still be there.
    order = shipped(shop, UserFactory())
    Order.objects.filter(pk=order.pk).update(buyer=shop.owner, email=shop.owner.email)
    order.refresh_from_db()
    item = order.items.get()
    assert not services.review_can_write(author=shop.owner, order=order)
    with pytest.raises(ReviewError, match="own shop|своего магазина"):
        services.review_add(author=shop.owner, item=item, rating=5, text=TEXT)
    client.force_login(shop.owner)
    page = client.get(order.get_absolute_url()).content.decode()
    assert 'data-testid="review-own-shop"' in page
    assert add_url(order, item) not in page  # no form
    assert post_review(client, order, item).status_code == 400
    assert not Review.objects.exists()
    shop.refresh_from_db()
    assert shop.rating_count == 0


# --- Photos ----------------------------------------------------------------------------------


def test_a_review_takes_five_photos_shown_as_thumbnails_that_open_large(client, shop, buyer):
    order = shipped(shop, buyer)
    item = order.items.get()
    client.force_login(buyer)
    response = post_review(client, order, item, photos=[photo(f"p{n}.png") for n in range(5)])
    assert response.status_code == 302
    review = Review.objects.get()
    photos = list(review.photos.all())
    assert [p.position for p in photos] == [0, 1, 2, 3, 4]
    page = client.get("/shops/anna/reviews/").content.decode()
    assert page.count('class="review-photo"') == 5
    assert photos[0].thumb.url in page and photos[0].large.url in page and 'target="_blank"' in page


def test_a_sixth_photo_is_refused_and_nothing_is_saved(client, shop, buyer):
    order = shipped(shop, buyer)
    item = order.items.get()
    client.force_login(buyer)
    response = post_review(client, order, item, photos=[photo(f"p{n}.png") for n in range(6)])
    assert response.status_code == 400
    assert "не больше 5" in response.content.decode() and TEXT in response.content.decode()
    assert not Review.objects.exists() and not ReviewPhoto.objects.exists()
    review = reviewed(shop, buyer, photos=[photo() for _ in range(5)])
    response = post_edit(client, review, rating="5", photos=[photo("sixth.png")])
    assert response.status_code == 400
    assert review.photos.count() == 5 and not review.revisions.exists()
    with pytest.raises(ReviewError):
        services.review_edit(author=buyer, review=review, rating=5, text=TEXT, photos_add=[photo()])


def test_a_file_that_is_not_an_image_is_a_form_error(client, shop, buyer):
    order = shipped(shop, buyer)
    item = order.items.get()
    client.force_login(buyer)
    fake = SimpleUploadedFile("notes.png", b"not an image at all", content_type="image/png")
    response = post_review(client, order, item, photos=[fake])
    assert response.status_code == 400
    page = response.content.decode()
    assert "JPEG, PNG" in page and TEXT in page
    assert not Review.objects.exists() and not ReviewPhoto.objects.exists()


def test_a_huge_image_is_a_form_error(client, shop, buyer, settings):
    settings.MAX_UPLOAD_SIZE = 1024
    order = shipped(shop, buyer)
    item = order.items.get()
    client.force_login(buyer)
    big = image_upload(size=(1200, 1200), name="big.jpg", fmt="JPEG")
    assert big.size > 1024
    response = post_review(client, order, item, photos=[big])
    assert response.status_code == 400
    assert "0,1 МБ" in response.content.decode()  # «…: файл 0,1 МБ, а можно не больше …»
    assert not Review.objects.exists() and not ReviewPhoto.objects.exists()


# --- Editing for 30 days, with history -------------------------------------------------------


def test_the_author_edits_within_30_days_the_old_version_is_kept_and_ratings_follow(client, shop, buyer):
    product = ProductFactory(shop=shop, title="Вигвам", stock=5)
    review = reviewed(shop, buyer, rating=5, photos=[photo("a.png"), photo("b.png")], product=product)
    first_photo = review.photos.first()
    client.force_login(buyer)
    page = client.get(review.order.get_absolute_url()).content.decode()
    assert 'data-testid="review-edit-form"' in page and 'data-testid="review-edited"' not in page
    response = post_edit(client, review, rating="2", text="Через неделю шов разошёлся, жаль.",
                         photos=[photo("c.png")], remove=[first_photo.pk])  # fmt: skip
    assert response.status_code == 302 and response["Location"].endswith(f"#review-{review.pk}")
    review.refresh_from_db()
    assert (review.rating, review.text) == (2, "Через неделю шов разошёлся, жаль.")
    assert review.edited_at is not None
    revision = ReviewRevision.objects.get()
    assert (revision.review, revision.rating, revision.text) == (review, 5, TEXT)
    assert review.photos.count() == 2 and not review.photos.filter(pk=first_photo.pk).exists()
    shop.refresh_from_db(), product.refresh_from_db()
    assert (shop.rating_avg, product.rating_avg) == (Decimal("2.00"), Decimal("2.00"))
    storefront = client.get("/shops/anna/reviews/").content.decode()
    assert 'data-testid="review-edited"' in storefront and "шов разошёлся" in storefront
    assert timezone.localtime(review.edited_at).strftime("%Y") in storefront


def test_after_30_days_the_edit_is_refused_with_a_clear_message(client, shop, buyer):
    review = reviewed(shop, buyer, rating=5)
    Review.objects.filter(pk=review.pk).update(created_at=timezone.now() - timedelta(days=31))
    review.refresh_from_db()
    client.force_login(buyer)
    page = client.get(review.order.get_absolute_url()).content.decode()
    assert 'data-testid="review-edit-form"' not in page
    client.cookies["django_language"] = "en"
    response = post_edit(client, review, rating="1")
    assert response.status_code == 400
    assert "within 30 days" in response.content.decode()
    review.refresh_from_db()
    assert review.rating == 5 and review.edited_at is None and not ReviewRevision.objects.exists()
    with pytest.raises(ReviewError):
        services.review_edit(author=buyer, review=review, rating=1, text=TEXT)


@pytest.mark.parametrize(
    ("rating", "text", "error"),
    [("", TEXT, "Обязательное поле"), ("5", "Класс", "не менее 10"), ("5", "Пишите: masha@example.com", "контакты")],
)
def test_a_bad_edit_is_an_error_and_keeps_the_review(client, shop, buyer, rating, text, error):
    review = reviewed(shop, buyer, rating=4)
    client.force_login(buyer)
    response = post_edit(client, review, rating=rating, text=text)
    assert response.status_code == 400 and error in response.content.decode()
    review.refresh_from_db()
    assert (review.rating, review.text, review.edited_at) == (4, TEXT, None)
    assert not ReviewRevision.objects.exists()


def test_only_the_author_edits_a_review(client, shop, buyer):
    review = reviewed(shop, buyer)
    client.force_login(UserFactory())
    assert post_edit(client, review).status_code == 404
    with pytest.raises(ReviewError):
        services.review_edit(author=shop.owner, review=review, rating=1, text=TEXT)
    assert not ReviewRevision.objects.exists()


# --- The seller's answer ---------------------------------------------------------------------


def test_the_seller_answers_once_and_the_buyer_gets_one_email(
    client, shop, buyer, mailoutbox, django_capture_on_commit_callbacks
):
    review = reviewed(shop, buyer)
    client.force_login(shop.owner)
    page = client.get("/cabinet/reviews/").content.decode()
    assert TEXT in page and answer_url(review) in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(answer_url(review), {f"review{review.pk}-text": ANSWER})
    assert response.status_code == 302 and response["Location"].endswith(f"#review-{review.pk}")
    review.refresh_from_db()
    assert review.answer == ANSWER and review.answered_at is not None and review.answer_edited_at is None
    assert len(mailoutbox) == 1
    mail = mailoutbox[0]
    assert mail.to == [buyer.email]
    assert ANSWER in mail.body and f"/orders/{review.order.number}/#review-{review.pk}" in mail.body
    assert "Мастерская Анны" in mail.subject
    # Within 24 hours the answer may be changed; the buyer is not written to again.
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(answer_url(review), {f"review{review.pk}-text": "Спасибо! Ждём вас снова."})
    assert response.status_code == 302
    review.refresh_from_db()
    assert review.answer == "Спасибо! Ждём вас снова." and review.answer_edited_at is not None
    assert len(mailoutbox) == 1
    storefront = client.get("/shops/anna/reviews/").content.decode()
    assert 'data-testid="review-answer"' in storefront and "Ждём вас снова" in storefront
    client.force_login(buyer)
    assert "Ждём вас снова" in client.get(review.order.get_absolute_url()).content.decode()


def test_after_24_hours_the_answer_is_locked(client, shop, buyer):
    review = reviewed(shop, buyer)
    services.review_answer(shop=shop, review=review, text=ANSWER)
    Review.objects.filter(pk=review.pk).update(answered_at=timezone.now() - timedelta(hours=25))
    client.force_login(shop.owner)
    page = client.get("/cabinet/reviews/").content.decode()
    assert 'data-testid="answer-locked"' in page and answer_url(review) not in page
    response = client.post(answer_url(review), {f"review{review.pk}-text": "Другой ответ, поправленный."})
    assert response.status_code == 400
    review.refresh_from_db()
    assert review.answer == ANSWER and review.answer_edited_at is None
    with pytest.raises(ReviewError):
        services.review_answer(shop=shop, review=review, text="Ещё один ответ.")


@pytest.mark.parametrize(
    ("text", "error"),
    [("", "Обязательное поле"), ("Пишите в телеграм @anna_shop", "контакты и ссылки"), ("x" * 2001, "2000")],
)
def test_a_bad_answer_is_a_form_error(client, shop, buyer, text, error):
    review = reviewed(shop, buyer)
    client.force_login(shop.owner)
    response = client.post(answer_url(review), {f"review{review.pk}-text": text})
    assert response.status_code == 400 and error in response.content.decode()
    review.refresh_from_db()
    assert review.answer == "" and review.answered_at is None


def test_the_cabinet_reviews_page_is_the_owners_only(client, shop, buyer):
    review = reviewed(shop, buyer)
    assert client.get("/cabinet/reviews/").status_code == 302  # anonymous: log in first
    client.force_login(shop.owner)
    assert client.get("/cabinet/reviews/").status_code == 200
    other_seller = ShopFactory().owner
    client.force_login(other_seller)
    page = client.get("/cabinet/reviews/")
    assert page.status_code == 200 and TEXT not in page.content.decode()
    assert client.post(answer_url(review), {f"review{review.pk}-text": ANSWER}).status_code == 404
    client.force_login(buyer)  # a buyer has no shop
    assert client.get("/cabinet/reviews/").status_code == 404
    assert client.post(answer_url(review), {f"review{review.pk}-text": ANSWER}).status_code == 404
    review.refresh_from_db()
    assert review.answer == ""


def test_the_cabinet_nav_links_to_the_reviews(client, shop):
    client.force_login(shop.owner)
    page = client.get("/cabinet/orders/").content.decode()
    assert 'data-testid="cabinet-reviews-link"' in page and 'href="/cabinet/reviews/"' in page


# --- Storefront tab: sorting and the photos filter -------------------------------------------


def _texts_in_order(page, texts):
    return sorted(texts, key=page.index)


def test_the_storefront_tab_sorts_and_filters_by_photos(client, shop, buyer):
    texts = {rating: f"{TEXT} Оценка {rating}." for rating in (3, 5, 1)}
    reviews = {}
    for rating in (3, 5, 1):  # written in this order: 1 is the newest
        reviews[rating] = reviewed(shop, buyer, rating=rating, text=texts[rating],
                                   photos=[photo()] if rating == 3 else ())  # fmt: skip
    newest = client.get("/shops/anna/reviews/").content.decode()
    assert _texts_in_order(newest, texts.values()) == [texts[1], texts[5], texts[3]]
    best = client.get("/shops/anna/reviews/?sort=best").content.decode()
    assert _texts_in_order(best, texts.values()) == [texts[5], texts[3], texts[1]]
    worst = client.get("/shops/anna/reviews/?sort=worst").content.decode()
    assert _texts_in_order(worst, texts.values()) == [texts[1], texts[3], texts[5]]
    with_photos = client.get("/shops/anna/reviews/?sort=best&photos=1").content.decode()
    assert texts[3] in with_photos and texts[5] not in with_photos and texts[1] not in with_photos
    assert 'data-testid="review-count-5">1<' in with_photos  # the summary stays the shop's
    assert client.get("/shops/anna/reviews/?sort=junk&photos=x").status_code == 200


# --- The product page ------------------------------------------------------------------------


def test_the_product_page_shows_the_latest_reviews_and_the_distribution(client, shop, buyer):
    product = ProductFactory(shop=shop, title="Вигвам", stock=20)
    for number, rating in enumerate((5, 4, 5, 3, 5, 2)):
        review = reviewed(shop, buyer, rating=rating, text=f"{TEXT} Номер {number}.", product=product,
                          photos=[photo()] if number == 5 else ())  # fmt: skip
    services.review_answer(shop=shop, review=review, text=ANSWER)
    reviewed(shop, buyer, rating=1, text=f"{TEXT} Про другой товар.")
    page = client.get(product.get_absolute_url()).content.decode()
    assert 'data-testid="product-reviews"' in page
    assert "Номер 0" not in page  # only the latest five
    assert all(f"Номер {number}" in page for number in range(1, 6))
    assert page.index("Номер 5") < page.index("Номер 1")  # newest first
    assert "Про другой товар" not in page
    assert ANSWER in page and 'data-testid="review-photos"' in page
    assert 'data-testid="review-count-5">3<' in page and 'data-testid="review-count-1">0<' in page
    assert f'href="/shops/anna/reviews/?product={product.pk}" data-testid="product-reviews-all"' in page
    assert "(6)" in page


def test_a_product_without_reviews_has_no_reviews_section(client, shop):
    product = ProductFactory(shop=shop)
    assert 'data-testid="product-reviews"' not in client.get(product.get_absolute_url()).content.decode()


def test_the_product_section_asks_nothing_for_a_product_without_reviews(shop, django_assert_num_queries):
    from catalog.product_sections import product_sections

    product = ProductFactory(shop=shop)
    with django_assert_num_queries(0):
        assert product_sections(product) == []


def test_an_answer_refreshes_the_cached_product_page(client, shop, buyer):
    product = ProductFactory(shop=shop, title="Вигвам", stock=5)
    review = reviewed(shop, buyer, product=product)
    client.force_login(UserFactory())  # signed in: the page's cached parts only
    assert ANSWER not in client.get(product.get_absolute_url()).content.decode()
    services.review_answer(shop=shop, review=review, text=ANSWER)
    assert ANSWER in client.get(product.get_absolute_url()).content.decode()


# --- Query budgets: the same for 3 and 30 reviews --------------------------------------------


def _many_reviews(shop, product, count):
    buyer = UserFactory()
    for number in range(count):
        review = reviewed(shop, buyer, rating=1 + number % 5, text=f"{TEXT} {number}", product=product,
                          photos=[photo()])  # fmt: skip
        services.review_answer(shop=shop, review=review, text=ANSWER)
    services.review_moderation_add(author=UserFactory(is_staff=True), shop=shop, rating=1,
                                   text="Подтверждённая жалоба на качество товара.")  # fmt: skip


@pytest.mark.parametrize("count", [3, 30])
def test_review_pages_make_the_same_queries_for_more_reviews(client, shop, count, django_assert_max_num_queries):
    product = ProductFactory(shop=shop, title="Вигвам", stock=100)
    _many_reviews(shop, product, count)
    # Reviews, their photos (one prefetch), the distribution, the page's count: never one per review.
    with django_assert_max_num_queries(5):
        assert client.get("/shops/anna/reviews/").status_code == 200
    with django_assert_max_num_queries(5):
        assert client.get("/shops/anna/reviews/?sort=worst&photos=1").status_code == 200
    with django_assert_max_num_queries(9):
        response = client.get(product.get_absolute_url())
    assert response.status_code == 200 and 'data-testid="product-reviews"' in response.content.decode()
    client.force_login(shop.owner)
    with django_assert_max_num_queries(7):
        assert client.get("/cabinet/reviews/").status_code == 200


# --- Moderation reviews ----------------------------------------------------------------------


def test_a_moderation_review_is_marked_and_counts_in_the_rating(client, shop, buyer):
    reviewed(shop, buyer, rating=5)
    admin = UserFactory(is_staff=True)
    review = services.review_moderation_add(author=admin, shop=shop, rating=1,
                                            text="Подтверждённая жалоба на качество товара.")  # fmt: skip
    assert (review.kind, review.item, review.order) == (ReviewKind.MODERATION, None, None)
    shop.refresh_from_db()
    assert (shop.rating_avg, shop.rating_count) == (Decimal("3.00"), 2)
    page = client.get("/shops/anna/reviews/").content.decode()
    assert 'data-kind="moderation"' in page and 'data-testid="review-moderation"' in page
    assert "Подтверждённая жалоба" in page
    assert admin.name not in page  # the administration, not the admin's name
    client.force_login(shop.owner)
    cabinet = client.get("/cabinet/reviews/").content.decode()
    assert 'data-testid="review-moderation"' in cabinet
    with pytest.raises(ReviewError):
        services.review_moderation_add(author=shop.owner, shop=shop, rating=1, text="Продавец пишет сам себе.")


def test_a_buyer_review_needs_an_item_and_an_order(shop, buyer):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        Review.objects.create(shop=shop, author=buyer, rating=5, text=TEXT)


def test_the_admin_shows_the_kind_photos_and_earlier_versions(admin_client, shop, buyer):
    review = reviewed(shop, buyer, photos=[photo()])
    services.review_edit(author=buyer, review=review, rating=3, text="Поменяла мнение после стирки.")
    page = admin_client.get(f"/admin/orders/review/{review.pk}/change/").content.decode()
    assert review.photos.get().thumb.url in page and TEXT in page  # the photo and the earlier version
    assert admin_client.get("/admin/orders/review/?kind__exact=moderation").status_code == 200
