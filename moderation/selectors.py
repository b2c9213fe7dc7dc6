"""Reads of the moderation app: the «Надёжный продавец» criteria of a shop, order by order.

Seed 001 «Как получить этикетку "Надежный продавец"?»: at least 10 sales confirmed by carrier
tracking with the recipient matching the buyer; at least 3 positive reviews from different
buyers on such sales; no complaints; an average of all reviews of at least 4.6. The whole
computation costs a fixed number of queries (rows fetched with values(), decided in Python),
whatever the number of orders.
"""

from dataclasses import dataclass, field
from datetime import datetime
from decimal import ROUND_DOWN, Decimal

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from orders.models import TRACKED_CARRIERS, Carrier, Order, OrderStatus, Review, Shipment, TrackingEvent

from .models import ApplicationStatus, Complaint, ComplaintStatus, ReliableApplication, ReliableWithdrawal
from .names import names_match, places_match

TRACKED_SALES_TARGET = 10
POSITIVE_REVIEWS_TARGET = 3
POSITIVE_RATING = 4  # 4 and 5 stars
AVERAGE_TARGET = Decimal("4.6")


class NotCounted(models.TextChoices):
    """Why an order is not a tracked sale. Shipment reasons are ranked: the order shows the one
    of its parcels that came closest to counting."""

    CANCELLED = "cancelled", _("The order was cancelled")
    OWN_ORDER = "own_order", _("Placed by the shop's owner")
    NO_TRACK = "no_track", _("No track number")
    UNTRACKED_CARRIER = "untracked_carrier", _("The carrier has no online tracking")
    NOT_DELIVERED = "not_delivered", _("Not delivered yet")
    RECIPIENT_UNKNOWN = "recipient_unknown", _("The carrier did not report the recipient")
    RECIPIENT_DIFFERS = "recipient_differs", _("The recipient differs from the buyer")
    PLACE_DIFFERS = "place_differs", _("The delivery place differs from the order's address")


_SHIPMENT_RANK = [
    NotCounted.UNTRACKED_CARRIER,
    NotCounted.NOT_DELIVERED,
    NotCounted.RECIPIENT_UNKNOWN,
    NotCounted.RECIPIENT_DIFFERS,
    NotCounted.PLACE_DIFFERS,
]


@dataclass
class Criterion:
    """One of the four criteria: the shop's figure against the target."""

    code: str
    label: str
    value: int | Decimal | None
    target: int | Decimal
    met: bool
    missing: str  # what the shop lacks, in words; empty when met
    progress: int  # 0–100, for the progress bar

    @property
    def value_display(self) -> str:
        if self.value is None:
            return "—"
        return f"{self.value:.2f}".replace(".", ",") if isinstance(self.value, Decimal) else str(self.value)

    @property
    def target_display(self) -> str:
        return f"{self.target:.1f}".replace(".", ",") if isinstance(self.target, Decimal) else str(self.target)


@dataclass
class OrderCheck:
    """One of the shop's orders on the trust page: counted as a tracked sale, or why not."""

    pk: int
    number: str
    created_at: datetime
    buyer_name: str
    is_guest: bool
    status: str
    counted: bool
    reason: str = ""  # a NotCounted value
    carrier: str = ""
    track_number: str = ""
    recipient_name: str = ""
    location: str = ""

    @property
    def reason_label(self) -> str:
        return NotCounted(self.reason).label if self.reason else ""

    @property
    def status_label(self) -> str:
        return OrderStatus(self.status).label

    @property
    def carrier_label(self) -> str:
        return Carrier(self.carrier).label if self.carrier in Carrier.values else ""


@dataclass
class ReliableCriteria:
    """The four criteria of seed 001 for one shop, and the orders behind the first two."""

    tracked_sales: Criterion
    positive_reviews: Criterion
    complaints: Criterion
    average_rating: Criterion
    orders: list[OrderCheck] = field(default_factory=list)
    sales_total: int = 0  # not cancelled: the shop's sales counter, tracked or not
    computed_at: datetime = field(default_factory=timezone.now)

    @property
    def all(self) -> list[Criterion]:
        return [self.tracked_sales, self.positive_reviews, self.complaints, self.average_rating]

    @property
    def met(self) -> bool:
        return all(criterion.met for criterion in self.all)

    @property
    def unmet(self) -> list[Criterion]:
        return [criterion for criterion in self.all if not criterion.met]

    def as_snapshot(self) -> dict:
        """JSON for ReliableApplication.criteria and ReliableFlag.criteria."""
        return {
            "computed_at": self.computed_at.isoformat(),
            "met": self.met,
            "sales_total": self.sales_total,
            "criteria": [
                {
                    "code": criterion.code,
                    "label": str(criterion.label),
                    "value": None if criterion.value is None else str(criterion.value),
                    "target": str(criterion.target),
                    "met": criterion.met,
                    "missing": criterion.missing,
                }
                for criterion in self.all
            ],
        }


