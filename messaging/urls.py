from django.urls import path

from .views import cabinet, storefront

app_name = "messaging"

urlpatterns = [
    path("messages/", storefront.conversation_list, name="list"),
    path("messages/new/", storefront.conversation_new, name="new"),
    path("messages/unread/", storefront.unread_badge, name="unread-badge"),
    path("messages/<int:pk>/", storefront.conversation_detail, name="detail"),
    path("messages/<int:pk>/poll/", storefront.conversation_poll, name="poll"),
    path("messages/<int:pk>/files/<int:attachment_pk>/", storefront.attachment, name="attachment"),
    path("messages/<int:pk>/report/<int:message_pk>/", storefront.message_report, name="report"),
    path("cabinet/messages/", cabinet.conversation_list, name="cabinet-list"),
    path("cabinet/messages/replies/", cabinet.quick_replies, name="cabinet-replies"),
    path("cabinet/messages/replies/<int:pk>/", cabinet.quick_reply_edit, name="cabinet-reply-edit"),
    path("cabinet/messages/replies/<int:pk>/delete/", cabinet.quick_reply_delete, name="cabinet-reply-delete"),
    path("cabinet/messages/order/<str:number>/", cabinet.conversation_for_order, name="cabinet-order"),
    path("cabinet/messages/<int:pk>/", cabinet.conversation_detail, name="cabinet-detail"),
    path("cabinet/messages/<int:pk>/poll/", cabinet.conversation_poll, name="cabinet-poll"),
    path("cabinet/messages/<int:pk>/files/<int:attachment_pk>/", cabinet.attachment, name="cabinet-attachment"),
]
