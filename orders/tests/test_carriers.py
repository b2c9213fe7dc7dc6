from datetime import UTC, datetime, timedelta, timezone

import pytest
from django.utils import translation

from orders.carriers import CarrierError, TrackNotFound, client_for
from orders.carriers.cdek import CdekClient
from orders.carriers.russian_post import RussianPostClient, _is_delivery
from orders.tests.fake_carriers import FakeCarrierServer

MSK = timezone(timedelta(hours=3))
YEKT = timezone(timedelta(hours=5))
BARCODE = "14500074123456"
CDEK_NUMBER = "1106207236"


def test_russian_post_events_come_oldest_first_with_status_place_and_time(fake_carriers):
    fake_carriers.russian_post(BARCODE, "russian_post_in_transit.xml")

    result = client_for("russian_post").track(BARCODE)

    assert [event.status for event in result.events] == [
        "Прием", "Покинуло место приема", "Прибыло в сортировочный центр", "Покинуло сортировочный центр",
        "Прибыло в место вручения",
    ]  # fmt: skip
    assert [event.location for event in result.events] == [
        "Москва 101000", "Москва 101000", "Подольск ЛЦ 140981", "Подольск ЛЦ 140981", "Екатеринбург 620014",
    ]  # fmt: skip
    assert result.events[0].occurred_at == datetime(2026, 11, 14, 11, 20, tzinfo=MSK)
    assert result.events[-1].occurred_at == datetime(2026, 11, 19, 10, 15, tzinfo=YEKT)
    assert not any(event.is_delivery for event in result.events)
    assert result.delivered_at is None


def test_russian_post_delivered_parcel_has_its_date_and_recipient(fake_carriers):
    fake_carriers.russian_post(BARCODE, "russian_post_delivered.xml")

    result = client_for("russian_post").track(BARCODE)

    assert result.events[-1].status == "Вручение адресату"
    assert result.events[-1].is_delivery
    assert result.delivered_at == datetime(2026, 11, 20, 9, 40, tzinfo=UTC)
    assert result.recipient_name == "Иванова М. П."


@pytest.mark.parametrize(
    ("operation", "attribute", "name", "delivered"),
    [("2", "1", "Вручение адресату", True), ("2", "6", "Адресату почтальоном", True),
     ("2", "2", "Вручение отправителю", False), ("2", "7", "Отправителю почтальоном", False),
     ("8", "2", "Прибыло в место вручения", False)],
)  # fmt: skip
def test_russian_post_handing_back_to_the_sender_is_not_a_delivery(operation, attribute, name, delivered):
    assert _is_delivery(operation, attribute, name) is delivered


def test_russian_post_number_without_operations_yet_has_an_empty_history(fake_carriers):
    fake_carriers.russian_post(BARCODE, "russian_post_empty.xml")

    result = client_for("russian_post").track(BARCODE)

    assert result.events == []
    assert result.delivered_at is None
    assert result.recipient_name == ""


def test_russian_post_unknown_number_is_not_found_and_not_asked_again(fake_carriers):
    with pytest.raises(TrackNotFound) as caught:
        client_for("russian_post").track(BARCODE)

    assert f"Отправление {BARCODE} не найдено" in str(caught.value)
    assert len(fake_carriers.requests_to("/rtm34")) == 1


def test_russian_post_wrong_credentials_are_an_admin_problem(fake_carriers, settings):
    settings.RUSSIAN_POST_PASSWORD = "not-the-password"

    with pytest.raises(CarrierError) as caught, translation.override("en"):
        client_for("russian_post").track(BARCODE)

    assert not isinstance(caught.value, TrackNotFound)
    assert "RUSSIAN_POST_LOGIN and RUSSIAN_POST_PASSWORD" in str(caught.value)
    assert "Ошибка авторизации; Неверный логин или пароль" in str(caught.value)


def test_russian_post_request_is_soap_1_2_with_the_barcode_and_escaped_credentials(fake_carriers, settings):
    fake_carriers.russian_post_password = settings.RUSSIAN_POST_PASSWORD = "s<e&cret"
    fake_carriers.russian_post(BARCODE, "russian_post_in_transit.xml")

    client_for("russian_post").track(BARCODE)

    (request,) = fake_carriers.requests_to("/rtm34")
    assert request.headers["content-type"] == "application/soap+xml; charset=utf-8"
    assert f"<data:Barcode>{BARCODE}</data:Barcode>" in request.body
    assert "<data:login>lavka</data:login>" in request.body
    assert "<data:password>s&lt;e&amp;cret</data:password>" in request.body


def test_russian_post_document_type_declarations_are_refused(fake_carriers, tmp_path, monkeypatch):
    bomb = '<?xml version="1.0"?><!DOCTYPE lol [<!ENTITY lol "lol">]><S:Envelope>&lol;</S:Envelope>'
    (tmp_path / "russian_post_bomb.xml").write_text(bomb)
    monkeypatch.setattr("orders.tests.fake_carriers.RECORDINGS", tmp_path)
    fake_carriers.russian_post(BARCODE, "russian_post_bomb.xml")

    with pytest.raises(CarrierError) as caught, translation.override("en"):
        client_for("russian_post").track(BARCODE)

    assert "could not be read" in str(caught.value)


def test_cdek_statuses_come_oldest_first_with_city_and_time(fake_carriers):
    fake_carriers.cdek(CDEK_NUMBER, "cdek_in_transit.json")

    result = client_for("cdek").track(CDEK_NUMBER)

    assert [event.status for event in result.events] == [
        "Принят", "Создан", "Принят на склад отправителя", "Выдан на отправку в г. отправителе",
        "Сдан перевозчику в г. отправителе", "Встречен в г. получателе",
    ]  # fmt: skip
    assert [event.location for event in result.events] == ["Москва"] * 5 + ["Екатеринбург"]
    assert result.events[0].occurred_at == datetime(2026, 11, 16, 10, 12, 44, tzinfo=MSK)
    assert result.events[-1].occurred_at == datetime(2026, 11, 20, 6, 18, 33, tzinfo=YEKT)
    assert result.delivered_at is None
    assert result.recipient_name == "Иванова Мария"


