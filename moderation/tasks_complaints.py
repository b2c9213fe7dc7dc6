"""Celery tasks of the moderation app: complaints (imported by tasks.py so the worker registers them)."""

from celery import shared_task

from .services import complaints

__all__ = ["orders_unprocessed_task"]


@shared_task
def orders_unprocessed_task() -> int:
    """Hourly: warn the seller and the admins, once per order, about open orders left 24 hours untouched."""
    return complaints.orders_unprocessed_notify()
