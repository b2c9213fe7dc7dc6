"""«Дружные скидки» compensation: the admins' report per shop and period, its CSV, «mark paid out»."""

import csv
import io
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from marketplace.tests.factories import UserFactory
from orders.compensation import CompensationError, compensation_pay, compensation_report, previous_month
from orders.models import Compensation, Order, OrderStatus
from shops.tests.factories import ShopFactory

from .factories import order_for

pytestmark = pytest.mark.django_db

URL = "/admin/orders/compensation/report/"
MSK = ZoneInfo("Europe/Moscow")
OCTOBER = {"date_from": date(2025, 10, 1), "date_to": date(2025, 10, 31)}
OCTOBER_QUERY = {"date_from": "2025-10-01", "date_to": "2025-10-31"}


def discounted(shop, discount, *, status=OrderStatus.PAID, placed=datetime(2025, 10, 15, 12, 0, tzinfo=MSK)):
    """An order placed with the shop, paid in part with a Lavka code, in the given status."""
    order = order_for(shop)
    Order.objects.filter(pk=order.pk).update(platform_discount=Decimal(discount), status=status, created_at=placed)
    order.refresh_from_db()
    return order


@pytest.fixture
def anna():
    return ShopFactory(name="Мастерская Анны")


@pytest.fixture
def boris():
    return ShopFactory(name="Бусы Бориса")


@pytest.fixture
def english(client, admin_client):
    """The admin chose English: the tests read the English source texts, translated or not."""
    for each in (client, admin_client):
        each.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    # The locale middleware leaves the last request's language active in the thread: put it back.
    with translation.override(translation.get_language()):
        yield


def staff_with(*codenames):
    user = UserFactory(is_staff=True)
    user.user_permissions.set(Permission.objects.filter(content_type__app_label="orders", codename__in=codenames))
    return user


def row_of(report, shop):
    return next(row for row in report.rows if row.shop == shop)


# --- the selector ---------------------------------------------------------------------------------


def test_report_counts_the_period_by_moscow_dates_both_ends_included(anna):
    discounted(anna, "100", placed=datetime(2025, 10, 1, 0, 0, tzinfo=MSK))  # first minute of the period
    discounted(anna, "200", placed=datetime(2025, 10, 31, 23, 59, tzinfo=MSK))  # its last minute
    discounted(anna, "400", placed=datetime(2025, 9, 30, 23, 59, tzinfo=MSK))  # a minute before
    discounted(anna, "800", placed=datetime(2025, 11, 1, 0, 0, tzinfo=MSK))  # a minute after
    # 22:30 UTC on 31 October is already 1 November in Moscow.
    discounted(anna, "1600", placed=datetime(2025, 10, 31, 22, 30, tzinfo=ZoneInfo("UTC")))

    row = row_of(compensation_report(**OCTOBER), anna)

    assert (row.owed_count, row.owed_amount) == (2, Decimal("300.00"))


def test_report_splits_owed_waiting_and_paid_per_shop(anna, boris):
    discounted(anna, "150", status=OrderStatus.PAID)
    discounted(anna, "250", status=OrderStatus.SHIPPED)
    discounted(anna, "70", status=OrderStatus.OPEN)
    discounted(anna, "999", status=OrderStatus.CANCELLED)  # never counts
    order_for(anna, statuses=[OrderStatus.PAID])  # no Lavka discount: not in the report
    discounted(boris, "50", status=OrderStatus.SHIPPED)
    paid = discounted(boris, "30", status=OrderStatus.SHIPPED)
    compensation = Compensation.objects.create(
        shop=boris, period_start=date(2025, 10, 1), period_end=date(2025, 10, 31), amount=Decimal("30"), orders_count=1
    )
    Order.objects.filter(pk=paid.pk).update(compensation=compensation)

    report = compensation_report(**OCTOBER)

    assert [row.shop for row in report.rows] == [boris, anna]  # by name
    a, b = row_of(report, anna), row_of(report, boris)
    assert (a.owed_count, a.owed_amount, a.waiting_count, a.waiting_amount, a.paid_amount) == (
        2, Decimal("400.00"), 1, Decimal("70.00"), Decimal("0.00"))  # fmt: skip
    assert (b.owed_count, b.owed_amount, b.waiting_count, b.waiting_amount, b.paid_amount) == (
        1, Decimal("50.00"), 0, Decimal("0.00"), Decimal("30.00"))  # fmt: skip
    totals = report.totals
    assert (totals.owed_count, totals.owed_amount, totals.waiting_count, totals.waiting_amount, totals.paid_amount) == (
        3, Decimal("450.00"), 1, Decimal("70.00"), Decimal("30.00"))  # fmt: skip


