"""Applying for the badge, approving, refusing, withdrawing (each e-mailed to the seller), and the daily
re-check that flags holders below the criteria and never removes a badge itself."""

import pytest
from django.core.cache import cache
from django.core.management import call_command

from marketplace.notifications import site_url
from marketplace.pagecache import GENERATION_KEY
from marketplace.tests.factories import UserFactory
from moderation.exceptions import ComplaintError, ReliableError
from moderation.models import ApplicationStatus, ComplaintStatus, ReliableApplication, ReliableFlag
from moderation.services import (
    complaint_decide,
    reliable_apply,
    reliable_approve,
    reliable_flag_resolve,
    reliable_recheck,
    reliable_refuse,
    reliable_withdraw,
)
from moderation.tasks import reliable_recheck_task
from shops.tests.factories import ShopFactory

from .factories import bulk_tracked_sales, complaint, review, tracked_sale

pytestmark = pytest.mark.django_db

SELLER = "anna@example.com"


@pytest.fixture
def shop():
    return ShopFactory(name="Мастерская Анны", slug="anna", owner=UserFactory(email=SELLER))


@pytest.fixture
def admin():
    return UserFactory(is_staff=True, email="admin@example.com")


def qualify(shop):
    bulk_tracked_sales(shop, 7)
    for _ in range(3):
        review(tracked_sale(shop, buyer=UserFactory(name="Мария Иванова")), rating=5)


def apply(shop, mailoutbox, django_capture_on_commit_callbacks, message=""):
    with django_capture_on_commit_callbacks(execute=True):
        application = reliable_apply(shop=shop, actor=shop.owner, message=message)
    return application


def generation():
    return cache.get(GENERATION_KEY) or 0


# --- applying ------------------------------------------------------------------------------------


def test_applying_stores_the_criteria_of_the_day_and_mails_a_receipt(
    shop, mailoutbox, django_capture_on_commit_callbacks
):
    bulk_tracked_sales(shop, 8)
    application = apply(shop, mailoutbox, django_capture_on_commit_callbacks, message="Работаю с 2019 года")
    assert (application.status, application.applicant, application.message) == ("pending", shop.owner,
                                                                                 "Работаю с 2019 года")  # fmt: skip
    sales = next(row for row in application.criteria["criteria"] if row["code"] == "tracked_sales")
    assert (sales["value"], sales["met"], application.criteria["met"]) == ("8", False, False)
    [mail] = mailoutbox
    assert mail.to == [SELLER]
    assert "Мастерская Анны" in mail.subject
    assert f"{site_url()}/cabinet/trust/" in mail.body
    assert "2" in sales["missing"]  # «ещё 2 …»: the figure, in whatever language the catalog gives


def test_open_to_every_seller_even_below_the_criteria(shop, mailoutbox, django_capture_on_commit_callbacks):
    application = apply(shop, mailoutbox, django_capture_on_commit_callbacks)
    assert application.criteria["met"] is False and ReliableApplication.objects.count() == 1


def test_one_pending_application_at_a_time(shop, mailoutbox, django_capture_on_commit_callbacks, admin):
    first = apply(shop, mailoutbox, django_capture_on_commit_callbacks)
    with pytest.raises(ReliableError, match="already being considered|уже"):
        reliable_apply(shop=shop, actor=shop.owner)
    assert ReliableApplication.objects.count() == 1
    reliable_refuse(application=first, actor=admin, reason="Мало продаж с треками")
    second = reliable_apply(shop=shop, actor=shop.owner)  # after the answer, again
    assert second.status == ApplicationStatus.PENDING and ReliableApplication.objects.count() == 2


@pytest.mark.parametrize(
    ("who", "message", "field"),
    [("owner", "я" * 1001, "message"), ("stranger", "", None), ("holder", "", None)],
)
def test_bad_applications_are_refused(shop, who, message, field):
    actor = UserFactory() if who == "stranger" else shop.owner
    if who == "holder":
        shop.is_reliable = True
        shop.save(update_fields=["is_reliable", "updated_at"])
    with pytest.raises(ReliableError) as error:
        reliable_apply(shop=shop, actor=actor, message=message)
    assert error.value.field == field and str(error.value)
    assert not ReliableApplication.objects.exists()


# --- deciding ----------------------------------------------------------------------------------------


def test_approving_grants_the_badge_and_mails_the_seller(shop, admin, mailoutbox, django_capture_on_commit_callbacks):
    qualify(shop)
    application = apply(shop, mailoutbox, django_capture_on_commit_callbacks)
    mailoutbox.clear()
    before = generation()
    with django_capture_on_commit_callbacks(execute=True):
        reliable_approve(application=application, actor=admin)
    application.refresh_from_db(), shop.refresh_from_db()
    assert shop.is_reliable
    assert (application.status, application.decided_by) == (ApplicationStatus.APPROVED, admin)
    assert application.decided_at is not None
    assert generation() > before  # cached pages show the badge at once
    [mail] = mailoutbox
    assert mail.to == [SELLER] and "Мастерская Анны" in mail.subject


