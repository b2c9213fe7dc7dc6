"""Workers at fault: two workers on one queue, a worker killed mid-task, and every task run twice.

- Two real workers (and threads, on PostgreSQL) never send one outbox row twice (skip_locked).
- A pool process SIGKILLed in the middle of an SMTP conversation: the task goes back to the queue
  (acks_late + task_reject_on_worker_lost), runs again, and the e-mail is delivered once.
- Each periodic or queued task of the project run twice, as a redelivery would: its effect once.
"""

import os
import signal
import subprocess
import sys
import threading
import time
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from celery import Celery
from django.conf import settings as django_settings
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.mail.backends.base import BaseEmailBackend
from django.utils import timezone

from marketplace.models import OutboxMessage
from marketplace.notifications import outbox_enqueue, outbox_send
from orders.tests.concurrency import Raised, results_at_once

# The live-process helpers (H4a is moving them to .live; these names stay importable from here).
from .live import free_port, service_env, start_redis, wait_for
from .test_smtp_faults import FakeSMTPServer

SEND = "marketplace.tasks.outbox_send_task"
RESEND = "marketplace.tasks.outbox_resend_pending_task"


def start_worker(processes, env, name, *, pool="solo"):
    """A worker process of its own name and log (name.log); prefork runs one pool process."""
    return processes.start(
        name,
        [sys.executable, "-m", "celery", "-A", "marketplace", "worker", f"--pool={pool}", "--concurrency=1",
         "--loglevel=INFO", "--without-gossip", "--without-mingle", "--without-heartbeat",
         "-n", f"{name}-{os.getpid()}@%h"],
        env=env,
    )  # fmt: skip


def wait_ready(processes, *names):
    def ready():
        return all(" ready." in (processes.tmp_path / f"{name}.log").read_text(errors="replace") for name in names)

    try:
        wait_for(ready, 60, f"workers {names} to start")
    except AssertionError:
        pytest.fail(processes.logs())


def pending_rows(count: int) -> list[OutboxMessage]:
    return OutboxMessage.objects.bulk_create(
        OutboxMessage(template="order_placed", to=[f"buyer-{index}@example.com"], subject=f"Заказ №{index}",
                      body_text=f"Спасибо за заказ №{index}!")
        for index in range(count)
    )  # fmt: skip


def recipients_in(maildir: Path) -> list[str]:
    """Every «To:» of the files the filemail backend wrote (one per connection; two workers may share a name)."""
    lines = (line for path in maildir.glob("*") for line in path.read_text(errors="replace").splitlines())
    return sorted(line.removeprefix("To: ") for line in lines if line.startswith("To: "))


# --- Two senders, one row ----------------------------------------------------------------------------------


@pytest.mark.broker
def test_two_workers_never_send_one_outbox_row_twice(processes, tmp_path):
    port = free_port()
    redis_url = f"redis://127.0.0.1:{port}/0"
    start_redis(processes, port)
    maildir = tmp_path / "mail"
    maildir.mkdir()
    env = {**service_env(redis_url, maildir), "OUTBOX_RETRY_SECONDS": "1"}
    start_worker(processes, env, "worker-a")
    start_worker(processes, env, "worker-b")
    rows = pending_rows(40)
    wait_ready(processes, "worker-a", "worker-b")

    # The periodic job in both workers at once, then every row's own task, twice (a redelivery).
    broker = Celery(broker=redis_url, set_as_current=False)  # not the process's app (live.send_task)
    broker.send_task(RESEND)
    broker.send_task(RESEND)
    for row in rows * 2:
        broker.send_task(SEND, args=[row.pk])

    def all_sent():
        return OutboxMessage.objects.filter(status=OutboxMessage.Status.SENT).count() == len(rows)

    try:
        wait_for(all_sent, 60, "every row to be sent")
    except AssertionError:
        pytest.fail(processes.logs())
    assert recipients_in(maildir) == sorted(f"buyer-{index}@example.com" for index in range(40))
    assert set(OutboxMessage.objects.values_list("attempts", flat=True)) == {1}
    for name in ("worker-a", "worker-b"):  # both took part
        assert "succeeded" in (tmp_path / f"{name}.log").read_text(), processes.logs()


class SlowRecordingBackend(BaseEmailBackend):
    """Takes 20 ms a message (as a real SMTP server does), so overlapping senders would both get through."""

    sent: list[str] = []
    lock = threading.Lock()

    def send_messages(self, email_messages):
        time.sleep(0.02)
        with self.lock:
            self.sent.extend(address for message in email_messages for address in message.to)
        return len(email_messages)