def test_report_costs_the_same_queries_for_3_and_30_shops():
    def bulk(count):
        for _ in range(count):
            shop = ShopFactory()
            Order.objects.bulk_create(
                Order(shop=shop, number=f"C-{shop.pk}-{status}", idempotency_key=f"c-{shop.pk}-{status}",
                      buyer_name="Покупатель", phone="+79265550101", email="b@example.com", address="Москва",
                      delivery_method="cdek", contact_method="email", subtotal=Decimal("500"), total=Decimal("400"),
                      platform_discount=Decimal("100"), status=status,
                      created_at=datetime(2025, 10, 10, tzinfo=MSK))
                for status in (OrderStatus.OPEN, OrderStatus.PAID)
            )  # fmt: skip

    def queries():
        with CaptureQueriesContext(connection) as captured:
            report = compensation_report(**OCTOBER)
        return len(captured), len(report.rows)

    bulk(3)
    assert queries() == (2, 3)
    bulk(27)
    assert queries() == (2, 30)


def test_previous_month_is_the_calendar_month_before():
    assert previous_month(date(2026, 3, 1)) == (date(2026, 2, 1), date(2026, 2, 28))
    assert previous_month(date(2026, 1, 20)) == (date(2025, 12, 1), date(2025, 12, 31))


# --- the service ----------------------------------------------------------------------------------


def test_pay_covers_the_owed_orders_and_a_second_pay_is_refused(anna, boris):
    owed = [discounted(anna, "150"), discounted(anna, "250", status=OrderStatus.SHIPPED)]
    waiting = discounted(anna, "70", status=OrderStatus.OPEN)
    other_shop = discounted(boris, "50")
    admin = UserFactory(is_staff=True)

    compensation = compensation_pay(shop=anna, actor=admin, note="п/п 123 от 05.11.2025", **OCTOBER)

    assert (compensation.amount, compensation.orders_count) == (Decimal("400.00"), 2)
    assert (compensation.shop, compensation.paid_by, compensation.note) == (anna, admin, "п/п 123 от 05.11.2025")
    assert (compensation.period_start, compensation.period_end) == (date(2025, 10, 1), date(2025, 10, 31))
    assert set(Order.objects.filter(compensation=compensation)) == set(owed)
    assert Order.objects.get(pk=waiting.pk).compensation is None
    assert Order.objects.get(pk=other_shop.pk).compensation is None
    row = row_of(compensation_report(**OCTOBER), anna)
    assert (row.owed_count, row.owed_amount, row.paid_amount) == (0, Decimal("0.00"), Decimal("400.00"))

    with pytest.raises(CompensationError) as caught, translation.override("en"):
        compensation_pay(shop=anna, actor=admin, **OCTOBER)
    assert str(caught.value) == "Nothing is owed to this shop for that period."
    assert Compensation.objects.count() == 1


def test_pay_refuses_a_period_that_ends_before_it_starts(anna):
    discounted(anna, "150")
    with pytest.raises(CompensationError) as caught, translation.override("en"):
        compensation_pay(shop=anna, date_from=date(2025, 10, 31), date_to=date(2025, 10, 1), actor=None)
    assert str(caught.value) == "The period starts after it ends: swap the dates."
    assert not Compensation.objects.exists()


