"""Fixtures for the orders tests: carriers answered by a local fake server."""

import pytest

from orders.tests.fake_carriers import FakeCarrierServer


@pytest.fixture
def fake_carriers(settings):
    """A running FakeCarrierServer with the site's carrier settings pointed at it."""
    with FakeCarrierServer() as server:
        server.configure(settings)
        yield server