def test_cdek_delivered_order_has_its_date_and_recipient(fake_carriers):
    fake_carriers.cdek(CDEK_NUMBER, "cdek_delivered.json")

    result = client_for("cdek").track(CDEK_NUMBER)

    assert result.events[-1].status == "Вручен"
    assert [event.is_delivery for event in result.events] == [False] * 7 + [True]
    assert result.delivered_at == datetime(2026, 11, 21, 12, 2, 11, tzinfo=UTC)
    assert result.recipient_name == "Иванова Мария"


def test_cdek_unknown_number_is_not_found(fake_carriers):
    with pytest.raises(TrackNotFound) as caught:
        client_for("cdek").track("1234567")

    assert "1234567" in str(caught.value)
    assert len(fake_carriers.requests_to("/v2/orders")) == 1


def test_cdek_wrong_credentials_are_an_admin_problem(fake_carriers, settings):
    settings.CDEK_CLIENT_SECRET = "not-the-secret"

    with pytest.raises(CarrierError) as caught, translation.override("en"):
        client_for("cdek").track(CDEK_NUMBER)

    assert "CDEK_CLIENT_ID and CDEK_CLIENT_SECRET" in str(caught.value)
    assert fake_carriers.requests_to("/v2/orders") == []


def test_cdek_token_is_fetched_once_for_many_tracks(fake_carriers):
    fake_carriers.cdek(CDEK_NUMBER, "cdek_in_transit.json")
    fake_carriers.cdek("1106207237", "cdek_delivered.json")

    client_for("cdek").track(CDEK_NUMBER)
    client_for("cdek").track("1106207237")

    assert len(fake_carriers.requests_to("/v2/oauth/token")) == 1
    (token,) = {request.headers["authorization"] for request in fake_carriers.requests_to("/v2/orders")}
    assert token == "Bearer fake-cdek-token-1"


def test_cdek_expired_token_is_renewed_and_the_request_repeated(fake_carriers):
    fake_carriers.cdek(CDEK_NUMBER, "cdek_delivered.json")
    client_for("cdek").track(CDEK_NUMBER)
    fake_carriers.expire_tokens()

    result = client_for("cdek").track(CDEK_NUMBER)

    assert result.delivered_at is not None
    assert len(fake_carriers.requests_to("/v2/oauth/token")) == 2
    assert [request.headers["authorization"] for request in fake_carriers.requests_to("/v2/orders")] == [
        "Bearer fake-cdek-token-1", "Bearer fake-cdek-token-1", "Bearer fake-cdek-token-2",
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("carrier", "number", "recording"),
    [("russian_post", BARCODE, "russian_post_delivered.xml"), ("cdek", CDEK_NUMBER, "cdek_delivered.json")],
)
def test_two_failures_are_retried_until_the_carrier_answers(fake_carriers, carrier, number, recording):
    getattr(fake_carriers, carrier)(number, recording)
    fake_carriers.fail_next(2, status=503)

    result = client_for(carrier).track(number)

    assert result.delivered_at is not None
    assert len(fake_carriers.requests) == {"russian_post": 3, "cdek": 4}[carrier]  # CDEK: 3 for the token, 1 order


@pytest.mark.parametrize("carrier", ["russian_post", "cdek"])
def test_a_carrier_that_keeps_failing_is_an_error_naming_the_status(fake_carriers, carrier):
    fake_carriers.fail_next(10, status=503)

    with pytest.raises(CarrierError) as caught:
        client_for(carrier).track(BARCODE)

    assert not isinstance(caught.value, TrackNotFound)
    assert "HTTP 503" in str(caught.value)
    assert len(fake_carriers.requests) == 3  # the first attempt and CARRIER_RETRIES=2 more


@pytest.mark.parametrize("carrier", ["russian_post", "cdek"])
def test_a_carrier_slower_than_the_timeout_is_an_error_about_time(fake_carriers, settings, carrier):
    settings.CARRIER_TIMEOUT = 0.3
    settings.CARRIER_RETRIES = 0
    fake_carriers.delay = 0.6

    with pytest.raises(CarrierError) as caught, translation.override("en"):
        client_for(carrier).track(BARCODE)

    assert "did not answer in time" in str(caught.value)


def test_an_unreachable_carrier_is_an_error(settings):
    settings.CARRIER_RETRIES = 0
    with FakeCarrierServer() as server:
        url = server.russian_post_url  # a port nobody listens on once the server stops

    with pytest.raises(CarrierError) as caught, translation.override("en"):
        RussianPostClient(url, "lavka", "secret").track(BARCODE)

    assert "Could not reach the carrier" in str(caught.value)


def test_client_for_needs_the_carriers_credentials(settings):
    settings.RUSSIAN_POST_LOGIN = settings.RUSSIAN_POST_PASSWORD = ""
    settings.CDEK_CLIENT_ID, settings.CDEK_CLIENT_SECRET = "lavka-id", ""
    assert client_for("russian_post") is None
    assert client_for("cdek") is None
    assert client_for("boxberry") is None

    settings.RUSSIAN_POST_LOGIN, settings.RUSSIAN_POST_PASSWORD = "lavka", "secret"
    settings.CDEK_CLIENT_SECRET = "lavka-secret"
    assert isinstance(client_for("russian_post"), RussianPostClient)
    assert isinstance(client_for("cdek"), CdekClient)
    assert client_for("other") is None
