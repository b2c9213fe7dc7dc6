"""«Дружные скидки» rounds: which one is open, saving one without overlaps, and the rotation job.

A round is open from ``starts_at`` until ``ends_at``: every read decides by the clock, so a late
job never keeps a round open. The job (``referral_rounds_rotate``, run by beat and by the
``referral_rounds`` command) stamps what happened, e-mails nobody, and schedules the next round
of a round that asks for it («через некоторое время после завершения раунда будет открываться новый»).
"""

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.core.cache import cache
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from marketplace.money import format_rub

from .exceptions import ReferralError
from .models import ReferralRound

# selectors.programme_state keeps the open and next rounds here for a minute; writes forget it.
OPEN_ROUND_CACHE_KEY = "referrals:open-round"

ROUND_FIELDS = ("title", "starts_at", "ends_at", "code_value", "min_order_total", "friends_needed", "friend_rule",
                "invitation_text", "repeat_after_days")  # fmt: skip


def round_open(now: datetime | None = None) -> ReferralRound | None:
    """The round open now, if any (rounds never overlap, so at most one)."""
    now = now or timezone.now()
    return ReferralRound.objects.filter(starts_at__lte=now, ends_at__gt=now).order_by("starts_at").first()


def round_next(now: datetime | None = None) -> ReferralRound | None:
    """The next scheduled round, for «the next round starts on …» between rounds."""
    now = now or timezone.now()
    return ReferralRound.objects.filter(starts_at__gt=now).order_by("starts_at").first()


def round_check(*, starts_at, ends_at, code_value, min_order_total, friends_needed, exclude_pk=None) -> None:
    """Raise ReferralError (naming the field) unless the terms are sound and the dates overlap no other round."""
    if starts_at is None or ends_at is None:
        raise ReferralError(_("Enter when the round starts and ends."), field="starts_at")
    if ends_at <= starts_at:
        raise ReferralError(_("The round must end after it starts."), field="ends_at")
    if code_value is None or code_value <= 0:
        raise ReferralError(_("The code's value must be above zero."), field="code_value")
    if min_order_total is None or code_value >= min_order_total:
        raise ReferralError(
            _("The code's value must be below the minimum order total (e.g. a 399 ₽ code on orders from 400 ₽), "
              "so the buyer always pays something."), field="min_order_total",
        )  # fmt: skip
    if not friends_needed or friends_needed < 1:
        raise ReferralError(_("At least one friend must be needed."), field="friends_needed")
    clash = (
        ReferralRound.objects.filter(starts_at__lt=ends_at, ends_at__gt=starts_at)
        .exclude(pk=exclude_pk)
        .order_by("starts_at")
        .first()
    )
    if clash is not None:
        local = timezone.localtime
        raise ReferralError(
            _("The dates overlap the round «%(title)s» (%(start)s – %(end)s): rounds never overlap.")
            % {"title": clash.title, "start": f"{local(clash.starts_at):%d.%m.%Y %H:%M}",
               "end": f"{local(clash.ends_at):%d.%m.%Y %H:%M}"}, field="starts_at",
        )  # fmt: skip


@transaction.atomic
def round_save(*, round: ReferralRound, actor=None) -> ReferralRound:  # noqa: A002 - the domain's word
    """Create or change a round (admin); the table is locked so two admins can't make overlapping rounds."""
    # The table locked against other writers (row locks alone would leave the very first two
    # rounds unguarded): a second save waits here and then sees the first one's dates.
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"LOCK TABLE {ReferralRound._meta.db_table} IN SHARE ROW EXCLUSIVE MODE")
    else:  # SQLite has one writer at a time anyway
        list(ReferralRound.objects.select_for_update().values_list("pk", flat=True))
    round_check(starts_at=round.starts_at, ends_at=round.ends_at, code_value=round.code_value,
                min_order_total=round.min_order_total, friends_needed=round.friends_needed,
                exclude_pk=round.pk)  # fmt: skip
    round.save()
    transaction.on_commit(lambda: cache.delete(OPEN_ROUND_CACHE_KEY))
    return round


@dataclass
class RotationReport:
    closed: list[ReferralRound] = field(default_factory=list)
    opened: list[ReferralRound] = field(default_factory=list)
    scheduled: list[ReferralRound] = field(default_factory=list)

    def __str__(self):
        return _("closed: %(closed)d, opened: %(opened)d, scheduled: %(scheduled)d") % {
            "closed": len(self.closed), "opened": len(self.opened), "scheduled": len(self.scheduled)}  # fmt: skip


@transaction.atomic
def referral_rounds_rotate(*, now: datetime | None = None) -> RotationReport:
    """Close the rounds that have ended, open the one whose start has come, schedule repeats."""
    now = now or timezone.now()
    report = RotationReport()
    for ended in ReferralRound.objects.select_for_update().filter(ends_at__lte=now, closed_at__isnull=True):
        ended.closed_at = now
        ended.save(update_fields=["closed_at"])
        report.closed.append(ended)
        later = ReferralRound.objects.filter(starts_at__gte=ended.ends_at)
        if ended.repeat_after_days is not None and not later.exists():
            report.scheduled.append(_schedule_repeat(ended, now=now))
    for started in ReferralRound.objects.select_for_update().filter(starts_at__lte=now, ends_at__gt=now,
                                                                     opened_at__isnull=True):  # fmt: skip
        started.opened_at = now
        started.save(update_fields=["opened_at"])
        report.opened.append(started)
    if report.closed or report.opened or report.scheduled:
        transaction.on_commit(lambda: cache.delete(OPEN_ROUND_CACHE_KEY))
    return report


def _schedule_repeat(ended: ReferralRound, *, now: datetime) -> ReferralRound:
    # From the old round's end, or from now when the job ran late: a repeat never starts in the past.
    starts_at = max(ended.ends_at + timedelta(days=ended.repeat_after_days), now)
    repeat = ReferralRound(
        **{name: getattr(ended, name) for name in ROUND_FIELDS},
    )
    repeat.starts_at = starts_at
    repeat.ends_at = starts_at + (ended.ends_at - ended.starts_at)
    repeat.title = _("Round from %(date)s") % {"date": f"{timezone.localtime(starts_at):%d.%m.%Y}"}
    round_check(starts_at=repeat.starts_at, ends_at=repeat.ends_at, code_value=repeat.code_value,
                min_order_total=repeat.min_order_total, friends_needed=repeat.friends_needed)  # fmt: skip
    repeat.save()
    return repeat


def round_terms(round: ReferralRound) -> str:  # noqa: A002
    """The terms in plain words, for the page, the invitation and the e-mails."""
    return ngettext(
        "Invite %(friends)d friend before %(end)s and get a %(value)s promo code for an order from %(minimum)s in any "
        "shop on Lavka.",
        "Invite %(friends)d friends before %(end)s and get a %(value)s promo code for an order from %(minimum)s in any "
        "shop on Lavka.", round.friends_needed,
    ) % {
        "friends": round.friends_needed, "end": f"{timezone.localtime(round.ends_at):%d.%m.%Y}",
        "value": format_rub(round.code_value), "minimum": format_rub(round.min_order_total),
    }  # fmt: skip
