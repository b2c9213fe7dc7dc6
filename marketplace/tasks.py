"""Celery tasks of the core app: thin wrappers around the outbox services."""

from celery import shared_task

from .models import OutboxMessage
from .notifications import outbox_resend_pending, outbox_send, retry_delay


# max_retries keeps every countdown (retry_delay: 30 s … 8 min) well under the broker's
# visibility timeout (1 h), past which Redis would hand a waiting task out twice; after that the
# periodic job (outbox_resend_pending) keeps trying until the row is sent or failed.
@shared_task(bind=True, max_retries=5, acks_late=True)
def outbox_send_task(self, message_id: int) -> None:
    """Send one outbox row; safe to run twice (the row lock and its status make the e-mail go once)."""
    if outbox_send(message_id=message_id):
        return
    if self.request.is_eager:
        # In-process mode: never block a request on retries; the periodic job resends.
        return
    row = OutboxMessage.objects.filter(pk=message_id).values("status", "attempts").first()
    if row and row["status"] == OutboxMessage.Status.PENDING and self.request.retries < self.max_retries:
        raise self.retry(countdown=retry_delay(row["attempts"]).total_seconds())


@shared_task
def outbox_resend_pending_task() -> int:
    return outbox_resend_pending()
