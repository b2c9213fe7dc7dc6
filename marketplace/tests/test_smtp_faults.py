"""SMTP failing: orders and status changes succeed, the mail is retried with back-off, then marked
failed and shown in the admin, whose retry action sends it once the server is back.

A real SMTP conversation with a local fake server (FakeSMTPServer, also used by
test_worker_faults.py) rather than a broken backend class, so smtplib meets a real «421».
"""

import socket
import threading
import time
from datetime import timedelta
from decimal import Decimal

import pytest
from celery import Celery
from django.test import Client
from django.utils import timezone

from catalog.tests.factories import ProductFactory
from marketplace.models import OutboxMessage
from marketplace.notifications import outbox_enqueue, outbox_resend_pending
from orders.models import Order, OrderStatus
from orders.tests.test_checkout import DETAILS
from shops.tests.factories import ShopFactory

# The live-process helpers (H4a is moving them to .live; these names stay importable from here).
from .live import free_port, service_env, start_redis, start_worker, wait_for

pytestmark = pytest.mark.django_db

OUTBOX = "/admin/marketplace/outboxmessage/"


class FakeSMTPServer:
    """A local SMTP server that delivers, refuses or stalls as the test says.

    - ``refuse_all``: every connection is greeted with «421 Service not available» and closed;
    - ``fail_first``: the first N transactions get «451» to MAIL FROM, the rest are delivered;
    - ``bounce``: RCPT TO of these addresses always gets «550»;
    - ``stall_first``: the first N transactions get no answer to DATA until the client goes away
      (``stalled`` is set when one is held).
    """

    def __init__(self, *, refuse_all=False, fail_first=0, bounce=(), stall_first=0):
        self.refuse_all, self.bounce = refuse_all, set(bounce)
        self.fail_first, self.stall_first = fail_first, stall_first
        self.messages: list[dict] = []  # delivered: {"from", "to", "data"}
        self.transactions: list[tuple[float, str]] = []  # every MAIL FROM: (monotonic time, its answer)
        self.connections = 0
        self.stalled = threading.Event()
        self._lock = threading.Lock()
        self._sock = socket.create_server(("127.0.0.1", 0))
        self.port = self._sock.getsockname()[1]
        self._open: list[socket.socket] = []

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.port}"

    def configure(self, settings) -> None:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", self.port
        settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
        settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
        settings.EMAIL_TIMEOUT = 5

    def recipients(self) -> list[str]:
        with self._lock:
            return sorted(address for message in self.messages for address in message["to"])

    def __enter__(self):
        threading.Thread(target=self._accept, daemon=True).start()
        return self

    def __exit__(self, *exc):
        self._sock.close()
        with self._lock:
            for conn in self._open:
                conn.close()

    def _accept(self):
        while True:
            try:
                conn, _address = self._sock.accept()
            except OSError:
                return
            with self._lock:
                self.connections += 1
                self._open.append(conn)
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    def _serve(self, conn):
        try:
            self._talk(conn, conn.makefile("rb"))
        except OSError:
            pass
        finally:
            conn.close()

    def _talk(self, conn, lines):
        def say(*replies):
            conn.sendall("".join(f"{reply}\r\n" for reply in replies).encode())

        if self.refuse_all:
            say("421 4.3.2 Service not available")
            return
        say("220 fake.lavka.test ESMTP")
        sender, to = "", []
        while line := lines.readline():
            command = line.decode("ascii", "replace").strip()
            verb = command[:4].upper()
            if verb == "EHLO":
                say("250-fake.lavka.test", "250 8BITMIME")
            elif verb == "HELO":
                say("250 fake.lavka.test")
            elif verb == "MAIL":
                with self._lock:
                    failing = self.fail_first > 0
                    self.fail_first -= failing
                    self.transactions.append((time.monotonic(), "451" if failing else "250"))
                if failing:
                    say("451 4.3.0 Mail server temporarily unavailable, try again later")
                else:
                    sender, to = command[10:].strip("<>"), []
                    say("250 2.1.0 OK")
            elif verb == "RCPT":
                address = command[8:].strip().strip("<>")
                if address in self.bounce:
                    say("550 5.1.1 Mailbox unavailable")
                else:
                    to.append(address)
                    say("250 2.1.5 OK")
            elif verb == "DATA":
                with self._lock:
                    stall = self.stall_first > 0
                    self.stall_first -= stall
                if stall:
                    self.stalled.set()
                    conn.recv(1)  # nothing comes until the client is gone (or the test ends)
                    return
                say("354 End data with <CR><LF>.<CR><LF>")
                data = b""
                while (chunk := lines.readline()) not in (b".\r\n", b""):
                    data += chunk
                with self._lock:
                    self.messages.append({"from": sender, "to": to, "data": data.decode("utf-8", "replace")})
                say("250 2.0.0 Queued")
            elif verb in ("RSET", "NOOP"):
                say("250 2.0.0 OK")
            elif verb == "QUIT":
                say("221 2.0.0 Bye")
                return
            else:
                say("502 5.5.2 Command not recognised")


