"""«Дружные скидки» compensation: what Lavka owes each shop for its referral discounts, and paying it.

A buyer paid part of an order with a Lavka code (``Order.platform_discount``); Lavka pays that
part to the seller. An order is *owed* once the goods were paid or sent at the reduced price,
*waiting* while it is open (it may still be cancelled), *paid* once a ``Compensation`` covers it.
Periods are local calendar days (settings.TIME_ZONE) of the order's placing, both ends included.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.db import transaction
from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from marketplace.exceptions import DomainError
from marketplace.money import ZERO, to_money
from shops.models import Shop

from .models import Compensation, Order, OrderStatus

NOTE_MAX_LENGTH = Compensation._meta.get_field("note").max_length

OWED = Q(status__in=[OrderStatus.PAID, OrderStatus.SHIPPED], compensation__isnull=True)
WAITING = Q(status=OrderStatus.OPEN, compensation__isnull=True)
PAID = Q(compensation__isnull=False)


class CompensationError(DomainError):
    """A compensation that cannot be recorded (nothing owed, a period that ends before it starts…)."""


@dataclass
class CompensationRow:
    """One shop's figures for the period (``shop`` is None in the totals row)."""

    shop: Shop | None = None
    owed_count: int = 0
    owed_amount: Decimal = ZERO
    waiting_count: int = 0
    waiting_amount: Decimal = ZERO
    paid_amount: Decimal = ZERO


@dataclass
class CompensationReport:
    date_from: date
    date_to: date
    rows: list[CompensationRow] = field(default_factory=list)
    totals: CompensationRow = field(default_factory=CompensationRow)


def previous_month(today: date) -> tuple[date, date]:
    """The calendar month before ``today``'s: the period a monthly payout usually covers."""
    end = today.replace(day=1) - timedelta(days=1)
    return end.replace(day=1), end


def _check_period(date_from: date, date_to: date) -> None:
    if date_from > date_to:
        raise CompensationError(_("The period starts after it ends: swap the dates."), field="date_to")


def _discounted_orders(date_from: date, date_to: date) -> QuerySet[Order]:
    """Orders with Lavka's discount placed in the period, cancelled ones left out."""
    # The default zone, not the viewer's: a period must mean the same orders to every admin.
    zone = timezone.get_default_timezone()
    since = datetime.combine(date_from, time.min, tzinfo=zone)
    until = datetime.combine(date_to + timedelta(days=1), time.min, tzinfo=zone)
    return (
        Order.objects.filter(platform_discount__gt=0, created_at__gte=since, created_at__lt=until)
        .exclude(status=OrderStatus.CANCELLED)
        .order_by()
    )


def compensation_report(*, date_from: date, date_to: date) -> CompensationReport:
    """Owed, waiting and paid Lavka discounts per shop for orders placed in [date_from, date_to]."""
    _check_period(date_from, date_to)

    def amount(condition):
        return Coalesce(Sum("platform_discount", filter=condition), ZERO)

    figures = list(
        _discounted_orders(date_from, date_to)
        .values("shop")
        .annotate(
            owed_count=Count("pk", filter=OWED), owed_amount=amount(OWED),
            waiting_count=Count("pk", filter=WAITING), waiting_amount=amount(WAITING),
            paid_amount=amount(PAID),
        )
    )  # fmt: skip
    shops = Shop.objects.in_bulk([row["shop"] for row in figures])
    report = CompensationReport(date_from=date_from, date_to=date_to)
    for row in figures:
        line = CompensationRow(shop=shops[row.pop("shop")], **row)
        report.rows.append(line)
        for name in ("owed_count", "owed_amount", "waiting_count", "waiting_amount", "paid_amount"):
            setattr(report.totals, name, getattr(report.totals, name) + getattr(line, name))
    report.rows.sort(key=lambda line: (line.shop.name.casefold(), line.shop.pk))
    return report


@transaction.atomic
def compensation_pay(*, shop: Shop, date_from: date, date_to: date, actor, note: str = "") -> Compensation:
    """Record that Lavka paid the shop its owed discounts of orders placed in the period."""
    _check_period(date_from, date_to)
    note = note.strip()
    if len(note) > NOTE_MAX_LENGTH:
        raise CompensationError(
            _("The payment reference is too long: at most %(limit)d characters.") % {"limit": NOTE_MAX_LENGTH},
            field="note",
        )
    # Locked, so a second admin pressing the button at the same moment finds them paid already.
    orders = list(
        _discounted_orders(date_from, date_to).filter(OWED, shop=shop)
        .select_for_update().order_by("pk").only("pk", "platform_discount")
    )  # fmt: skip
    if not orders:
        raise CompensationError(_("Nothing is owed to this shop for that period."))
    compensation = Compensation.objects.create(
        shop=shop, period_start=date_from, period_end=date_to, orders_count=len(orders),
        amount=to_money(sum(order.platform_discount for order in orders)), paid_by=actor, note=note,
    )  # fmt: skip
    Order.objects.filter(pk__in=[order.pk for order in orders]).update(compensation=compensation)
    return compensation
