"""Admin views of the messaging app: what moderators need (reports, refused attempts, history)."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from marketplace.text_rules import Kind

from .models import Attachment, Conversation, Message, MessageReport, QuickReply, RefusedMessage


class NumberColumn:
    """The row's number as the first column (its link to the row's page)."""

    @admin.display(description=_("No."), ordering="pk")
    def number(self, obj):
        return obj.pk


class MessageInline(admin.TabularInline):
    model = Message
    extra = 0
    can_delete = False
    fields = ["created_at", "sender_side", "author", "text", "order", "read_at", "answered_at"]
    readonly_fields = fields
    show_change_link = True


@admin.register(Conversation)
class ConversationAdmin(NumberColumn, admin.ModelAdmin):
    list_display = ["number", "shop", "buyer", "started_by", "last_message_at"]
    list_select_related = ["shop", "buyer"]
    search_fields = ["shop__name", "buyer__email", "buyer__name"]
    readonly_fields = ["shop", "buyer", "started_by", "created_at", "last_message_at", "buyer_notified_at",
                       "shop_notified_at"]  # fmt: skip
    inlines = [MessageInline]


class AttachmentInline(admin.TabularInline):
    model = Attachment
    extra = 0
    fields = ["kind", "name", "size"]
    readonly_fields = fields


@admin.register(Message)
class MessageAdmin(NumberColumn, admin.ModelAdmin):
    list_display = ["number", "conversation", "sender_side", "created_at", "read_at", "answered_at"]
    list_filter = ["sender_side"]
    list_select_related = ["conversation__shop", "conversation__buyer"]
    search_fields = ["text"]
    readonly_fields = ["conversation", "sender_side", "author", "order", "product", "created_at", "read_at",
                       "answered_at", "notified_at"]  # fmt: skip
    inlines = [AttachmentInline]


@admin.register(MessageReport)
class MessageReportAdmin(NumberColumn, admin.ModelAdmin):
    list_display = ["number", "message", "reporter", "status", "created_at"]
    list_filter = ["status"]
    list_select_related = ["message", "reporter"]
    readonly_fields = ["message", "reporter", "reason", "created_at"]
    actions = ["mark_reviewed"]

    @admin.action(description=_("Mark as reviewed"))
    def mark_reviewed(self, request, queryset):
        queryset.update(status=MessageReport.Status.REVIEWED)


@admin.register(RefusedMessage)
class RefusedMessageAdmin(NumberColumn, admin.ModelAdmin):
    list_display = ["number", "shop", "author", "sender_side", "created_at"]
    list_filter = ["sender_side"]
    list_select_related = ["shop", "author"]
    fields = ["conversation", "shop", "sender_side", "author", "text", "reason", "found", "created_at"]
    readonly_fields = fields

    @admin.display(description=_("what was found"))
    def found(self, obj):
        return ", ".join(str(Kind(kind).label) if kind in Kind.values else kind for kind in obj.kinds) or "—"


@admin.register(QuickReply)
class QuickReplyAdmin(admin.ModelAdmin):
    list_display = ["title", "shop", "position"]
    list_select_related = ["shop"]
