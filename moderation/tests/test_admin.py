"""The admin: applications beside their criteria, approve / refuse with a reason / withdraw through the
services; flags of the re-check; complaints read-only once received."""

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.utils import translation

from marketplace.tests.factories import UserFactory
from moderation.models import ApplicationStatus, Complaint, ComplaintStatus, ReliableApplication, ReliableFlag
from moderation.services import reliable_apply, reliable_recheck
from shops.models import SanctionState
from shops.tests.factories import ShopFactory

from .factories import complaint, tracked_sale

pytestmark = pytest.mark.django_db

APPLICATIONS = "/admin/moderation/reliableapplication/"


@pytest.fixture
def shop():
    return ShopFactory(name="Мастерская Анны", slug="anna")


@pytest.fixture
def application(shop):
    tracked_sale(shop)
    complaint(shop, status=ComplaintStatus.CONFIRMED)
    shop.sanction_state = SanctionState.HIDDEN  # after the sale: a hidden shop takes no orders
    shop.save(update_fields=["sanction_state"])
    return reliable_apply(shop=shop, actor=shop.owner, message="Прошу рассмотреть")


def test_the_list_and_the_application_with_its_criteria_then_and_now(admin_client, application, shop):
    page = admin_client.get(APPLICATIONS).content.decode()
    assert "Мастерская Анны" in page
    shop.sanction_state = SanctionState.ACTIVE
    shop.save(update_fields=["sanction_state"])
    tracked_sale(shop)  # one more since applying
    shop.sanction_state = SanctionState.HIDDEN
    shop.save(update_fields=["sanction_state"])
    page = admin_client.get(f"{APPLICATIONS}{application.pk}/change/").content.decode()
    assert "Прошу рассмотреть" in page
    assert "<td>1</td>" in page and "<td>2</td>" in page  # tracked sales then and now
    assert "Товар с браком" in page  # the confirmed complaint
    with translation.override("ru"):
        assert str(SanctionState.HIDDEN.label) in page
    assert 'data-testid="admin-approve"' in page and 'data-testid="admin-refuse"' in page
    assert 'name="_save"' not in page  # nothing to edit: decisions are the buttons


def test_approve_from_the_application_page(admin_client, application, shop, mailoutbox,
                                           django_capture_on_commit_callbacks):  # fmt: skip
    assert admin_client.get(f"{APPLICATIONS}{application.pk}/approve/").status_code == 405
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(f"{APPLICATIONS}{application.pk}/approve/")
    assert response.status_code == 302
    shop.refresh_from_db(), application.refresh_from_db()
    assert shop.is_reliable and application.status == ApplicationStatus.APPROVED
    assert [mail.to for mail in mailoutbox] == [[shop.owner.email]]


def test_refusing_without_a_reason_is_impossible(admin_client, application, shop, mailoutbox):
    url = f"{APPLICATIONS}{application.pk}/refuse/"
    assert admin_client.get(url).status_code == 200
    response = admin_client.post(url, {"reason": "   "})
    assert response.status_code == 400
    application.refresh_from_db()
    assert application.status == ApplicationStatus.PENDING
    response = admin_client.post(url, {"reason": "Есть подтверждённая жалоба"})
    assert response.status_code == 302
    application.refresh_from_db()
    assert (application.status, application.reason) == (ApplicationStatus.REFUSED, "Есть подтверждённая жалоба")


def test_refuse_several_with_the_intermediate_reason_page(admin_client, application):
    other = reliable_apply(shop=(s := ShopFactory()), actor=s.owner)
    ids = [str(application.pk), str(other.pk)]
    response = admin_client.post(APPLICATIONS, {"action": "refuse_selected", ACTION_CHECKBOX_NAME: ids})
    assert response.status_code == 200 and 'name="reason"' in response.content.decode()
    response = admin_client.post(APPLICATIONS, {"action": "refuse_selected", ACTION_CHECKBOX_NAME: ids, "reason": ""})
    assert response.status_code == 400
    assert ReliableApplication.objects.filter(status=ApplicationStatus.PENDING).count() == 2
    admin_client.post(APPLICATIONS, {"action": "refuse_selected", ACTION_CHECKBOX_NAME: ids, "reason": "Мало продаж"})
    assert set(ReliableApplication.objects.values_list("status", "reason")) == {("refused", "Мало продаж")}


