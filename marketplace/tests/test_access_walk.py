"""Access control, generated (issue 20): every URL pattern of the project, read from the resolver, is
asked for (GET and POST) by an anonymous visitor, by buyer B about buyer A's objects and by seller A
about seller B's. Only the public pages answer; everything else is a 404/403/405 or a log-in page,
a refusal writes nothing, no POST changes the victims' data, and no answer shows what only they may
read (e-mails, messages, a complaint, a disabled product, an order's secret link). The table of who
may use what is in urlwalk.py."""

import time
from decimal import Decimal
from types import SimpleNamespace
from urllib.parse import urlsplit

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client
from django.urls import reverse

from catalog import sold_files
from catalog.models import Activation
from catalog.tests.factories import ProductFactory
from marketplace.tests.factories import UserFactory
from messaging import selectors as messaging_selectors
from messaging.models import Conversation
from moderation.tests.factories import parcel
from orders.models import Order, OrderStatus
from orders.tests.factories import order_for
from shops.tests.factories import ShopFactory

from .urlwalk import (
    BUYER_A,
    OWNED,
    PDF,
    PUBLIC,
    RULES,
    SELLER,
    SELLER_B,
    SIGNED_IN,
    STAFF,
    WriteRecorder,
    address,
    build_world,
    finish,
    mixed_side,
    objects_named,
    patterns,
    post_data,
    row_of,
    rule_for,
    secrets,
    victim_counts,
    victim_rows,
)

pytestmark = pytest.mark.django_db

ROLES = ("anonymous", "buyer", "seller")
REFUSED = {403, 404, 405}


