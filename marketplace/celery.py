"""The Celery application: configured from Django settings, tasks autodiscovered.

Every task is published through the broker's circuit breaker (``marketplace.cache``): once the
broker has timed out or refused, publishing fails at once for a few seconds instead of holding
each request for the broker's timeouts. Callers already treat a failed publish as «later» (the
outbox's periodic re-send, the tracking refresh, messaging's pending notices, packing in the
request), so a fast failure changes nothing but the wait.
"""

import os

from celery import Celery, Task
from kombu.exceptions import OperationalError

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "marketplace.settings")


class BrokerUnavailable(OperationalError):
    """Not sent: the broker failed a moment ago (its circuit breaker is open)."""


class GuardedTask(Task):
    def apply_async(self, *args, **kwargs):
        if self.app.conf.task_always_eager or not self.app.conf.broker_url:
            return super().apply_async(*args, **kwargs)
        from .cache import breaker_for, unreachable

        broker = breaker_for(self.app.conf.broker_url)
        if not broker.allow():
            raise BrokerUnavailable(f"{broker.name} failed a moment ago; {self.name} not sent")
        try:
            result = super().apply_async(*args, **kwargs)
        except Exception as error:
            if unreachable(error):
                broker.failed(error)
            raise
        broker.succeeded()
        return result


app = Celery("lavka", task_cls=GuardedTask)
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
