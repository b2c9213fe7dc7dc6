"""Celery tasks of the messaging app: thin wrappers around the services."""

from celery import shared_task

from . import services


@shared_task(acks_late=True)
def conversation_notify_task(conversation_id: int, recipient_side: str) -> bool:
    return services.conversation_notify_due(conversation_id=conversation_id, recipient_side=recipient_side)


@shared_task
def notify_pending_task() -> int:
    return services.notify_pending()


@shared_task
def response_times_refresh_task() -> int:
    return services.response_times_refresh()
