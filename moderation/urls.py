from django.urls import path

from . import urls_complaints, urls_queues, urls_sanctions
from .views import cabinet

app_name = "moderation"

urlpatterns = [
    path("cabinet/trust/", cabinet.trust, name="cabinet-trust"),
    path("cabinet/trust/apply/", cabinet.reliable_apply, name="reliable-apply"),
]

urlpatterns += urls_sanctions.urlpatterns + urls_complaints.urlpatterns + urls_queues.urlpatterns
