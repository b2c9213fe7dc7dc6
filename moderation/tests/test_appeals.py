"""«Написать нам»: anyone writes, a seller names an active sanction; the deadline is three Russian working
days; the admin lists messages overdue first, lifts the sanction («Снять санкцию») or answers — never a ban."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.auth.models import Permission
from django.utils import timezone

from marketplace.tests.factories import UserFactory
from marketplace.workdays import add_workdays, is_workday
from moderation.models import Appeal, Sanction, SanctionKind, SanctionReason
from moderation.services import AppealError, appeal_answer, appeal_lift, appeal_submit, sanction_impose, sanction_lift
from shops.models import SanctionState
from shops.tests.factories import ShopFactory

pytestmark = pytest.mark.django_db

APPEALS = "/admin/moderation/appeal/"
MOSCOW = ZoneInfo("Europe/Moscow")


@pytest.fixture
def seller():
    return UserFactory(email="anna@example.com", name="Анна Петрова")


@pytest.fixture
def shop(seller):
    return ShopFactory(owner=seller, name="Мастерская Анны", slug="anna")


@pytest.fixture
def hidden(shop):
    return sanction_impose(shop=shop, kind=SanctionKind.HIDE_PRODUCTS, reason=SanctionReason.UNANSWERED,
                           details="Три сообщения без ответа больше трёх дней")  # fmt: skip


@pytest.fixture
def staff():
    user = UserFactory(is_staff=True, email="moderator@lavka.test")
    user.user_permissions.set(Permission.objects.filter(
        content_type__app_label="moderation",
        codename__in=["view_appeal", "change_appeal", "view_sanction", "change_sanction"],
    ))  # fmt: skip
    return user


@pytest.fixture
def staff_client(client, staff):
    client.force_login(staff)
    return client


def submit(author=None, sanction=None, **changes):
    data = {"name": "Анна", "email": "anna@example.com", "text": "Ответила всем покупателям, больше не повторится."}
    return appeal_submit(author=author, sanction=sanction, **{**data, **changes})


def at(monkeypatch, moment: datetime):
    monkeypatch.setattr(timezone, "now", lambda: moment)


# --- the deadline ------------------------------------------------------------------------------------------


def test_the_deadline_skips_the_weekend_the_holiday_and_the_day_off_moved_by_decree(monkeypatch, seller, hidden):
    # Wednesday 11 June 2025: Russia Day on Thursday the 12th, Friday the 13th a moved day off, then the weekend.
    at(monkeypatch, datetime(2025, 6, 11, 18, 30, tzinfo=MOSCOW))
    appeal = submit(author=seller, sanction=hidden)
    assert appeal.deadline == add_workdays(date(2025, 6, 11), 3) == date(2025, 6, 18)
    assert not any(is_workday(date(2025, 6, day)) for day in (12, 13, 14, 15))


def test_the_deadline_counts_from_the_day_in_moscow(monkeypatch):
    # Friday 23:30 UTC is already Saturday in Moscow: Monday, Tuesday, Wednesday.
    at(monkeypatch, datetime(2025, 3, 14, 23, 30, tzinfo=ZoneInfo("UTC")))
    assert submit().deadline == date(2025, 3, 19) == add_workdays(date(2025, 3, 15), 3)


# --- writing ------------------------------------------------------------------------------------------------


def test_a_guest_writes_and_gets_a_receipt(mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        appeal = submit(name="  Мария   Иванова ", email="masha@example.com", text="Как стать продавцом?")
    assert appeal.author is None and appeal.sanction is None and appeal.name == "Мария Иванова"
    assert len(mailoutbox) == 1 and mailoutbox[0].to == ["masha@example.com"]
    assert appeal.deadline.strftime("%Y") in mailoutbox[0].body
    assert "Как стать продавцом" not in mailoutbox[0].body  # the receipt relays nothing typed


def test_a_seller_names_their_own_active_sanction(seller, hidden, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        appeal = submit(author=seller, sanction=hidden)
    assert appeal.sanction == hidden and appeal.author == seller
    assert mailoutbox[-1].to == ["anna@example.com"] and "/cabinet/sanctions/" in mailoutbox[-1].body


def test_another_shops_a_lifted_or_a_ban_sanction_cannot_be_named(seller, shop, hidden):
    other = sanction_impose(shop=ShopFactory(), kind=SanctionKind.HIDE_PRODUCTS, reason=SanctionReason.OTHER,
                            details="Чужая санкция")  # fmt: skip
    ban = sanction_impose(shop=shop, kind=SanctionKind.BAN, reason=SanctionReason.FRAUD, details="Мошенничество")
    lifted = sanction_impose(shop=shop, kind=SanctionKind.WARNING, reason=SanctionReason.QUALITY, details="Брак")
    sanction_lift(sanction=lifted, actor=UserFactory(is_staff=True), reason="Ошибка")
    for sanction in (other, ban, lifted):
        with pytest.raises(AppealError) as error:
            submit(author=seller, sanction=sanction)
        assert error.value.field == "sanction"
    with pytest.raises(AppealError):
        submit(author=None, sanction=hidden)  # a guest names no sanction
    assert not Appeal.objects.exists()


@pytest.mark.parametrize(("changes", "field"), [
    ({"text": "   "}, "text"),
    ({"text": "я" * 5001}, "text"),
    ({"text": "Подробности на https://example.com/fix"}, "text"),
    ({"name": ""}, "name"),
    ({"email": "не-почта"}, "email"),
])  # fmt: skip
def test_bad_messages_are_refused_with_the_field_named(changes, field):
    with pytest.raises(AppealError) as error:
        submit(**changes)
    assert error.value.field == field
    assert not Appeal.objects.exists()


# --- the page -------------------------------------------------------------------------------------------------


def test_the_footer_links_the_page_and_a_guest_sees_no_sanction_field(client):
    assert 'href="/contact/"' in client.get("/").content.decode()
    response = client.get("/contact/")
    assert response.status_code == 200
    assert 'data-testid="contact-form"' in response.content.decode()
    assert "sanction" not in response.context["form"].fields


def test_a_seller_sees_only_their_active_sanctions_prefilled(client, seller, shop, hidden):
    # Another shop's sanction is not offered.
    sanction_impose(shop=ShopFactory(), kind=SanctionKind.WARNING, reason=SanctionReason.OTHER, details="Чужое")
    client.force_login(seller)
    response = client.get(f"/contact/?sanction={hidden.pk}")
    form = response.context["form"]
    assert list(form.fields["sanction"].queryset) == [hidden]
    assert form.initial == {"name": "Анна Петрова", "email": "anna@example.com", "sanction": hidden.pk}
    assert f'<option value="{hidden.pk}" selected>' in response.content.decode()


def test_a_seller_writes_about_the_sanction_and_lands_on_the_sanctions_page(client, seller, hidden):
    client.force_login(seller)
    response = client.post("/contact/", {"name": "Анна", "email": "anna@example.com", "sanction": hidden.pk,
                                         "text": "Ответила всем покупателям."})  # fmt: skip
    assert response.status_code == 302 and response["Location"] == "/cabinet/sanctions/"
    assert Appeal.objects.get().sanction == hidden


def test_a_message_with_a_link_is_refused_and_nothing_saved(client):
    response = client.post("/contact/", {"name": "Гость", "email": "guest@example.com",
                                         "text": "Смотрите www.example.com"})  # fmt: skip
    assert response.status_code == 400
    assert response.context["form"].errors["text"]
    assert not Appeal.objects.exists()


def test_guests_are_rate_limited_per_address(client, settings):
    data = {"name": "Гость", "email": "guest@example.com", "text": "Вопрос о доставке"}
    for _ in range(5):
        assert client.post("/contact/", data).status_code == 302
    response = client.post("/contact/", data)
    assert response.status_code == 429
    assert Appeal.objects.count() == 5


# --- the admin ------------------------------------------------------------------------------------------------


def test_the_list_puts_overdue_first_then_by_deadline(staff_client, hidden):
    today = timezone.localdate()
    Appeal.objects.create(name="Просрочено", email="a@example.com", text="…", deadline=today - timedelta(days=1))
    Appeal.objects.create(name="Скоро", email="b@example.com", text="…", deadline=today)
    Appeal.objects.create(name="Позже", email="c@example.com", text="…", deadline=today + timedelta(days=3),
                          sanction=hidden)  # fmt: skip
    Appeal.objects.create(name="Отвечено", email="d@example.com", text="…", deadline=today - timedelta(days=5),
                          resolved_at=timezone.now(), resolution="Ответили")  # fmt: skip

    def listed(query=""):
        return [appeal.name for appeal in staff_client.get(f"{APPEALS}?{query}").context["cl"].result_list]

    assert listed() == ["Просрочено", "Скоро", "Позже", "Отвечено"]
    assert listed("state=overdue") == ["Просрочено"]
    assert listed("state=open") == ["Просрочено", "Скоро", "Позже"]
    assert listed("state=resolved") == ["Отвечено"]
    page = staff_client.get(APPEALS).content.decode()
    assert "Мастерская Анны" in page  # the sanction's shop


def test_lifting_through_the_message_lifts_the_sanction_resolves_it_and_emails_the_seller(
    staff_client, staff, seller, shop, hidden, mailoutbox, django_capture_on_commit_callbacks
):
    appeal = submit(author=seller, sanction=hidden)
    page = staff_client.get(f"{APPEALS}{appeal.pk}/change/").content.decode()
    assert 'data-testid="admin-appeal-lift"' in page and 'data-testid="admin-answer"' in page
    assert staff_client.get(f"{APPEALS}{appeal.pk}/lift/").status_code == 200
    assert staff_client.post(f"{APPEALS}{appeal.pk}/lift/", {"reason": ""}).status_code == 400
    mailoutbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(f"{APPEALS}{appeal.pk}/lift/", {"reason": "Покупателям ответили, проверено"})
    assert response.status_code == 302
    appeal.refresh_from_db(), hidden.refresh_from_db(), shop.refresh_from_db()
    assert not hidden.is_active and hidden.lifted_by == staff
    assert appeal.resolved_at and appeal.resolved_by == staff and appeal.resolution == "Покупателям ответили, проверено"
    assert shop.sanction_state == SanctionState.ACTIVE
    assert len(mailoutbox) == 1 and mailoutbox[0].to == ["anna@example.com"]
    assert "Покупателям ответили, проверено" in mailoutbox[0].body


def test_answering_keeps_the_sanction_and_emails_the_writer(staff_client, seller, hidden, mailoutbox,
                                                            django_capture_on_commit_callbacks):  # fmt: skip
    appeal = submit(author=seller, sanction=hidden, email="anna.work@example.com")
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(f"{APPEALS}{appeal.pk}/answer/", {"reason": "Ответьте ещё на два сообщения."})
    assert response.status_code == 302
    appeal.refresh_from_db(), hidden.refresh_from_db()
    assert appeal.resolved_at and hidden.is_active
    assert len(mailoutbox) == 1 and mailoutbox[0].to == ["anna.work@example.com"]
    assert "Ответьте ещё на два сообщения." in mailoutbox[0].body
    with pytest.raises(AppealError, match="уже ответили"):
        appeal_answer(appeal=appeal, actor=None, resolution="Ещё раз")


def test_a_ban_is_never_lifted_through_a_message_not_even_by_a_superuser(admin_client, seller, shop):
    ban = sanction_impose(shop=shop, kind=SanctionKind.BAN, reason=SanctionReason.FRAUD, details="Мошенничество")
    # The form offers no ban; an older message may name a sanction that became part of a ban's record.
    appeal = Appeal.objects.create(author=seller, name="Анна", email="anna@example.com", text="Снимите бан",
                                   sanction=ban, deadline=timezone.localdate())  # fmt: skip
    superuser = UserFactory(is_staff=True, is_superuser=True)
    with pytest.raises(AppealError, match="Бан навсегда не снимается"):
        appeal_lift(appeal=appeal, actor=superuser, reason="Прошу")
    page = admin_client.get(f"{APPEALS}{appeal.pk}/change/").content.decode()
    assert 'data-testid="admin-ban-note"' in page and 'data-testid="admin-appeal-lift"' not in page
    assert admin_client.post(f"{APPEALS}{appeal.pk}/lift/", {"reason": "Прошу"}).status_code == 302
    ban.refresh_from_db(), shop.refresh_from_db()
    assert ban.is_active and shop.sanction_state == SanctionState.BANNED


def test_lifting_the_sanction_in_its_own_admin_resolves_the_open_messages(seller, hidden):
    appeal = submit(author=seller, sanction=hidden)
    sanction_lift(sanction=hidden, actor=UserFactory(is_staff=True), reason="Исправлено")
    appeal.refresh_from_db()
    assert appeal.resolved_at and appeal.resolution == "Исправлено"


def test_bulk_lift_and_answer(staff_client, seller, shop, hidden):
    second = sanction_impose(shop=shop, kind=SanctionKind.WARNING, reason=SanctionReason.CONTACTS,
                             details="Телефон в описании")  # fmt: skip
    first_appeal, second_appeal = submit(author=seller, sanction=hidden), submit(author=seller, sanction=second)
    question = submit(name="Гость", email="guest@example.com")
    selected = {"action": "lift_selected", ACTION_CHECKBOX_NAME: [first_appeal.pk, second_appeal.pk, question.pk]}
    assert 'name="reason"' in staff_client.post(APPEALS, selected).content.decode()
    staff_client.post(APPEALS, {**selected, "reason": "Исправлено"})
    assert not Sanction.objects.filter(lifted_at__isnull=True).exists()
    question.refresh_from_db()
    assert question.resolved_at is None  # not about a sanction: answered separately
    staff_client.post(APPEALS, {"action": "answer_selected", ACTION_CHECKBOX_NAME: [question.pk],
                                "reason": "Откройте магазин в кабинете."})  # fmt: skip
    question.refresh_from_db()
    assert question.resolution == "Откройте магазин в кабинете."


def test_staff_without_the_sanction_permission_cannot_lift(client, seller, hidden):
    answerer = UserFactory(is_staff=True)
    answerer.user_permissions.set(Permission.objects.filter(codename__in=["view_appeal", "change_appeal"]))
    client.force_login(answerer)
    appeal = submit(author=seller, sanction=hidden)
    assert client.post(f"{APPEALS}{appeal.pk}/lift/", {"reason": "x"}).status_code == 403
    hidden.refresh_from_db()
    assert hidden.is_active


@pytest.mark.parametrize("count", [3, 300])
def test_the_admin_list_query_budget_does_not_grow(staff_client, shop, hidden, count, django_assert_max_num_queries):
    today = timezone.localdate()
    Appeal.objects.bulk_create([
        Appeal(name=f"Продавец {index}", email=f"s{index}@example.com", text="Исправил", sanction=hidden,
               deadline=today + timedelta(days=index % 7 - 3))
        for index in range(count)
    ])  # fmt: skip
    staff_client.get(APPEALS)  # warm: the account comes from the cache afterwards
    with django_assert_max_num_queries(7):
        response = staff_client.get(APPEALS)
    assert response.status_code == 200
