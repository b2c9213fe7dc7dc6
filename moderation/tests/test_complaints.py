"""Buyers' complaints (seed 001 «Обязанности продавцов», reason 2): filing with photos and a copy of the
conversation, who may file what, the seller's one answer, the admin's decisions with their sanctions,
reviews and e-mails, and the query budgets of the admin list and the cabinet page."""

import re

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.db import connection
from django.test.utils import CaptureQueriesContext

from catalog.models import Product
from catalog.tests.factories import ProductFactory
from marketplace.tests.factories import UserFactory
from messaging.models import Side
from moderation.exceptions import ComplaintError
from moderation.models import Complaint, ComplaintKind, ComplaintPhoto, ComplaintStatus, Sanction, SanctionKind
from moderation.services import complaint_answer, complaint_confirm, complaint_file, complaint_reject, sanction_impose
from orders.models import Review, ReviewKind
from shops.models import SanctionState
from shops.tests.factories import ShopFactory

from .complaint_builders import (
    BUYER,
    SELLER,
    TEXT,
    bulk_complaints,
    buyer_user,
    conversation,
    huge_photo,
    photo,
    placed,
    say,
    seller_shop,
)

pytestmark = pytest.mark.django_db

NEW = "/complaints/new/"
CABINET = "/cabinet/complaints/"
ADMIN_LIST = "/admin/moderation/complaint/"
DECISION = "Проверили переписку и фото: чашка пришла разбитой, продавец не ответил."


@pytest.fixture
def shop():
    return seller_shop()


@pytest.fixture
def buyer():
    return buyer_user()


@pytest.fixture
def order(shop, buyer):
    return placed(shop, buyer)


@pytest.fixture
def signed_in(client, buyer):
    client.force_login(buyer)
    return client


def file(client, query, *, kind="quality", text=TEXT, photos=(), capture=None):
    data = {"kind": kind, "text": text}
    if photos:
        data["photos"] = list(photos)
    if capture is None:
        return client.post(f"{NEW}?{query}", data)
    with capture(execute=True):
        return client.post(f"{NEW}?{query}", data)


def mails_to(mailoutbox, address):
    return [mail for mail in mailoutbox if mail.to == [address]]


# --- who may complain about what ------------------------------------------------------------------------


def test_a_guest_is_sent_to_log_in(client, order):
    response = client.get(f"{NEW}?order={order.number}")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    assert client.get("/complaints/").status_code == 302
    assert client.post(f"{NEW}?order={order.number}", {"kind": "quality", "text": TEXT}).status_code == 302
    assert not Complaint.objects.exists()


def test_another_buyers_order_and_conversation_are_404(client, shop, order):
    other = UserFactory()
    message = say(conversation(shop, order.buyer), Side.SHOP, "Здравствуйте!")
    own_message = say(conversation(shop, order.buyer), Side.BUYER, "Где заказ?")
    client.force_login(other)
    assert client.get(f"{NEW}?order={order.number}").status_code == 404
    assert client.get(f"{NEW}?message={message.pk}").status_code == 404
    assert client.post(f"{NEW}?order={order.number}", {"kind": "quality", "text": TEXT}).status_code == 404
    client.force_login(order.buyer)
    assert client.get(f"{NEW}?message={own_message.pk}").status_code == 404  # the buyer's own words
    assert client.get(f"{NEW}?order=0000-00000").status_code == 404
    assert client.get(NEW).status_code == 404  # about nothing
    assert client.get(f"{NEW}?order={order.number}&shop={shop.slug}").status_code == 404  # about two things
    assert client.get(f"{NEW}?product=abc").status_code == 404
    assert client.get(f"{NEW}?product=99999999999999999999").status_code == 404
    assert not Complaint.objects.exists()


def test_the_page_offers_the_kinds_that_fit_the_subject(signed_in, shop, order):
    page = signed_in.get(f"{NEW}?order={order.number}").content.decode()
    assert 'data-testid="complaint-form"' in page and 'data-kind="order"' in page
    assert set(re.findall(r'name="kind" value="(\w+)"', page)) == {"quality", "service", "fraud", "not_processed"}
    page = signed_in.get(f"{NEW}?shop={shop.slug}").content.decode()
    assert set(re.findall(r'name="kind" value="(\w+)"', page)) == {"quality", "service", "fraud", "other"}
    product = ProductFactory(shop=shop)
    page = signed_in.get(f"{NEW}?product={product.pk}").content.decode()
    assert 'data-kind="product"' in page and product.title in page