@pytest.mark.skipif(not django_settings.DB_IS_POSTGRES, reason="needs PostgreSQL for concurrent transactions")
@pytest.mark.django_db(transaction=True)
def test_eight_threads_sending_the_same_rows_send_each_once(settings):
    settings.EMAIL_BACKEND = f"{__name__}.SlowRecordingBackend"
    SlowRecordingBackend.sent = []
    rows = pending_rows(20)

    def sender(order):
        return lambda: [outbox_send(message_id=row.pk) for row in order]

    # Half the threads walk the rows forwards, half backwards: every row meets a rival.
    results = results_at_once([sender(rows if index % 2 else rows[::-1]) for index in range(8)])

    assert not [result for result in results if isinstance(result, Raised)], results
    assert sorted(SlowRecordingBackend.sent) == sorted(row.to[0] for row in rows)
    assert set(OutboxMessage.objects.values_list("status", "attempts")) == {("sent", 1)}
    # Each row was reported sent by the thread that sent it, and skipped (False) or seen sent (True) by others.
    assert all(any(result[index] for result in results) for index in range(len(rows)))


# --- A worker killed mid-task ------------------------------------------------------------------------------


def pool_processes(worker) -> list[int]:
    out = subprocess.run(["pgrep", "-P", str(worker.pid)], capture_output=True, text=True).stdout
    return [int(pid) for pid in out.split()]


@pytest.mark.broker
def test_a_worker_killed_mid_send_sends_the_mail_once_when_the_task_runs_again(processes, tmp_path):
    assert django_settings.CELERY_TASK_ACKS_LATE and django_settings.CELERY_TASK_REJECT_ON_WORKER_LOST
    port = free_port()
    redis_url = f"redis://127.0.0.1:{port}/0"
    start_redis(processes, port)
    with FakeSMTPServer(stall_first=1) as smtp:
        env = {**service_env(redis_url, tmp_path), "EMAIL_URL": smtp.url, "OUTBOX_RETRY_SECONDS": "1"}
        worker = start_worker(processes, env, "worker", pool="prefork")
        message, marker = pending_rows(2)
        broker = Celery(broker=redis_url, set_as_current=False)  # not the process's app (live.send_task)
        broker.send_task(SEND, args=[message.pk])

        # The pool process is in the middle of the SMTP conversation (DATA sent, no answer), its row locked.
        if not smtp.stalled.wait(60):
            pytest.fail("the worker never reached the SMTP server:\n" + processes.logs())
        [child] = pool_processes(worker)
        os.kill(child, signal.SIGKILL)

        try:
            wait_for(lambda: OutboxMessage.objects.get(pk=message.pk).status == "sent", 60, "the task to run again")
        except AssertionError:
            pytest.fail("the killed task did not run again:\n" + processes.logs())
        # One more task behind it: once it is done, nothing of the first one is left in the queue.
        broker.send_task(SEND, args=[marker.pk])
        wait_for(lambda: OutboxMessage.objects.get(pk=marker.pk).status == "sent", 30, "the marker")

    assert smtp.recipients() == ["buyer-0@example.com", "buyer-1@example.com"]
    assert f"Message-ID: <outbox-{message.pk}." in smtp.messages[0]["data"]
    assert smtp.connections == 3  # the killed conversation, the one that delivered, the marker's
    message.refresh_from_db()
    assert message.attempts == 1  # the killed try was rolled back with its transaction
    assert worker.poll() is None and child not in pool_processes(worker)  # a new pool process took over
    assert "WorkerLostError" in (tmp_path / "worker.log").read_text()


# --- Every task run twice (a redelivery): the effect once ---------------------------------------------------
# Eager and on SQLite: each test calls the task the way a worker would, twice.


@pytest.fixture
def run_twice(django_capture_on_commit_callbacks):
    """Run a task twice, each time as a worker would (its own commit, its after-commit hooks); both results."""

    def run(task, *args):
        results = []
        for _ in range(2):
            with django_capture_on_commit_callbacks(execute=True):
                results.append(task.delay(*args).get())
        return results

    return run


@pytest.mark.django_db
def test_outbox_tasks_twice_send_once(run_twice, mailoutbox):
    from marketplace.tasks import outbox_resend_pending_task, outbox_send_task

    first = outbox_enqueue(template="order_placed", to=["anna@example.com"], subject="Заказ №1", body_text="1",
                           body_html="")  # fmt: skip
    run_twice(outbox_send_task, first.pk)
    pending_rows(2)
    assert run_twice(outbox_resend_pending_task) == [2, 0]
    assert sorted(m.to[0] for m in mailoutbox) == ["anna@example.com", "buyer-0@example.com", "buyer-1@example.com"]
    assert set(OutboxMessage.objects.values_list("status", "attempts")) == {("sent", 1)}