def test_approve_several_with_the_action(admin_client, application, shop):
    admin_client.post(APPLICATIONS, {"action": "approve_selected", ACTION_CHECKBOX_NAME: [application.pk]})
    shop.refresh_from_db()
    assert shop.is_reliable


def test_withdraw_the_badge_with_a_reason(admin_client, shop):
    shop.is_reliable = True
    shop.save(update_fields=["is_reliable", "updated_at"])
    url = f"{APPLICATIONS}withdraw/{shop.pk}/"
    assert admin_client.get(url).status_code == 200
    assert admin_client.post(url, {"reason": ""}).status_code == 400
    shop.refresh_from_db()
    assert shop.is_reliable
    assert admin_client.post(url, {"reason": "Жалоба подтверждена"}).status_code == 302
    shop.refresh_from_db()
    assert not shop.is_reliable and shop.reliable_withdrawals.get().reason == "Жалоба подтверждена"


def test_badge_holders_and_flags_lists_with_withdrawal(admin_client):
    holder = ShopFactory(name="Лён и хлопок", is_reliable=True)
    ShopFactory(name="Без этикетки")
    page = admin_client.get("/admin/moderation/badgeholder/").content.decode()
    assert "Лён и хлопок" in page and "Без этикетки" not in page
    assert admin_client.get(f"/admin/moderation/badgeholder/{holder.pk}/change/").status_code == 200
    reliable_recheck()
    flag = ReliableFlag.objects.get()
    flags = admin_client.get("/admin/moderation/reliableflag/?open=yes").content.decode()
    assert "Лён и хлопок" in flags
    assert admin_client.get(f"/admin/moderation/reliableflag/{flag.pk}/change/").status_code == 200
    admin_client.post("/admin/moderation/reliableflag/", {"action": "withdraw_badge", ACTION_CHECKBOX_NAME: [flag.pk],
                                                           "reason": "Продажи не подтверждаются"})  # fmt: skip
    holder.refresh_from_db(), flag.refresh_from_db()
    assert not holder.is_reliable and flag.resolved_at is not None


def test_the_recheck_flag_can_be_resolved_keeping_the_badge(admin_client):
    holder = ShopFactory(is_reliable=True)
    reliable_recheck()
    flag = ReliableFlag.objects.get()
    admin_client.post("/admin/moderation/reliableflag/", {"action": "mark_resolved", ACTION_CHECKBOX_NAME: [flag.pk]})
    flag.refresh_from_db(), holder.refresh_from_db()
    assert flag.resolved_at is not None and holder.is_reliable


def test_complaints_are_read_only_once_received_and_decided_by_actions(admin_client, shop):
    received = complaint(shop, status=ComplaintStatus.NEW, author=UserFactory())
    page = admin_client.get(f"/admin/moderation/complaint/{received.pk}/change/").content.decode()
    assert 'name="text"' not in page and "Товар с браком" in page
    admin_client.post("/admin/moderation/complaint/", {"action": "confirm", ACTION_CHECKBOX_NAME: [received.pk]})
    received.refresh_from_db()
    assert received.status == ComplaintStatus.CONFIRMED and received.decided_at is not None
    response = admin_client.post("/admin/moderation/complaint/add/",
                                 {"shop": shop.pk, "kind": "service", "text": "Жалоба администрации"})  # fmt: skip
    assert response.status_code == 302
    assert Complaint.objects.get(text="Жалоба администрации").author is None


def test_staff_without_permission_cannot_decide(client, application):
    staff = UserFactory(is_staff=True)
    client.force_login(staff)
    assert client.post(f"{APPLICATIONS}{application.pk}/approve/").status_code == 403
    assert client.post(f"{APPLICATIONS}{application.pk}/refuse/", {"reason": "x"}).status_code == 403
    application.refresh_from_db()
    assert application.status == ApplicationStatus.PENDING