def test_a_hidden_product_cannot_be_complained_about_by_link(signed_in, shop):
    product = ProductFactory(shop=shop)
    Product.objects.filter(pk=product.pk).update(is_enabled=False)
    assert signed_in.get(f"{NEW}?product={product.pk}").status_code == 404


def test_the_owner_cannot_complain_about_their_own_shop(client, shop):
    client.force_login(shop.owner)
    response = file(client, f"shop={shop.slug}", kind="service")
    assert response.status_code == 400 and not Complaint.objects.exists()


# --- filing --------------------------------------------------------------------------------------------


def test_a_complaint_on_an_order_with_photos_reaches_the_seller(signed_in, shop, order, mailoutbox,
                                                                django_capture_on_commit_callbacks):  # fmt: skip
    response = file(signed_in, f"order={order.number}", photos=[photo("a.png"), photo("b.jpg")],
                    capture=django_capture_on_commit_callbacks)  # fmt: skip
    complaint = Complaint.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/complaints/{complaint.pk}/"
    assert (complaint.shop, complaint.order, complaint.author, complaint.kind, complaint.status) == (
        shop, order, order.buyer, ComplaintKind.QUALITY, ComplaintStatus.NEW)
    photos = list(complaint.photos.all())
    assert len(photos) == 2
    assert all(re.fullmatch(r"moderation/complaints/\d{4}/\d{2}/[0-9a-f]{32}\.(png|jpg)", p.image.name) for p in photos)
    [mail] = mails_to(mailoutbox, SELLER)
    assert order.number in mail.body and TEXT in mail.body and "/cabinet/complaints/" in mail.body
    assert not mails_to(mailoutbox, BUYER)  # the buyer sees it on the page
    page = signed_in.get(response["Location"]).content.decode()
    assert 'data-status="new"' in page and page.count('data-testid="complaint-photo"') == 2
    assert TEXT in page and 'data-testid="complaint-pending"' in page
    listing = signed_in.get("/complaints/").content.decode()
    assert listing.count('data-testid="complaint"') == 1 and order.number in listing


def test_another_buyers_complaint_page_is_404(client, signed_in, shop, order):
    complaint = complaint_file(author=order.buyer, order=order, kind="quality", text=TEXT)
    client.force_login(UserFactory())
    assert client.get(f"/complaints/{complaint.pk}/").status_code == 404
    assert "Мария" not in client.get("/complaints/").content.decode()


def test_a_complaint_on_a_message_carries_a_copy_of_the_conversation(signed_in, shop, buyer):
    conv = conversation(shop, buyer)
    say(conv, Side.BUYER, "Здравствуйте, когда отправите?")
    rude = say(conv, Side.SHOP, "Когда захочу, тогда и отправлю.")
    say(conv, Side.BUYER, "Это грубо.")
    response = file(signed_in, f"message={rude.pk}", kind="service", text="Хамство в переписке.")
    assert response.status_code == 302
    complaint = Complaint.objects.get()
    assert complaint.message == rude and complaint.shop == shop
    copy = complaint.conversation_copy
    assert copy.index("Здравствуйте, когда отправите?") < copy.index("Когда захочу") < copy.index("Это грубо.")
    assert "«Мастерская Анны»" in copy and "Мария Иванова" in copy
    [marked] = [line for line in copy.splitlines() if line.startswith("▶")]
    assert re.match(r"▶ \d{2}\.\d{2}\.\d{4} \d{2}:\d{2} · ", marked)
    assert signed_in.get(f"/complaints/{complaint.pk}/").content.decode().count("Когда захочу") == 1


