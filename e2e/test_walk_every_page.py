"""Issue 18 «Done when»: every public, buyer and cabinet page of the demo, walked at 1366 and 390 px.

Each page is loaded at each width and must fit the screen (no sideways scrolling) and log no console
error; a full-page screenshot of it is saved as e2e/screenshots/walk-<role>-<name>-<width>.png for
people to look at. Every problem of the walk is listed at once at the end. The seller's pages are
taken from the cabinet menu itself (and a product's tabs from its tab strip), so a new menu entry is
walked without touching this file.
"""

import io
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

import pytest
from django.core.management import call_command
from django.db.models import Q
from django.urls import reverse
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from marketplace.demo import DEMO_PASSWORD

from .conftest import DESKTOP, PHONE, SCREENSHOTS

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

WIDTHS = (("1366", DESKTOP), ("390", PHONE))
QUIET_MS = 50  # the network counts as idle after this long without a request in flight
IDLE_TIMEOUT_MS = 5000

# The page's width against the screen's and, when wider, the outermost elements whose right edge is past
# the screen (elements inside a box that scrolls or clips sideways do not widen the page and are skipped).
OVERFLOW_JS = """() => {
  const width = window.innerWidth;
  const scrollWidth = document.documentElement.scrollWidth;
  if (scrollWidth <= width) return null;
  const clippedInside = (element) => {
    for (let box = element.parentElement; box && box !== document.body; box = box.parentElement) {
      if (getComputedStyle(box).overflowX !== "visible") return true;
    }
    return false;
  };
  const out = new Set();
  for (const element of document.body.querySelectorAll("*")) {
    const rect = element.getBoundingClientRect();
    if (rect.width > 0 && rect.right > width + 0.5 && !clippedInside(element)) out.add(element);
  }
  const describe = (element) => {
    let name = element.tagName.toLowerCase();
    if (element.id) name += "#" + element.id;
    for (const cls of element.classList) name += "." + cls;
    if (element.dataset.testid) name += `[data-testid=${element.dataset.testid}]`;
    const text = (element.innerText || element.getAttribute("alt") || "").trim().replace(/\\s+/g, " ").slice(0, 40);
    return `${name}${text ? " «" + text + "»" : ""} right=${Math.round(element.getBoundingClientRect().right)}`;
  };
  const outermost = [...out].filter((element) => !out.has(element.parentElement));
  return {scrollWidth, width, elements: outermost.slice(0, 6).map(describe)};
}"""

# Lazy images below the fold would be blank in a full-page screenshot: load them all, then wait for them.
EAGER_IMAGES_JS = "() => document.querySelectorAll('img[loading=lazy]').forEach((img) => { img.loading = 'eager'; })"
IMAGES_DONE_JS = "() => Array.from(document.images).every((img) => img.complete)"


@dataclass
class Target:
    """A page to walk: its screenshot name, its address, and optionally a selector of links to walk too."""

    name: str
    path: str
    status: int = 200
    expand: str = ""  # links matching this selector (found at 1366 px) are walked after this page


