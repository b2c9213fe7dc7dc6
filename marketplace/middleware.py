"""Request middleware of the core app."""

from csp.middleware import CSPMiddleware
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


class CachedCSPMiddleware(CSPMiddleware):
    """django-csp, with the policy built once per process when a response asks nothing special
    (no nonce, no per-view override): the same header, without rebuilding it on every request."""

    _built: dict = {}

    def process_response(self, request, response):
        special = getattr(request, "_csp_nonce", None) is not None or any(
            getattr(response, name, None) is not None
            for name in ("_csp_config", "_csp_update", "_csp_replace", "_csp_config_ro", "_csp_update_ro",
                         "_csp_replace_ro", "_csp_exempt", "_csp_exempt_ro")
        )  # fmt: skip
        if (
            special
            or getattr(settings, "CONTENT_SECURITY_POLICY_REPORT_ONLY", None)
            or (settings.DEBUG and response.status_code >= 400)
        ):
            return super().process_response(request, response)
        prefixes = tuple(settings.CONTENT_SECURITY_POLICY.get("EXCLUDE_URL_PREFIXES") or ())
        if "Content-Security-Policy" not in response and not request.path_info.startswith(prefixes or ("\0",)):
            policy = self._built.get("policy")
            if policy is None:
                policy = self._built["policy"] = build_policy(config=None, update=None, replace=None, nonce=None)
            if policy:
                response["Content-Security-Policy"] = policy
        return response


@receiver(setting_changed)
def _forget_built_policy(setting, **kwargs):
    if setting.startswith("CONTENT_SECURITY_POLICY"):
        CachedCSPMiddleware._built.clear()