@pytest.mark.django_db
def test_a_row_sent_again_after_its_commit_was_lost_keeps_its_message_id(mailoutbox, settings):
    """At least once: the server took the e-mail, the worker died before the row was marked sent.
    The second copy carries the first one's Message-ID, so mail services that drop duplicates show one."""
    settings.SITE_DOMAIN = "lavka.example.com:8443"
    first, other = pending_rows(2)
    assert outbox_send(message_id=first.pk)
    OutboxMessage.objects.filter(pk=first.pk).update(status=OutboxMessage.Status.PENDING, attempts=0)
    assert outbox_send(message_id=first.pk) and outbox_send(message_id=other.pk)
    ids = [mail.message()["Message-ID"] for mail in mailoutbox]
    assert ids[0] == ids[1] != ids[2]
    assert ids[0].startswith(f"<outbox-{first.pk}.") and ids[0].endswith("@lavka.example.com>")


RP_TRACK = "62001411001235"


@pytest.mark.django_db
def test_tracking_tasks_twice_record_the_delivery_once(run_twice, fake_carriers, django_capture_on_commit_callbacks):
    from django.utils.translation import gettext

    from marketplace.tests.factories import UserFactory
    from orders import services
    from orders.models import OrderEvent, OrderStatus
    from orders.tasks import shipment_refresh_task, tracking_refresh_task
    from orders.tests.factories import order_for
    from shops.tests.factories import ShopFactory

    fake_carriers.russian_post(RP_TRACK, "russian_post_delivered.xml")
    fake_carriers.russian_post("RA123456785RU", "russian_post_delivered.xml")
    shop = ShopFactory()
    orders = [order_for(shop, buyer=UserFactory(email=f"buyer{n}@example.com"),
                        statuses=[OrderStatus.PAID, OrderStatus.SHIPPED]) for n in (1, 2)]  # fmt: skip
    first, second = (services.shipment_add(order=order, actor=shop.owner, carrier="russian_post", track_number=track)
                     for order, track in zip(orders, [RP_TRACK, "RA123456785RU"], strict=True))  # fmt: skip
    mail.outbox.clear()

    assert run_twice(shipment_refresh_task, first.pk) == [True, False]
    assert run_twice(tracking_refresh_task) == [{"checked": 1, "changed": 1, "failed": 0},
                                                {"checked": 0, "changed": 0, "failed": 0}]  # fmt: skip
    for order, shipment in zip(orders, [first, second], strict=True):
        assert shipment.events.filter(is_delivery=True).count() == 1
        assert OrderEvent.objects.filter(order=order, note=gettext("Received: the carrier delivered it")).count() == 1
    assert sorted(m.to[0] for m in mail.outbox if "доставлен" in m.subject) == ["buyer1@example.com",
                                                                                "buyer2@example.com"]  # fmt: skip


@pytest.mark.django_db
def test_labels_task_twice_changes_the_labels_once(run_twice):
    from catalog.models import Product
    from catalog.tasks import labels_refresh_task
    from catalog.tests.factories import ProductFactory

    product = ProductFactory(is_enabled=True, sales_count=3)
    first, second = run_twice(labels_refresh_task)
    assert (first["new_on"], first["hit_on"]) == (1, 1)
    assert {key: value for key, value in second.items() if key != "popularity"} == dict.fromkeys(
        ["new_on", "new_off", "hit_on", "hit_off"], 0
    )
    product = Product.objects.get(pk=product.pk)
    assert product.is_new and product.is_hit


