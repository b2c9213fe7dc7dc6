"""Buyers' messages left unanswered (seed 001, reason 4): three or more unread and unanswered for three
days hide the shop's products; the seller is warned a day before. The daily job, with frozen time."""

from datetime import datetime, timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from catalog.models import Product
from catalog.tests.factories import ProductFactory
from marketplace.tests.factories import UserFactory
from messaging.models import Conversation, Message, Side
from moderation.models import Sanction, SanctionKind, SanctionReason, ShopNotice
from moderation.services import messages_unanswered_check, sanction_impose
from moderation.tasks_queues import messages_unanswered_task
from shops.models import SanctionState
from shops.tests.factories import ShopFactory

pytestmark = pytest.mark.django_db

NOW = timezone.make_aware(datetime(2026, 3, 12, 6, 5))


@pytest.fixture
def shop():
    shop = ShopFactory(name="Мастерская Анны")
    ProductFactory(shop=shop)
    return shop


def ask(shop, *, days: float, count: int = 1, read=False, answered=False, side=Side.BUYER):
    """``count`` messages to the shop, each from a buyer of its own, sent ``days`` before NOW."""
    sent = NOW - timedelta(days=days)
    for _ in range(count):
        buyer = UserFactory()
        conversation = Conversation.objects.create(shop=shop, buyer=buyer, started_by=Side.BUYER, created_at=sent)
        Message.objects.create(
            conversation=conversation, sender_side=side, author=buyer if side == Side.BUYER else shop.owner,
            text="Здравствуйте! Есть ли этот шарф в синем цвете?", created_at=sent,
            read_at=sent + timedelta(hours=1) if read else None,
            answered_at=sent + timedelta(hours=2) if answered else None,
        )  # fmt: skip


def check(now=NOW, *, capture):
    with capture(execute=True):
        return messages_unanswered_check(now=now)


def hidden(shop) -> bool:
    shop.refresh_from_db()
    return shop.sanction_state == SanctionState.HIDDEN


def test_two_unanswered_messages_hide_nothing(shop, mailoutbox, django_capture_on_commit_callbacks):
    ask(shop, days=4, count=2)
    assert check(capture=django_capture_on_commit_callbacks) == {"hidden": 0, "warned": 0}
    assert not hidden(shop) and mailoutbox == []


def test_three_unanswered_for_three_days_hide_the_products(shop, mailoutbox, django_capture_on_commit_callbacks):
    ask(shop, days=3, count=2)
    ask(shop, days=5)
    assert check(capture=django_capture_on_commit_callbacks) == {"hidden": 1, "warned": 0}
    sanction = Sanction.objects.get(shop=shop)
    assert (sanction.kind, sanction.reason, sanction.created_by, sanction.lifted_at) == (
        SanctionKind.HIDE_PRODUCTS, SanctionReason.UNANSWERED, None, None)  # fmt: skip
    assert "3" in sanction.details and "синем цвете" in sanction.evidence
    assert hidden(shop) and not Product.objects.visible().filter(shop=shop).exists()
    assert [mail.to for mail in mailoutbox] == [[shop.owner.email]]


@pytest.mark.parametrize("done", [{"read": True}, {"answered": True}, {"side": Side.SHOP}])
def test_read_answered_or_the_shop_s_own_messages_do_not_count(shop, done, django_capture_on_commit_callbacks):
    ask(shop, days=4, count=2)
    ask(shop, days=4, **done)
    assert check(capture=django_capture_on_commit_callbacks)["hidden"] == 0
    assert not hidden(shop)


def test_messages_younger_than_three_days_do_not_hide(shop, django_capture_on_commit_callbacks):
    ask(shop, days=2.9, count=3)
    assert check(capture=django_capture_on_commit_callbacks)["hidden"] == 0


