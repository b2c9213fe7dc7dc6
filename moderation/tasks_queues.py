"""Celery tasks of the moderation app: queues (imported by tasks.py so the worker registers them)."""

from celery import shared_task

from .services.messages import messages_unanswered_check
from .services.texts import texts_scan

__all__ = ["messages_unanswered_task", "texts_scan_task"]


@shared_task
def messages_unanswered_task() -> dict:
    """Daily: hide the products of shops leaving 3+ buyers' messages unanswered for 3 days; warn a day before."""
    return messages_unanswered_check()


@shared_task
def texts_scan_task() -> dict:
    """Daily: scan every shop's and product's texts for contacts and links."""
    return texts_scan()
