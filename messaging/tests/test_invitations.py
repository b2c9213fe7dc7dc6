"""«Дружные скидки» invitations as site messages: the inbox block, the header badge, privacy, queries."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from marketplace.tests.factories import UserFactory
from messaging import services
from messaging.models import Side
from messaging.selectors import unread_count_cached, unread_count_for_user
from referrals.invitations import invitations_send
from referrals.models import Invitation, ReferralLink, ReferralRound

from .factories import conversation_with

pytestmark = pytest.mark.django_db

INVITER_EMAIL = "maria.secret@example.com"


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


def open_round():
    now = timezone.now()
    return ReferralRound.objects.create(
        title="Декабрьский раунд", starts_at=now - timedelta(days=1), ends_at=now + timedelta(days=30),
        code_value=Decimal("399"), min_order_total=Decimal("400"),
    )  # fmt: skip


def link_of(inviter, round_=None):
    return ReferralLink.objects.create(round=round_ or open_round(), user=inviter, token=f"tok{inviter.pk}")


def invite(recipient, *, inviter=None, text="Привет! Загляни в Лавку.\nТут шарфы.", **fields):
    inviter = inviter or UserFactory(name="Мария Иванова", email=INVITER_EMAIL)
    link = ReferralLink.objects.filter(user=inviter).first() or link_of(inviter)
    return Invitation.objects.create(link=link, recipient=recipient, email=recipient.email, text=text, **fields)


def inbox(user):
    response = client_for(user).get(reverse("messaging:list"))
    assert response.status_code == 200
    return response.content.decode()


def test_inbox_shows_the_invitation_with_first_name_and_text_but_never_the_inviters_address():
    friend = UserFactory()
    invitation = invite(friend, text="Привет! <b>Загляни</b> в Лавку.\nТут шарфы.")
    page = inbox(friend)
    assert 'data-testid="invitations"' in page
    assert "Мария" in page and "Иванова" not in page
    assert INVITER_EMAIL not in page and "maria.secret" not in page
    assert "Привет! &lt;b&gt;Загляни&lt;/b&gt; в Лавку.<br>Тут шарфы." in page
    assert f'href="{reverse("referrals:follow", args=[invitation.link.token])}"' in page
    assert "invitation-unread" in page


def test_inbox_without_invitations_has_no_block_and_says_no_conversations():
    page = inbox(UserFactory())
    assert 'data-testid="invitations"' not in page
    assert "empty-state" in page


def test_invitations_without_conversations_rephrase_the_empty_state():
    friend = UserFactory()
    invite(friend)
    page = inbox(friend)
    assert 'data-testid="invitations"' in page and "empty-state" in page
    assert "Диалогов пока нет." not in page and "No conversations yet." not in page


def test_invitations_show_above_conversations():
    conversation = conversation_with()
    invite(conversation.buyer)
    page = inbox(conversation.buyer)
    assert page.index('data-testid="invitations"') < page.index('data-testid="conversation"')


def test_another_users_invitations_never_show():
    friend, stranger = UserFactory(), UserFactory()
    invite(friend, text="Только для друга")
    page = inbox(stranger)
    assert "Только для друга" not in page and 'data-testid="invitations"' not in page
    assert Invitation.objects.get().read_at is None  # the stranger's visit read nothing


def test_badge_counts_unread_invitations_and_drops_after_opening_the_inbox(django_capture_on_commit_callbacks):
    conversation = conversation_with()
    buyer = conversation.buyer
    # The shop's reply: one unread message for the buyer besides the invitations.
    services.message_send(conversation=conversation, author=conversation.shop.owner, side=Side.SHOP, text="Есть!")
    invite(buyer)
    invite(buyer, inviter=UserFactory(name="Олег"))
    invite(buyer, inviter=UserFactory(name="Пётр"), read_at=timezone.now())  # read already: not counted
    client = client_for(buyer)
    badge = client.get(reverse("messaging:unread-badge")).content.decode()
    assert ">3</span>" in badge
    assert unread_count_cached(buyer) == 3

    with django_capture_on_commit_callbacks(execute=True):
        page = client.get(reverse("messaging:list")).content.decode()
    assert page.count("invitation-unread") == 2  # shown as unread this once
    assert unread_count_cached(buyer) is None  # the cached figure is forgotten
    assert not Invitation.objects.filter(recipient=buyer, read_at__isnull=True).exists()
    badge = client.get(reverse("messaging:unread-badge")).content.decode()
    assert ">1</span>" in badge  # only the shop's message is left

    assert "invitation-unread" not in client.get(reverse("messaging:list")).content.decode()


def test_unread_count_is_one_query(django_assert_num_queries):
    friend = UserFactory()
    invite(friend)
    conversation_with(buyer=friend)
    with django_assert_num_queries(1):
        assert unread_count_for_user(friend) == 1


def test_delivery_hook_forgets_the_cached_count(django_capture_on_commit_callbacks):
    inviter = UserFactory(name="Мария", email=INVITER_EMAIL)
    friend = UserFactory(email="friend@example.com")
    link = link_of(inviter)
    assert unread_count_for_user(friend) == 0
    assert unread_count_cached(friend) == 0
    with django_capture_on_commit_callbacks(execute=True):
        result = invitations_send(link=link, actor=inviter, addresses_text="friend@example.com", own_text="Заходи!")
    assert result == {"sent": 1, "skipped": 0}
    assert unread_count_cached(friend) is None
    assert unread_count_for_user(friend) == 1
    assert "Заходи!" in inbox(friend)


def test_only_the_latest_ten_show_with_the_count_of_the_rest():
    friend = UserFactory()
    inviters = [UserFactory(name=f"Друг{n} Фамилия") for n in range(12)]
    now = timezone.now()
    for n, inviter in enumerate(inviters):
        invite(friend, inviter=inviter, text=f"Текст номер {n}.", created_at=now - timedelta(hours=12 - n))
    page = inbox(friend)
    assert page.count('data-testid="invitation"') == 10
    assert "Текст номер 11." in page and "Текст номер 2." in page
    assert "Текст номер 1." not in page and "Текст номер 0." not in page
    assert 'data-testid="invitations-more"' in page
    assert not Invitation.objects.filter(read_at__isnull=True).exists()  # the badge can drop to zero


def _queries_for_inbox(friend, count, assert_max):
    for _ in range(count):
        invite(friend, inviter=UserFactory())
    client = client_for(friend)
    with assert_max(12) as captured:
        page = client.get(reverse("messaging:list")).content.decode()
    assert page.count('data-testid="invitation"') == min(count, 10)
    return len(captured)


def test_inbox_query_budget_does_not_grow_with_invitations(django_assert_max_num_queries):
    few = _queries_for_inbox(UserFactory(), 3, django_assert_max_num_queries)
    many = _queries_for_inbox(UserFactory(), 30, django_assert_max_num_queries)
    assert few == many
