"""«Дружные скидки» rounds: sound terms, no overlaps, and the job that closes, opens and repeats them."""

import re
from datetime import timedelta
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.utils import timezone

from referrals.exceptions import ReferralError
from referrals.models import FriendRule, ReferralRound
from referrals.rounds import referral_rounds_rotate, round_check, round_next, round_open, round_save
from referrals.tests.factories import ReferralRoundFactory

pytestmark = pytest.mark.django_db

T = timezone.now().replace(microsecond=0)
SOUND = {"starts_at": T, "ends_at": T + timedelta(days=30), "code_value": Decimal("399"),
         "min_order_total": Decimal("400"), "friends_needed": 10}  # fmt: skip


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"min_order_total": Decimal("399")}, "min_order_total"),  # 399 ₽ off a 399 ₽ order: the buyer pays nothing
        ({"code_value": Decimal("400"), "min_order_total": Decimal("399")}, "min_order_total"),
        ({"min_order_total": None}, "min_order_total"),
        ({"code_value": Decimal("0")}, "code_value"),
        ({"code_value": Decimal("-1")}, "code_value"),
        ({"code_value": None}, "code_value"),
        ({"ends_at": T - timedelta(days=1)}, "ends_at"),
        ({"ends_at": T}, "ends_at"),
        ({"starts_at": None}, "starts_at"),
        ({"ends_at": None}, "starts_at"),
        ({"friends_needed": 0}, "friends_needed"),
        ({"friends_needed": None}, "friends_needed"),
    ],
    ids=["value equals minimum", "value above minimum", "no minimum", "value 0", "negative value", "no value",
         "ends before start", "ends at start", "no start", "no end", "no friends", "friends empty"],
)  # fmt: skip
def test_round_check_refuses_unsound_terms_naming_the_field(changes, field):
    with pytest.raises(ReferralError) as refused:
        round_check(**{**SOUND, **changes})

    assert refused.value.field == field and str(refused.value)


def test_round_check_accepts_the_seeds_terms():
    round_check(**SOUND)  # 399 ₽ on orders from 400 ₽
    round_check(**{**SOUND, "code_value": Decimal("1"), "min_order_total": Decimal("2"), "friends_needed": 1})


@pytest.mark.parametrize(
    ("start_days", "end_days", "clash"),
    [
        (-5, 5, True),  # overlaps the start
        (25, 35, True),  # overlaps the end
        (5, 10, True),  # inside
        (-5, 35, True),  # around
        (0, 30, True),  # the same dates
        (-10, 0, False),  # ends when it starts
        (30, 40, False),  # starts when it ends
        (40, 50, False),
    ],
)
def test_rounds_never_overlap_but_may_touch(start_days, end_days, clash):
    ReferralRoundFactory(title="Декабрьский раунд", starts_at=T, ends_at=T + timedelta(days=30))
    dates = {"starts_at": T + timedelta(days=start_days), "ends_at": T + timedelta(days=end_days)}

    if clash:
        with pytest.raises(ReferralError) as refused:
            round_check(**{**SOUND, **dates})
        assert refused.value.field == "starts_at" and "Декабрьский раунд" in str(refused.value)
    else:
        round_check(**{**SOUND, **dates})


def test_a_round_may_be_saved_again_over_its_own_dates():
    december = ReferralRoundFactory(starts_at=T, ends_at=T + timedelta(days=30))

    round_check(**{**SOUND, "ends_at": T + timedelta(days=31)}, exclude_pk=december.pk)

    december.ends_at = T + timedelta(days=31)
    december.code_value = Decimal("299")
    round_save(round=december)
    december.refresh_from_db()
    assert (december.ends_at, december.code_value) == (T + timedelta(days=31), Decimal("299"))


def test_round_save_creates_a_round_and_refuses_an_overlapping_one_saving_nothing():
    december = round_save(round=ReferralRound(title="Декабрь", **SOUND))
    assert ReferralRound.objects.get().pk == december.pk and december.friend_rule == FriendRule.VISIT

    overlapping = ReferralRound(title="Пересекается", **{**SOUND, "starts_at": T + timedelta(days=29),
                                                         "ends_at": T + timedelta(days=40)})  # fmt: skip
    with pytest.raises(ReferralError):
        round_save(round=overlapping)

    assert list(ReferralRound.objects.values_list("title", flat=True)) == ["Декабрь"]


@pytest.mark.parametrize(
    "fields",
    [
        {"code_value": Decimal("400"), "min_order_total": Decimal("399")},
        {"code_value": Decimal("399"), "min_order_total": Decimal("399")},
        {"code_value": Decimal("0")},
        {"ends_at": T - timedelta(seconds=1)},
        {"ends_at": T},
        {"friends_needed": 0},
    ],
    ids=["value above minimum", "value equals minimum", "value 0", "ends before start", "ends at start", "no friends"],
)
def test_the_database_refuses_an_unsound_round(fields):
    with pytest.raises(IntegrityError), transaction.atomic():
        ReferralRound.objects.create(title="Плохой", **{**SOUND, **fields})

    assert not ReferralRound.objects.exists()


