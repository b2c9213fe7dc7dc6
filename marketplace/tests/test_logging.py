"""Logging sends no mail: a bad Host header or a server error is a console line, never a letter."""

import logging

import pytest
from django.utils.log import AdminEmailHandler

pytestmark = pytest.mark.django_db


@pytest.fixture
def disallowed_host_records(caplog):
    """The DisallowedHost logger does not propagate (to keep it off the root): listen to it directly."""
    logger = logging.getLogger("django.security.DisallowedHost")
    logger.addHandler(caplog.handler)
    yield caplog
    logger.removeHandler(caplog.handler)


def test_a_foreign_host_header_is_logged_and_mails_nobody(client, settings, mailoutbox, disallowed_host_records):
    settings.DEBUG = False
    settings.ALLOWED_HOSTS = ["lavka.test"]
    response = client.get("/", HTTP_HOST="evil.example")
    assert response.status_code == 400
    assert mailoutbox == []
    (record,) = [r for r in disallowed_host_records.records if r.name == "django.security.DisallowedHost"]
    assert record.levelno >= logging.WARNING
    assert "evil.example" in record.getMessage()


def test_no_logger_mails_the_admins():
    loggers = [logging.getLogger(), *logging.Logger.manager.loggerDict.values()]
    mailing = [
        logger.name
        for logger in loggers
        if isinstance(logger, logging.Logger) and any(isinstance(h, AdminEmailHandler) for h in logger.handlers)
    ]
    assert mailing == []
