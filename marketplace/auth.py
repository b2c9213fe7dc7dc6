"""The signed-in account from the cache (marketplace.personal), checked as Django checks it.

``CachedAuthenticationMiddleware`` replaces Django's AuthenticationMiddleware: ``request.user``
is still lazy, but the account comes from the value fetched with the session (no database
query) when the session names the same account, a known authentication backend, and a
session hash that matches the account's password; anything else goes through Django's own
``get_user`` (which also logs out a session whose password changed). The cached account is
dropped whenever the account or its shop is saved or deleted, so it is never stale.
"""

import copy

from django.conf import settings
from django.contrib import auth
from django.contrib.auth.middleware import AuthenticationMiddleware
from django.contrib.auth.models import AnonymousUser
from django.db.models.signals import post_delete, post_save
from django.utils.crypto import constant_time_compare
from django.utils.functional import SimpleLazyObject

from . import personal

ACCOUNT = "account"
ACCOUNT_SECONDS = 3600

personal.register(ACCOUNT, lambda user_id: f"personal:account:{user_id}")


def _snapshot(user):
    """A copy to keep: without related objects (a shop would go stale), with «is a seller» known."""
    is_seller = user.is_seller  # the query the header would make anyway
    kept = copy.copy(user)
    kept._state = copy.copy(user._state)
    kept._state.fields_cache = {}
    kept.__dict__.pop("backend", None)
    kept._is_seller = is_seller
    return kept


def _from_cache(request):
    session = request.session
    user_id = session.get(auth.SESSION_KEY)
    backend = session.get(auth.BACKEND_SESSION_KEY)
    if user_id is None or backend not in settings.AUTHENTICATION_BACKENDS:
        return None
    user = personal.get(user_id, ACCOUNT)
    if user is None or str(user.pk) != str(user_id) or not user.is_active:
        return None
    if not constant_time_compare(session.get(auth.HASH_SESSION_KEY, ""), user.get_session_auth_hash()):
        return None  # Django's get_user decides (older secret keys, or log the session out)
    return user


def get_user(request):
    if not hasattr(request, "_cached_user"):
        user = _from_cache(request)
        if user is None:
            user = auth.get_user(request)
            if user.is_authenticated:
                personal.put(user.pk, ACCOUNT, _snapshot(user), ACCOUNT_SECONDS)
        request._cached_user = user or AnonymousUser()
    return request._cached_user


class CachedAuthenticationMiddleware(AuthenticationMiddleware):
    def process_request(self, request):
        super().process_request(request)  # its checks and ``request.auser``
        request.user = SimpleLazyObject(lambda: get_user(request))


def forget_account(sender, instance, **kwargs):
    personal.forget([instance.pk], ACCOUNT)


def connect_signals(user_model) -> None:
    post_save.connect(forget_account, sender=user_model, dispatch_uid="personal-account-saved")
    post_delete.connect(forget_account, sender=user_model, dispatch_uid="personal-account-deleted")
