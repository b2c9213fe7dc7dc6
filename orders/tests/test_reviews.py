"""Reviews: registered buyers review what they bought; shop and product ratings follow; the storefront tab."""

from decimal import Decimal

import pytest

from catalog.tests.factories import ProductFactory
from marketplace.tests.factories import UserFactory
from orders import services
from orders.exceptions import ReviewError
from orders.models import OrderStatus, Review
from shops.tests.factories import ShopFactory

from .factories import order_for

pytestmark = pytest.mark.django_db

TEXT = "Очень аккуратная работа, всё как на фото."


@pytest.fixture
def shop():
    return ShopFactory(name="Мастерская Анны", slug="anna")


@pytest.fixture
def buyer():
    return UserFactory(email="masha@example.com", name="Мария Иванова")


def shipped(shop, buyer, **kwargs):
    return order_for(shop, buyer=buyer, statuses=[OrderStatus.PAID, OrderStatus.SHIPPED], **kwargs)


def review_url(order, item):
    return f"/orders/{order.number}/reviews/{item.pk}/"


def post_review(client, order, item, rating="5", text=TEXT):
    return client.post(review_url(order, item), {f"item{item.pk}-rating": rating, f"item{item.pk}-text": text})


def test_the_buyer_reviews_a_shipped_item_and_the_ratings_follow(client, shop, buyer):
    product = ProductFactory(shop=shop, title="Вигвам", stock=5)
    order = shipped(shop, buyer, product=product)
    client.force_login(buyer)
    page = client.get(order.get_absolute_url()).content.decode()
    assert 'id="reviews"' in page and "Опубликовать отзыв" in page
    response = post_review(client, order, order.items.get(), rating="4")
    assert response.status_code == 302 and response["Location"] == f"{order.get_absolute_url()}#reviews"
    review = Review.objects.get()
    assert (review.rating, review.text, review.author, review.product) == (4, TEXT, buyer, product)
    shop.refresh_from_db(), product.refresh_from_db()
    assert (shop.rating_avg, shop.rating_count) == (Decimal("4.00"), 1)
    assert (product.rating_avg, product.review_count) == (Decimal("4.00"), 1)
    second = shipped(shop, buyer, product=product)
    post_review(client, second, second.items.get(), rating="5")
    shop.refresh_from_db()
    assert (shop.rating_avg, shop.rating_count) == (Decimal("4.50"), 2)  # seed 001: sum of stars / count
    page = client.get(order.get_absolute_url()).content.decode()
    assert "Ваш отзыв опубликован" in page and "Опубликовать отзыв" not in page


@pytest.mark.parametrize(
    ("rating", "text", "error"),
    [
        ("", TEXT, "Обязательное поле"),
        ("6", TEXT, "Выберите корректный вариант"),
        ("5", "Класс", "не менее 10"),
        ("5", "x" * 2001, "не более 2000"),
        ("5", "Отличный магазин, пишите мне в телеграм @masha_buyer", "контакты и ссылки"),
    ],
)
def test_a_bad_review_is_an_error_with_the_text_kept(client, shop, buyer, rating, text, error):
    order = shipped(shop, buyer)
    client.force_login(buyer)
    response = post_review(client, order, order.items.get(), rating=rating, text=text)
    assert response.status_code == 400
    page = response.content.decode()
    assert error in page and "Отзыв не сохранён" in page and text[:50] in page
    assert not Review.objects.exists()


