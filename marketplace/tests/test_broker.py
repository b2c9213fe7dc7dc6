"""A real Redis broker and real Celery worker processes (run by .ci/run on PostgreSQL).

The worker and the web server are separate processes pointed at the test database, so
these tests commit their data (transactional_db) and poll for the effects.
"""

import sys
import time

import pytest
from django.db import transaction

from marketplace.models import OutboxMessage
from marketplace.notifications import outbox_enqueue

from .factories import UserFactory
from .live import (
    Browser,
    _answers,
    free_port,
    send_task,
    sent_mails,
    service_env,
    start_redis,
    start_worker,
    wait_for,
)

pytestmark = pytest.mark.broker


def test_a_real_worker_sends_mail_queued_in_a_transaction(processes, tmp_path, settings):
    """outbox row → commit → task published to Redis → worker process sends it and marks it sent."""
    from marketplace.celery import app

    assert not app.conf.task_always_eager, "REDIS_URL is set, so tasks must go through the broker"
    maildir = tmp_path / "mail"
    maildir.mkdir()
    start_worker(processes, service_env(settings.REDIS_URL, maildir))

    with transaction.atomic():
        message = outbox_enqueue(
            template="broker-check",
            to=["anna@example.com"],
            subject="Заказ №1 оформлен",
            body_text="Спасибо за заказ!",
            body_html="",
        )
        assert message.status == OutboxMessage.Status.PENDING  # nothing is published before commit

    def is_sent():
        message.refresh_from_db()
        return message.status == OutboxMessage.Status.SENT

    try:
        wait_for(is_sent, 60, "the worker to send the message")
    except AssertionError:
        pytest.fail("worker did not send the mail:\n" + processes.logs())
    mail = sent_mails(maildir)
    assert "To: anna@example.com" in mail
    assert "Спасибо за заказ!" in mail or "=D0=A1" in mail or "0KHQv9Cw" in mail  # UTF-8, maybe encoded
    assert message.attempts == 1


def test_redis_outage_keeps_pages_up_and_mail_is_sent_when_it_returns(processes, tmp_path):
    port = free_port()
    redis_url = f"redis://127.0.0.1:{port}/0"
    maildir = tmp_path / "mail"
    maildir.mkdir()
    redis_proc = start_redis(processes, port)
    env = service_env(redis_url, maildir)
    start_worker(processes, env)
    web_port = free_port()
    processes.start(
        "web",
        [
            sys.executable,
            "-m",
            "gunicorn",
            "marketplace.wsgi",
            "-b",
            f"127.0.0.1:{web_port}",
            "-w",
            "1",
            "--timeout",
            "60",
        ],
        env=env,
    )
    browser = Browser(f"http://127.0.0.1:{web_port}")
    try:
        wait_for(lambda: _answers(browser), 30, "gunicorn to start")
    except AssertionError:
        pytest.fail(processes.logs())
    user = UserFactory(email="anna@example.com")

    # All up: health is green and a password-reset mail goes out through the worker.
    status, body = browser.get("/health/?format=json")
    assert status == 200, body
    status, _ = browser.post_form("/accounts/password/reset/", {"email": user.email})
    assert status == 200  # followed the redirect to the "done" page
    wait_for(lambda: OutboxMessage.objects.filter(status="sent").count() == 1, 60, "the first mail")

    # Redis goes down.
    processes.stop(redis_proc)
    started = time.monotonic()
    for path in ["/", "/accounts/login/", "/rules/"]:
        status, page = browser.get(path)
        assert status == 200, (path, page[:300])
    status, body = browser.get("/health/?format=json")
    assert status == 500
    assert "Broker()" in body and '"Broker()": "OK"' not in body
    status, page = browser.post_form("/accounts/password/reset/", {"email": user.email})
    assert status == 200, page[:300]
    assert time.monotonic() - started < 30, "requests hung while Redis was down"
    pending = OutboxMessage.objects.get(status="pending")
    assert pending.to == [user.email]

    # Redis is back: the periodic job (sent here by name, as beat would) delivers the mail.
    start_redis(processes, port)
    send_task(redis_url, "marketplace.tasks.outbox_resend_pending_task")
    try:
        wait_for(lambda: not OutboxMessage.objects.filter(status="pending").exists(), 90, "the pending mail")
    except AssertionError:
        pytest.fail("pending mail not sent after Redis came back:\n" + processes.logs())
    assert OutboxMessage.objects.filter(status="sent").count() == 2
    assert sent_mails(maildir).count("anna@example.com") >= 2
