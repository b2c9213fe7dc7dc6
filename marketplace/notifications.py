"""The one entry point for e-mail: notify() writes an outbox row; Celery sends it after commit.

Nothing is lost when Redis or SMTP is down: the row stays pending and
outbox_resend_pending() (a periodic job) delivers it later.
"""

import logging
from collections.abc import Iterable
from datetime import timedelta
from functools import partial

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.core.mail import EmailMessage, EmailMultiAlternatives
from django.db import transaction
from django.template import TemplateDoesNotExist
from django.template.context import make_context
from django.template.loader import get_template, render_to_string
from django.utils import timezone, translation

from .models import OutboxMessage

logger = logging.getLogger(__name__)


def _recipients(to: str | Iterable[str]) -> list[str]:
    addresses = [to] if isinstance(to, str) else list(to)
    # Keep order, drop blanks and duplicates (a seller who is also the site admin gets one copy).
    return list(dict.fromkeys(a.strip() for a in addresses if a and a.strip()))


def admin_emails() -> list[str]:
    return [address for _name, address in settings.ADMINS]


def notify(*, template: str, to: str | Iterable[str], context: dict | None = None) -> OutboxMessage | None:
    """Render templates/emails/<template>_subject.txt, .txt and .html and queue the e-mail."""
    recipients = _recipients(to)
    if not recipients:
        return None
    ctx = {"site_name": settings.SITE_NAME, "site_url": site_url(), **(context or {})}
    # E-mails go out in the site language whatever the current request's language.
    with translation.override(settings.LANGUAGE_CODE):
        subject = " ".join(render_plain_text(f"emails/{template}_subject.txt", ctx).split())
        body_text = render_plain_text(f"emails/{template}.txt", ctx)
        try:
            body_html = render_to_string(f"emails/{template}.html", ctx)
        except TemplateDoesNotExist:
            body_html = ""
    return outbox_enqueue(template=template, to=recipients, subject=subject, body_text=body_text, body_html=body_html)


def render_plain_text(template_name: str, context: dict, request=None) -> str:
    """Render an e-mail's subject or text part: plain text, so nothing is HTML-escaped.

    The site's template engine escapes for HTML; a text part must keep «Д'Артаньян & Ко» and
    a quoted address as typed. Only the HTML part of an e-mail goes through escaping.
    """
    template = get_template(template_name).template  # the engine's own Template, not the backend's wrapper
    return template.render(make_context(context, request, autoescape=False))


def outbox_store_message(*, message: EmailMessage, template: str) -> OutboxMessage:
    """Queue an already rendered EmailMessage (allauth's mails come this way)."""
    body_html = ""
    for content, mimetype in getattr(message, "alternatives", []) or []:
        if mimetype == "text/html":
            body_html = content
    return outbox_enqueue(
        template=template,
        to=_recipients(message.to),
        subject=message.subject,
        body_text=message.body,
        body_html=body_html,
    )


def outbox_enqueue(*, template: str, to: list[str], subject: str, body_text: str, body_html: str) -> OutboxMessage:
    """Store the row in the caller's transaction and send it once that commits."""
    message = OutboxMessage.objects.create(
        template=template, to=to, subject=subject[:255], body_text=body_text, body_html=body_html
    )
    transaction.on_commit(partial(_publish, message.pk))
    return message


def _publish(message_id: int) -> None:
    from .tasks import outbox_send_task

    # A broker that failed a moment ago is not asked again at every commit (marketplace.celery's
    # GuardedTask fails at once): the row stays pending and the periodic re-send delivers it.
    try:
        outbox_send_task.delay(message_id)
    except Exception:  # noqa: BLE001 - a broker outage must not break the request
        logger.warning("Broker unavailable; outbox message %s stays pending", message_id, exc_info=True)


def retry_delay(attempts: int) -> timedelta:
    """How long to wait after ``attempts`` failed tries: 30 s, 1 min, 2 min, … up to 6 hours."""
    return timedelta(seconds=min(settings.OUTBOX_RETRY_SECONDS * 2 ** max(attempts - 1, 0), 6 * 3600))


def outbox_send(*, message_id: int) -> bool:
    """Send one pending message; True when it is (or already was) sent."""
    with transaction.atomic():
        message = OutboxMessage.objects.select_for_update(skip_locked=True).filter(pk=message_id).first()
        if message is None:
            # Locked by another sender right now, or gone: nothing to do here.
            return False
        if message.status != OutboxMessage.Status.PENDING:
            return message.status == OutboxMessage.Status.SENT
        email = EmailMultiAlternatives(
            subject=message.subject,
            body=message.body_text,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=message.to,
            headers={"Message-ID": outbox_message_id(message)},
        )
        if message.body_html:
            email.attach_alternative(message.body_html, "text/html")
        message.attempts += 1
        try:
            email.send()
        except SoftTimeLimitExceeded:
            raise  # the task ran out of time: not this e-mail's failure (the row is rolled back, still pending)
        except Exception as exc:  # noqa: BLE001 - any SMTP/network failure leaves it pending
            message.last_error = f"{type(exc).__name__}: {exc}"[:2000]
            message.next_attempt_at = timezone.now() + retry_delay(message.attempts)
            if message.attempts >= settings.OUTBOX_MAX_ATTEMPTS:
                message.status = OutboxMessage.Status.FAILED
            message.save(update_fields=["attempts", "last_error", "next_attempt_at", "status"])
            logger.warning("Sending outbox message %s failed: %s", message.pk, message.last_error)
            return False
        message.status = OutboxMessage.Status.SENT
        message.sent_at = timezone.now()
        message.last_error = ""
        message.save(update_fields=["attempts", "status", "sent_at", "last_error"])
        return True


def outbox_message_id(message: OutboxMessage) -> str:
    """The same Message-ID on every try of one row.

    Sending is at least once: a worker killed after the SMTP server took the e-mail but before the
    row was marked sent sends it again when the task runs again. With one Message-ID, mail services
    that drop duplicates by it (Gmail does) show the person one e-mail.
    """
    stamp = int(message.created_at.timestamp() * 1_000_000)  # a reused pk (a restored database) gets a new id
    return f"<outbox-{message.pk}.{stamp}@{settings.SITE_DOMAIN.split(':')[0]}>"


# The periodic re-send stops after this many failures in a row: the mail server is likely down, and
# each try may wait for EMAIL_TIMEOUT; the rest wait for the next run.
RESEND_STOP_AFTER_FAILURES = 5


def outbox_resend_pending(*, limit: int = 500) -> int:
    """Send pending messages whose time has come; returns how many went out."""
    due = (
        OutboxMessage.objects.filter(status=OutboxMessage.Status.PENDING, next_attempt_at__lte=timezone.now())
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[:limit]
    )
    sent = failures = 0
    for pk in list(due):
        if outbox_send(message_id=pk):
            sent, failures = sent + 1, 0
            continue
        failures += 1
        if failures >= RESEND_STOP_AFTER_FAILURES:
            logger.warning("%s e-mails in a row were not sent; the rest wait for the next run", failures)
            break
    return sent


def outbox_retry(*, message_ids: Iterable[int]) -> int:
    """Put failed or pending messages back in the queue now (admin action)."""
    return (
        OutboxMessage.objects.filter(pk__in=list(message_ids))
        .exclude(status=OutboxMessage.Status.SENT)
        .update(status=OutboxMessage.Status.PENDING, next_attempt_at=timezone.now())
    )


def site_url() -> str:
    protocol = "https" if settings.PRODUCTION else "http"
    return f"{protocol}://{settings.SITE_DOMAIN}"
