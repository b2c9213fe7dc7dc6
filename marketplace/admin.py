"""Admin for users and the e-mail outbox; the admin site's name, and Russian names for what Django stores in English."""

from django.contrib import admin, messages
from django.contrib.admin.templatetags import admin_list
from django.contrib.auth.admin import GroupAdmin as BaseGroupAdmin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.models import Group
from django.templatetags.static import static
from django.utils.html import format_html
from django.utils.text import Truncator
from django.utils.translation import gettext, gettext_noop, ngettext
from django.utils.translation import gettext_lazy as _

from .models import OutboxMessage, User
from .notifications import outbox_resend_pending, outbox_retry

admin.site.site_header = _("Lavka — administration")
admin.site.site_title = _("Lavka administration")
admin.site.index_title = _("Dashboard")

# Django's Russian admin puts the model's name into a sentence in the wrong case («Добавить жалоба»).
# Listed here, these msgids get wording that takes the name as it is («Добавление: жалоба») in our
# catalog, which Django reads before its own.
DJANGO_ADMIN_WORDING = [
    gettext_noop("Add %s"), gettext_noop("Change %s"), gettext_noop("View %s"), gettext_noop("Select %s to change"),
    gettext_noop("Select %s to view"), gettext_noop("Add %(name)s"), gettext_noop("Add another %(verbose_name)s"),
]  # fmt: skip

# Django writes permission names into the database in English when it migrates ("Can add order");
# the pickers show them from the codename and the model's Russian name instead.
PERMISSION_ACTIONS = {
    "add": _("%(model)s: add"),
    "change": _("%(model)s: change"),
    "delete": _("%(model)s: delete"),
    "view": _("%(model)s: view"),
}

BOOLEAN_ICON_TEXT = {True: _("Yes"), False: _("No"), None: _("Unknown")}

# Names for the pickers where a third-party model has none in Russian (filled by admin_axes.py).
PERMISSION_MODEL_NAMES: dict = {}


def permission_label(permission) -> str:
    """«Заказы | заказ: изменение» for change_order; a custom permission keeps its own name."""
    model = permission.content_type.model_class()
    if model is None:
        return str(permission)
    meta = model._meta
    action, _sep, model_name = permission.codename.partition("_")
    template = PERMISSION_ACTIONS.get(action)
    name = PERMISSION_MODEL_NAMES.get(model, meta.verbose_name)
    text = template % {"model": name} if template and model_name == meta.model_name else permission.name
    return f"{meta.app_config.verbose_name} | {text}"


class RussianPermissions:
    """The permission pickers of users and groups, labelled by ``permission_label``."""

    def formfield_for_manytomany(self, db_field, request=None, **kwargs):
        field = super().formfield_for_manytomany(db_field, request=request, **kwargs)
        if db_field.name in ("permissions", "user_permissions") and field is not None:
            field.queryset = field.queryset.select_related("content_type")
            field.label_from_instance = permission_label
        return field


def boolean_icon(value):
    """Django's yes/no/unknown icon, whose alt text Django writes in English ("True"); screen readers say it."""
    name = {True: "yes", False: "no", None: "unknown"}[value]
    return format_html('<img src="{}" alt="{}">', static(f"admin/img/icon-{name}.svg"), BOOLEAN_ICON_TEXT[value])


# Django's lists and read-only fields import the helper from this module each time they draw a boolean.
if hasattr(admin_list, "_boolean_icon"):
    admin_list._boolean_icon = boolean_icon

admin.site.unregister(Group)


@admin.register(Group)
class GroupAdmin(RussianPermissions, BaseGroupAdmin):
    pass


@admin.register(User)
class UserAdmin(RussianPermissions, BaseUserAdmin):
    ordering = ["-date_joined"]
    list_display = ["email", "name", "phone", "city", "is_staff", "is_active", "date_joined"]
    list_filter = ["is_staff", "is_superuser", "is_active"]
    search_fields = ["email", "name", "phone", "city"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        (_("Profile"), {"fields": ["name", "phone", "city"]}),
        (_("Permissions"), {"fields": ["is_active", "is_staff", "is_superuser", "groups", "user_permissions"]}),
        (_("Dates"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [(None, {"classes": ["wide"], "fields": ["email", "name", "password1", "password2"]})]
    readonly_fields = ["last_login", "date_joined"]


@admin.register(OutboxMessage)
class OutboxMessageAdmin(admin.ModelAdmin):
    list_display = ["created_at", "subject", "recipients", "template", "status", "attempts", "next_attempt_at",
                    "sent_at", "error"]  # fmt: skip
    list_filter = ["status", "template"]
    search_fields = ["subject", "to"]
    date_hierarchy = "created_at"
    fields = ["created_at", "template", "recipients", "subject", "status", "attempts", "next_attempt_at", "sent_at",
              "last_error", "body_text", "html_source"]  # fmt: skip
    readonly_fields = fields
    actions = ["retry_now", "send_due_now"]

    def has_add_permission(self, request):
        return False

    @admin.display(description=_("recipients"))
    def recipients(self, obj):
        return ", ".join(obj.to)

    @admin.display(description=_("last error"))
    def error(self, obj):
        """Why the last try failed («SMTPConnectError: (421, …)»), cut short; the whole text is on the row's page."""
        return Truncator(obj.last_error).chars(120) or "—"

    @admin.display(description=_("HTML"))
    def html_source(self, obj):
        """The HTML part as source, folded: the letter itself is what the text part says."""
        if not obj.body_html:
            return "—"
        return format_html(
            '<details><summary>{}</summary><pre style="white-space:pre-wrap;max-width:70em">{}</pre></details>',
            gettext("Show the HTML code"),
            obj.body_html,
        )

    @admin.action(description=_("Retry the selected e-mails now"))
    def retry_now(self, request, queryset):
        count = outbox_retry(message_ids=queryset.values_list("pk", flat=True))
        sent = outbox_resend_pending()
        self.message_user(
            request,
            ngettext(
                "%(count)d e-mail queued again, %(sent)d sent.", "%(count)d e-mails queued again, %(sent)d sent.", count
            )
            % {"count": count, "sent": sent},
            messages.SUCCESS,
        )

    @admin.action(description=_("Send all due pending e-mails now"))
    def send_due_now(self, request, queryset):
        sent = outbox_resend_pending()
        self.message_user(
            request,
            ngettext("%(sent)d e-mail sent.", "%(sent)d e-mails sent.", sent) % {"sent": sent},
            messages.SUCCESS,
        )


# django-axes (log-in lockouts) is labelled in Russian by a module of its own.
from . import admin_axes  # noqa: E402, F401
