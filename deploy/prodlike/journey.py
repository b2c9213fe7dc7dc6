"""The scripted journey `make prodlike` runs through nginx, as browsers would: a seller signs up
(confirming the address from the e-mail the worker delivered), opens a shop and lists a product
with a photo; a signed-up buyer and a guest order it; the seller ships one; every e-mail left
through the outbox and the worker. Around it, what only a production shape can show: static and
media files sent by nginx, HTTP sent to HTTPS, gunicorn reachable only through nginx, the
client's address taken from X-Forwarded-For.

Each check prints a PASS or FAIL line; the journey's steps depend on each other, so the first
failing one stops them (the independent checks still run).
"""

import http.client
import io
import re
import secrets
import ssl
import time
from pathlib import Path
from urllib.parse import urlsplit

import psycopg
from PIL import Image

from .browser import (
    MAIL_WAIT,
    ORIGIN,
    Browser,
    CheckFailed,
    FromAddress,
    Mailbox,
    check,
    errors_on,
    link_in,
    messages_on,
)
from .stack import SERVER_NAME, Stack

PASSWORD = "prodlike-" + secrets.token_urlsafe(12)


# --- the journey --------------------------------------------------------------------------------


def noisy_jpeg(size=(1600, 1200)) -> bytes:
    """A photo of about 1.7 MB: over nginx's default body limit (1 MB), under the site's (12 MB)."""
    out = io.BytesIO()
    Image.frombytes("RGB", size, secrets.token_bytes(size[0] * size[1] * 3)).save(out, "JPEG", quality=90)
    return out.getvalue()


