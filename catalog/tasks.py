"""Celery tasks of the catalog app: thin wrappers around its services."""

from celery import shared_task

from . import services


@shared_task
def labels_refresh_task() -> dict:
    return services.labels_refresh()