def test_other_shops_messages_do_not_add_up(shop, django_capture_on_commit_callbacks):
    ask(shop, days=4, count=2)
    ask(ShopFactory(), days=4, count=2)
    assert check(capture=django_capture_on_commit_callbacks)["hidden"] == 0


def test_the_seller_is_warned_once_a_day_before(shop, mailoutbox, django_capture_on_commit_callbacks):
    ask(shop, days=2.5, count=3)
    assert check(capture=django_capture_on_commit_callbacks) == {"hidden": 0, "warned": 1}
    assert [mail.to for mail in mailoutbox] == [[shop.owner.email]]
    assert "/cabinet/messages/" in mailoutbox[0].body
    assert ShopNotice.objects.filter(shop=shop, day=NOW.date()).count() == 1
    # The same day again (the job re-run by hand): nothing more.
    assert check(NOW + timedelta(hours=5), capture=django_capture_on_commit_callbacks) == {"hidden": 0, "warned": 0}
    assert len(mailoutbox) == 1 and not hidden(shop)
    # A day later the messages are three days old: hidden, and no second warning.
    assert check(NOW + timedelta(days=1), capture=django_capture_on_commit_callbacks) == {"hidden": 1, "warned": 0}
    assert hidden(shop) and len(mailoutbox) == 2
    assert mailoutbox[1].to == [shop.owner.email]


def test_a_shop_still_waiting_the_next_day_is_warned_again(shop, mailoutbox, django_capture_on_commit_callbacks):
    ask(shop, days=2.1, count=3)
    ask(shop, days=1.9)
    check(capture=django_capture_on_commit_callbacks)
    Message.objects.filter(created_at__lte=NOW - timedelta(days=2)).update(read_at=NOW)  # read, not answered
    ask(shop, days=1.5, count=2)
    assert check(NOW + timedelta(days=1), capture=django_capture_on_commit_callbacks) == {"hidden": 0, "warned": 1}
    assert len(mailoutbox) == 2


def test_running_twice_hides_once(shop, mailoutbox, django_capture_on_commit_callbacks):
    ask(shop, days=4, count=3)
    check(capture=django_capture_on_commit_callbacks)
    assert check(capture=django_capture_on_commit_callbacks) == {"hidden": 0, "warned": 0}
    assert check(NOW + timedelta(days=1), capture=django_capture_on_commit_callbacks) == {"hidden": 0, "warned": 0}
    assert Sanction.objects.filter(shop=shop).count() == 1 and len(mailoutbox) == 1


def test_a_shop_already_hidden_for_another_reason_gets_no_second_hiding(shop, django_capture_on_commit_callbacks):
    sanction_impose(shop=shop, kind=SanctionKind.HIDE_PRODUCTS, reason=SanctionReason.NOT_PROCESSED,
                    details="Заказ не обработан", notify_seller=False)  # fmt: skip
    ask(shop, days=4, count=3)
    assert check(capture=django_capture_on_commit_callbacks) == {"hidden": 0, "warned": 0}
    assert Sanction.objects.filter(shop=shop).count() == 1


def test_after_a_hiding_is_lifted_the_rule_applies_again(shop, admin_user, django_capture_on_commit_callbacks):
    from moderation.services import sanction_lift

    ask(shop, days=4, count=3)
    check(capture=django_capture_on_commit_callbacks)
    sanction_lift(sanction=Sanction.objects.get(shop=shop), actor=admin_user, reason="Продавец ответил")
    assert not hidden(shop)
    Message.objects.update(answered_at=NOW)
    assert check(NOW + timedelta(days=1), capture=django_capture_on_commit_callbacks)["hidden"] == 0


def test_the_task_and_the_command_run_the_check(shop, capsys):
    ask(shop, days=400, count=3)  # older than anything: the real clock of the task and command catches it
    assert messages_unanswered_task.delay().get() == {"hidden": 1, "warned": 0}
    call_command("messages_unanswered")
    assert "hidden: 0, warned: 0" in capsys.readouterr().out
