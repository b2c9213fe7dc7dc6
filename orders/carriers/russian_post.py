"""Russian Post's tracking service, single access (SOAP 1.2 method getOperationHistory)."""

import re
import xml.etree.ElementTree as ET
from collections.abc import Iterable
from xml.sax.saxutils import escape

from django.utils.translation import gettext as _

from .base import (
    RETRY_STATUSES,
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

SOAP = "http://www.w3.org/2003/05/soap-envelope"
DATA = "http://russianpost.org/operationhistory/data"
CONTENT_TYPE = "application/soap+xml; charset=utf-8"

ENVELOPE = """<?xml version="1.0" encoding="UTF-8"?>
<soap:Envelope xmlns:soap="http://www.w3.org/2003/05/soap-envelope" \
xmlns:oper="http://russianpost.org/operationhistory" xmlns:data="http://russianpost.org/operationhistory/data" \
xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/">
  <soap:Header/>
  <soap:Body>
    <oper:getOperationHistory>
      <data:OperationHistoryRequest>
        <data:Barcode>{barcode}</data:Barcode>
        <data:MessageType>0</data:MessageType>
        <data:Language>RUS</data:Language>
      </data:OperationHistoryRequest>
      <data:AuthorizationHeader soapenv:mustUnderstand="1">
        <data:login>{login}</data:login>
        <data:password>{password}</data:password>
      </data:AuthorizationHeader>
    </oper:getOperationHistory>
  </soap:Body>
</soap:Envelope>
"""

OPERATION_ACCEPTANCE = "1"  # Приём: its attribute (Единичный, Партионный…) is a kind of acceptance, not news
OPERATION_HANDING_OVER = "2"  # Вручение
# Reasons ("Истек срок хранения", "Временное отсутствие адресата") mean little without the operation:
# Возврат, Невручение, Неудачная попытка вручения.
OPERATIONS_WITH_REASON = {"3", "5", "12"}
ATTRIBUTE_TO_SENDER = "2"  # Вручение отправителю: a returned parcel went back, nobody received it
# A fault about the number itself, in the language we ask for (RUS) or in English.
NUMBER_FAULT = re.compile(r"не найден|неверн|некоррект|формат|not found|incorrect|invalid|format", re.IGNORECASE)


class RussianPostClient:
    def __init__(self, url: str, login: str, password: str):
        self.url = url
        self.login = login
        self.password = password
        # Faults come as HTTP 500 with a SOAP body to read; repeating them would only ask again.
        self.session = carrier_session(retry_statuses=RETRY_STATUSES - {500})

    def track(self, barcode: str) -> TrackingResult:
        body = ENVELOPE.format(barcode=escape(barcode), login=escape(self.login), password=escape(self.password))
        response = send(
            self.session, "POST", self.url, data=body.encode(), headers={"Content-Type": CONTENT_TYPE},
            readable_statuses={400, 500},
        )  # fmt: skip
        root = _parse(response.content, status=response.status_code)
        fault = root.find(f"{{{SOAP}}}Body/{{{SOAP}}}Fault")
        if fault is not None:
            raise _fault_error(fault, barcode=barcode)
        if response.status_code >= 400:
            raise http_error(response.status_code)
        return _result(root.iter(f"{{{DATA}}}historyRecord"))


def _parse(content: bytes, *, status: int) -> ET.Element:
    # ElementTree expands entities declared in a DTD; nobody's tracking answer needs one.
    if b"<!doctype" in content.lower():
        raise unreadable_answer()
    try:
        return ET.fromstring(content)
    except ET.ParseError:
        raise http_error(status) if status >= 400 else unreadable_answer()


def _fault_error(fault: ET.Element, *, barcode: str) -> CarrierError:
    reason = _text(fault, f"{{{SOAP}}}Reason/{{{SOAP}}}Text")
    detail = fault.find(f"{{{SOAP}}}Detail")
    detail_text = " ".join(" ".join(detail.itertext()).split()) if detail is not None else ""
    said = "; ".join(dict.fromkeys(text for text in (reason, detail_text) if text)) or "—"
    if detail is not None and detail.find(f"{{{DATA}}}AuthorizationFaultReason") is not None:
        return CarrierError(
            _("Russian Post did not accept the site's tracking login and password: an administrator should check "
              "RUSSIAN_POST_LOGIN and RUSSIAN_POST_PASSWORD. Russian Post said: %(fault)s") % {"fault": said}
        )  # fmt: skip
    if detail is not None and detail.find(f"{{{DATA}}}OperationHistoryFaultReason") is not None:
        if NUMBER_FAULT.search(said):
            return TrackNotFound(
                _("Russian Post does not know the number %(number)s. Russian Post said: %(fault)s")
                % {"number": barcode, "fault": said}
            )
    return CarrierError(
        _("Russian Post could not give the tracking history. Russian Post said: %(fault)s") % {"fault": said}
    )


def _result(records: Iterable[ET.Element]) -> TrackingResult:
    events = []
    recipient = ""
    for record in records:
        operation = record.find(f"{{{DATA}}}OperationParameters")
        if operation is None:
            raise unreadable_answer()
        type_id = _text(operation, f"{{{DATA}}}OperType/{{{DATA}}}Id")
        type_name = _text(operation, f"{{{DATA}}}OperType/{{{DATA}}}Name")
        attribute_id = _text(operation, f"{{{DATA}}}OperAttr/{{{DATA}}}Id")
        attribute_name = _text(operation, f"{{{DATA}}}OperAttr/{{{DATA}}}Name")
        events.append(
            CarrierEvent(
                occurred_at=parse_datetime(_text(operation, f"{{{DATA}}}OperDate")),
                status=_status(type_id, type_name, attribute_name),
                location=_location(record),
                is_delivery=_is_delivery(type_id, attribute_id, attribute_name),
            )
        )
        recipient = _text(record, f"{{{DATA}}}UserParameters/{{{DATA}}}Rcpn") or recipient
    return TrackingResult(events=sorted(events, key=lambda event: event.occurred_at), recipient_name=recipient)


def _status(type_id: str, type_name: str, attribute_name: str) -> str:
    if not attribute_name or type_id == OPERATION_ACCEPTANCE:
        return type_name
    if type_id in OPERATIONS_WITH_REASON and type_name:
        return f"{type_name}: {attribute_name}"
    return attribute_name


def _is_delivery(type_id: str, attribute_id: str, attribute_name: str) -> bool:
    # Handing back to the sender has postman, courier and parcel-locker variants, all "…отправителю".
    to_sender = attribute_id == ATTRIBUTE_TO_SENDER or "отправител" in attribute_name.lower()
    return type_id == OPERATION_HANDING_OVER and not to_sender


def _location(record: ET.Element) -> str:
    address = f"{{{DATA}}}AddressParameters/{{{DATA}}}OperationAddress"
    index = _text(record, f"{address}/{{{DATA}}}Index")
    description = _text(record, f"{address}/{{{DATA}}}Description")
    if index and index not in description:
        return f"{description} {index}".strip()
    return description


def _text(element: ET.Element, path: str) -> str:
    return (element.findtext(path) or "").strip()
