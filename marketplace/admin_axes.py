"""django-axes (log-in lockouts) in the admin, in Russian: its own admin and model names are partly English.

Imported by admin.py. The lists and pages are axes' own, re-registered with Russian column names; the
section is named «Блокировки входа»; the rows' titles (axes' ``__str__``, shown in breadcrumbs and
page titles) are replaced with Russian ones, since nothing else can reach them.
"""

import axes.admin as axes_admin  # registers axes' models first, whatever the app order
from axes.conf import settings as axes_settings
from axes.models import AccessAttempt, AccessAttemptExpiration, AccessFailureLog, AccessLog
from django.apps import apps
from django.contrib import admin, messages
from django.utils import formats, timezone
from django.utils.html import format_html
from django.utils.translation import gettext, gettext_noop, ngettext
from django.utils.translation import gettext_lazy as _

from .admin import PERMISSION_MODEL_NAMES

apps.get_app_config("axes").verbose_name = _("Log-in lockouts")
# axes has no Russian name for this model; the permission pickers (admin.py) show this one.
PERMISSION_MODEL_NAMES[AccessAttemptExpiration] = _("lockout expiry")


def _when(value) -> str:
    return formats.date_format(timezone.localtime(value), "DATETIME_FORMAT") if value else "—"


def _titled(text):
    """A ``__str__`` giving ``text`` with the row's user name and time."""
    return lambda row: gettext(text) % {"user": row.username or "—", "when": _when(row.attempt_time)}


AccessAttempt.__str__ = _titled(gettext_noop("Failed log-ins of %(user)s, last %(when)s"))
AccessLog.__str__ = _titled(gettext_noop("Log-in of %(user)s, %(when)s"))
AccessFailureLog.__str__ = _titled(gettext_noop("Failed log-in of %(user)s, %(when)s"))


def _machine_text(value: str):
    """What the browser sent, marked as not to be translated; axes' "<unknown>" for nothing sent."""
    if not value or value == "<unknown>":
        return "—"
    return format_html('<span translate="no">{}</span>', value)


class RequestColumns:
    """The request's facts under Russian names (axes' own verbose names stay in its migrations)."""

    @admin.display(description=_("browser"), ordering="user_agent")
    def browser(self, obj):
        return _machine_text(obj.user_agent)

    @admin.display(description=_("page"), ordering="path_info")
    def page(self, obj):
        return _machine_text(obj.path_info)

    @admin.display(description=_("what the browser accepts"))
    def accept(self, obj):
        return _machine_text(obj.http_accept)


class LockedOutFilter(admin.SimpleListFilter):
    title = _("locked out")
    parameter_name = "locked_out"

    def lookups(self, request, model_admin):
        return [("yes", _("Yes")), ("no", _("No"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(failures_since_start__gte=axes_settings.AXES_FAILURE_LIMIT)
        if self.value() == "no":
            return queryset.filter(failures_since_start__lt=axes_settings.AXES_FAILURE_LIMIT)
        return queryset


class AccessAttemptAdmin(RequestColumns, axes_admin.AccessAttemptAdmin):
    """Failed log-ins counted towards a lockout; deleting the row unlocks the person."""

    list_display = ["attempt_time", "ip_address", "username", "browser", "page", "failures_since_start", "state"]
    list_filter = ["attempt_time", LockedOutFilter]
    fieldsets = [
        (None, {"fields": ["username", "page", "failures_since_start", "state"]}),
        (_("Form data"), {"fields": ["address_parameters", "form_fields"]}),
        (_("Request"), {"fields": ["browser", "ip_address", "accept"]}),
    ]
    readonly_fields = ["username", "page", "failures_since_start", "state", "address_parameters", "form_fields",
                       "browser", "ip_address", "accept", "attempt_time"]  # fmt: skip
    actions = ["cleanup_expired_attempts"]

    @admin.display(description=_("state"))
    def state(self, obj):
        left = axes_settings.AXES_FAILURE_LIMIT - obj.failures_since_start
        if left <= 0:
            return gettext("locked out")
        return ngettext("%(count)d attempt left", "%(count)d attempts left", left) % {"count": left}

    @admin.display(description=_("address parameters"))
    def address_parameters(self, obj):
        return obj.get_data or "—"

    @admin.display(description=_("form fields sent"))
    def form_fields(self, obj):
        return obj.post_data or "—"

    @admin.action(description=_("Remove expired attempts"))
    def cleanup_expired_attempts(self, request, queryset):
        count = self.handler.clean_expired_user_attempts(request=request)
        self.message_user(request, ngettext("%(count)d expired attempt removed.", "%(count)d expired attempts removed.",
                                            count) % {"count": count}, messages.SUCCESS)  # fmt: skip


class AccessLogAdmin(RequestColumns, axes_admin.AccessLogAdmin):
    list_filter = ["attempt_time", "logout_time"]
    list_display = ["attempt_time", "logout_time", "ip_address", "username", "browser", "page"]
    fieldsets = [
        (None, {"fields": ["username", "page", "attempt_time", "logout_time"]}),
        (_("Request"), {"fields": ["browser", "ip_address", "accept"]}),
    ]
    readonly_fields = ["username", "page", "attempt_time", "logout_time", "browser", "ip_address", "accept"]


class AccessFailureLogAdmin(RequestColumns, axes_admin.AccessFailureLogAdmin):
    list_filter = ["attempt_time", "locked_out"]
    list_display = ["attempt_time", "ip_address", "username", "browser", "page", "locked_out"]
    fieldsets = [
        (None, {"fields": ["username", "page", "attempt_time", "locked_out"]}),
        (_("Request"), {"fields": ["browser", "ip_address", "accept"]}),
    ]
    readonly_fields = ["username", "page", "attempt_time", "locked_out", "browser", "ip_address", "accept"]


if axes_settings.AXES_ENABLE_ADMIN:
    for model, model_admin in [(AccessAttempt, AccessAttemptAdmin), (AccessLog, AccessLogAdmin),
                               (AccessFailureLog, AccessFailureLogAdmin)]:  # fmt: skip
        if admin.site.is_registered(model):
            admin.site.unregister(model)
        admin.site.register(model, model_admin)
