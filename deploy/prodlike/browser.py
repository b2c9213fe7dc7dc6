"""What the journey (journey.py) uses to act as people do: a browser that fills a page's forms
(its own values, Origin and Referer as browsers send them) and the worker's mail folder.
"""

import email
import email.policy
import re
import time
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import requests
from requests.adapters import HTTPAdapter

from .stack import SERVER_NAME, Stack

ORIGIN = f"https://{SERVER_NAME}"
MAIL_WAIT = 30  # seconds for the worker to deliver a mail
MAIL_SEPARATOR = b"\n" + b"-" * 79 + b"\n"  # Django's file backend between messages


class CheckFailed(AssertionError):
    pass


def check(condition, message: str):
    if not condition:
        raise CheckFailed(message)


# --- forms, as a browser fills them ---------------------------------------------------------------


class _Form:
    def __init__(self, attrs: dict):
        self.action, self.method = attrs.get("action"), (attrs.get("method") or "get").lower()
        self.values: list[tuple[str, str]] = []  # what the browser would send untouched
        self.names: set[str] = set()
        self.choices: dict[str, list[str]] = {}  # select options and radio values by name
        self.buttons: set[tuple[str, str]] = set()  # named submit buttons: (name, value)


class _FormParser(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[_Form] = []
        self.form = self.select = self.textarea = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.form = _Form(a)
            self.forms.append(self.form)
            return
        name = a.get("name")
        if self.form is None or (not name and tag != "option"):
            return
        if tag == "input":
            self.form.names.add(name)
            kind = (a.get("type") or "text").lower()
            if kind in ("checkbox", "radio"):
                self.form.choices.setdefault(name, []).append(a.get("value", "on"))
                if "checked" in a:
                    self.form.values.append((name, a.get("value", "on")))
            elif kind in ("submit", "image"):
                self.form.buttons.add((name, a.get("value", "")))
            elif kind not in ("file", "button", "reset"):
                self.form.values.append((name, a.get("value") or ""))
        elif tag == "button" and (a.get("type") or "submit").lower() == "submit":
            self.form.names.add(name)
            self.form.buttons.add((name, a.get("value", "")))
        elif tag == "select":
            self.form.names.add(name)
            self.select = (name, "multiple" in a, [], [])
        elif tag == "option" and self.select:
            self.select[2].append(a.get("value", ""))
            if "selected" in a:
                self.select[3].append(a.get("value", ""))
        elif tag == "textarea":
            self.form.names.add(name)
            self.textarea = [name, ""]

    def handle_data(self, data):
        if self.textarea:
            self.textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self.form = None
        elif tag == "select" and self.select and self.form:
            name, multiple, options, selected = self.select
            self.form.choices[name] = options
            self.form.values += [(name, value) for value in (selected or ([] if multiple else options[:1]))]
            self.select = None
        elif tag == "textarea" and self.textarea and self.form:
            self.form.values.append((self.textarea[0], self.textarea[1].removeprefix("\n")))
            self.textarea = None


class Browser:
    """One person's browser: cookies, forms filled from the page, Origin and Referer as a browser sends them."""

    def __init__(self, stack: Stack, name: str):
        self.stack, self.name = stack, name
        self.session = stack.client()
        self.page: requests.Response | None = None

    def url(self, path: str) -> str:
        return self.stack.base + path

    def get(self, path: str, *, status: int = 200) -> requests.Response:
        response = self.session.get(self.url(path), timeout=30)
        check(response.status_code == status, f"{self.name}: GET {path} answered {response.status_code}, not {status}")
        self.page = response
        return response

    def submit(self, fields: dict | None = None, *, action: str | None = None, with_field: str | None = None,
               files: dict | None = None, follow: bool = True) -> requests.Response:  # fmt: skip
        """Post a form of the current page: the one posting to ``action`` (or holding ``with_field``),
        with its own values, ``fields`` put over them (None removes a field)."""
        path = urlsplit(self.page.url).path
        parser = _FormParser()
        parser.feed(self.page.text)
        candidates = [form for form in parser.forms if form.method == "post"
                      and (action is None or unquote(_path(form.action) or path) == unquote(action))
                      and (with_field is None or with_field in form.names)]  # fmt: skip
        fields = fields or {}
        # Several forms may post to one address, each with its own button («Оплачен», «Отменить»).
        pressed = [form for form in candidates if form.buttons & set(fields.items())]
        check(candidates, f"{self.name}: no form posting to {action or with_field} on {path}")
        form = (pressed or candidates)[0]
        unknown = set(fields) - form.names
        check(not unknown, f"{self.name}: the form on {path} has no fields {sorted(unknown)}")
        data = [(name, value) for name, value in form.values if name not in fields]
        for name, value in fields.items():
            if value is not None:
                data += [(name, v) for v in (value if isinstance(value, list) else [value])]
        headers = {"Origin": ORIGIN, "Referer": ORIGIN + path}
        response = self.session.post(self.url(_path(form.action) or path), data=data, files=files, headers=headers,
                                     allow_redirects=follow, timeout=60)  # fmt: skip
        self.page = response
        return response

    def has_field(self, name: str) -> bool:
        parser = _FormParser()
        parser.feed(self.page.text)
        return any(name in form.names for form in parser.forms)

    def choices(self, name: str, *, with_field: str | None = None) -> list[str]:
        parser = _FormParser()
        parser.feed(self.page.text)
        for form in parser.forms:
            if name in form.choices and (with_field is None or with_field in form.names):
                return [value for value in form.choices[name] if value]
        raise CheckFailed(f"{self.name}: no choices for {name} on {self.page.url}")


def _path(action: str | None) -> str:
    """A form's action without its #fragment (browsers do not send it)."""
    return (action or "").split("#", 1)[0]


def messages_on(response: requests.Response) -> str:
    """The page's text without tags (to look for what a person reads)."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.text))


def errors_on(response: requests.Response) -> str:
    """The form errors a person would read on the page (for FAIL lines)."""
    found = re.findall(r'class="[^"]*(?:invalid-feedback|alert-danger|errorlist)[^"]*"[^>]*>(.*?)</', response.text,
                       re.S)  # fmt: skip
    return "; ".join(" ".join(re.sub(r"<[^>]+>", " ", text).split()) for text in found)[:500] or "no errors shown"


class FromAddress(HTTPAdapter):
    """Connections from one loopback address: a distinct client as nginx sees it."""

    def __init__(self, address: str):
        self.address = address
        super().__init__()

    def init_poolmanager(self, *args, **kwargs):
        kwargs["source_address"] = (self.address, 0)
        super().init_poolmanager(*args, **kwargs)


# --- mail the worker delivered ------------------------------------------------------------------


class Mailbox:
    """The worker's mail folder (EMAIL_URL=filemail://…): every message it sent, parsed."""

    def __init__(self, folder: Path):
        self.folder = folder

    def messages(self) -> list[email.message.EmailMessage]:
        found = []
        for path in sorted(self.folder.glob("*.log")):
            for chunk in path.read_bytes().split(MAIL_SEPARATOR):
                if chunk.strip():
                    found.append(email.message_from_bytes(chunk.lstrip(b"\n"), policy=email.policy.default))
        return found

    def wait_for(self, *, to: str, subject: str, timeout: float = MAIL_WAIT) -> email.message.EmailMessage:
        deadline = time.monotonic() + timeout
        while True:
            for message in self.messages():
                if to in message["To"] and subject.lower() in message["Subject"].lower():
                    return message
            if time.monotonic() > deadline:
                seen = [(m["To"], m["Subject"]) for m in self.messages()]
                raise CheckFailed(f"no mail to {to} about «{subject}» within {timeout:.0f} s; delivered: {seen}")
            time.sleep(0.2)


def text_of(message: email.message.EmailMessage) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def link_in(message: email.message.EmailMessage, path: str, *, exact: bool = False) -> str:
    """The path (and query) of the first link in the mail to https://SITE_DOMAIN + ``path``…,
    or to exactly that path when ``exact``."""
    rest = r"(?:\?\S*)?(?!\S)" if exact else r"\S*"
    match = re.search(rf"{re.escape(ORIGIN)}({re.escape(path)}{rest})", text_of(message))
    check(match, f"no link to {ORIGIN}{path} in the mail «{message['Subject']}»")
    return match.group(1)