class Journey:
    def __init__(self, stack: Stack):
        self.stack = stack
        self.mail = Mailbox(stack.mail_dir)
        self.db = psycopg.connect(stack.database_url, autocommit=True)
        run = secrets.token_hex(3)
        self.emails = {who: f"{who}-{run}@example.com" for who in ("seller", "buyer", "guest", "intruder")}
        self.results: list[tuple[str, bool, str]] = []

    def query(self, sql: str, *params):
        return self.db.execute(sql, params).fetchall()

    def record(self, name: str, passed: bool, detail: str = ""):
        self.results.append((name, passed, detail))
        print(f"{'PASS' if passed else 'FAIL'}  {name}" + (f": {detail}" if detail else ""), flush=True)

    def run_checks(self, checks) -> bool:
        """Run ``checks`` in order; after a failure the rest are skipped (they build on it)."""
        for name, function in checks:
            try:
                detail = function()
            except Exception as error:  # noqa: BLE001 - any error is this check's FAIL line
                self.record(name, False, str(error) if isinstance(error, CheckFailed) else repr(error))
                for skipped, _function in checks[checks.index((name, function)) + 1 :]:
                    print(f"SKIP  {skipped} (after a failure)", flush=True)
                return False
            self.record(name, True, detail or "")
        return True

    def run(self) -> bool:
        independent = [
            ("HTTP is sent to HTTPS by nginx", self.http_to_https),
            ("gunicorn is reachable only through nginx (a unix socket, no TCP port)", self.gunicorn_only_behind_nginx),
            ("/static/ is served by nginx, compressed, cached for a year", self.static_by_nginx),
            ("X-Forwarded-For: the app sees the client nginx saw, not a forged address", self.forwarded_for),
            ("a body over client_max_body_size is refused by nginx (413)", self.body_limit),
        ]
        journey = [
            ("the site admin (createsuperuser) adds a category in /admin/", self.admin_adds_category),
            ("a seller signs up and confirms the address from the worker's e-mail", self.seller_signs_up),
            ("the seller opens a shop", self.seller_opens_shop),
            ("the seller lists a product with a photo (multipart upload through nginx)", self.seller_lists_product),
            ("the product's photo is served from /media/ by nginx with its headers", self.photo_by_nginx),
            ("a signed-up buyer orders it", self.buyer_orders),
            ("a guest orders it", self.guest_orders),
            ("the seller sees both orders and ships the guest's (paid, then a track and «shipped»)", self.seller_ships),
            ("the guest follows the e-mail's link and sees «Отправлен»", self.guest_sees_shipped),
            ("every e-mail left the outbox through the worker, one recipient each", self.mail_went_through_worker),
        ]
        ok = all([self.run_checks([item]) for item in independent])
        return self.run_checks(journey) and ok

    # --- the independent checks ---

    def http_to_https(self):
        connection = http.client.HTTPConnection("127.0.0.1", self.stack.http_port, timeout=10)
        connection.request("GET", "/catalog/?q=x", headers={"Host": SERVER_NAME})
        response = connection.getresponse()
        location = response.getheader("Location")
        connection.close()
        check(response.status == 301 and location == f"{ORIGIN}/catalog/?q=x",
              f"http:// answered {response.status} → {location}")  # fmt: skip
        home = self.stack.client().get(self.stack.base + "/", timeout=30)
        check(home.status_code == 200, f"https:// / answered {home.status_code}")
        check("max-age=" in home.headers.get("Strict-Transport-Security", ""), "no HSTS header on HTTPS")
        return f"301 → {location}; HTTPS pages carry HSTS"

    def gunicorn_only_behind_nginx(self):
        check(self.stack.socket.is_socket(), f"no unix socket at {self.stack.socket}")
        pids = _group_pids(self.stack.processes["web"].pid)
        check(len(pids) >= 1 + self.stack.web_workers, f"gunicorn has {len(pids)} processes")
        listening = _tcp_listening_inodes()
        exposed = [pid for pid in pids if _socket_inodes(pid) & listening]
        check(not exposed, f"gunicorn processes {exposed} listen on a TCP port")
        return f"{len(pids)} gunicorn processes, listening only on {self.stack.socket.name}"

    def static_by_nginx(self):
        browser = Browser(self.stack, "visitor")
        home = browser.get("/")
        found = re.search(r'href="(/static/[^"]+\.css)"', home.text)
        check(found, "no stylesheet under /static/ on the home page")
        path = found.group(1)
        response = browser.session.get(browser.url(path), headers={"Accept-Encoding": "gzip"}, timeout=30)
        check(response.status_code == 200, f"{path} answered {response.status_code}")
        cache = response.headers.get("Cache-Control", "")
        check("max-age=31536000" in cache and "immutable" in cache, f"{path}: Cache-Control «{cache}»")
        check(response.headers.get("Content-Encoding") == "gzip", f"{path} is not gzipped")
        check(not self.reached_gunicorn(path), f"{path} reached gunicorn")
        return f"{path}: Cache-Control «{cache}», gzip, not in gunicorn's log"

    def forwarded_for(self):
        """A log-in failing from 127.0.0.2 with a forged X-Forwarded-For is counted against 127.0.0.2."""
        session = self.stack.client()
        session.mount("https://", FromAddress("127.0.0.2"))
        session.headers["X-Forwarded-For"] = "203.0.113.7"
        page = session.get(self.stack.base + "/accounts/login/", timeout=30)
        check(page.status_code == 200, f"log-in page answered {page.status_code}")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
        data = {"login": self.emails["intruder"], "password": "wrong", "csrfmiddlewaretoken": token}
        answer = session.post(self.stack.base + "/accounts/login/", data=data, timeout=30,
                              headers={"Origin": ORIGIN, "Referer": ORIGIN + "/accounts/login/"})  # fmt: skip
        check(answer.status_code == 200, f"a wrong password answered {answer.status_code}")
        rows = self.query("SELECT ip_address FROM axes_accessattempt WHERE username = %s", self.emails["intruder"])
        check([str(row[0]) for row in rows] == ["127.0.0.2"], f"axes recorded the failure from {rows}")
        return "a failed log-in from 127.0.0.2 claiming 203.0.113.7 is recorded from 127.0.0.2"

    def body_limit(self):
        context = ssl.create_default_context(cafile=str(self.stack.certificate))
        connection = http.client.HTTPSConnection("127.0.0.1", self.stack.https_port, context=context, timeout=10)
        connection.putrequest("POST", "/cabinet/products/new/", skip_host=True)
        connection.putheader("Host", SERVER_NAME)
        connection.putheader("Content-Type", "multipart/form-data; boundary=x")
        connection.putheader("Content-Length", str(13 * 1024 * 1024))
        connection.endheaders()  # nginx answers from the length alone, before any of the body
        response = connection.getresponse()
        connection.close()
        check(response.status == 413, f"a 13 MB body answered {response.status}")
        return "13 MB → 413 before the app"

    # --- the journey ---

    def sign_up(self, browser: Browser, who: str, name: str):
        address = self.emails[who]
        browser.get("/accounts/signup/")
        fields = {"email": address, "name": name, "phone": "+7 926 555-01-02", "city": "Казань",
                  "password1": PASSWORD, "password2": PASSWORD}  # fmt: skip
        response = browser.submit(fields, action="/accounts/signup/")
        check(response.status_code == 200 and "/accounts/confirm-email/" in response.url,
              f"sign-up answered {response.status_code} at {response.url}")  # fmt: skip
        mail = self.mail.wait_for(to=address, subject="подтвердите ваш адрес")
        browser.get(link_in(mail, "/accounts/confirm-email/"))
        confirmed = browser.submit()  # «Подтвердить»
        check(confirmed.status_code == 200, f"confirming answered {confirmed.status_code}")
        profile = browser.get("/accounts/profile/")
        check(address in profile.text, "not signed in after confirming the address")

    def admin_adds_category(self):
        address = f"admin-{secrets.token_hex(3)}@example.com"
        self.stack.manage("createsuperuser", "--noinput", DJANGO_SUPERUSER_EMAIL=address,
                          DJANGO_SUPERUSER_PASSWORD=PASSWORD)  # fmt: skip
        admin = Browser(self.stack, "admin")
        admin.get("/admin/login/")
        admin.submit({"username": address, "password": PASSWORD}, action="/admin/login/")
        check(urlsplit(admin.page.url).path == "/admin/", f"the admin log-in ended at {admin.page.url}")
        admin.get("/admin/catalog/category/add/")
        slug = f"tekstil-{secrets.token_hex(2)}"
        saved = admin.submit({"name": "Текстиль", "slug": slug, "position": "0"}, with_field="slug")
        check(urlsplit(saved.url).path == "/admin/catalog/category/", f"adding the category ended at {saved.url}")
        self.category = str(self.query("SELECT id FROM catalog_category WHERE slug = %s", slug)[0][0])
        return f"«Текстиль» (/catalog/{slug}/)"

    def seller_signs_up(self):
        self.seller = Browser(self.stack, "seller")
        self.sign_up(self.seller, "seller", "Анна Продавцова")
        return self.emails["seller"]

    def seller_opens_shop(self):
        self.seller.get("/cabinet/open/")
        response = self.seller.submit({"name": "Мастерская Прод", "slug": f"prod-{secrets.token_hex(3)}",
                                       "tagline": "Вигвамы и текстиль"}, action="/cabinet/open/")  # fmt: skip
        check(urlsplit(response.url).path == "/cabinet/", f"opening the shop ended at {response.url}")
        check("Мастерская Прод" in messages_on(response) and "открыт" in messages_on(response),
              "no «открыт» message on the cabinet")  # fmt: skip
        self.shop_slug = self.query("SELECT slug FROM shops_shop ORDER BY id DESC LIMIT 1")[0][0]
        return f"/shops/{self.shop_slug}/"

    def seller_lists_product(self):
        self.seller.get("/cabinet/products/new/")
        check(self.category in self.seller.choices("category"), "the admin's category is not offered")
        fields = {"title": "Вигвам «Прод»", "category": self.category, "price": "3000", "availability": "in_stock",
                  "stock": "5", "description": "Вигвам из хлопка для детской.\n\nВысота 160 см."}  # fmt: skip
        if self.seller.has_field("is_enabled"):
            fields["is_enabled"] = "on"
        photo = noisy_jpeg()
        response = self.seller.submit(fields, with_field="title",
                                      files={"images": ("wigwam.jpg", photo, "image/jpeg")})  # fmt: skip
        match = re.search(r"/cabinet/products/(\d+)/$", urlsplit(response.url).path)
        ended = f"{response.status_code} {response.url}"
        check(response.status_code == 200 and match, f"creating the product ended at {ended}: {errors_on(response)}")
        self.product = int(match.group(1))
        page = Browser(self.stack, "visitor").get(f"/p/{self.product}/")
        check("Вигвам «Прод»" in page.text, "the product page does not show the product")
        photos = self.query("SELECT image FROM catalog_productimage WHERE product_id = %s", self.product)
        check(len(photos) == 1, f"{len(photos)} photos saved")
        self.photo_path = "/media/" + photos[0][0]
        check((self.stack.media_root / photos[0][0]).stat().st_size > 0, "the photo is not in MEDIA_ROOT")
        return f"/p/{self.product}/ with a {len(photo) / 2**20:.1f} MB photo (nginx's default limit is 1 MB)"

    def photo_by_nginx(self):
        response = self.stack.client().get(self.stack.base + self.photo_path, timeout=30)
        check(response.status_code == 200, f"{self.photo_path} answered {response.status_code}")
        kind = response.headers.get("Content-Type")
        check(kind == "image/jpeg", f"Content-Type {kind}")
        check(response.headers.get("Cache-Control") == "public, max-age=86400",
              f"Cache-Control {response.headers.get('Cache-Control')}")  # fmt: skip
        check("sandbox" in response.headers.get("Content-Security-Policy", ""), "no sandboxing CSP on the upload")
        check(response.content[:2] == b"\xff\xd8", "not a JPEG")
        check(not self.reached_gunicorn(self.photo_path), f"{self.photo_path} reached gunicorn")
        private = self.stack.client().get(self.stack.base + "/media/catalog/files/anything.pdf", timeout=30)
        check(private.status_code == 404, f"/media/catalog/files/ answered {private.status_code}")
        return f"{self.photo_path}: image/jpeg, public, max-age=86400, not in gunicorn's log"

    def order(self, browser: Browser, *, guest: bool) -> str:
        browser.get(f"/p/{self.product}/")
        added = browser.submit({"quantity": "1"}, action=f"/cart/add/{self.product}/")
        check(added.status_code == 200, f"adding to the cart answered {added.status_code}")
        browser.get("/cart/")
        check(f"/checkout/{self.shop_slug}/" in browser.page.text, "no «Оформить заказ» link in the cart")
        browser.get(f"/checkout/{self.shop_slug}/")
        delivery = browser.choices("delivery_method")
        contact = browser.choices("contact_method")
        fields = {"buyer_name": "Мария Иванова", "phone": "+7 926 555-01-01", "address": "620000, Екатеринбург, "
                  "ул. Ленина, 1", "delivery_method": delivery[0], "contact_method": "email" if "email" in contact
                  else contact[0]}  # fmt: skip
        if browser.has_field("rules_accepted"):  # only when the shop has rules
            fields["rules_accepted"] = "on"
        if guest:
            fields["email"] = self.emails["guest"]
        placed = browser.submit(fields, action=f"/checkout/{self.shop_slug}/")
        found = re.search(r"/orders/([^/]+)/", urlsplit(placed.url).path)
        check(placed.status_code == 200 and found, f"placing the order ended at {placed.status_code} {placed.url}: "
              f"{errors_on(placed)}")  # fmt: skip
        check("оформлен" in messages_on(placed), "no «оформлен» message after placing the order")
        return found.group(1)

    def buyer_orders(self):
        self.buyer = Browser(self.stack, "buyer")
        self.sign_up(self.buyer, "buyer", "Мария Иванова")
        self.buyer_order = self.order(self.buyer, guest=False)
        return f"order {self.buyer_order}"

    def guest_orders(self):
        self.guest = Browser(self.stack, "guest")
        self.guest_order = self.order(self.guest, guest=True)
        return f"order {self.guest_order}"

    def seller_ships(self):
        orders = self.seller.get("/cabinet/orders/")
        check(self.buyer_order in orders.text and self.guest_order in orders.text,
              "the seller's order list lacks an order")  # fmt: skip
        detail = f"/cabinet/orders/{self.guest_order}/"
        self.seller.get(detail)
        paid = self.seller.submit({"status": "paid"}, action=f"{detail}status/")
        check("Оплачен" in messages_on(paid), f"marking paid: {errors_on(paid)}")
        shipped = self.seller.submit({"carrier": "cdek", "track_number": "1106207236", "new_status": "shipped",
                                      "notify_buyer": "on"}, action=f"{detail}shipments/")  # fmt: skip
        check(shipped.status_code == 200 and urlsplit(shipped.url).path == detail,
              f"the shipment answered {shipped.status_code} at {shipped.url}: {errors_on(shipped)}")  # fmt: skip
        status = self.query("SELECT status FROM orders_order WHERE number = %s", self.guest_order)[0][0]
        check(status == "shipped", f"the order is {status}")
        return f"{self.guest_order}: paid → shipped, CDEK 1106207236"

    def guest_sees_shipped(self):
        mail = self.mail.wait_for(to=self.emails["guest"], subject=f"Заказ {self.guest_order}: Отправлен")
        page = self.guest.get(link_in(mail, f"/orders/{self.guest_order}/", exact=True))
        check("Отправлен" in messages_on(page), "the order page does not say «Отправлен»")
        return "the link in «Отправлен» opens the order"

    def mail_went_through_worker(self):
        deadline = time.monotonic() + MAIL_WAIT
        while self.query("SELECT 1 FROM marketplace_outboxmessage WHERE status = 'pending'"):
            check(time.monotonic() < deadline, "outbox rows still pending")
            time.sleep(0.2)
        rows = self.query('SELECT status, "to", subject FROM marketplace_outboxmessage')
        check(all(status == "sent" for status, _to, _subject in rows), f"not all sent: {rows}")
        check(all(len(to) == 1 for _status, to, _subject in rows), "an outbox row has several recipients")
        messages = self.mail.messages()
        check(len(messages) == len(rows), f"{len(rows)} outbox rows sent, {len(messages)} mails in the folder")
        check(all(len(m["To"].addresses) == 1 for m in messages), "a mail went to several recipients")
        check(not list(self.stack.web_mail_dir.iterdir()), "a web process sent mail itself, not through the worker")
        sent = _count_lines(self.stack, "worker", "marketplace.tasks.outbox_send_task[", "succeeded")
        check(sent >= len(rows), f"the worker ran outbox_send_task {sent} times for {len(rows)} mails")
        to = {}
        for message in messages:
            to.setdefault(str(message["To"].addresses[0].addr_spec), []).append(str(message["Subject"]))
        seller, guest, buyer = (self.emails[who] for who in ("seller", "guest", "buyer"))
        for who, order in ((buyer, self.buyer_order), (guest, self.guest_order)):
            check(any(order in subject for subject in to.get(who, [])), f"{who} got no mail about {order}: {to}")
            check(any(order in subject for subject in to.get(seller, [])), f"the seller got no mail about {order}")
        check(f"Заказ {self.guest_order}: Отправлен" in to.get(seller, []), "the seller got no «Отправлен» mail")
        return f"{len(rows)} mails, each to one address, all sent by the worker: " + "; ".join(
            f"{address.split('@')[0].split('-')[0]} {len(subjects)}" for address, subjects in sorted(to.items())
        )

    def reached_gunicorn(self, path: str) -> bool:
        # gunicorn logs every request it answers (--access-logfile -); the health check is surely there.
        check(_count_lines(self.stack, "web", '"GET /health/ '), "gunicorn's access log is empty: cannot tell")
        return _count_lines(self.stack, "web", f" {path} ") > 0


def _count_lines(stack: Stack, log: str, *needles: str) -> int:
    text = (stack.folder / "logs" / f"{log}.log").read_text(errors="replace")
    return sum(all(needle in line for needle in needles) for line in text.splitlines())


def _group_pids(group: int) -> list[int]:
    pids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[2]) == group:  # pgrp
                pids.append(int(entry.name))
    return pids


def _socket_inodes(pid: int) -> set[str]:
    inodes = set()
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        try:
            target = str(fd.readlink())
        except OSError:
            continue
        if target.startswith("socket:["):
            inodes.add(target[8:-1])
    return inodes


def _tcp_listening_inodes() -> set[str]:
    inodes = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            fields = line.split()
            if fields[3] == "0A":  # LISTEN
                inodes.add(fields[9])
    return inodes
