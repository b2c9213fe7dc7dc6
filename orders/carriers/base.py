"""What every carrier client returns and raises, and the HTTP session they share."""

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol
from zoneinfo import ZoneInfo

import requests
import urllib3
from django.conf import settings
from django.utils.translation import gettext as _
from requests.adapters import HTTPAdapter
from urllib3.util import Retry

RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
# Both carriers document Moscow time; a date without an offset is read as Moscow time.
CARRIER_TIMEZONE = ZoneInfo("Europe/Moscow")


@dataclass(frozen=True)
class CarrierEvent:
    occurred_at: datetime
    status: str
    location: str
    is_delivery: bool


@dataclass(frozen=True)
class TrackingResult:
    events: list[CarrierEvent]
    recipient_name: str = ""

    @property
    def delivered_at(self) -> datetime | None:
        return next((event.occurred_at for event in self.events if event.is_delivery), None)


class CarrierError(Exception):
    """Tracking could not be read from the carrier; ``str(error)`` says why, for a person."""


class TrackNotFound(CarrierError):
    """The carrier does not know this number (yet)."""


class CarrierClient(Protocol):
    def track(self, number: str, /) -> TrackingResult: ...


def carrier_session(*, retry_statuses: Collection[int] = RETRY_STATUSES) -> requests.Session:
    """A session that retries failed attempts CARRIER_RETRIES times with a short backoff."""
    retry = Retry(
        total=settings.CARRIER_RETRIES,
        backoff_factor=0.3,
        status_forcelist=retry_statuses,
        # Tracking requests only read, so a repeated POST (SOAP, OAuth token) does no harm.
        allowed_methods=frozenset({"GET", "POST"}),
        # The last error response is returned to send(), which names its status to the person.
        raise_on_status=False,
        # A page or a task waits for the answer: never sleep for long, whatever Retry-After asks.
        backoff_max=5,
        retry_after_max=5,
    )
    session = requests.Session()
    adapter = HTTPAdapter(max_retries=retry)
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    return session


def send(
    session: requests.Session, method: str, url: str, *, readable_statuses: Collection[int] = (), **kwargs
) -> requests.Response:
    """The carrier's response, or CarrierError; error statuses in ``readable_statuses`` are left to the caller."""
    try:
        response = session.request(method, url, timeout=settings.CARRIER_TIMEOUT, **kwargs)
    except requests.RequestException as error:
        if _timed_out(error):
            raise CarrierError(_("The carrier did not answer in time. Please try again later."))
        raise CarrierError(_("Could not reach the carrier. Please try again later."))
    if response.status_code >= 400 and response.status_code not in readable_statuses:
        raise http_error(response.status_code)
    return response


def http_error(status: int) -> CarrierError:
    return CarrierError(_("The carrier answered with an error (HTTP %(status)d).") % {"status": status})


def unreadable_answer() -> CarrierError:
    return CarrierError(_("The carrier sent an answer that could not be read."))


def parse_datetime(value: str) -> datetime:
    """An ISO 8601 date-time from a carrier ("…+03:00" or "…+0300"), always timezone-aware."""
    try:
        moment = datetime.fromisoformat(value.strip())
    except ValueError:
        raise unreadable_answer()
    return moment if moment.tzinfo else moment.replace(tzinfo=CARRIER_TIMEZONE)


def _timed_out(error: requests.RequestException) -> bool:
    # Once retries run out, urllib3 wraps a read timeout in MaxRetryError and requests reports it as a
    # ConnectionError, so look at the reason too; a refused connection is a timeout subclass there.
    reason = getattr(error.args[0], "reason", None) if error.args else None
    if isinstance(reason, urllib3.exceptions.NewConnectionError):
        return False
    return isinstance(error, requests.Timeout) or isinstance(reason, urllib3.exceptions.TimeoutError)
