"""A real Redis broker and real Celery worker processes (run by .ci/run on PostgreSQL).

The worker and the web server are separate processes pointed at the test database, so
these tests commit their data (transactional_db) and poll for the effects.
"""

import http.cookiejar
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
import redis
from celery import Celery
from django.db import connection, transaction

from marketplace.models import OutboxMessage
from marketplace.notifications import outbox_enqueue

from .factories import UserFactory

pytestmark = pytest.mark.broker
ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(predicate, timeout=30.0, what="condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.2)
    raise AssertionError(f"Timed out after {timeout}s waiting for {what}")


def test_database_url() -> str:
    s = connection.settings_dict
    user = urllib.parse.quote(s["USER"] or "")
    password = ":" + urllib.parse.quote(s["PASSWORD"]) if s["PASSWORD"] else ""
    return f"postgres://{user}{password}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


test_database_url.__test__ = False  # a helper, not a test


class Processes:
    """Starts child processes and always stops them, even when the test fails."""

    def __init__(self, tmp_path):
        self.tmp_path = tmp_path
        self.procs = []

    def start(self, name, cmd, env=None):
        log = open(self.tmp_path / f"{name}.log", "wb")  # noqa: SIM115 - closed in stop_all
        proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        self.procs.append((proc, log))
        return proc

    def stop(self, proc):
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(5)

    def stop_all(self):
        for proc, log in reversed(self.procs):
            self.stop(proc)
            log.close()

    def logs(self):
        return "\n".join(p.read_text(errors="replace")[-3000:] for p in sorted(self.tmp_path.glob("*.log")))


@pytest.fixture
def processes(transactional_db, tmp_path):
    procs = Processes(tmp_path)
    yield procs
    procs.stop_all()


def start_redis(processes, port):
    proc = processes.start(
        f"redis-{port}-{time.monotonic_ns()}",
        ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
    )
    client = redis.Redis(port=port, socket_connect_timeout=0.5)
    wait_for(lambda: _pings(client), 10, "redis to start")
    return proc


def _pings(client):
    try:
        return client.ping()
    except redis.RedisError:
        return False


def service_env(redis_url, maildir):
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env.update(
        DATABASE_URL=test_database_url(),
        REDIS_URL=redis_url,
        EMAIL_URL=f"filemail:///{maildir}",  # django-environ drops one leading slash
        ALLOWED_HOSTS="127.0.0.1,localhost",
        DJANGO_ENV="development",
        DEBUG="0",
        CONN_MAX_AGE="0",
    )
    return env


def start_worker(processes, env):
    return processes.start(
        "worker",
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "marketplace",
            "worker",
            "--pool=solo",
            "--loglevel=INFO",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            "-n",
            f"test-{os.getpid()}@%h",
        ],
        env=env,
    )


def sent_mails(maildir: Path) -> str:
    return "".join(p.read_text(errors="replace") for p in sorted(maildir.glob("*")))


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


class Browser:
    """A tiny HTTP client with cookies and CSRF, for talking to the gunicorn process."""

    def __init__(self, base):
        self.base = base
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))

    def get(self, path):
        try:
            with self.opener.open(self.base + path, timeout=20) as r:
                return r.status, r.read().decode()
        except urllib.error.HTTPError as e:
            return e.code, e.read().decode()

    def post_form(self, path, data):
        status, page = self.get(path)
        assert status == 200, page[:500]
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        body = urllib.parse.urlencode({**data, "csrfmiddlewaretoken": token}).encode()
        request = urllib.request.Request(self.base + path, data=body, headers={"Referer": self.base + path})
        try:
            with self.opener.open(request, timeout=20) as r:
                return r.status, r.read().decode()
        except urllib.error.HTTPError as e:
            return e.code, e.read().decode()


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
    Celery(broker=redis_url).send_task("marketplace.tasks.outbox_resend_pending_task")
    try:
        wait_for(lambda: not OutboxMessage.objects.filter(status="pending").exists(), 90, "the pending mail")
    except AssertionError:
        pytest.fail("pending mail not sent after Redis came back:\n" + processes.logs())
    assert OutboxMessage.objects.filter(status="sent").count() == 2
    assert sent_mails(maildir).count("anna@example.com") >= 2


def _answers(browser):
    try:
        return browser.get("/rules/")[0] == 200
    except OSError:
        return False
