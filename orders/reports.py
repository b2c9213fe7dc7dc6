"""The seller's marketing report (seed 001 «Маркетинговый отчет»): its period and its figures.

Every figure is one grouped query whatever the number of orders, so the page costs the same
for 3 orders and for 300. Revenue is the goods of the orders not cancelled (``subtotal``, the
lines at their prices); orders count every order placed in the period, cancelled or not, so a
row's count matches the order list it links to.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from urllib.parse import urlsplit

from django import forms
from django.db.models import Count, F, Q, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from catalog.models import ProductLike, ProductViewDay
from marketplace.money import ZERO

from .attribution import OrderSource
from .models import Order, OrderItem, OrderStatus

MAX_DAYS = 366
TOP_PRODUCTS = 10
TOP_LINKS = 30


class Preset:
    WEEK, MONTH_30, QUARTER, THIS_MONTH = "7", "30", "90", "month"
    CHOICES = [(WEEK, _("7 days")), (MONTH_30, _("30 days")), (QUARTER, _("90 days")), (THIS_MONTH, _("This month"))]


def preset_range(preset: str, today: date) -> tuple[date, date]:
    if preset == Preset.THIS_MONTH:
        return today.replace(day=1), today
    return today - timedelta(days=int(preset) - 1), today


class PeriodForm(forms.Form):
    """A preset or two dates; dates win when given. Bad dates stay in the form with the reason."""

    period = forms.ChoiceField(choices=Preset.CHOICES, required=False)
    date_from = forms.DateField(label=_("From"), required=False, input_formats=["%Y-%m-%d", "%d.%m.%Y"])
    date_to = forms.DateField(label=_("To"), required=False, input_formats=["%Y-%m-%d", "%d.%m.%Y"])

    def __init__(self, *args, today: date | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today or timezone.localdate()

    def clean(self):
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if self.errors:
            return data
        if start or end:
            if not (start and end):
                raise forms.ValidationError(_("Give both dates of the period, or choose a preset."))
            if start > end:
                raise forms.ValidationError(_("The period starts after it ends: swap the dates."))
            if end > self.today:
                raise forms.ValidationError(_("The period cannot end in the future."))
            if (end - start).days + 1 > MAX_DAYS:
                raise forms.ValidationError(_("A period can be at most a year long."))
            data["preset"] = ""
        else:
            data["preset"] = data.get("period") or Preset.MONTH_30
            data["date_from"], data["date_to"] = preset_range(data["preset"], self.today)
        return data


@dataclass
class SourceRow:
    source: str
    label: str
    orders: int = 0
    cancelled: int = 0
    revenue: Decimal = ZERO
    share: int = 0  # percent of the period's orders


@dataclass
class ReferralHost:
    host: str
    orders: int = 0
    revenue: Decimal = ZERO
    links: list = field(default_factory=list)  # (url, orders, revenue)


@dataclass
class Report:
    start: date
    end: date
    sources: list[SourceRow]
    referral_hosts: list[ReferralHost]
    orders: int
    revenue: Decimal
    views: int
    likes: int
    days: list[tuple[date, int, int]]  # (day, views, orders)
    top_products: list[dict]

    @property
    def conversion(self) -> Decimal | None:
        """Orders per hundred views, in percent; None without views."""
        if not self.views:
            return None
        return (Decimal(self.orders * 100) / self.views).quantize(Decimal("0.01"))


def _bounds(start: date, end: date) -> tuple[datetime, datetime]:
    zone = timezone.get_current_timezone()
    return (datetime.combine(start, time.min, tzinfo=zone),
            datetime.combine(end + timedelta(days=1), time.min, tzinfo=zone))  # fmt: skip


def marketing_report(*, shop, start: date, end: date) -> Report:
    """The shop's orders by source, views, likes, daily series and top products for [start, end]."""
    since, until = _bounds(start, end)
    orders = Order.objects.filter(shop=shop, created_at__gte=since, created_at__lt=until).order_by()
    live = ~Q(status=OrderStatus.CANCELLED)
    revenue = Coalesce(Sum("subtotal", filter=live), ZERO)
    by_source = {
        row["source"]: row
        for row in orders.values("source").annotate(
            n=Count("pk"), cancelled=Count("pk", filter=Q(status=OrderStatus.CANCELLED)), revenue=revenue
        )
    }
    total_orders = sum(row["n"] for row in by_source.values())
    sources = []
    for value, label in OrderSource.choices:
        row = by_source.get(value, {})
        count = row.get("n", 0)
        sources.append(SourceRow(
            source=value, label=str(label), orders=count, cancelled=row.get("cancelled", 0),
            revenue=row.get("revenue", ZERO), share=round(100 * count / total_orders) if total_orders else 0,
        ))  # fmt: skip

    hosts: dict[str, ReferralHost] = {}
    links = (
        orders.filter(source=OrderSource.REFERRAL).values("source_referrer")
        .annotate(n=Count("pk"), revenue=revenue).order_by("-n", "source_referrer")[:TOP_LINKS]
    )  # fmt: skip
    for row in links:
        url = row["source_referrer"]
        host = (urlsplit(url).hostname or "").removeprefix("www.") or str(_("unknown site"))
        entry = hosts.setdefault(host, ReferralHost(host=host))
        entry.orders += row["n"]
        entry.revenue += row["revenue"]
        entry.links.append((url, row["n"], row["revenue"]))
    referral_hosts = sorted(hosts.values(), key=lambda entry: (-entry.orders, entry.host))

    views_by_day = dict(
        ProductViewDay.objects.filter(product__shop=shop, day__gte=start, day__lte=end)
        .order_by().values_list("day").annotate(total=Sum("views"))
    )  # fmt: skip
    zone = timezone.get_current_timezone()
    orders_by_day: dict[date, int] = {}
    for created in orders.values_list("created_at", flat=True):  # one query; at most the period's orders
        day = timezone.localtime(created, zone).date()
        orders_by_day[day] = orders_by_day.get(day, 0) + 1
    days = [start + timedelta(days=n) for n in range((end - start).days + 1)]
    series = [(day, views_by_day.get(day, 0), orders_by_day.get(day, 0)) for day in days]

    likes = ProductLike.objects.filter(product__shop=shop, created_at__gte=since, created_at__lt=until).count()

    top = list(
        OrderItem.objects.filter(order__in=orders.filter(live), product__isnull=False)
        .values("product_id", name=F("product__title"))  # the product's name now, whatever the snapshots
        .annotate(orders=Count("order", distinct=True), pieces=Sum("quantity"), revenue=Sum("line_total"))
        .order_by("-orders", "-revenue", "product_id")[:TOP_PRODUCTS]
    )  # fmt: skip
    product_views = dict(
        ProductViewDay.objects.filter(product_id__in=[row["product_id"] for row in top], day__gte=start, day__lte=end)
        .order_by().values_list("product_id").annotate(total=Sum("views"))
    )  # fmt: skip
    for row in top:
        row["views"] = product_views.get(row["product_id"], 0)
        row["conversion"] = (
            (Decimal(row["orders"] * 100) / row["views"]).quantize(Decimal("0.1")) if row["views"] else None
        )

    return Report(
        start=start, end=end, sources=sources, referral_hosts=referral_hosts, orders=total_orders,
        revenue=sum((row.revenue for row in sources), ZERO), views=sum(views_by_day.values()), likes=likes,
        days=series, top_products=top,
    )  # fmt: skip