def test_an_order_paid_after_the_payout_is_owed_in_the_next_one(anna):
    discounted(anna, "150")
    late = discounted(anna, "70", status=OrderStatus.OPEN)
    compensation_pay(shop=anna, actor=None, **OCTOBER)
    Order.objects.filter(pk=late.pk).update(status=OrderStatus.PAID)

    second = compensation_pay(shop=anna, actor=None, **OCTOBER)

    assert (second.amount, second.orders_count) == (Decimal("70.00"), 1)
    assert row_of(compensation_report(**OCTOBER), anna).paid_amount == Decimal("220.00")


# --- the admin page -------------------------------------------------------------------------------


def test_the_report_page_shows_each_shop_and_the_totals(admin_client, english, anna, boris):
    discounted(anna, "150")
    discounted(anna, "250", status=OrderStatus.SHIPPED)
    discounted(anna, "70", status=OrderStatus.OPEN)
    discounted(boris, "50")

    response = admin_client.get(URL, OCTOBER_QUERY)

    page = response.content.decode()
    assert response.status_code == 200
    assert f'href="/admin/shops/shop/{anna.pk}/change/"' in page and "Мастерская Анны" in page
    assert "400\u00a0₽" in page and "70\u00a0₽" in page and "50\u00a0₽" in page
    assert "450\u00a0₽" in page  # owed in all
    assert page.count('value="Mark paid out"') == 2
    assert "?date_from=2025-10-01&amp;date_to=2025-10-31&amp;format=csv" in page


def test_the_report_defaults_to_the_previous_month(admin_client, english, anna):
    start, end = previous_month(timezone.localdate())
    discounted(anna, "123", placed=datetime.combine(end, datetime.min.time(), tzinfo=MSK))

    page = admin_client.get(URL).content.decode()

    assert f'value="{start:%Y-%m-%d}"' in page and f'value="{end:%Y-%m-%d}"' in page
    assert "123\u00a0₽" in page


def test_bad_dates_show_the_error_not_a_crash(admin_client, english):
    response = admin_client.get(URL, {"date_from": "2025-10-31", "date_to": "2025-10-01"})
    assert response.status_code == 400
    assert "The period starts after it ends: swap the dates." in response.content.decode()

    response = admin_client.get(URL, {"date_from": "31.13.2025", "date_to": ""})
    assert response.status_code == 400
    assert "Enter a valid date." in response.content.decode()
    assert "This field is required." in response.content.decode()

    response = admin_client.get(URL, {"date_from": "yesterday", "date_to": "2025-10-01", "format": "csv"})
    assert response.status_code == 400 and "Enter a valid date." in response.content.decode()


