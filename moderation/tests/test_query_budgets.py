"""Query budgets of the complaint pages: «Мои жалобы» and the seller's «Жалобы» make the same count
of queries for 3 complaints and for 300 (the sanctions page's budget is in test_cabinet_sanctions.py)."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from catalog.tests.factories import ProductFactory
from moderation.models import Complaint, ComplaintKind, ComplaintPhoto, ComplaintStatus
from orders.models import Order
from shops.tests.factories import ShopFactory

from .complaint_builders import buyer_user, seller_shop

pytestmark = pytest.mark.django_db

ROWS = [3, 300]
PER_PAGE = 20  # moderation.views.complaints.PER_PAGE


def page_of(response) -> str:
    assert response.status_code == 200
    return response.content.decode()


def complaints(shops, count: int, *, author, photos: int = 0) -> list[Complaint]:
    """``count`` complaints a minute apart (the last the newest), about an order, a product or a shop in
    turn; every fourth one decided, every other new one answered by the seller."""
    now = timezone.now()
    orders = Order.objects.bulk_create(
        Order(shop=shops[n % len(shops)], buyer=author, number=f"C-{n:05d}", idempotency_key=f"complaint-{n}",
              buyer_name="Мария", phone="+79265550101", email=author.email, contact_method="email",
              subtotal=Decimal("500"), total=Decimal("500"))
        for n in range(0, count, 3)
    )  # fmt: skip
    products = {shop.pk: ProductFactory(shop=shop, title=f"Чашка {shop.name}") for shop in shops}
    made = Complaint.objects.bulk_create(
        Complaint(shop=shops[n % len(shops)], author=author, kind=ComplaintKind.QUALITY, text=f"Жалоба {n}",
                  order=orders[n // 3] if n % 3 == 0 else None,
                  product=products[shops[n % len(shops)].pk] if n % 3 == 1 else None,
                  status=ComplaintStatus.CONFIRMED if n % 4 == 3 else ComplaintStatus.NEW,
                  seller_answer="Заменим." if n % 2 else "", seller_answered_at=now if n % 2 else None,
                  created_at=now - timedelta(minutes=count - n))
        for n in range(count)
    )  # fmt: skip
    ComplaintPhoto.objects.bulk_create(
        ComplaintPhoto(complaint=complaint, image=f"moderation/complaints/2025/01/p{complaint.pk}-{index}.png")
        for complaint in made
        for index in range(photos)
    )  # fmt: skip
    return made


def pagination(page: str, count: int, testid: str) -> None:
    assert page.count(f'data-testid="{testid}"') == min(count, PER_PAGE)
    assert ('href="?page=2"' in page) == (count > PER_PAGE)


BUYER_LIST_QUERIES = 8


@pytest.mark.parametrize("count", ROWS)
def test_my_complaints_make_the_same_queries_for_3_and_300_complaints(client, count, django_assert_max_num_queries):
    buyer = buyer_user()
    shops = [ShopFactory(name=f"Лавка {n}") for n in range(3)]
    complaints(shops, count, author=buyer)
    client.force_login(buyer)
    with django_assert_max_num_queries(BUYER_LIST_QUERIES):
        page = page_of(client.get("/complaints/"))
    pagination(page, count, "complaint")
    newest = count - 1  # about a shop when count is 300 (299 % 3 == 2), about a product when 3
    assert f"<strong>Лавка {newest % 3}</strong>" in page
    assert page.count("· заказ C-") == sum(1 for n in range(max(0, count - PER_PAGE), count) if n % 3 == 0)
    assert page.count("· Чашка Лавка") == sum(1 for n in range(max(0, count - PER_PAGE), count) if n % 3 == 1)


CABINET_QUERIES = 9


@pytest.mark.parametrize("count", ROWS)
def test_the_cabinet_complaints_make_the_same_queries_for_3_and_300_complaints(
    client, count, django_assert_max_num_queries
):
    shop = seller_shop()
    complaints([shop], count, author=buyer_user(), photos=2)
    client.force_login(shop.owner)
    with django_assert_max_num_queries(CABINET_QUERIES):
        page = page_of(client.get("/cabinet/complaints/"))
    pagination(page, count, "cabinet-complaint")
    waiting = sum(1 for n in range(count) if n % 4 != 3 and not n % 2)
    assert f'data-testid="complaints-waiting" data-count="{waiting}"' in page
    first = page[: page.index('data-testid="cabinet-complaint"', page.index('data-testid="cabinet-complaint"') + 1)]
    newest_new = max(n for n in range(count) if n % 4 != 3)  # new ones first, the newest of them on top
    assert f"Жалоба {newest_new}<" in first
    shown = page.count('data-testid="cabinet-complaint"')
    assert page.count('data-testid="cabinet-complaint-photo"') == 2 * shown
    listed = sorted(range(count), key=lambda n: (n % 4 == 3, -n))[:PER_PAGE]
    assert page.count('data-testid="cabinet-complaint-form"') == sum(1 for n in listed if n % 4 != 3 and not n % 2)