@pytest.fixture
def smtp_down(settings):
    with FakeSMTPServer(refuse_all=True) as server:
        server.configure(settings)
        yield server


class Clock:
    """timezone.now, frozen and moved by hand."""

    def __init__(self, now):
        self.now = now

    def __call__(self):
        return self.now


@pytest.fixture
def clock(monkeypatch):
    clock = Clock(timezone.now().replace(microsecond=0))
    monkeypatch.setattr(timezone, "now", clock)
    return clock


# --- Orders and status changes go through -------------------------------------------------------------


CHECKOUT = {**DETAILS, "notes": "", "idempotency_key": "smtp-down-1"}


def test_with_smtp_down_an_order_and_its_status_change_succeed_and_the_mail_waits(
    client, smtp_down, django_capture_on_commit_callbacks
):
    shop = ShopFactory(name="Мастерская Анны", slug="anna")
    product = ProductFactory(shop=shop, title="Вигвам", price=Decimal("2000"), stock=3)
    client.post(f"/cart/add/{product.pk}/", {"quantity": "1"})
    started = time.monotonic()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/checkout/anna/", CHECKOUT, follow=True)
    order = Order.objects.get()
    assert response.redirect_chain == [(order.get_absolute_url(), 302)]
    page = response.content.decode()
    assert "Вигвам" in page and order.number in page and "Открытый" in page

    seller = Client()
    seller.force_login(shop.owner)
    with django_capture_on_commit_callbacks(execute=True):
        response = seller.post(f"/cabinet/orders/{order.number}/status/", {"status": "paid"}, follow=True)
    assert "Заказ теперь «Оплачен»" in response.content.decode()
    order.refresh_from_db()
    assert order.status == OrderStatus.PAID
    assert time.monotonic() - started < 10  # a refusing server costs milliseconds, not the 5 s timeout

    # Every notice (the buyer's, the seller's and the admins' for each step) was tried once and waits.
    rows = list(OutboxMessage.objects.order_by("pk"))
    assert len(rows) == 6 and smtp_down.connections == 6
    for row in rows:
        assert (row.status, row.attempts) == (OutboxMessage.Status.PENDING, 1)
        assert row.last_error.startswith("SMTPConnectError: (421, b'4.3.2 Service not available')")
        assert row.next_attempt_at > timezone.now()
    assert not smtp_down.messages


# --- Back-off, then failed ----------------------------------------------------------------------------


def mail_to(address, subject):
    return outbox_enqueue(template="order_placed", to=[address], subject=subject, body_text="Спасибо!", body_html="")


# retry_delay with the default OUTBOX_RETRY_SECONDS = 30: doubling from 30 s, at most 6 hours.
DELAYS = [30, 60, 120, 240, 480, 960, 1920, 3840, 7680, 15360, 21600]


def test_the_mail_is_retried_with_back_off_then_marked_failed(
    settings, smtp_down, clock, django_capture_on_commit_callbacks
):
    settings.OUTBOX_RETRY_SECONDS, settings.OUTBOX_MAX_ATTEMPTS = 30, 12  # the defaults, whatever the environment
    with django_capture_on_commit_callbacks(execute=True):
        message = mail_to("anna@example.com", "Заказ №1 оформлен")
    waited = []
    for attempt in range(1, 12):
        message.refresh_from_db()
        assert (message.status, message.attempts) == (OutboxMessage.Status.PENDING, attempt)
        waited.append((message.next_attempt_at - clock.now).total_seconds())
        clock.now = message.next_attempt_at - timedelta(seconds=1)
        assert outbox_resend_pending() == 0  # a second early: not tried
        assert OutboxMessage.objects.get(pk=message.pk).attempts == attempt
        clock.now = message.next_attempt_at
        assert outbox_resend_pending() == 0  # tried, and refused again

    assert waited == DELAYS
    message.refresh_from_db()
    assert (message.status, message.attempts) == (OutboxMessage.Status.FAILED, 12)
    assert "421" in message.last_error
    assert smtp_down.connections == 12

    # A failed e-mail is not tried again by the periodic job, however late.
    clock.now += timedelta(days=7)
    assert outbox_resend_pending() == 0
    assert smtp_down.connections == 12