# --- Server-rendered SVG charts (no script: CSP; scales with its box, so it works on a phone) ---

SOURCE_CHART_WIDTH = 260
SOURCE_ROW = 40
DAY_CHART = {"width": 400, "height": 160, "top": 12, "bottom": 22, "left": 4}


def source_bars(sources: list[SourceRow]) -> dict:
    """Horizontal bars, one per source: label above the bar, the count at its end."""
    peak = max((row.orders for row in sources), default=0) or 1
    usable = SOURCE_CHART_WIDTH - 30
    bars = []
    for index, row in enumerate(sources):
        y = index * SOURCE_ROW
        width = round(usable * row.orders / peak, 1) if row.orders else 0
        bars.append({"row": row, "label_y": y + 14, "bar_y": y + 20, "width": max(width, 1.5),
                     "value_x": width + 6, "value_y": y + 31})  # fmt: skip
    return {"width": SOURCE_CHART_WIDTH, "height": SOURCE_ROW * len(sources), "bars": bars}


def day_bars(days: list[tuple[date, int, int]]) -> dict:
    """Vertical bars of views per day, with the days that brought orders marked by a dot."""
    c = DAY_CHART
    peak = max((views for _day, views, _orders in days), default=0) or 1
    plot_height = c["height"] - c["top"] - c["bottom"]
    step = (c["width"] - c["left"]) / max(len(days), 1)
    bars = []
    for index, (day, views, orders) in enumerate(days):
        height = round(plot_height * views / peak, 1)
        x = round(c["left"] + index * step, 2)
        bars.append({
            "day": day, "views": views, "orders": orders, "x": x, "width": round(max(step * 0.8, 0.8), 2),
            "y": round(c["top"] + plot_height - height, 1), "height": height,
            "dot_x": round(x + step * 0.4, 2),
        })  # fmt: skip
    return {
        **c, "bars": bars, "peak": peak if days and max(d[1] for d in days) else 0,
        "baseline": c["height"] - c["bottom"], "label_y": c["height"] - 6,
        "dot_y": c["height"] - c["bottom"] + 4,
    }  # fmt: skip
