"""Parcel tracking from the carriers' own APIs: pick the client for a carrier with client_for()."""

from django.conf import settings

from .base import CarrierClient, CarrierError, CarrierEvent, TrackingResult, TrackNotFound
from .cdek import CdekClient
from .russian_post import RussianPostClient

__all__ = [
    "CarrierClient",
    "CarrierError",
    "CarrierEvent",
    "CdekClient",
    "RussianPostClient",
    "TrackNotFound",
    "TrackingResult",
    "client_for",
]


def client_for(carrier: str) -> CarrierClient | None:
    """A client for "russian_post" or "cdek"; None for other carriers and where the site has no credentials."""
    if carrier == "russian_post" and settings.RUSSIAN_POST_LOGIN and settings.RUSSIAN_POST_PASSWORD:
        return RussianPostClient(
            settings.RUSSIAN_POST_TRACKING_URL, settings.RUSSIAN_POST_LOGIN, settings.RUSSIAN_POST_PASSWORD
        )
    if carrier == "cdek" and settings.CDEK_CLIENT_ID and settings.CDEK_CLIENT_SECRET:
        return CdekClient(settings.CDEK_API_URL, settings.CDEK_CLIENT_ID, settings.CDEK_CLIENT_SECRET)
    return None