def test_the_csv_has_a_header_a_row_per_shop_and_the_totals(admin_client, english, anna, boris):
    discounted(anna, "150.50")
    discounted(anna, "70", status=OrderStatus.OPEN)
    discounted(boris, "50", status=OrderStatus.SHIPPED)

    response = admin_client.get(URL, {**OCTOBER_QUERY, "format": "csv"})

    assert response.status_code == 200 and response["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="compensation-20251001-20251031.csv"' in response["Content-Disposition"]
    body = response.content.decode("utf-8")
    assert body.startswith("\ufeff")  # Excel reads it as UTF-8
    assert list(csv.reader(io.StringIO(body.removeprefix("\ufeff")), delimiter=";")) == [
        ["Shop", "Owed: orders", "Owed, ₽", "Waiting: orders", "Waiting, ₽", "Paid out, ₽"],
        ["Бусы Бориса", "1", "50,00", "0", "0,00", "0,00"],
        ["Мастерская Анны", "1", "150,50", "1", "70,00", "0,00"],
        ["In all", "2", "200,50", "1", "70,00", "0,00"],
    ]


def test_mark_paid_out_records_the_payout_and_says_so(admin_client, english, anna):
    discounted(anna, "150")
    discounted(anna, "250", status=OrderStatus.SHIPPED)

    response = admin_client.post(URL, {"shop": anna.pk, "note": "п/п 17", **OCTOBER_QUERY}, follow=True)

    assert response.redirect_chain == [(f"{URL}?date_from=2025-10-01&date_to=2025-10-31", 302)]
    page = response.content.decode()
    assert "Marked paid out: 400\u00a0₽ to «Мастерская Анны» for 2 orders." in page
    assert 'value="Mark paid out"' not in page  # nothing owed any more
    compensation = Compensation.objects.get()
    assert (compensation.amount, compensation.note) == (Decimal("400"), "п/п 17")
    assert compensation.paid_by.is_superuser

    response = admin_client.post(URL, {"shop": anna.pk, "note": "", **OCTOBER_QUERY}, follow=True)

    assert "Nothing is owed to this shop for that period." in response.content.decode()
    assert Compensation.objects.count() == 1


def test_mark_paid_out_with_a_too_long_reference_is_refused(admin_client, english, anna):
    discounted(anna, "150")
    response = admin_client.post(URL, {"shop": anna.pk, "note": "x" * 201, **OCTOBER_QUERY}, follow=True)
    assert "Ensure this value has at most 200 characters (it has 201)." in response.content.decode()
    assert not Compensation.objects.exists()


def test_who_may_see_the_report_and_who_may_mark_paid_out(client, anna):
    discounted(anna, "150")
    post = {"shop": anna.pk, **OCTOBER_QUERY}

    response = client.get(URL)  # anonymous
    assert response.status_code == 302 and response["Location"].startswith("/admin/login/")
    client.force_login(UserFactory())  # a buyer, not staff
    response = client.get(URL)
    assert response.status_code == 302 and response["Location"].startswith("/admin/login/")

    client.force_login(staff_with())  # staff without the orders permission
    assert client.get(URL, OCTOBER_QUERY).status_code == 403

    client.force_login(staff_with("view_order"))  # may look, not pay
    response = client.get(URL, OCTOBER_QUERY)
    assert response.status_code == 200 and "150\u00a0₽" in response.content.decode()
    assert 'name="note"' not in response.content.decode()
    assert client.post(URL, post).status_code == 403
    assert not Compensation.objects.exists()

    client.force_login(staff_with("view_order", "add_compensation"))
    assert client.post(URL, post).status_code == 302
    assert Compensation.objects.get().amount == Decimal("150")


def test_compensations_list_links_to_the_report_and_cannot_be_edited(admin_client, english, anna):
    discounted(anna, "150")
    compensation = compensation_pay(shop=anna, actor=None, **OCTOBER)

    listing = admin_client.get("/admin/orders/compensation/").content.decode()
    assert f'href="{URL}"' in listing and "01.10.2025 – 31.10.2025" in listing
    assert "/admin/orders/compensation/add/" not in listing
    page = admin_client.get(f"/admin/orders/compensation/{compensation.pk}/change/").content.decode()
    assert compensation.orders.get().number in page  # the orders it covered
    assert 'name="note"' not in page and "/delete/" not in page


def test_the_order_page_shows_lavkas_discount_read_only(admin_client, english, anna):
    order = discounted(anna, "150")
    Order.objects.filter(pk=order.pk).update(referral_code_text="DRUG-42")

    page = admin_client.get(f"/admin/orders/order/{order.pk}/change/").content.decode()

    assert "DRUG-42" in page and "150.00" in page
    assert 'name="platform_discount"' not in page and 'name="referral_code_text"' not in page
    assert 'name="compensation"' not in page
    listing = admin_client.get("/admin/orders/order/", {"lavka_discount": "owed"}).content.decode()
    assert order.number in listing