class Walker:
    """Loads pages in one browser context (one person), checks each at both widths, collects every problem."""

    def __init__(self, context, base_url, role, problems):
        self.base_url = base_url
        self.role = role
        self.problems = problems
        self.page = context.new_page()
        self.page.set_default_timeout(15000)
        self.errors: list[str] = []
        self.in_flight = 0
        self.last_activity = time.monotonic()
        self.seen: set[str] = set()
        self.current_url = ""
        self.expected_status = 200
        self.page.on("console", self._console)
        self.page.on("pageerror", lambda error: self.errors.append(f"JavaScript error: {error}"))
        self.page.on("request", self._request_started)
        self.page.on("requestfinished", self._request_ended)
        self.page.on("requestfailed", self._request_ended)

    def _console(self, message):
        if message.type != "error":
            return
        # The 404 page itself answers 404 on purpose; Chromium logs that as a failed resource.
        document = message.location.get("url") == self.current_url and self.expected_status != 200
        if not (document and "404" in message.text):
            self.errors.append(f"console: {message.text} ({message.location.get('url', '')})")

    def _request_started(self, _request):
        self.in_flight += 1
        self.last_activity = time.monotonic()

    def _request_ended(self, _request):
        self.in_flight = max(0, self.in_flight - 1)
        self.last_activity = time.monotonic()

    def wait_for_network_idle(self):
        """Like Playwright's «networkidle» with a shorter quiet period: the walk loads some 200 pages."""
        deadline = time.monotonic() + IDLE_TIMEOUT_MS / 1000
        while time.monotonic() < deadline:
            quiet = (time.monotonic() - self.last_activity) * 1000
            if self.in_flight == 0 and quiet >= QUIET_MS:
                return
            self.page.wait_for_timeout(20)

    def problem(self, target, width, text):
        self.problems.append(f"{self.role} {target.name} ({target.path}) at {width} px: {text}")

    def walk(self, targets):
        queue = list(targets)
        while queue:
            target = queue.pop(0)
            if target.path in self.seen:
                continue
            self.seen.add(target.path)
            found = self.visit(target)
            queue[0:0] = [link for link in found if link.path not in self.seen]

    def visit(self, target) -> list[Target]:
        """The target at each width; the links it leads to (see Target.expand), found at 1366 px."""
        found = []
        self.current_url = self.base_url + target.path
        self.expected_status = target.status
        for width, size in WIDTHS:
            try:
                self.check(target, width, size)
                if target.expand and width == "1366":
                    found = self.links(target)
            except PlaywrightError as error:  # a page that hangs or crashes is one more problem; the walk goes on
                self.problem(target, width, f"{type(error).__name__}: {error.message.splitlines()[0]}")
        return found

    def check(self, target, width, size):
        self.page.set_viewport_size(size)
        self.errors.clear()
        response = self.page.goto(self.current_url, wait_until="load")
        if response is None or response.status != target.status:
            self.problem(target, width, f"HTTP {response.status if response else '—'}, expected {target.status}")
        landed = urlsplit(self.page.url).path
        if landed != urlsplit(target.path).path:
            self.problem(target, width, f"ended at {landed}")
        self.page.evaluate(EAGER_IMAGES_JS)
        self.wait_for_network_idle()
        try:
            self.page.wait_for_function(IMAGES_DONE_JS, timeout=IDLE_TIMEOUT_MS)
        except PlaywrightTimeout:
            self.problem(target, width, f"images still loading after {IDLE_TIMEOUT_MS // 1000} s")
        overflow = self.page.evaluate(OVERFLOW_JS)
        if overflow:
            sticking = "; ".join(overflow["elements"]) or "(no single element found)"
            wide = f"page is {overflow['scrollWidth']} px wide on a {overflow['width']} px screen"
            self.problem(target, width, f"{wide}: {sticking}")
        for error in dict.fromkeys(self.errors):
            self.problem(target, width, error)
        self.page.evaluate("window.scrollTo(0, 0)")
        self.page.screenshot(path=str(SCREENSHOTS / f"walk-{self.role}-{target.name}-{width}.png"), full_page=True)

    def links(self, target) -> list[Target]:
        """The pages the target's menu or tabs lead to, named after the part of their address below the target's."""
        hrefs = self.page.locator(target.expand).evaluate_all("(links) => links.map((a) => a.getAttribute('href'))")
        if not hrefs:
            self.problems.append(f"{self.role} {target.name}: no links match {target.expand!r}")
        base = target.path.rstrip("/") + "/"
        found = []
        for href in dict.fromkeys(hrefs):
            path = urlsplit(href).path
            if not path or path in self.seen:
                continue
            tail = path[len(base) :] if path.startswith(base) else path
            name = "-".join(part for part in [target.name, *tail.strip("/").split("/")] if part)
            found.append(Target(name, path))
        return found

    def log_in(self, email):
        self.page.goto(self.base_url + reverse("account_login"))
        self.page.get_by_label("Адрес электронной почты").fill(email)
        self.page.get_by_label("Пароль").fill(DEMO_PASSWORD)
        self.page.get_by_role("button", name="Войти").click()
        self.page.wait_for_url(lambda url: "/accounts/login/" not in url)

    def dismiss_cookie_notice(self):
        """The cookie bar would cover the bottom of every screenshot; a person dismisses it once."""
        ok = self.page.get_by_test_id("cookie-notice-ok")
        if ok.count() and ok.is_visible():
            ok.click()