def test_who_may_review(client, shop, buyer):
    not_shipped = order_for(shop, buyer=buyer, statuses=[OrderStatus.PAID])
    item = not_shipped.items.get()
    client.force_login(buyer)
    assert "Опубликовать отзыв" not in client.get(not_shipped.get_absolute_url()).content.decode()
    assert post_review(client, not_shipped, item).status_code == 400  # a clear error, not a review
    order = shipped(shop, buyer)
    client.force_login(UserFactory())
    assert post_review(client, order, order.items.get()).status_code == 404  # someone else's order
    guest_order = order_for(shop, statuses=[OrderStatus.PAID, OrderStatus.SHIPPED])
    with pytest.raises(ReviewError, match="зарегистрированные покупатели"):
        services.review_add(author=buyer, item=guest_order.items.get(), rating=5, text=TEXT)
    guest_page = client.get(guest_order.get_absolute_url()).content.decode()
    assert "Отзывы оставляют только зарегистрированные покупатели" in guest_page
    client.logout()
    assert post_review(client, order, order.items.get()).status_code == 302  # log in first
    services.review_add(author=buyer, item=order.items.get(), rating=5, text=TEXT)
    with pytest.raises(ReviewError, match="уже оставили отзыв"):
        services.review_add(author=buyer, item=order.items.get(), rating=3, text=TEXT)
    assert Review.objects.count() == 1


def test_the_storefront_tab_and_the_product_page_show_reviews(client, shop, buyer):
    product = ProductFactory(shop=shop, title="Вигвам", stock=9)
    other = ProductFactory(shop=shop, title="Пирамидка", stock=9)
    for rating, item_product in ((5, product), (3, product), (4, other)):
        order = shipped(shop, buyer, product=item_product)
        services.review_add(author=buyer, item=order.items.get(), rating=rating, text=f"{TEXT} Оценка {rating}.")
    page = client.get("/shops/anna/reviews/").content.decode()
    assert "Мария И." in page and "Иванова" not in page  # first name and initial only
    assert "Оценка 5" in page and "Оценка 4" in page and "4,0" in page and "3 отзыва" in page
    only_product = client.get(f"/shops/anna/reviews/?product={product.pk}").content.decode()
    assert "Оценка 4" not in only_product and "Оценка 3" in only_product and "«Вигвам»" in only_product
    product_page = client.get(product.get_absolute_url()).content.decode()
    assert "4,0 · 2 отзыва" in product_page and f"/shops/anna/reviews/?product={product.pk}" in product_page
    assert client.get("/shops/anna/reviews/?product=junk&page=99").status_code == 200


def test_hidden_reviews_count_in_no_rating(admin_client, shop, buyer):
    order = shipped(shop, buyer)
    review = services.review_add(author=buyer, item=order.items.get(), rating=1, text=TEXT)
    admin_client.post("/admin/orders/review/", {"action": "hide", "_selected_action": [review.pk]})
    shop.refresh_from_db()
    assert (shop.rating_avg, shop.rating_count) == (None, 0)
    assert TEXT not in admin_client.get("/shops/anna/reviews/").content.decode()


@pytest.mark.parametrize("count", [3, 30])
def test_the_reviews_tab_makes_the_same_queries_for_more_reviews(client, shop, count, django_assert_max_num_queries):
    buyer = UserFactory()
    for number in range(count):
        order = shipped(shop, buyer)
        services.review_add(author=buyer, item=order.items.get(), rating=1 + number % 5, text=f"{TEXT} {number}")
    with django_assert_max_num_queries(8):
        assert client.get("/shops/anna/reviews/").status_code == 200


def test_bad_review_addresses_are_404_and_bad_filters_are_ignored(client, shop, buyer):
    mine = shipped(shop, buyer)
    other_order = shipped(shop, UserFactory())
    client.force_login(buyer)
    assert post_review(client, mine, other_order.items.get()).status_code == 404  # an item of another order
    assert client.post(f"/orders/{mine.number}/reviews/999999/", {}).status_code == 404
    assert not Review.objects.exists()
    services.review_add(author=buyer, item=mine.items.get(), rating=5, text=TEXT)
    foreign = ProductFactory(title="Чужой товар")
    page = client.get(f"/shops/anna/reviews/?product={foreign.pk}").content.decode()
    assert TEXT in page and "Чужой товар" not in page  # another shop's product narrows nothing


def test_the_service_refuses_a_text_longer_than_the_form_allows(shop, buyer):
    order = shipped(shop, buyer)
    with pytest.raises(ReviewError, match="не более 2000"):
        services.review_add(author=buyer, item=order.items.get(), rating=5, text="Хорошо. " * 300)
    assert not Review.objects.exists()
