"""Request middleware of the core app."""

from csp.utils import build_policy
from django.conf import settings
from django.contrib.messages.middleware import MessageMiddleware
from django.contrib.messages.storage import default_storage
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils import translation
from django.utils.functional import SimpleLazyObject, empty


class RussianByDefaultLocaleMiddleware:
    """Russian unless the visitor chose another language with the switch (a cookie).

    Django's LocaleMiddleware would follow the browser's Accept-Language; Lavka is a
    Russian marketplace, so a browser set to English still gets Russian by default.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.supported = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request):
        language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if language not in self.supported:
            language = settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response


class LazyMessageMiddleware(MessageMiddleware):
    """Django's MessageMiddleware, with the storage made only when a view or a template uses it:
    a response nobody added a message to and no page read them from needs no update."""

    def process_request(self, request):
        request._messages = SimpleLazyObject(lambda: default_storage(request))

    def process_response(self, request, response):
        messages = getattr(request, "_messages", None)
        if isinstance(messages, SimpleLazyObject) and messages._wrapped is empty:
            return response
        return super().process_response(request, response)


class SecurityHeadersMiddleware:
    """Content-Security-Policy and X-Frame-Options in one step (issue 19: two middlewares less).

    The policy is django-csp's, built from settings.CONTENT_SECURITY_POLICY once per process (and
    again when tests change the setting) rather than on every response; Lavka uses no nonces and
    no per-view policies. A view may still set its own header (sold files send a sandbox policy),
    or mark the response ``xframe_options_exempt`` as Django's decorator does.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        headers = _security_headers()
        if "Content-Security-Policy" not in response.headers and headers["csp"]:
            if not (headers["csp_exclude"] and request.path_info.startswith(headers["csp_exclude"])):
                response.headers["Content-Security-Policy"] = headers["csp"]
        if "X-Frame-Options" not in response.headers and not getattr(response, "xframe_options_exempt", False):
            response.headers["X-Frame-Options"] = headers["frame"]
        return response


_built: dict = {}


def _security_headers() -> dict:
    if not _built:
        policy = getattr(settings, "CONTENT_SECURITY_POLICY", None) or {}
        _built.update(
            csp=build_policy(config=None, update=None, replace=None, nonce=None) if policy else "",
            csp_exclude=tuple(policy.get("EXCLUDE_URL_PREFIXES") or ()),
            frame=getattr(settings, "X_FRAME_OPTIONS", "DENY").upper(),
        )
    return _built


@receiver(setting_changed)
def _forget_built_headers(setting, **kwargs):
    if setting.startswith("CONTENT_SECURITY_POLICY") or setting == "X_FRAME_OPTIONS":
        _built.clear()
