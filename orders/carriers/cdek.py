"""CDEK's API v2: an OAuth token (kept in the cache) and the statuses of an order by its CDEK number."""

import hashlib

import requests
from django.core.cache import cache
from django.utils.translation import gettext as _

from .base import (
    CarrierError,
    CarrierEvent,
    TrackingResult,
    TrackNotFound,
    carrier_session,
    http_error,
    parse_datetime,
    send,
    unreadable_answer,
)

DELIVERED = "DELIVERED"
# A token lives about an hour; drop it a minute early so it never expires between cache and CDEK.
TOKEN_MARGIN = 60


class CdekClient:
    def __init__(self, base_url: str, client_id: str, client_secret: str):
        self.base_url = base_url.rstrip("/")
        self.client_id = client_id
        self.client_secret = client_secret
        self.session = carrier_session()
        # The key names the account without putting its id in the cache in clear.
        digest = hashlib.sha256(f"{self.base_url}\n{client_id}".encode()).hexdigest()[:32]
        self.token_key = f"carriers:cdek:token:{digest}"

    def track(self, number: str) -> TrackingResult:
        response = self._order(number)
        if response.status_code == 401:
            # CDEK may revoke a token before its time: ask for a new one once.
            cache.delete(self.token_key)
            response = self._order(number)
            if response.status_code == 401:
                raise CarrierError(_("CDEK refused a fresh access token. Please try again later."))
        payload = _json(response)
        entity = payload.get("entity") if isinstance(payload, dict) else None
        if response.status_code in (400, 404) or not entity:
            raise _order_error(payload, number=number, status=response.status_code)
        return _result(entity)

    def _order(self, number: str) -> requests.Response:
        return send(
            self.session, "GET", f"{self.base_url}/orders", params={"cdek_number": number},
            headers={"Authorization": f"Bearer {self._token()}"}, readable_statuses={400, 401, 404},
        )  # fmt: skip

    def _token(self) -> str:
        token = cache.get(self.token_key)
        if token:
            return token
        response = send(
            self.session, "POST", f"{self.base_url}/oauth/token",
            data={"grant_type": "client_credentials", "client_id": self.client_id, "client_secret": self.client_secret},
            readable_statuses={400, 401},
        )  # fmt: skip
        payload = _json(response)
        if response.status_code in (400, 401):
            if isinstance(payload, dict) and payload.get("error") in ("invalid_client", "unauthorized_client"):
                raise CarrierError(
                    _("CDEK did not accept the site's API account: an administrator should check CDEK_CLIENT_ID "
                      "and CDEK_CLIENT_SECRET.")
                )  # fmt: skip
            raise http_error(response.status_code)
        try:
            token = payload["access_token"]
            lifetime = int(payload.get("expires_in", 0))
        except (TypeError, KeyError, ValueError):
            raise unreadable_answer()
        cache.set(self.token_key, token, timeout=max(lifetime - TOKEN_MARGIN, 0))
        return token


def _json(response):
    try:
        return response.json()
    except ValueError:
        raise http_error(response.status_code) if response.status_code >= 400 else unreadable_answer()


def _order_error(payload, *, number: str, status: int) -> CarrierError:
    errors = _errors(payload)
    codes = [str(error.get("code", "")) for error in errors]
    if any("not_found" in code for code in codes) or (status == 200 and not errors):
        return TrackNotFound(_("CDEK does not know the order number %(number)s.") % {"number": number})
    if "v2_entity_forbidden" in codes:
        # CDEK shows an order only to the contract that created it.
        return TrackNotFound(
            _("CDEK does not show the order %(number)s to the site's account: it was sent under another contract.")
            % {"number": number}
        )
    said = "; ".join(str(error.get("message") or error.get("code")) for error in errors) or "—"
    return CarrierError(
        _("CDEK could not give the order's statuses (HTTP %(status)d). CDEK said: %(errors)s")
        % {"status": status, "errors": said}
    )


def _errors(payload) -> list[dict]:
    """The errors CDEK lists under "requests": [{"state": "INVALID", "errors": [{"code", "message"}]}]."""
    requests = payload.get("requests") if isinstance(payload, dict) else None
    return [
        error
        for request in requests or []
        if isinstance(request, dict)
        for error in request.get("errors") or []
        if isinstance(error, dict)
    ]


def _result(entity: dict) -> TrackingResult:
    try:
        events = [
            CarrierEvent(
                occurred_at=parse_datetime(status["date_time"]),
                status=status.get("name") or status["code"],
                location=status.get("city") or "",
                is_delivery=status["code"] == DELIVERED,
            )
            for status in entity.get("statuses") or []
        ]
        recipient = (entity.get("recipient") or {}).get("name") or ""
    except (TypeError, KeyError, AttributeError):
        raise unreadable_answer()
    return TrackingResult(events=sorted(events, key=lambda event: event.occurred_at), recipient_name=recipient.strip())