def test_refusing_needs_a_reason_which_is_mailed(shop, admin, mailoutbox, django_capture_on_commit_callbacks):
    application = apply(shop, mailoutbox, django_capture_on_commit_callbacks)
    mailoutbox.clear()
    for empty in ("", "   "):
        with pytest.raises(ReliableError) as error:
            reliable_refuse(application=application, actor=admin, reason=empty)
        assert error.value.field == "reason"
    application.refresh_from_db()
    assert application.status == ApplicationStatus.PENDING and not mailoutbox
    with django_capture_on_commit_callbacks(execute=True):
        reliable_refuse(application=application, actor=admin, reason="  Нет 10 продаж с треками  ")
    application.refresh_from_db(), shop.refresh_from_db()
    assert (application.status, application.reason, application.decided_by) == (
        ApplicationStatus.REFUSED, "Нет 10 продаж с треками", admin,
    )  # fmt: skip
    assert not shop.is_reliable
    [mail] = mailoutbox
    assert mail.to == [SELLER] and "Нет 10 продаж с треками" in mail.body
    assert "Нет 10 продаж с треками" in mail.alternatives[0][0]


def test_a_decided_application_cannot_be_decided_again(shop, admin):
    application = reliable_apply(shop=shop, actor=shop.owner)
    reliable_approve(application=application, actor=admin)
    with pytest.raises(ReliableError):
        reliable_refuse(application=application, actor=admin, reason="Передумали")
    with pytest.raises(ReliableError):
        reliable_approve(application=application, actor=admin)
    application.refresh_from_db()
    assert application.status == ApplicationStatus.APPROVED


def test_withdrawing_takes_the_badge_closes_flags_and_mails_the_reason(
    shop, admin, mailoutbox, django_capture_on_commit_callbacks
):
    shop.is_reliable = True
    shop.save(update_fields=["is_reliable", "updated_at"])
    flag = ReliableFlag.objects.create(shop=shop, failed=["complaints"])
    with pytest.raises(ReliableError):
        reliable_withdraw(shop=shop, actor=admin, reason="")
    before = generation()
    with django_capture_on_commit_callbacks(execute=True):
        withdrawal = reliable_withdraw(shop=shop, actor=admin, reason="Подтверждённая жалоба покупателя")
    shop.refresh_from_db(), flag.refresh_from_db()
    assert not shop.is_reliable and generation() > before
    assert (withdrawal.withdrawn_by, withdrawal.reason) == (admin, "Подтверждённая жалоба покупателя")
    assert flag.resolved_at is not None and flag.resolved_by == admin
    [mail] = mailoutbox
    assert mail.to == [SELLER] and "Подтверждённая жалоба покупателя" in mail.body
    with pytest.raises(ReliableError):  # nothing left to withdraw
        reliable_withdraw(shop=shop, actor=admin, reason="Ещё раз")


def test_complaint_decisions_feed_the_third_criterion(shop, admin):
    from moderation.selectors import reliable_criteria

    received = complaint(shop, status=ComplaintStatus.NEW)
    assert reliable_criteria(shop).complaints.met
    complaint_decide(complaint=received, actor=admin, status=ComplaintStatus.CONFIRMED)
    received.refresh_from_db()
    assert (received.decided_by, received.status) == (admin, ComplaintStatus.CONFIRMED)
    assert not reliable_criteria(shop).complaints.met
    with pytest.raises(ComplaintError):
        complaint_decide(complaint=received, actor=admin, status=ComplaintStatus.NEW)


# --- the daily re-check ------------------------------------------------------------------------------


def holder(**kwargs):
    shop = ShopFactory(is_reliable=True, **kwargs)
    return shop


def test_the_recheck_flags_holders_below_the_criteria_and_never_removes_a_badge(mailoutbox):
    fine, failing, ordinary = holder(), holder(), ShopFactory()
    qualify(fine)
    bulk_tracked_sales(failing, 3)
    assert reliable_recheck() == {"checked": 2, "flagged": 1, "still_flagged": 0, "resolved": 0}
    flag = ReliableFlag.objects.get()
    assert flag.shop == failing and flag.resolved_at is None
    assert flag.failed == ["tracked_sales", "positive_reviews", "average_rating"]
    assert flag.criteria["met"] is False
    fine.refresh_from_db(), failing.refresh_from_db(), ordinary.refresh_from_db()
    assert fine.is_reliable and failing.is_reliable and not ordinary.is_reliable

    # The next day: the same flag, updated, not a second one.
    complaint(failing)
    assert reliable_recheck()["still_flagged"] == 1
    flag.refresh_from_db()
    assert ReliableFlag.objects.count() == 1 and "complaints" in flag.failed
    failing.refresh_from_db()
    assert failing.is_reliable and not mailoutbox


def test_a_flag_closes_itself_when_the_criteria_are_met_again():
    shop = holder()
    reliable_recheck()
    qualify(shop)
    assert reliable_recheck()["resolved"] == 1
    flag = ReliableFlag.objects.get()
    assert flag.resolved_at is not None and flag.resolved_by is None
    shop.refresh_from_db()
    assert shop.is_reliable


def test_an_admin_resolves_a_flag_and_keeps_the_badge(admin):
    shop = holder()
    reliable_recheck()
    flag = reliable_flag_resolve(flag=ReliableFlag.objects.get(), actor=admin, resolution="Продавец в отпуске")
    assert (flag.resolved_by, flag.resolution) == (admin, "Продавец в отпуске")
    shop.refresh_from_db()
    assert shop.is_reliable
    assert reliable_recheck()["flagged"] == 1  # still below: flagged anew the next day


def test_the_task_and_the_command_run_the_recheck(capsys):
    holder()
    assert reliable_recheck_task.delay().get()["flagged"] == 1
    call_command("reliable_recheck")
    assert "checked: 1" in capsys.readouterr().out and ReliableFlag.objects.count() == 1


def test_the_recheck_is_in_the_beat_schedule(settings):
    task = "moderation.tasks.reliable_recheck_task"
    entry = next(entry for entry in settings.CELERY_BEAT_SCHEDULE.values() if entry["task"] == task)
    assert entry["schedule"].hour == {4}