def _shipment_verdict(shipment: dict, delivery_location: str | None, order: dict) -> str:
    """The NotCounted reason this parcel does not confirm the sale, or "" when it does."""
    if shipment["carrier"] not in TRACKED_CARRIERS:
        return NotCounted.UNTRACKED_CARRIER
    if shipment["delivered_at"] is None and delivery_location is None:
        return NotCounted.NOT_DELIVERED
    if not shipment["recipient_name"].strip():
        return NotCounted.RECIPIENT_UNKNOWN
    if not names_match(shipment["recipient_name"], order["buyer_name"]):
        return NotCounted.RECIPIENT_DIFFERS
    if places_match(delivery_location or "", order["address"]) is False:
        return NotCounted.PLACE_DIFFERS
    return ""


def _order_checks(shop) -> list[OrderCheck]:
    """Every order of the shop with its verdict (three queries)."""
    orders = list(
        Order.objects.filter(shop_id=shop.pk)
        .order_by("-created_at", "-pk")
        .values("pk", "number", "created_at", "buyer_name", "address", "is_guest", "buyer_id", "email", "status")
    )
    shipments: dict[int, list[dict]] = {}
    for row in (
        Shipment.objects.filter(order__shop_id=shop.pk)
        .order_by("created_at", "pk")
        .values("pk", "order_id", "carrier", "track_number", "recipient_name", "delivered_at")
    ):
        shipments.setdefault(row["order_id"], []).append(row)
    # Where each parcel was handed over: the latest delivery event's place ("" when not given).
    delivered_at_place: dict[int, str] = {}
    for row in (
        TrackingEvent.objects.filter(shipment__order__shop_id=shop.pk, is_delivery=True)
        .order_by("occurred_at", "pk")
        .values("shipment_id", "location")
    ):
        delivered_at_place[row["shipment_id"]] = row["location"]
    owner_email = (shop.owner.email or "").casefold()

    checks = []
    for order in orders:
        check = OrderCheck(
            pk=order["pk"], number=order["number"], created_at=order["created_at"], buyer_name=order["buyer_name"],
            is_guest=order["is_guest"], status=order["status"], counted=False,
        )  # fmt: skip
        parcels = shipments.get(order["pk"], [])
        if order["status"] == OrderStatus.CANCELLED:
            check.reason = NotCounted.CANCELLED
        elif order["buyer_id"] == shop.owner_id or (owner_email and order["email"].casefold() == owner_email):
            # A seller's order from their own shop proves nothing (issue 15: nobody reviews their own shop).
            check.reason = NotCounted.OWN_ORDER
        elif not parcels:
            check.reason = NotCounted.NO_TRACK
        best, best_rank = None, -1
        for parcel in parcels:
            verdict = _shipment_verdict(parcel, delivered_at_place.get(parcel["pk"]), order)
            rank = len(_SHIPMENT_RANK) if not verdict else _SHIPMENT_RANK.index(verdict)
            if rank > best_rank:
                best, best_rank = (parcel, verdict), rank
        if best is not None:
            parcel, verdict = best
            check.carrier, check.track_number = parcel["carrier"], parcel["track_number"]
            check.recipient_name = parcel["recipient_name"]
            check.location = delivered_at_place.get(parcel["pk"]) or ""
            if not check.reason:
                check.reason, check.counted = verdict, not verdict
        checks.append(check)
    return checks


def _reviews(shop) -> list[dict]:
    """The shop's published buyer reviews of its products (one query): not the administration's
    reviews attached to the shop (no item), nor the owner's about their own shop."""
    return list(
        Review.objects.filter(kind="buyer", item__order__shop_id=shop.pk, is_published=True)
        .exclude(author_id=shop.owner_id)
        .values("rating", "author_id", "item__order_id")
    )


def _percent(value, target) -> int:
    return 100 if not target else max(0, min(100, int(value * 100 / target)))