def demo_objects() -> dict:
    """The demo's objects the pages point at, found by what they are rather than by their ids."""
    from catalog.models import GlobalOption, Product
    from marketplace.models import User
    from messaging.models import Conversation
    from moderation.models import Complaint
    from orders.models import CartLine, Order, Shipment
    from referrals.models import PromoCode
    from shops.models import Collection, Shop

    seller = User.objects.get(email="seller@lavka.test")
    buyer = User.objects.get(email="buyer@lavka.test")
    shop = Shop.objects.get(owner=seller)
    visible = Product.objects.visible().order_by("pk")
    physical = visible.filter(is_digital=False, category__isnull=False)
    with_options = physical.filter(option_groups__isnull=False).distinct()
    own = Product.objects.filter(shop=shop).order_by("pk")
    own_digital = own.filter(is_digital=True)
    own = own.filter(is_digital=False)
    in_stock = Q(stock__gt=0) | ~Q(availability="in_stock")
    buyer_orders = list(Order.objects.filter(buyer=buyer).order_by("created_at").prefetch_related("items"))

    def looks(order):
        """What a buyer sees on the order's page: its status, and whether it is confirmed, received, files only."""
        return {
            order.status,
            *(["confirmed"] if order.status == "open" and order.confirmed_at else []),
            *(["received"] if order.received_at else []),
            *(["digital"] if all(item.is_digital for item in order.items.all()) else []),
        }

    # One order of each look, each a different order where the demo has one, the plainest first
    # (an open order not yet confirmed for «open», a shipped one not yet received for «shipped»).
    states, used = {}, set()
    for state in ("open", "confirmed", "paid", "shipped", "received", "cancelled", "digital"):
        candidates = sorted((order for order in buyer_orders if state in looks(order)), key=lambda o: len(looks(o)))
        fresh = [order for order in candidates if order.pk not in used]
        if candidates:
            states[state] = (fresh or candidates)[0]
            used.add(states[state].pk)
    return {
        "shop": shop,
        "category": physical.first().category,
        "search": physical.first().title.split()[0],
        "with_options": with_options.filter(shop=shop).first() or with_options.first(),
        "free_digital": visible.filter(is_digital=True, price=0).first(),
        "paid_digital": visible.filter(is_digital=True, price__gt=0).first(),
        # Put in the guest's cart: plain products of the demo seller's open shop, no option to choose.
        "to_cart": list(physical.filter(shop=shop, option_groups__isnull=True).filter(in_stock)[:2]),
        "collection": Collection.objects.filter(shop=shop).order_by("pk").first(),
        "buyer_orders": states,
        "shipment": Shipment.objects.filter(order__buyer=buyer).order_by("pk").first(),
        "buyer_conversation": Conversation.objects.filter(buyer=buyer).order_by("pk").first(),
        "buyer_complaint": Complaint.objects.filter(author=buyer).order_by("pk").first(),
        "buyer_cart_line": CartLine.objects.filter(cart__user=buyer).select_related("product__shop").first(),
        "own_physical": own.filter(option_groups__isnull=False).first() or own.first(),
        "own_digital": own_digital.first(),
        "seller_order": Order.objects.filter(shop=shop).order_by("-created_at").first(),
        "seller_conversation": Conversation.objects.filter(shop=shop).order_by("pk").first(),
        "promo": PromoCode.objects.filter(shop=shop).order_by("pk").first(),
        "global_option": GlobalOption.objects.filter(shop=shop).order_by("pk").first(),
    }


def anonymous_targets(demo) -> list[Target]:
    shop = demo["shop"]
    return [
        Target("home", "/"),
        Target("catalog", "/catalog/"),
        Target("category", reverse("catalog:category", args=[demo["category"].slug])),
        Target("search", f"/catalog/?q={demo['search']}"),
        Target("product-options", demo["with_options"].get_absolute_url()),
        Target("product-digital-free", demo["free_digital"].get_absolute_url()),
        Target("product-digital-paid", demo["paid_digital"].get_absolute_url()),
        # The storefront's tabs (about, delivery, rules, reviews) are taken from its tab strip.
        Target("storefront", shop.get_absolute_url(), expand="[data-scroll-tabs] a"),
        Target("storefront-collection", reverse("catalog:shop-collection", args=[shop.slug, demo["collection"].pk])),
        Target("rules", reverse("rules")),
        Target("contact", reverse("moderation:contact")),
        Target("login", reverse("account_login")),
        Target("signup", reverse("account_signup")),
        Target("password-reset", reverse("account_reset_password")),
        Target("404", "/no-such-page/", status=404),
    ]


def buyer_targets(demo) -> list[Target]:
    orders = demo["buyer_orders"]
    shipment = demo["shipment"]
    return [
        Target("orders", reverse("orders:list")),
        *[Target(f"order-{state}", order.get_absolute_url()) for state, order in orders.items()],
        Target("tracking", reverse("orders:tracking", args=[shipment.order.number, shipment.pk])),
        Target("downloads", reverse("orders:downloads")),
        Target("favorites", reverse("catalog:favorites")),
        Target("messages", reverse("messaging:list")),
        Target("conversation", reverse("messaging:detail", args=[demo["buyer_conversation"].pk])),
        Target("referrals", reverse("referrals:page")),
        Target("profile", reverse("profile")),
        Target("password-change", reverse("account_change_password")),
        Target("emails", reverse("account_email")),
        Target("complaints", reverse("moderation:complaint-list")),
        Target("complaint-new", reverse("moderation:complaint-new") + f"?order={next(iter(orders.values())).number}"),
        Target("complaint", reverse("moderation:complaint-detail", args=[demo["buyer_complaint"].pk])),
        Target("cart", reverse("orders:cart")),
        Target("checkout", reverse("orders:checkout", args=[demo["buyer_cart_line"].product.shop.slug])),
        Target("home", "/"),
    ]


