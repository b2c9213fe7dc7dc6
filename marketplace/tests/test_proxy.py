"""Log-in lockouts behind a real reverse proxy: nginx in front of the live server, clients on
distinct loopback addresses, X-Forwarded-For as nginx writes it (``$proxy_add_x_forwarded_for``).

Nobody can lock another person out, or everybody out, by failing log-ins from elsewhere,
whatever they put in their own X-Forwarded-For header.
"""

import os
import shutil
import socket
import subprocess
import time

import pytest
import requests

from deploy.prodlike.browser import FromAddress

from .factories import PASSWORD, UserFactory

NGINX = shutil.which("nginx") or "/usr/sbin/nginx"

NGINX_CONF = """
daemon off;
master_process off;
worker_processes 1;
pid {tmp}/nginx.pid;
error_log {tmp}/error.log warn;
events {{ worker_connections 64; }}
http {{
    access_log off;
    client_body_temp_path {tmp}/body;
    proxy_temp_path {tmp}/proxy;
    fastcgi_temp_path {tmp}/fastcgi;
    uwsgi_temp_path {tmp}/uwsgi;
    scgi_temp_path {tmp}/scgi;
    server {{
        listen 127.0.0.1:{port};
        location / {{
            proxy_pass {upstream};
            proxy_set_header Host $http_host;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_set_header X-Forwarded-Proto $scheme;
        }}
    }}
}}
"""


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def proxy(live_server, tmp_path, settings):
    """The site behind one nginx, with PROXY_COUNT=1 as the README tells production to set."""
    assert os.access(NGINX, os.X_OK), "nginx is missing: `make test` installs it (apt-get install nginx-light)"
    settings.PROXY_COUNT = 1
    settings.AXES_FAILURE_LIMIT = 5
    port = _free_port()
    conf = tmp_path / "nginx.conf"
    conf.write_text(NGINX_CONF.format(tmp=tmp_path, port=port, upstream=live_server.url))
    process = subprocess.Popen([NGINX, "-c", str(conf), "-p", str(tmp_path)], stderr=subprocess.PIPE)
    url = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError:
            time.sleep(0.05)
    yield url
    process.terminate()
    process.wait(10)


def _browser(address: str, forged: str = "") -> requests.Session:
    session = requests.Session()
    session.mount("http://", FromAddress(address))
    if forged:
        session.headers["X-Forwarded-For"] = forged
    return session


def _login(proxy_url, browser, email, password):
    browser.get(f"{proxy_url}/accounts/login/", timeout=10)
    return browser.post(
        f"{proxy_url}/accounts/login/",
        data={"login": email, "password": password, "csrfmiddlewaretoken": browser.cookies["csrftoken"]},
        allow_redirects=False, timeout=10,
    )  # fmt: skip


@pytest.mark.django_db(transaction=True)
def test_an_attacker_behind_the_proxy_cannot_lock_the_owner_out(proxy):
    UserFactory(email="anna@example.com")
    attacker = _browser("127.0.0.2")
    statuses = []
    for attempt in range(5):
        # Whatever the attacker writes in X-Forwarded-For, nginx appends the real address.
        attacker.headers["X-Forwarded-For"] = f"198.51.100.{attempt}"
        statuses.append(_login(proxy, attacker, "anna@example.com", "wrong").status_code)
    assert statuses == [200, 200, 200, 200, 429]  # the fifth failure locks the attacker

    locked = _login(proxy, attacker, "anna@example.com", PASSWORD)
    assert locked.status_code == 429
    assert "Слишком много неудачных попыток входа" in locked.text
    # The owner, from their own address, logs in.
    owner = _login(proxy, _browser("127.0.0.3"), "anna@example.com", PASSWORD)
    assert owner.status_code == 302 and owner.headers["Location"] == "/"


@pytest.mark.django_db(transaction=True)
def test_failed_logins_from_many_clients_do_not_block_everyone(proxy):
    UserFactory(email="boris@example.com")
    for client in range(10):
        address = f"127.0.0.{10 + client}"
        assert _login(proxy, _browser(address), f"nobody{client}@example.com", "wrong").status_code == 200
    response = _login(proxy, _browser("127.0.0.30"), "boris@example.com", PASSWORD)
    assert response.status_code == 302 and response.headers["Location"] == "/"


@pytest.mark.django_db(transaction=True)
def test_a_client_forging_another_address_is_still_itself(proxy):
    """An attacker claiming to be the owner's address locks only itself."""
    UserFactory(email="vera@example.com")
    attacker = _browser("127.0.0.4", forged="127.0.0.5")
    for _ in range(5):
        _login(proxy, attacker, "vera@example.com", "wrong")
    owner = _login(proxy, _browser("127.0.0.5"), "vera@example.com", PASSWORD)
    assert owner.status_code == 302


@pytest.mark.parametrize(
    ("proxies", "forwarded", "remote", "expected"),
    [
        (0, "203.0.113.5", "10.0.0.1", "10.0.0.1"),  # no proxy trusted: the header is ignored
        (1, "203.0.113.5", "10.0.0.1", "203.0.113.5"),
        (1, "6.6.6.6, 203.0.113.5", "10.0.0.1", "203.0.113.5"),  # the forged left part is ignored
        (2, "6.6.6.6, 203.0.113.5, 10.0.0.2", "10.0.0.1", "203.0.113.5"),
        (2, "203.0.113.5", "10.0.0.1", "10.0.0.1"),  # shorter than the chain: not trusted
        (1, "not-an-address", "10.0.0.1", "10.0.0.1"),
        (1, "", "10.0.0.1", "10.0.0.1"),
        (1, "2001:db8::1", "10.0.0.1", "2001:db8::1"),
    ],
)
def test_client_ip_trusts_exactly_the_configured_proxies(rf, settings, proxies, forwarded, remote, expected):
    from marketplace.security import client_ip

    settings.PROXY_COUNT = proxies
    request = rf.get("/", REMOTE_ADDR=remote, HTTP_X_FORWARDED_FOR=forwarded)
    assert client_ip(request) == expected