def test_the_copy_keeps_the_latest_fifty_messages(shop, buyer):
    conv = conversation(shop, buyer)
    for number in range(60):
        say(conv, Side.SHOP if number % 2 else Side.BUYER, f"Сообщение №{number:02d}")
    complaint = complaint_file(author=buyer, shop=shop, kind="service", text=TEXT)
    assert "Сообщение №09" not in complaint.conversation_copy
    assert "Сообщение №10" in complaint.conversation_copy and "Сообщение №59" in complaint.conversation_copy


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"kind": "quality", "text": "   "}, "text"),
        ({"kind": "", "text": TEXT}, "kind"),
        ({"kind": "other", "text": TEXT}, "kind"),  # not offered on an order
        ({"kind": "quality", "text": "х" * 5001}, "text"),
    ],
)
def test_bad_inputs_are_errors_on_the_page_and_nothing_is_saved(signed_in, order, data, field):
    response = signed_in.post(f"{NEW}?order={order.number}", data)
    assert response.status_code == 400
    assert 'invalid-feedback' in response.content.decode()
    assert response.context["form"].errors[field]
    assert not Complaint.objects.exists()


def test_six_photos_a_huge_image_or_not_an_image_save_nothing(signed_in, order, settings, tmp_path):
    for photos in ([photo(f"p{n}.png") for n in range(6)], [photo(), huge_photo()]):
        response = file(signed_in, f"order={order.number}", photos=photos)
        assert response.status_code == 400 and response.context["form"].errors["photos"]
    response = file(signed_in, f"order={order.number}", photos=[photo(), photo("tiny.png", size=(40, 40))])
    assert response.status_code == 400 and "40×40" in response.context["form"].errors["photos"][0]
    assert not Complaint.objects.exists() and not ComplaintPhoto.objects.exists()
    media = tmp_path / "media"
    assert not media.exists() or not any(path.is_file() for path in media.rglob("*"))


def test_the_same_complaint_twice_waits_for_the_first(signed_in, order):
    assert file(signed_in, f"order={order.number}").status_code == 302
    response = file(signed_in, f"order={order.number}", kind="service")
    assert response.status_code == 400 and response.context["form"].non_field_errors()
    assert Complaint.objects.count() == 1


def test_filing_is_rate_limited_per_user(signed_in, monkeypatch):
    monkeypatch.setattr("moderation.views.complaints.FILING_RATE", "2/d")
    shops = [ShopFactory() for _ in range(3)]
    assert [file(signed_in, f"shop={s.slug}", kind="service").status_code for s in shops] == [302, 302, 429]
    assert Complaint.objects.count() == 2


def test_errors_do_not_count_against_the_limit(signed_in, order, monkeypatch):
    monkeypatch.setattr("moderation.views.complaints.FILING_RATE", "1/d")
    assert file(signed_in, f"order={order.number}", text="").status_code == 400
    assert file(signed_in, f"order={order.number}").status_code == 302


# --- the links where buyers are --------------------------------------------------------------------------


def test_complain_links_on_the_order_storefront_product_and_conversation(client, signed_in, shop, order):
    page = signed_in.get(f"/orders/{order.number}/").content.decode()
    assert f'href="/complaints/new/?order={order.number}"' in page
    assert f'href="/complaints/new/?shop={shop.slug}"' in signed_in.get(f"/shops/{shop.slug}/").content.decode()
    product = order.items.get().product
    client.logout()
    anonymous = client.get(f"/p/{product.pk}/").content.decode()  # cached for visitors: a plain link
    assert f'href="/complaints/new/?product={product.pk}"' in anonymous
    conv = conversation(shop, order.buyer)
    from_shop, from_buyer = say(conv, Side.SHOP, "Добрый день!"), say(conv, Side.BUYER, "Здравствуйте")
    client.force_login(order.buyer)
    thread = client.get(f"/messages/{conv.pk}/").content.decode()
    assert f"/complaints/new/?message={from_shop.pk}" in thread
    assert f"/complaints/new/?message={from_buyer.pk}" not in thread


def test_no_complain_link_on_an_order_page_seen_by_a_guest_link(client, shop):
    order = placed(shop, None)
    page = client.get(order.get_absolute_url()).content.decode()
    assert 'data-testid="order-complain"' not in page


# --- the seller's answer ----------------------------------------------------------------------------------


@pytest.fixture
def received(order):
    return complaint_file(author=order.buyer, order=order, kind="service", text=TEXT)


