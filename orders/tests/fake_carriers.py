"""A local HTTP server that answers like Russian Post's tracking service and CDEK's API, from recordings."""

import itertools
import json
import threading
import time
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit
from xml.sax.saxutils import escape

RECORDINGS = Path(__file__).parent / "recordings"
RUSSIAN_POST_DATA = "{http://russianpost.org/operationhistory/data}"
# The HTTP status each recording is served with; every other recording is a 200.
RECORDING_STATUS = {
    "russian_post_not_found.xml": 500,
    "russian_post_auth_fault.xml": 500,
    "cdek_not_found.json": 400,
    "cdek_invalid_client.json": 401,
    "cdek_invalid_token.json": 401,
}


@dataclass(frozen=True)
class ReceivedRequest:
    method: str
    path: str  # with the query string
    headers: dict[str, str]
    body: str


class FakeCarrierServer:
    """Serves /rtm34 (Russian Post) and /v2/oauth/token, /v2/orders (CDEK) on 127.0.0.1.

    Numbers answer with the recording chosen by russian_post()/cdek(), "not found" otherwise;
    fail_next() and delay simulate a carrier in trouble; requests lists what was asked.
    """

    def __init__(
        self, *, russian_post_login="lavka", russian_post_password="secret", cdek_client_id="lavka-id",
        cdek_client_secret="lavka-secret",
    ):  # fmt: skip
        self.russian_post_login = russian_post_login
        self.russian_post_password = russian_post_password
        self.cdek_client_id = cdek_client_id
        self.cdek_client_secret = cdek_client_secret
        self.delay = 0.0
        self.requests: list[ReceivedRequest] = []
        self._russian_post: dict[str, str] = {}
        self._cdek: dict[str, str] = {}
        self._tokens: set[str] = set()
        self._token_numbers = itertools.count(1)
        self._failures: list[int] = []
        self._lock = threading.Lock()
        self._server = None
        self._thread = None

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    @property
    def russian_post_url(self) -> str:
        return f"{self.url}/rtm34"

    @property
    def cdek_url(self) -> str:
        return f"{self.url}/v2"

    def start(self) -> "FakeCarrierServer":
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(self))
        # A short poll interval lets stop() return at once instead of after half a second.
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, name="fake-carriers", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join()

    def __enter__(self) -> "FakeCarrierServer":
        return self.start()

    def __exit__(self, *exc_info) -> None:
        self.stop()

    def configure(self, settings) -> None:
        """Point the site at this server: pass pytest-django's ``settings`` fixture (undone after the test)."""
        settings.RUSSIAN_POST_TRACKING_URL = self.russian_post_url
        settings.RUSSIAN_POST_LOGIN = self.russian_post_login
        settings.RUSSIAN_POST_PASSWORD = self.russian_post_password
        settings.CDEK_API_URL = self.cdek_url
        settings.CDEK_CLIENT_ID = self.cdek_client_id
        settings.CDEK_CLIENT_SECRET = self.cdek_client_secret
        settings.CARRIER_TIMEOUT = 1
        settings.CARRIER_RETRIES = 2

    def russian_post(self, barcode: str, recording: str) -> None:
        """Answer this barcode with a recording, e.g. "russian_post_delivered.xml"."""
        self._russian_post[barcode] = recording

    def cdek(self, number: str, recording: str) -> None:
        """Answer this CDEK number with a recording, e.g. "cdek_delivered.json"."""
        self._cdek[number] = recording

    def fail_next(self, count: int, status: int = 503) -> None:
        """Answer the next ``count`` requests, whatever they ask, with this HTTP status."""
        with self._lock:
            self._failures.extend([status] * count)

    def expire_tokens(self) -> None:
        """Make every CDEK token issued so far invalid, as when an hour has passed."""
        with self._lock:
            self._tokens.clear()

    def requests_to(self, path: str) -> list[ReceivedRequest]:
        """The requests received for a path, query string left aside ("/v2/oauth/token")."""
        return [request for request in self.requests if urlsplit(request.path).path == path]

    def _answer(self, request: ReceivedRequest) -> tuple[int, str, str]:
        """(status, content type, body) for a request."""
        with self._lock:
            self.requests.append(request)
            failure = self._failures.pop(0) if self._failures else None
        if self.delay:
            time.sleep(self.delay)
        if failure:
            return failure, "text/html", f"<html><body><h1>{failure}</h1></body></html>"
        address = urlsplit(request.path)
        if request.method == "POST" and address.path == "/rtm34":
            return self._answer_russian_post(request)
        if request.method == "POST" and address.path == "/v2/oauth/token":
            # CDEK's own examples pass the credentials in the query string; forms work too.
            form = parse_qs(address.query) | parse_qs(request.body)
            return self._answer_cdek_token(form)
        if request.method == "GET" and address.path == "/v2/orders":
            return self._answer_cdek_order(request, parse_qs(address.query))
        return 404, "text/plain", "Not found"

    def _answer_russian_post(self, request):
        if not request.headers.get("content-type", "").startswith("application/soap+xml"):
            return 415, "text/plain", "SOAP 1.2 expects application/soap+xml"
        try:
            envelope = ET.fromstring(request.body)
        except ET.ParseError:
            return 400, "text/plain", "Malformed request"

        def field(name):
            return (envelope.findtext(f".//{RUSSIAN_POST_DATA}{name}") or "").strip()

        if (field("login"), field("password")) != (self.russian_post_login, self.russian_post_password):
            return self._recording("russian_post_auth_fault.xml", track="")
        barcode = field("Barcode")
        return self._recording(self._russian_post.get(barcode, "russian_post_not_found.xml"), track=barcode)

    def _answer_cdek_token(self, form):
        given = (form.get("client_id", [""])[0], form.get("client_secret", [""])[0])
        if form.get("grant_type") != ["client_credentials"] or given != (self.cdek_client_id, self.cdek_client_secret):
            return self._recording("cdek_invalid_client.json", track="")
        token = f"fake-cdek-token-{next(self._token_numbers)}"
        with self._lock:
            self._tokens.add(token)
        return self._recording("cdek_token.json", track="", token=token)

    def _answer_cdek_order(self, request, query):
        token = request.headers.get("authorization", "").removeprefix("Bearer ")
        with self._lock:
            valid = token in self._tokens
        if not valid:
            return self._recording("cdek_invalid_token.json", track="")
        number = query.get("cdek_number", [""])[0]
        return self._recording(self._cdek.get(number, "cdek_not_found.json"), track=number)

    def _recording(self, name: str, *, track: str, token: str = "") -> tuple[int, str, str]:
        text = (RECORDINGS / name).read_text(encoding="utf-8")
        if name.endswith(".json"):
            content_type = "application/json;charset=UTF-8"
            text = text.replace("{{track}}", json.dumps(track)[1:-1]).replace("{{token}}", token)
        else:
            content_type = "application/soap+xml; charset=utf-8"
            text = text.replace("{{track}}", escape(track))
        return RECORDING_STATUS.get(name, 200), content_type, text


def _handler_for(fake: FakeCarrierServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            self._respond()

        def do_POST(self):
            self._respond()

        def _respond(self):
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length).decode("utf-8", errors="replace")
            headers = {name.lower(): value for name, value in self.headers.items()}
            status, content_type, text = fake._answer(ReceivedRequest(self.command, self.path, headers, body))
            payload = text.encode()
            try:
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)
            except ConnectionError:
                pass  # the client gave up waiting (a test of timeouts); nobody is left to answer

        def log_message(self, format, *args):
            pass  # keep test output clean

    return Handler
