"""Browser tests: Playwright drives Debian's Chromium against Django's live_server."""

import os
import shutil
from pathlib import Path

import pytest

SCREENSHOTS = Path(__file__).parent / "screenshots"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 900}


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "e2e" in item.nodeid.split("/")[0]:
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """Playwright cannot download its browser here: use Debian's chromium with flags that
    keep it off the (closed) network and working as root in a container."""
    if not shutil.which(CHROMIUM) and not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}: run `make test` (installs it) or apt-get install chromium")
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--headless=new",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--disable-quic",
        ],
    }


@pytest.fixture
def browser_context_args(browser_context_args):
    return {**browser_context_args, "locale": "ru-RU", "viewport": DESKTOP}


@pytest.fixture
def screenshot():
    """Save a full-page screenshot to e2e/screenshots/<name>.png (kept for people to look at)."""
    SCREENSHOTS.mkdir(exist_ok=True)

    def take(page, name):
        path = SCREENSHOTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take


def both_widths(page, screenshot, name):
    """Screenshots at 1366 and 390 px (``screenshot`` is the fixture below), the page left at 1366."""
    screenshot(page, f"{name}-1366")
    page.set_viewport_size(PHONE)
    screenshot(page, f"{name}-390")
    page.set_viewport_size(DESKTOP)


@pytest.fixture(autouse=True)
def _close_extra_pages(browser):
    """Pages a journey opens with ``browser.new_page()`` (a second person) get a context of their
    own that pytest-playwright does not close; closed after each test (the test's own page is
    closed by then), so their htmx polling never reaches the server between tests."""
    yield
    for context in list(browser.contexts):
        context.close()
