"""Celery tasks of the moderation app: thin wrappers around its services."""

from celery import shared_task

from . import services


@shared_task
def reliable_recheck_task() -> dict:
    """Daily: flag «Надёжный продавец» holders below the criteria for an admin (never removes a badge)."""
    return services.reliable_recheck()


# The other subjects' tasks, registered with the worker through this module.
from .tasks_complaints import *  # noqa: E402, F401, F403
from .tasks_queues import *  # noqa: E402, F401, F403
from .tasks_sanctions import *  # noqa: E402, F401, F403
