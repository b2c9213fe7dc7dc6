"""Celery tasks of the moderation app: thin wrappers around its services."""

from celery import shared_task

from . import services


@shared_task
def reliable_recheck_task() -> dict:
    """Daily: flag «Надёжный продавец» holders below the criteria for an admin (never removes a badge)."""
    return services.reliable_recheck()