def test_the_cabinet_page_permissions(client, shop, received):
    assert client.get(CABINET).status_code == 302  # anonymous → log in
    client.force_login(received.author)  # a buyer without a shop
    assert client.get(CABINET).status_code == 404
    other = ShopFactory()
    client.force_login(other.owner)
    page = client.get(CABINET).content.decode()
    assert TEXT not in page and 'data-testid="cabinet-complaints-empty"' in page
    response = client.post(f"/cabinet/complaints/{received.pk}/answer/", {f"c{received.pk}-text": "Не моё"})
    assert response.status_code == 404
    client.force_login(shop.owner)
    page = client.get(CABINET).content.decode()
    assert TEXT in page and 'data-count="1"' in page and 'data-testid="cabinet-complaints"' in page


def test_the_seller_answers_once(client, shop, received):
    client.force_login(shop.owner)
    url = f"/cabinet/complaints/{received.pk}/answer/"
    assert client.post(url, {f"c{received.pk}-text": "  "}).status_code == 400
    response = client.post(url, {f"c{received.pk}-text": "Отправили замену, трек в переписке."})
    assert response.status_code == 302
    received.refresh_from_db()
    assert received.seller_answer == "Отправили замену, трек в переписке." and received.seller_answered_at
    page = client.get(CABINET).content.decode()
    assert 'data-testid="cabinet-complaint-answer"' in page and 'data-testid="cabinet-complaint-form"' not in page
    assert client.post(url, {f"c{received.pk}-text": "Ещё раз"}).status_code == 400
    received.refresh_from_db()
    assert received.seller_answer == "Отправили замену, трек в переписке."
    with pytest.raises(ComplaintError):
        complaint_answer(complaint=received, actor=UserFactory(), text="Чужой ответ")


def test_the_cabinet_page_has_a_query_budget(client, shop):
    client.force_login(shop.owner)
    bulk_complaints(shop, 3, photos=2)
    client.get(CABINET)  # warm: the account and the badges come from the cache afterwards
    with CaptureQueriesContext(connection) as few:
        assert client.get(CABINET).status_code == 200
    bulk_complaints(shop, 297, photos=2)
    with CaptureQueriesContext(connection) as many:
        page = client.get(CABINET).content.decode()
    assert len(many) == len(few)
    assert page.count('data-testid="cabinet-complaint"') == 20 and 'data-count="300"' in page


# --- decisions --------------------------------------------------------------------------------------------


@pytest.fixture
def staff():
    return UserFactory(is_staff=True, email="moderator@example.com")


def decide(capture, service, **kwargs):
    with capture(execute=True):
        return service(**kwargs)


def test_a_confirmed_quality_complaint_is_a_warning_and_a_negative_review(
    shop, order, staff, mailoutbox, django_capture_on_commit_callbacks
):
    complaint = complaint_file(author=order.buyer, order=order, kind="quality", text=TEXT)
    decide(django_capture_on_commit_callbacks, complaint_confirm, complaint=complaint, actor=staff,
           decision=DECISION, rating=2)  # fmt: skip
    complaint.refresh_from_db()
    assert (complaint.status, complaint.decision, complaint.decided_by) == (ComplaintStatus.CONFIRMED, DECISION, staff)
    assert complaint.decided_at is not None
    [warning] = Sanction.objects.all()
    assert (warning.kind, warning.reason, warning.complaint, warning.order, warning.created_by) == (
        SanctionKind.WARNING, "quality", complaint, order, staff)
    [review] = Review.objects.all()
    assert (review.kind, review.rating, review.text, review.shop) == (ReviewKind.MODERATION, 2, DECISION, shop)
    shop.refresh_from_db()
    assert shop.rating_count == 1 and shop.sanction_state == SanctionState.ACTIVE
    assert all(len(mail.to) == 1 for mail in mailoutbox)
    seller_mails, buyer_mails = mails_to(mailoutbox, SELLER), mails_to(mailoutbox, BUYER)
    assert len(buyer_mails) == 1 and DECISION in buyer_mails[0].body
    assert len(seller_mails) == 2  # the decision, and the warning with the way to appeal
    assert all(DECISION in mail.body for mail in seller_mails)


def test_the_third_warning_bans_the_shop(shop, order, staff):
    for _ in range(2):
        sanction_impose(shop=shop, kind=SanctionKind.WARNING, reason="other", details="Раньше", actor=staff)
    complaint = complaint_file(author=order.buyer, order=order, kind="service", text=TEXT)
    complaint_confirm(complaint=complaint, actor=staff, decision=DECISION)
    shop.refresh_from_db()
    assert shop.sanction_state == SanctionState.BANNED
    assert Sanction.objects.filter(kind=SanctionKind.BAN, reason="warnings").count() == 1