def reliable_criteria(shop) -> ReliableCriteria:
    """The four criteria of the «Надёжный продавец» badge for the shop, computed now."""
    checks = _order_checks(shop)
    counted = {check.pk for check in checks if check.counted}
    reviews = _reviews(shop)
    complaints = Complaint.objects.filter(shop_id=shop.pk, status=ComplaintStatus.CONFIRMED).count()

    sales = len(counted)
    short = max(0, TRACKED_SALES_TARGET - sales)
    tracked_sales = Criterion(
        code="tracked_sales", label=gettext("Sales confirmed by tracking"), value=sales, target=TRACKED_SALES_TARGET,
        met=not short, progress=_percent(sales, TRACKED_SALES_TARGET),
        missing=ngettext("%(count)d more tracked sale", "%(count)d more tracked sales", short) % {"count": short}
        if short else "",
    )  # fmt: skip

    positive_authors = {
        review["author_id"]
        for review in reviews
        if review["rating"] >= POSITIVE_RATING and review["item__order_id"] in counted
    }
    positives = len(positive_authors)
    short = max(0, POSITIVE_REVIEWS_TARGET - positives)
    positive_reviews = Criterion(
        code="positive_reviews", label=gettext("Positive reviews from different buyers on tracked sales"),
        value=positives, target=POSITIVE_REVIEWS_TARGET, met=not short,
        progress=_percent(positives, POSITIVE_REVIEWS_TARGET),
        missing=ngettext("%(count)d more positive review from another buyer",
                         "%(count)d more positive reviews from other buyers", short) % {"count": short}
        if short else "",
    )  # fmt: skip

    complaints_criterion = Criterion(
        code="complaints", label=gettext("Confirmed complaints"), value=complaints, target=0, met=not complaints,
        progress=0 if complaints else 100,
        missing=ngettext("%(count)d confirmed complaint", "%(count)d confirmed complaints", complaints)
        % {"count": complaints} if complaints else "",
    )  # fmt: skip

    # Seed 001: «сумма звёзд всех отзывов делённая на количество отзывов», compared exactly in
    # integers (no rounding can lift 4.59 to 4.6); shown rounded down for the same reason.
    stars, count = sum(review["rating"] for review in reviews), len(reviews)
    average = (Decimal(stars) / count).quantize(Decimal("0.01"), rounding=ROUND_DOWN) if count else None
    average_met = bool(count) and stars * 10 >= AVERAGE_TARGET * 10 * count
    if not count:
        missing = gettext("No reviews yet")
    elif not average_met:
        missing = gettext("The average is %(value)s; it needs to be at least %(target)s") % {
            "value": f"{average:.2f}".replace(".", ","), "target": "4,6",
        }  # fmt: skip
    else:
        missing = ""
    average_rating = Criterion(
        code="average_rating", label=gettext("Average rating of all reviews"), value=average, target=AVERAGE_TARGET,
        met=average_met, missing=missing, progress=_percent(average or 0, AVERAGE_TARGET) if not average_met else 100,
    )  # fmt: skip

    return ReliableCriteria(
        tracked_sales=tracked_sales,
        positive_reviews=positive_reviews,
        complaints=complaints_criterion,
        average_rating=average_rating,
        orders=checks,
        sales_total=sum(1 for check in checks if check.status != OrderStatus.CANCELLED),
    )


@dataclass
class BadgeState:
    """Where the shop stands with the badge, for the cabinet page and the home page card."""

    is_reliable: bool
    pending: ReliableApplication | None = None
    refused: ReliableApplication | None = None  # the latest decision, if it was a refusal
    withdrawal: ReliableWithdrawal | None = None  # the latest withdrawal, if nothing came after it


def reliable_badge_state(shop) -> BadgeState:
    """The badge, the pending application, or the latest refusal or withdrawal with its reason (two queries)."""
    latest = ReliableApplication.objects.filter(shop_id=shop.pk).order_by("-created_at", "-pk").first()
    withdrawal = ReliableWithdrawal.objects.filter(shop_id=shop.pk).order_by("-withdrawn_at", "-pk").first()
    state = BadgeState(is_reliable=shop.is_reliable)
    if latest and latest.status == ApplicationStatus.PENDING:
        state.pending = latest
    elif not shop.is_reliable:
        decided = latest.decided_at if latest else None
        if withdrawal and (decided is None or withdrawal.withdrawn_at >= decided):
            state.withdrawal = withdrawal
        elif latest and latest.status == ApplicationStatus.REFUSED:
            state.refused = latest
    return state
