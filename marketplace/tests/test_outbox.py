import copy
from datetime import timedelta
from pathlib import Path

import pytest
from django.db import transaction
from django.utils import timezone

from marketplace.models import OutboxMessage
from marketplace.notifications import notify, outbox_resend_pending
from marketplace.tasks import outbox_resend_pending_task

from .factories import UserFactory

pytestmark = pytest.mark.django_db

TEST_TEMPLATES = Path(__file__).parent / "templates"


@pytest.fixture(autouse=True)
def ping_template(settings):
    templates = copy.deepcopy(settings.TEMPLATES)
    templates[0]["DIRS"] = [*templates[0]["DIRS"], TEST_TEMPLATES]
    settings.TEMPLATES = templates


@pytest.fixture
def smtp_down(settings):
    settings.EMAIL_BACKEND = "marketplace.tests.backends.BrokenSMTPBackend"


def test_notify_sends_after_commit_with_text_and_html(mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        message = notify(template="ping", to=["anna@example.com"], context={"name": "Анна"})
        assert mailoutbox == []  # nothing leaves before the transaction commits

    assert len(mailoutbox) == 1
    mail = mailoutbox[0]
    assert mail.subject == "Ping for Анна"
    assert mail.to == ["anna@example.com"]
    assert "Hello, Анна! Sent from Лавка." in mail.body  # SITE_NAME, the brand
    assert "<b>Анна</b>" in mail.alternatives[0][0]
    message.refresh_from_db()
    assert message.status == OutboxMessage.Status.SENT
    assert message.sent_at is not None
    assert message.attempts == 1


def test_rolled_back_change_sends_nothing(mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        try:
            with transaction.atomic():
                notify(template="ping", to="anna@example.com", context={"name": "Анна"})
                raise RuntimeError("the order failed")
        except RuntimeError:
            pass
    assert mailoutbox == []
    assert not OutboxMessage.objects.exists()


def test_recipients_are_deduplicated_and_blanks_dropped(mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        notify(template="ping", to=["a@example.com", "", "a@example.com", "b@example.com"], context={"name": "x"})
    assert mailoutbox[0].to == ["a@example.com", "b@example.com"]


def test_no_recipients_means_no_row():
    assert notify(template="ping", to=[], context={"name": "x"}) is None
    assert not OutboxMessage.objects.exists()


def test_smtp_failure_keeps_the_mail_pending_and_it_is_sent_later(
    settings, smtp_down, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        message = notify(template="ping", to="anna@example.com", context={"name": "Анна"})

    message.refresh_from_db()
    assert message.status == OutboxMessage.Status.PENDING
    assert message.attempts == 1
    assert "SMTPServerDisconnected" in message.last_error
    assert message.next_attempt_at > timezone.now()  # backs off before the next try
    assert mailoutbox == []

    # Not due yet: the periodic job leaves it alone.
    assert outbox_resend_pending() == 0

    # SMTP is back and the back-off has passed: the periodic job delivers it, once.
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    OutboxMessage.objects.filter(pk=message.pk).update(next_attempt_at=timezone.now() - timedelta(seconds=1))
    assert outbox_resend_pending_task.delay().get() == 1
    assert outbox_resend_pending() == 0
    assert [m.subject for m in mailoutbox] == ["Ping for Анна"]
    message.refresh_from_db()
    assert message.status == OutboxMessage.Status.SENT
    assert message.attempts == 2
    assert message.last_error == ""


def test_gives_up_after_max_attempts(settings, smtp_down):
    settings.OUTBOX_MAX_ATTEMPTS = 2
    message = notify(template="ping", to="anna@example.com", context={"name": "x"})
    for _ in range(3):
        OutboxMessage.objects.filter(pk=message.pk).update(next_attempt_at=timezone.now())
        outbox_resend_pending()
    message.refresh_from_db()
    assert message.status == OutboxMessage.Status.FAILED
    assert message.attempts == 2


def test_the_periodic_resend_stops_early_while_the_mail_server_is_down(settings, smtp_down, mailoutbox):
    messages = [notify(template="ping", to=f"buyer{n}@example.com", context={"name": "x"}) for n in range(12)]
    OutboxMessage.objects.update(next_attempt_at=timezone.now())

    assert outbox_resend_pending() == 0
    tried = sorted(OutboxMessage.objects.values_list("attempts", flat=True))
    assert tried == [0] * 7 + [1] * 5  # five failures in a row: the rest wait for the next run

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    OutboxMessage.objects.update(next_attempt_at=timezone.now())
    assert outbox_resend_pending() == len(messages)
    assert sorted(m.to[0] for m in mailoutbox) == sorted(f"buyer{n}@example.com" for n in range(12))


def test_broker_down_at_publish_does_not_break_the_caller(monkeypatch, mailoutbox, django_capture_on_commit_callbacks):
    from marketplace import tasks

    def refuse(*args, **kwargs):
        raise ConnectionError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(tasks.outbox_send_task, "delay", refuse)
    with django_capture_on_commit_callbacks(execute=True):
        message = notify(template="ping", to="anna@example.com", context={"name": "Анна"})
    message.refresh_from_db()
    assert message.status == OutboxMessage.Status.PENDING
    assert outbox_resend_pending() == 1
    assert len(mailoutbox) == 1


def test_password_reset_mail_of_allauth_goes_through_the_outbox(client, mailoutbox, django_capture_on_commit_callbacks):
    user = UserFactory(email="anna@example.com")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/accounts/password/reset/", {"email": user.email})
    assert response.status_code == 302
    row = OutboxMessage.objects.get()
    assert row.to == ["anna@example.com"]
    assert row.template == "password_reset_key"
    assert row.status == OutboxMessage.Status.SENT
    assert len(mailoutbox) == 1
    assert "/accounts/password/reset/key/" in mailoutbox[0].body
    assert "example.com" not in mailoutbox[0].body.replace("anna@example.com", "")  # real site domain


def test_admin_lists_outbox_and_retries_failed(admin_client, settings, smtp_down, mailoutbox):
    message = notify(template="ping", to="anna@example.com", context={"name": "Анна"})
    OutboxMessage.objects.filter(pk=message.pk).update(status=OutboxMessage.Status.FAILED)
    response = admin_client.get("/admin/marketplace/outboxmessage/")
    assert response.status_code == 200
    assert "Ping for Анна" in response.content.decode()

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    response = admin_client.post(
        "/admin/marketplace/outboxmessage/",
        {"action": "retry_now", "_selected_action": [message.pk]},
        follow=True,
    )
    assert response.status_code == 200
    message.refresh_from_db()
    assert message.status == OutboxMessage.Status.SENT
    assert len(mailoutbox) == 1