def test_open_and_next_round_decide_by_the_clock():
    december = ReferralRoundFactory(starts_at=T, ends_at=T + timedelta(days=30))
    january = ReferralRoundFactory(starts_at=T + timedelta(days=40), ends_at=T + timedelta(days=60))

    assert round_open(now=T - timedelta(seconds=1)) is None and round_next(now=T - timedelta(seconds=1)) == december
    assert round_open(now=T) == december and round_next(now=T) == january
    assert round_open(now=T + timedelta(days=30)) is None  # ends_at is the first moment it is closed
    assert round_next(now=T + timedelta(days=30)) == january
    assert round_open(now=T + timedelta(days=60)) is None and round_next(now=T + timedelta(days=60)) is None


# --- The rotation job ---


def test_rotation_stamps_ended_and_started_rounds_once():
    ended = ReferralRoundFactory(title="Ноябрь", starts_at=T - timedelta(days=40), ends_at=T - timedelta(days=10))
    current = ReferralRoundFactory(title="Декабрь", starts_at=T - timedelta(days=1), ends_at=T + timedelta(days=20))
    later = ReferralRoundFactory(title="Январь", starts_at=T + timedelta(days=30), ends_at=T + timedelta(days=50))

    report = referral_rounds_rotate(now=T)

    assert (report.closed, report.opened, report.scheduled) == ([ended], [current], [])
    for round_ in (ended, current, later):
        round_.refresh_from_db()
    assert (ended.closed_at, ended.opened_at) == (T, None)
    assert (current.opened_at, current.closed_at) == (T, None)
    assert (later.opened_at, later.closed_at) == (None, None)

    again = referral_rounds_rotate(now=T + timedelta(hours=1))

    assert (again.closed, again.opened, again.scheduled) == ([], [], [])
    ended.refresh_from_db()
    current.refresh_from_db()
    assert ended.closed_at == T and current.opened_at == T


def test_rotation_schedules_the_repeat_with_the_same_duration_and_terms():
    ended = ReferralRoundFactory(
        title="Декабрь", starts_at=T - timedelta(days=14), ends_at=T - timedelta(hours=1), code_value=Decimal("499"),
        min_order_total=Decimal("1000"), friends_needed=5, friend_rule=FriendRule.SIGNUP,
        invitation_text="Загляни в Лавку!", repeat_after_days=7,
    )  # fmt: skip

    report = referral_rounds_rotate(now=T)

    assert report.closed == [ended] and report.opened == []
    [repeat] = report.scheduled
    repeat.refresh_from_db()
    assert repeat.starts_at == ended.ends_at + timedelta(days=7)
    assert repeat.ends_at - repeat.starts_at == timedelta(days=14) - timedelta(hours=1)
    assert (repeat.code_value, repeat.min_order_total, repeat.friends_needed, repeat.friend_rule,
            repeat.invitation_text, repeat.repeat_after_days) == (
        Decimal("499"), Decimal("1000"), 5, FriendRule.SIGNUP, "Загляни в Лавку!", 7)  # fmt: skip
    assert f"{timezone.localtime(repeat.starts_at):%d.%m.%Y}" in repeat.title
    assert (repeat.opened_at, repeat.closed_at) == (None, None)
    assert round_next(now=T) == repeat

    again = referral_rounds_rotate(now=T + timedelta(minutes=5))

    assert again.scheduled == [] and ReferralRound.objects.count() == 2


def test_rotation_opens_the_repeat_when_its_start_comes():
    ReferralRoundFactory(starts_at=T - timedelta(days=14), ends_at=T - timedelta(hours=1), repeat_after_days=1)
    [repeat] = referral_rounds_rotate(now=T).scheduled

    report = referral_rounds_rotate(now=repeat.starts_at)

    assert report.opened == [repeat] and report.closed == [] and report.scheduled == []
    assert round_open(now=repeat.starts_at) == repeat


@pytest.mark.parametrize(
    ("repeat_after_days", "admin_scheduled"),
    [(None, False), (7, True)],
    ids=["no repeat asked", "admin scheduled the next one"],
)
def test_rotation_schedules_nothing_unless_asked_and_nothing_is_scheduled(repeat_after_days, admin_scheduled):
    ReferralRoundFactory(starts_at=T - timedelta(days=14), ends_at=T - timedelta(hours=1),
                         repeat_after_days=repeat_after_days)  # fmt: skip
    if admin_scheduled:
        ReferralRoundFactory(title="Весна", starts_at=T + timedelta(days=60), ends_at=T + timedelta(days=90))

    report = referral_rounds_rotate(now=T)

    assert len(report.closed) == 1 and report.scheduled == []
    assert ReferralRound.objects.count() == (2 if admin_scheduled else 1)


def test_the_referral_rounds_command_says_what_it_did():
    now = timezone.now()
    ReferralRoundFactory(title="Ноябрьский", starts_at=now - timedelta(days=30), ends_at=now - timedelta(days=2),
                         repeat_after_days=None)  # fmt: skip
    ReferralRoundFactory(title="Декабрьский", starts_at=now - timedelta(days=1), ends_at=now + timedelta(days=29),
                         repeat_after_days=3)  # fmt: skip
    out = StringIO()

    call_command("referral_rounds", stdout=out)

    lines = out.getvalue().splitlines()
    assert lines[0].startswith("closed: Ноябрьский (")
    assert lines[1].startswith("opened: Декабрьский (")
    assert len(lines) == 3 and re.findall(r"\d+", lines[2]) == ["1", "1", "0"]  # closed, opened, scheduled

    out = StringIO()
    call_command("referral_rounds", stdout=out)
    assert [re.findall(r"\d+", line) for line in out.getvalue().splitlines()] == [["0", "0", "0"]]  # nothing to do