def test_the_admin_shows_the_failed_mail_with_its_error_and_retries_it(admin_client, settings, smtp_down):
    failed = mail_to("anna@example.com", "Заказ №1 оформлен")
    sent = mail_to("boris@example.com", "Заказ №2 оформлен")
    OutboxMessage.objects.filter(pk=failed.pk).update(
        status=OutboxMessage.Status.FAILED, attempts=12,
        last_error="SMTPConnectError: (421, b'4.3.2 Service not available')",
    )  # fmt: skip
    OutboxMessage.objects.filter(pk=sent.pk).update(status=OutboxMessage.Status.SENT, attempts=1)

    page = admin_client.get(OUTBOX, {"status__exact": "failed"}).content.decode()
    assert "Заказ №1 оформлен" in page and "Заказ №2 оформлен" not in page
    assert '<td class="field-status">не удалось отправить</td>' in page
    assert '<td class="field-error">SMTPConnectError: (421, b&#x27;4.3.2 Service not available&#x27;)</td>' in page
    assert "Заказ №1 оформлен" not in admin_client.get(OUTBOX, {"status__exact": "pending"}).content.decode()

    # The server is back: the admin's «send again» delivers it, once.
    with FakeSMTPServer() as server:
        server.configure(settings)
        response = admin_client.post(OUTBOX, {"action": "retry_now", "_selected_action": [failed.pk]}, follow=True)
    assert response.status_code == 200
    failed.refresh_from_db()
    assert (failed.status, failed.attempts, failed.last_error) == (OutboxMessage.Status.SENT, 13, "")
    assert server.recipients() == ["anna@example.com"]


# --- A real worker retries by itself ------------------------------------------------------------------


@pytest.mark.broker
def test_a_real_worker_retries_with_back_off_and_gives_up_on_a_bounce(processes, tmp_path):
    port = free_port()
    redis_url = f"redis://127.0.0.1:{port}/0"
    start_redis(processes, port)
    with FakeSMTPServer(fail_first=2, bounce={"nobody@example.com"}) as server:
        env = service_env(redis_url, tmp_path)
        # Seconds instead of minutes, and three tries instead of twelve, so the test is short.
        env.update(EMAIL_URL=server.url, OUTBOX_RETRY_SECONDS="1", OUTBOX_MAX_ATTEMPTS="3")
        start_worker(processes, env)
        broker = Celery(broker=redis_url, set_as_current=False)  # not the process's app (live.send_task)
        first = OutboxMessage.objects.create(template="ping", to=["anna@example.com"], subject="Заказ №1",
                                             body_text="Спасибо за заказ!")  # fmt: skip
        broker.send_task("marketplace.tasks.outbox_send_task", args=[first.pk])
        try:
            wait_for(lambda: OutboxMessage.objects.get(pk=first.pk).status == "sent", 60, "the retried mail")
        except AssertionError:
            pytest.fail(processes.logs())
        bounced = OutboxMessage.objects.create(template="ping", to=["nobody@example.com"], subject="Заказ №2",
                                               body_text="Спасибо за заказ!")  # fmt: skip
        broker.send_task("marketplace.tasks.outbox_send_task", args=[bounced.pk])
        try:
            wait_for(lambda: OutboxMessage.objects.get(pk=bounced.pk).status == "failed", 30, "the bounce")
        except AssertionError:
            pytest.fail(processes.logs())

    first.refresh_from_db()
    assert (first.attempts, first.last_error) == (3, "")
    assert server.recipients() == ["anna@example.com"]
    # Its three tries: refused, refused, delivered, the waits doubling (retry_delay: 1 s, then 2 s).
    tries = server.transactions[:3]
    assert [answer for _at, answer in tries] == ["451", "451", "250"]
    assert 1 <= tries[1][0] - tries[0][0] < 5 and 2 <= tries[2][0] - tries[1][0] < 6
    bounced.refresh_from_db()
    assert bounced.attempts == 3 and "550" in bounced.last_error and "nobody@example.com" in bounced.last_error
    assert len(server.transactions) == 6


def test_fake_smtp_server_delivers_and_refuses_like_a_real_one(settings):
    """The fake itself, so a test above can't pass by a fault in it."""
    from django.core.mail import send_mail

    with FakeSMTPServer(fail_first=1, bounce={"nobody@example.com"}) as server:
        server.configure(settings)
        with pytest.raises(Exception, match="451"):
            send_mail("Тема", "Текст", None, ["anna@example.com"])
        with pytest.raises(Exception, match="nobody@example.com"):
            send_mail("Тема", "Текст", None, ["nobody@example.com"])
        assert send_mail("Тема", "Привет, Анна", None, ["anna@example.com"]) == 1
    assert server.recipients() == ["anna@example.com"]
    assert "Content-Type: text/plain" in server.messages[0]["data"]
