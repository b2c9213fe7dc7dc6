"""Celery tasks of the referrals app: thin wrappers around the services."""

from celery import shared_task

from .rounds import referral_rounds_rotate


@shared_task
def rounds_rotate_task() -> str:
    return str(referral_rounds_rotate())