@pytest.mark.django_db
def test_folder_packing_task_twice_packs_one_zip(run_twice, settings, tmp_path):
    from catalog import sold_files
    from catalog.models import Activation, DigitalFile
    from catalog.tasks import digital_folder_pack_task
    from catalog.tests.factories import ProductFactory

    private = tmp_path / "private"
    settings.STORAGES = {**settings.STORAGES, "private": {
        "BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(private)}}}  # fmt: skip
    product = ProductFactory(price=Decimal("300"), is_digital=True, activation=Activation.IMMEDIATE, download_limit=3)
    pdf = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    folder = sold_files.sold_folder_add(product=product, title="Набор", uploads=[
        SimpleUploadedFile("a.pdf", pdf, content_type="application/pdf"),
        SimpleUploadedFile("b.pdf", pdf + b"2", content_type="application/pdf")])  # fmt: skip
    assert not DigitalFile.objects.get(pk=folder.pk).file  # not packed yet: the task does it

    run_twice(digital_folder_pack_task, folder.pk)
    folder.refresh_from_db()
    assert folder.file and not folder.parts.exists()
    assert [path.name for path in private.rglob("*") if path.is_file()] == [Path(folder.file.name).name]


@pytest.mark.django_db
def test_rounds_task_twice_closes_and_schedules_once(run_twice):
    from referrals.models import ReferralRound
    from referrals.tasks import rounds_rotate_task
    from referrals.tests.factories import ReferralRoundFactory

    now = timezone.now()
    ReferralRoundFactory(starts_at=now - timedelta(days=14), ends_at=now - timedelta(hours=1), repeat_after_days=7)
    assert run_twice(rounds_rotate_task) == [
        "закрыто: 1, открыто: 0, назначено: 1",
        "закрыто: 0, открыто: 0, назначено: 0",
    ]
    assert ReferralRound.objects.count() == 2


@pytest.mark.django_db
def test_messaging_tasks_twice_mail_each_notice_once(run_twice, mailoutbox):
    from messaging.models import Conversation, Side
    from messaging.tasks import conversation_notify_task, notify_pending_task
    from moderation.tests.complaint_builders import buyer_user, say, seller_shop

    shop = seller_shop()
    conversation = Conversation.objects.create(shop=shop, buyer=buyer_user(), started_by=Side.BUYER)
    other = Conversation.objects.create(shop=shop, buyer=buyer_user("petr@example.com"), started_by=Side.BUYER)
    say(conversation, Side.BUYER, "Есть ли этот шарф в синем цвете?", when=timezone.now() - timedelta(hours=3))
    say(other, Side.BUYER, "Когда отправите?")

    assert run_twice(conversation_notify_task, conversation.pk, "shop") == [True, False]
    assert run_twice(notify_pending_task) == [1, 0]
    assert [m.to for m in mailoutbox] == [["anna@example.com"], ["anna@example.com"]]
    assert "Есть ли этот шарф" in mailoutbox[0].body and "Когда отправите?" in mailoutbox[1].body


@pytest.mark.django_db
def test_response_times_task_twice_stores_the_figure_once(run_twice, settings):
    from messaging.models import Conversation, Side
    from messaging.tasks import response_times_refresh_task
    from moderation.tests.complaint_builders import buyer_user, say, seller_shop
    from shops.models import Shop

    settings.MESSAGING_RESPONSE_MIN_CONVERSATIONS = 1
    shop = seller_shop()
    conversation = Conversation.objects.create(shop=shop, buyer=buyer_user(), started_by=Side.BUYER)
    asked = say(conversation, Side.BUYER, "Есть в синем?", when=timezone.now() - timedelta(hours=5))
    asked.answered_at = asked.created_at + timedelta(hours=2, minutes=30)
    asked.save(update_fields=["answered_at"])
    assert run_twice(response_times_refresh_task) == [1, 0]
    assert Shop.objects.get(pk=shop.pk).response_hours == 3


@pytest.mark.django_db
def test_moderation_tasks_twice_act_once(run_twice, mailoutbox, settings):
    from catalog.models import Product
    from catalog.tests.factories import ProductFactory
    from messaging.models import Conversation, Side
    from moderation.models import OrderNotice, ReliableFlag, Sanction, TextHit
    from moderation.tasks import reliable_recheck_task
    from moderation.tasks_complaints import orders_unprocessed_task
    from moderation.tasks_queues import messages_unanswered_task, texts_scan_task
    from moderation.tests.complaint_builders import buyer_user, placed, say, seller_shop

    settings.ADMINS = [("Ольга", "olga@lavka.test")]
    shop = seller_shop(is_reliable=True)
    product = ProductFactory(shop=shop)
    placed(shop, buyer_user(), hours_ago=25)
    for index in range(3):
        buyer = buyer_user(f"buyer{index}@example.com")
        say(Conversation.objects.create(shop=shop, buyer=buyer, started_by=Side.BUYER), Side.BUYER,
            "Здравствуйте! Есть ли этот шарф в синем цвете?", when=timezone.now() - timedelta(days=4))  # fmt: skip
    Product.objects.filter(pk=product.pk).update(description="Звоните +7 916 123-45-67")
    mailoutbox.clear()

    assert run_twice(orders_unprocessed_task) == [1, 0]
    assert OrderNotice.objects.count() == 1
    assert sorted(m.to[0] for m in mailoutbox) == ["anna@example.com", "olga@lavka.test"]
    first, second = run_twice(messages_unanswered_task)
    assert (first["hidden"], second) == (1, {"hidden": 0, "warned": 0})
    assert Sanction.objects.filter(shop=shop).count() == 1
    assert [run["hits"] for run in run_twice(texts_scan_task)] == [1, 0]
    assert TextHit.objects.count() == 1
    first, second = run_twice(reliable_recheck_task)
    assert (first["flagged"], second["flagged"], second["still_flagged"]) == (1, 0, 1)
    assert ReliableFlag.objects.count() == 1