def seller_targets(demo) -> list[Target]:
    physical, digital = demo["own_physical"], demo["own_digital"]
    return [
        # Every section of the cabinet menu, whatever it holds today.
        Target("cabinet", reverse("shops:cabinet-home"), expand="[data-testid=cabinet-nav] a"),
        # A product's every tab, for a physical product and a digital one.
        Target("product", reverse("catalog:cabinet-product-edit", args=[physical.pk]), expand=".product-tabs a"),
        Target("product-preview", reverse("catalog:cabinet-product-preview", args=[physical.pk])),
        Target("product-new", reverse("catalog:cabinet-product-new")),
        Target("digital", reverse("catalog:cabinet-product-edit", args=[digital.pk]), expand=".product-tabs a"),
        Target("order", reverse("orders:cabinet-detail", args=[demo["seller_order"].number])),
        Target("conversation", reverse("messaging:cabinet-detail", args=[demo["seller_conversation"].pk])),
        Target("quick-replies", reverse("messaging:cabinet-replies")),
        Target("promo-new", reverse("referrals:cabinet-promo-new")),
        Target("promo", reverse("referrals:cabinet-promo-edit", args=[demo["promo"].pk])),
        Target("marketing-90-days", reverse("orders:cabinet-marketing") + "?period=90"),
        Target("collection-new", reverse("shops:cabinet-collection-new")),
        Target("collection", reverse("shops:cabinet-collection-edit", args=[demo["collection"].pk])),
        Target("collection-products", reverse("catalog:cabinet-collection-products", args=[demo["collection"].pk])),
        Target("option", reverse("catalog:cabinet-global-option-edit", args=[demo["global_option"].pk])),
    ]


def put_in_cart(walker, products, problems):
    """A guest adds the products on their pages, as a person would; the cart and the checkout are walked after."""
    page = walker.page
    for product in products:
        page.goto(walker.base_url + product.get_absolute_url())
        button = page.get_by_test_id("add-to-cart").first
        if not button.count():
            problems.append(f"anonymous: no «В корзину» on {product.get_absolute_url()}")
            continue
        with page.expect_response(lambda response: "/cart/add/" in response.url):
            button.click()
    page.goto(walker.base_url + reverse("orders:cart"))
    if page.locator("#cart-count").inner_text().strip() != str(len(products)):
        problems.append(f"anonymous: the cart holds {page.locator('#cart-count').inner_text()!r}, not {len(products)}")


def test_every_page_fits_the_screen_without_console_errors(live_server, browser, settings, tmp_path):
    started = time.monotonic()
    settings.MEDIA_ROOT = tmp_path / "media"
    call_command("seed_demo", products_per_shop=4, stdout=io.StringIO())
    seeded = time.monotonic() - started
    demo = demo_objects()
    missing = [key for key, value in demo.items() if value is None or value == [] or value == {}]
    assert not missing, f"the demo data lacks: {', '.join(missing)}"
    SCREENSHOTS.mkdir(exist_ok=True)
    for old in SCREENSHOTS.glob("walk-*.png"):
        old.unlink()
    problems: list[str] = []
    walked = {}

    def context():
        return browser.new_context(locale="ru-RU", viewport=DESKTOP)

    # A guest, first with the cookie notice (the home page is checked with it), then without it.
    anonymous = Walker(context(), live_server.url, "anonymous", problems)
    anonymous.walk(anonymous_targets(demo)[:1])
    anonymous.dismiss_cookie_notice()
    anonymous.walk(anonymous_targets(demo)[1:])
    put_in_cart(anonymous, demo["to_cart"], problems)
    checkout = reverse("orders:checkout", args=[demo["to_cart"][0].shop.slug])
    anonymous.walk([Target("cart", reverse("orders:cart")), Target("checkout", checkout)])
    walked["anonymous"] = len(anonymous.seen)

    for role, email, targets in (("buyer", "buyer@lavka.test", buyer_targets(demo)),
                                 ("seller", "seller@lavka.test", seller_targets(demo))):  # fmt: skip
        walker = Walker(context(), live_server.url, role, problems)
        walker.log_in(email)
        walker.dismiss_cookie_notice()
        walker.walk(targets)
        walked[role] = len(walker.seen)

    elapsed = time.monotonic() - started
    summary = ", ".join(f"{role} {count}" for role, count in walked.items())
    print(f"\nwalked {sum(walked.values())} pages ({summary}) at 2 widths in {elapsed:.0f} s (seeding {seeded:.0f} s)")
    assert not problems, f"{len(problems)} problems:\n" + "\n".join(problems)
