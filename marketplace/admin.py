"""Admin for users and the e-mail outbox."""

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .models import OutboxMessage, User
from .notifications import outbox_resend_pending, outbox_retry


@admin.register(User)
class UserAdmin(BaseUserAdmin):
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
    list_display = ["created_at", "subject", "recipients", "template", "status", "attempts", "sent_at"]
    list_filter = ["status", "template"]
    search_fields = ["subject", "to"]
    date_hierarchy = "created_at"
    readonly_fields = [f.name for f in OutboxMessage._meta.fields]
    actions = ["retry_now", "send_due_now"]

    def has_add_permission(self, request):
        return False

    @admin.display(description=_("recipients"))
    def recipients(self, obj):
        return ", ".join(obj.to)

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
        self.message_user(request, _("%(sent)d e-mails sent.") % {"sent": sent}, messages.SUCCESS)