def test_a_confirmed_fraud_is_a_permanent_ban(shop, order, staff, mailoutbox, django_capture_on_commit_callbacks):
    complaint = complaint_file(author=order.buyer, order=order, kind="fraud", text=TEXT)
    decide(django_capture_on_commit_callbacks, complaint_confirm, complaint=complaint, actor=staff,
           decision="Оплаченный товар не отправлен, трек поддельный.")  # fmt: skip
    [ban] = Sanction.objects.all()
    assert (ban.kind, ban.reason, ban.complaint) == (SanctionKind.BAN, "fraud", complaint)
    shop.refresh_from_db()
    assert shop.sanction_state == SanctionState.BANNED and not Review.objects.exists()
    assert len(mails_to(mailoutbox, BUYER)) == 1 and len(mails_to(mailoutbox, SELLER)) == 2


def test_a_rejected_complaint_tells_both_sides_why(shop, order, staff, mailoutbox, django_capture_on_commit_callbacks):
    complaint = complaint_file(author=order.buyer, order=order, kind="quality", text=TEXT)
    reason = "На фото целая чашка; продавец ответил в тот же день."
    decide(django_capture_on_commit_callbacks, complaint_reject, complaint=complaint, actor=staff, reason=reason)
    complaint.refresh_from_db()
    assert (complaint.status, complaint.decision, complaint.decided_by) == (ComplaintStatus.REJECTED, reason, staff)
    assert not Sanction.objects.exists() and not Review.objects.exists()
    [to_seller], [to_buyer] = mails_to(mailoutbox, SELLER), mails_to(mailoutbox, BUYER)
    assert reason in to_seller.body and reason in to_buyer.body
    with pytest.raises(ComplaintError):
        complaint_confirm(complaint=complaint, actor=staff, decision=DECISION)


@pytest.mark.parametrize(
    ("decision", "rating"), [("", 1), ("Коротко", 1), (DECISION, 5), ("Звоните +7 926 555-01-01", 1)]
)
def test_a_decision_that_cannot_be_the_review_changes_nothing(order, staff, decision, rating):
    complaint = complaint_file(author=order.buyer, order=order, kind="quality", text=TEXT)
    with pytest.raises(ComplaintError):
        complaint_confirm(complaint=complaint, actor=staff, decision=decision, rating=rating)
    complaint.refresh_from_db()
    assert complaint.status == ComplaintStatus.NEW and complaint.decided_at is None
    assert not Sanction.objects.exists() and not Review.objects.exists()


# --- the admin ----------------------------------------------------------------------------------------------


def test_the_admin_decides_on_the_complaints_page(admin_client, admin_user, order, mailoutbox,
                                                  django_capture_on_commit_callbacks):  # fmt: skip
    complaint = complaint_file(author=order.buyer, order=order, kind="quality", text=TEXT,
                               photos=[photo()])  # fmt: skip
    complaint_answer(complaint=complaint, actor=order.shop.owner, text="Чашка была целой при отправке.")
    url = f"{ADMIN_LIST}{complaint.pk}/decide/"
    page = admin_client.get(url).content.decode()
    assert 'data-testid="decide-photo"' in page and "Чашка была целой при отправке." in page
    assert 'data-testid="confirm-form"' in page and 'data-testid="reject-form"' in page
    change = admin_client.get(f"{ADMIN_LIST}{complaint.pk}/change/").content.decode()
    assert 'name="text"' not in change and url in change and "<img" in change
    assert admin_client.post(url, {"do": "confirm", "decision": "", "rating": "1"}).status_code == 400
    assert admin_client.post(url, {"do": "reject", "reason": ""}).status_code == 400
    complaint.refresh_from_db()
    assert complaint.status == ComplaintStatus.NEW
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(url, {"do": "confirm", "decision": DECISION, "rating": "2"})
    assert response.status_code == 302
    complaint.refresh_from_db()
    assert complaint.status == ComplaintStatus.CONFIRMED and complaint.decided_by == admin_user
    assert Review.objects.get().rating == 2 and Sanction.objects.get().kind == SanctionKind.WARNING
    assert len(mails_to(mailoutbox, BUYER)) == 1