@pytest.fixture
def world(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return build_world()


def signed_in(user) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def _to_login(response, *, admin: bool) -> bool:
    if response.status_code not in (301, 302):
        return False
    login = reverse("admin:login") if admin else reverse("account_login")
    return urlsplit(response["Location"]).path == login


def verdict(role: str, rule, response) -> tuple[bool, bool]:
    """(allowed, refused): whether this role may get this answer, and whether the answer is a refusal."""
    status = response.status_code
    if status >= 500:
        return False, False
    if rule.access == STAFF:
        refused = status in REFUSED or _to_login(response, admin=True)
        return refused, refused
    refused = status in REFUSED or (role == "anonymous" and _to_login(response, admin=False))
    if rule.access == PUBLIC:
        return True, refused
    if rule.access == SIGNED_IN:
        return role != "anonymous" or refused, refused
    if rule.access == SELLER:
        return role == "seller" or refused, refused
    return refused, refused  # OWNED: the attackers never own the victims' objects


class Walk:
    """One attacker's requests, and what was wrong with the answers."""

    def __init__(self, role, world):
        self.role, self.world = role, world
        self.user = {"anonymous": None, "buyer": world.buyer_b, "seller": world.seller_a}[role]
        self.client = signed_in(self.user)
        self.problems, self.requests = [], 0
        self.secrets = secrets(world.victim)

    def visit(self, pattern, rule, method, side, *, must_refuse=None, must_not_write=False):
        """Ask for the pattern's address on ``side``; ``must_refuse`` overrides the role's verdict."""
        victims = self.world.victim
        url, data = address(pattern, side), post_data(pattern, side) if method == "post" else {}
        named = objects_named(pattern, side)
        before = (victim_counts(victims), [row_of(obj) for obj in named]) if method == "post" else None
        with WriteRecorder() as writes:
            response = self.client.post(url, data) if method == "post" else self.client.get(url)
        finish(response)
        self.requests += 1
        allowed, refused = verdict(self.role, rule, response)
        if must_refuse is not None:
            allowed = refused if must_refuse else response.status_code < 500
        where = f"{method.upper()} {url} {data or ''} [{pattern.key}, {rule.access}]"
        if not allowed:
            self.problems.append(f"{where}: {response.status_code} {response.get('Location', '')}")
        if (refused or must_not_write) and writes.beyond_session():
            self.problems.append(f"{where}: {response.status_code}, but wrote to {sorted(writes.beyond_session())}")
        if before is not None:
            after = (victim_counts(victims), [row_of(obj) for obj in named])
            if after != before:
                self.problems.append(f"{where}: {response.status_code}, changed the victims' data: {before} → {after}")
        if not response.streaming:
            body = response.content.decode(errors="replace")
            shown = [label for label, secret in self.secrets.items() if secret in body]
            if shown:
                self.problems.append(f"{where}: {response.status_code} shows {', '.join(shown)}")
        if rule.signs_out and self.user is not None:
            self.client.force_login(self.user)

    def everything(self):
        """Every pattern, GET and POST, at the victims' objects."""
        for pattern in patterns():
            rule = rule_for(pattern)
            # A cabinet form naming the victims' objects (ids in its body) writes nothing at all.
            quiet = rule.access == SELLER and rule.data is not None and self.role == "seller"
            for method in ("get", "post"):
                self.visit(pattern, rule, method, self.world.victim, must_not_write=quiet and method == "post")

    def mixed(self) -> int:
        """Addresses mixing the attacker's own order, product or conversation with the victim's parcel,
        photo, file or review (a lookup not scoped to its container would let them through), and the
        attacker's own pages with the victim's ids in the body (which must write nothing)."""
        mixed, count = mixed_side(self.world, self.role), 0
        owner = {"buyer": BUYER_A, "seller": SELLER_B}[self.role]
        for pattern in patterns():
            rule = rule_for(pattern)
            if rule.access not in (OWNED, SELLER) or (rule.access == OWNED and rule.owner != owner):
                continue
            named = _named(rule, mixed)
            attackers = _named(rule, self.world.attacker)
            if named in (_named(rule, self.world.victim), attackers):
                continue  # nothing mixed in this address
            count += 1
            for method in ("get", "post"):
                self.visit(pattern, rule, method, mixed, must_refuse=named[0] != attackers[0],
                           must_not_write=method == "post")  # fmt: skip
        return count

    def hidden(self) -> int:
        """The public pages of a product buyers may not see (disabled by its seller): a 404 to a GET,
        and its title on no page (the walk's content check)."""
        hidden, count = SimpleNamespace(**vars(self.world.victim)), 0
        hidden.product = self.world.victim.disabled
        for pattern in patterns():
            rule = rule_for(pattern)
            if rule.access not in (PUBLIC, SIGNED_IN) or _named(rule, hidden) == _named(rule, self.world.victim):
                continue
            count += 1
            self.visit(pattern, rule, "get", hidden, must_refuse=True)
            self.visit(pattern, rule, "post", hidden)
        return count


def _named(rule, side) -> list:
    """What an address and its body name, to compare one side with another."""
    return [rule.kwargs(side) if rule.kwargs else {}, rule.data(side) if rule.data else {}]


@pytest.mark.parametrize("role", ROLES)
def test_nobody_reaches_what_is_not_theirs(role, world):
    """The walk, as one of the attackers: every pattern at the victims' objects, the public pages of a
    disabled product, then (signed in) addresses mixing the attacker's own objects with the victims'."""
    walk, started = Walk(role, world), time.monotonic()
    everything_before = victim_rows(world.victim)
    walk.everything()
    hidden = walk.hidden()
    mixed = walk.mixed() if role != "anonymous" else 0
    assert not walk.problems, f"{len(walk.problems)} problems as {role}:\n" + "\n".join(walk.problems)
    assert victim_rows(world.victim) == everything_before
    assert mixed >= {"anonymous": 0, "buyer": 7, "seller": 12}[role] and hidden >= 5
    print(f"\n{role}: {len(patterns())} patterns, {hidden} hidden, {mixed} mixed, {walk.requests} requests, "
          f"{time.monotonic() - started:.1f} s")  # fmt: skip


def test_every_pattern_is_classified():
    """A new URL must be put in urlwalk.RULES (who may use it, which objects it names); a removed one
    must leave it. The admin's addresses are STAFF by their prefix."""
    found = patterns()
    keys = [pattern.key for pattern in found]
    assert len(keys) == len(set(keys)), "two patterns with one name"
    unclassified = [f"{pattern.key} ({pattern.route})" for pattern in found if rule_for(pattern) is None]
    assert not unclassified, "classify these in marketplace/tests/urlwalk.py RULES:\n" + "\n".join(unclassified)
    stale = sorted(set(RULES) - set(keys))
    assert not stale, f"RULES names patterns that no longer exist: {stale}"
    assert len(found) > 300 and sum(key.startswith("admin:") for key in keys) > 200


def test_owners_reach_their_own_objects(world):
    """The walk's addresses name real objects: their owner gets in (a GET, or for a POST-only address a
    POST rolled back), on both sides of the world, so the attackers' 404s are refusals, not typos."""
    refused, checked = [], 0
    for side in (world.victim, world.attacker):
        owners = {BUYER_A: signed_in(side.buyer), SELLER_B: signed_in(side.seller)}
        for pattern in patterns():
            rule = rule_for(pattern)
            if rule.access != OWNED or not rule.owner_reaches:
                continue
            client, url = owners[rule.owner], address(pattern, side)
            response = client.get(url)
            finish(response)
            if response.status_code == 405:
                with transaction.atomic():
                    response = client.post(url, post_data(pattern, side))
                    finish(response)
                    transaction.set_rollback(True)
            checked += 1
            if response.status_code >= 500 or response.status_code in REFUSED:
                refused.append(f"{pattern.key} {url}: {response.status_code}")
    assert not refused, "the owner is refused their own object:\n" + "\n".join(refused)
    assert checked > 100
    # A few of those pages read in full: the refused addresses do hold the victims' data.
    victim, buyer, seller = world.victim, signed_in(world.buyer_a), signed_in(world.seller_b)
    assert victim.order.number in buyer.get(reverse("orders:detail", args=[victim.order.number])).content.decode()
    page = seller.get(reverse("orders:cabinet-detail", args=[victim.order.number])).content.decode()
    assert victim.order.buyer_name in page
    page = seller.get(reverse("referrals:cabinet-promo-edit", args=[victim.promo.pk])).content.decode()
    assert victim.promo.code in page
    page = buyer.get(reverse("messaging:detail", args=[victim.conversation.pk])).content.decode()
    assert victim.seller_message.text in page


def test_the_walk_sees_a_planted_leak(world, monkeypatch):
    """The walk can fail: a conversation looked up without its buyer is reported, page by page."""
    monkeypatch.setattr(messaging_selectors, "conversation_get_for_buyer",
                        lambda *, buyer, pk: Conversation.objects.get(pk=pk))  # fmt: skip
    walk = Walk("buyer", world)
    for pattern in patterns():
        if pattern.key.startswith("messaging:") and rule_for(pattern).access == OWNED:
            for method in ("get", "post"):
                walk.visit(pattern, rule_for(pattern), method, world.victim)
    reported = " ".join(walk.problems)
    for key in ("messaging:detail", "messaging:poll", "messaging:attachment", "messaging:report"):
        assert f"[{key}, owned]" in reported
    assert "the seller's message" in reported  # the page's content is checked too


# --- Guest orders: the secret link -----------------------------------------------------------------


@pytest.fixture
def shop():
    return ShopFactory()


def test_a_guest_order_opens_only_with_its_own_secret(client, shop):
    guest = order_for(shop, email="guest@example.com")
    other = order_for(shop, email="other@example.com")
    url = reverse("orders:detail", args=[guest.number])

    assert client.get(f"{url}?key={guest.secret}").status_code == 200
    assert _to_login(client.get(url), admin=False)  # no secret: log in first
    for key in ("wrong", other.secret, guest.secret[:-1], guest.secret.upper()):
        assert client.get(f"{url}?key={key}").status_code == 404, key
    # Signed in as someone else, another order's secret is still a 404.
    assert signed_in(UserFactory()).get(f"{url}?key={other.secret}").status_code == 404


def test_a_wrong_secret_changes_nothing_on_a_guest_order(client, shop):
    guest = order_for(shop, email="guest@example.com", statuses=[OrderStatus.PAID, OrderStatus.SHIPPED])
    other = order_for(shop, email="other@example.com")
    before = row_of(guest)
    for name in ("orders:confirm", "orders:received"):
        url = reverse(name, args=[guest.number])
        assert client.post(url, {"key": "wrong"}).status_code == 404
        assert client.post(f"{url}?key={other.secret}").status_code == 404
        assert _to_login(client.post(url), admin=False)
    assert row_of(Order.objects.get(pk=guest.pk)) == before


def test_a_guest_orders_files_and_parcels_need_its_secret(client, shop, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    digital = ProductFactory(shop=shop, is_digital=True, price=Decimal("300"), activation=Activation.IMMEDIATE)
    sold = sold_files.sold_file_add(product=digital, title="Открытка", upload=SimpleUploadedFile("card.pdf", PDF))
    guest = order_for(shop, email="guest@example.com", product=digital, delivery_method="")
    other = order_for(shop, email="other@example.com")
    shipment = parcel(guest)
    tracking = reverse("orders:tracking", args=[guest.number, shipment.pk])
    download = reverse("orders:download", args=[guest.number, sold.pk])

    assert client.get(f"{tracking}?key={guest.secret}").status_code == 200
    response = client.get(f"{download}?key={guest.secret}")
    assert response.status_code == 200
    finish(response)
    for url in (tracking, download):
        assert client.get(f"{url}?key=wrong").status_code == 404
        assert client.get(f"{url}?key={other.secret}").status_code == 404
        assert _to_login(client.get(url), admin=False)
