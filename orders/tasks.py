"""Celery tasks of the orders app: thin wrappers around the tracking services."""

from celery import shared_task

from . import services
from .carriers import CarrierError
from .models import Shipment


@shared_task(bind=True, max_retries=3, acks_late=True)
def shipment_refresh_task(self, shipment_id: int) -> bool:
    shipment = Shipment.objects.select_related("order").filter(pk=shipment_id).first()
    if shipment is None:
        return False
    try:
        return services.shipment_refresh(shipment=shipment)
    except CarrierError as error:
        if self.request.is_eager:
            # In-process mode: never block a request on retries; the periodic job asks again.
            return False
        raise self.retry(exc=error, countdown=60 * 2**self.request.retries) from error


@shared_task
def tracking_refresh_task() -> dict:
    return services.shipments_refresh_due()