def test_bulk_confirm_uses_the_standard_wording_but_never_bans(admin_client, shop, order):
    quality = complaint_file(author=order.buyer, order=order, kind="quality", text=TEXT)
    fraud = complaint_file(author=UserFactory(), shop=shop, kind="fraud", text=TEXT)
    admin_client.post(ADMIN_LIST, {"action": "confirm", ACTION_CHECKBOX_NAME: [quality.pk, fraud.pk]})
    quality.refresh_from_db(), fraud.refresh_from_db()
    assert quality.status == ComplaintStatus.CONFIRMED and quality.decision
    assert fraud.status == ComplaintStatus.NEW
    assert not Sanction.objects.filter(kind=SanctionKind.BAN).exists()


def test_bulk_reject_asks_for_the_reason_first(admin_client, shop, order):
    complaint = complaint_file(author=order.buyer, order=order, kind="quality", text=TEXT)
    data = {"action": "reject", ACTION_CHECKBOX_NAME: [complaint.pk]}
    response = admin_client.post(ADMIN_LIST, data)
    assert response.status_code == 200 and 'name="reason"' in response.content.decode()
    assert admin_client.post(ADMIN_LIST, {**data, "reason": ""}).status_code == 400
    admin_client.post(ADMIN_LIST, {**data, "reason": "Не подтвердилось."})
    complaint.refresh_from_db()
    assert (complaint.status, complaint.decision) == (ComplaintStatus.REJECTED, "Не подтвердилось.")


def test_the_admin_list_puts_new_ones_first_and_filters(admin_client, shop, order):
    decided = complaint_file(author=UserFactory(), shop=shop, kind="service", text="Старая")
    complaint_reject(complaint=decided, actor=UserFactory(is_staff=True), reason="Нет")
    fresh = complaint_file(author=order.buyer, order=order, kind="quality", text=TEXT)
    older_new = complaint_file(author=UserFactory(), shop=shop, kind="other", text="Другая")
    Complaint.objects.filter(pk=older_new.pk).update(created_at=fresh.created_at.replace(year=2020))
    Complaint.objects.filter(pk=decided.pk).update(created_at=fresh.created_at.replace(year=2099))
    ids = list(admin_client.get(ADMIN_LIST).context["cl"].result_list.values_list("pk", flat=True))
    assert ids == [fresh.pk, older_new.pk, decided.pk]
    assert [c.pk for c in admin_client.get(f"{ADMIN_LIST}?status__exact=new&kind__exact=quality").context[
        "cl"].result_list] == [fresh.pk]  # fmt: skip
    assert [c.pk for c in admin_client.get(f"{ADMIN_LIST}?about=order").context["cl"].result_list] == [fresh.pk]


def test_the_admin_list_has_a_query_budget(admin_client, shop, order):
    bulk_complaints(shop, 3, photos=2)
    admin_client.get(ADMIN_LIST)  # warm: the account and the badges come from the cache afterwards
    with CaptureQueriesContext(connection) as few:
        assert admin_client.get(ADMIN_LIST).status_code == 200
    bulk_complaints(shop, 297, photos=2)
    complaint_file(author=order.buyer, order=order, kind="quality", text=TEXT)  # one about an order, too
    with CaptureQueriesContext(connection) as many:
        assert admin_client.get(ADMIN_LIST).status_code == 200
    assert len(many) == len(few)


def test_complaint_photos_are_private_to_the_complainant_the_seller_and_staff(client, settings, tmp_path):
    """Photos may show a buyer's home or parcel: /media/ refuses them; only their own view sends them."""
    from shops.tests.factories import image_upload

    settings.MEDIA_ROOT = tmp_path
    buyer, stranger = UserFactory(), UserFactory()
    shop = ShopFactory()
    complaint = Complaint.objects.create(shop=shop, author=buyer, kind="quality", text="Брак: трещина на кружке")
    photo = ComplaintPhoto.objects.create(complaint=complaint, image=image_upload(fmt="JPEG", name="crack.jpg"))
    url = photo.get_absolute_url()
    assert client.get(f"/media/{photo.image.name}").status_code == 404
    assert client.get(url).status_code == 302  # log in first
    client.force_login(stranger)
    assert client.get(url).status_code == 404
    for person in (buyer, shop.owner, UserFactory(is_staff=True)):
        client.force_login(person)
        response = client.get(url)
        assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
