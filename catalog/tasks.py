"""Celery tasks of the catalog app: thin wrappers around its services."""

from celery import shared_task

from . import services


@shared_task
def labels_refresh_task() -> dict:
    return services.labels_refresh()


@shared_task(acks_late=True)
def digital_folder_pack_task(folder_id: int) -> None:
    """Pack a folder uploaded as several files into the one zip buyers download (idempotent)."""
    from .sold_files import digital_folder_pack

    digital_folder_pack(folder_id=folder_id)
