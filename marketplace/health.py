"""Health checks for /health/ beyond those django-health-check ships: the Celery broker."""

import dataclasses

from django.conf import settings
from health_check.base import HealthCheck
from health_check.exceptions import ServiceUnavailable


@dataclasses.dataclass
class Broker(HealthCheck):
    """Connects to the Celery broker (no worker needed); eager mode has no broker to check."""

    def run(self):
        if settings.CELERY_TASK_ALWAYS_EAGER:
            return
        from marketplace.celery import app

        try:
            with app.connection_for_write() as conn:
                conn.ensure_connection(max_retries=1, timeout=2)
        except Exception as exc:  # noqa: BLE001
            raise ServiceUnavailable(f"Broker unavailable: {type(exc).__name__}") from exc
