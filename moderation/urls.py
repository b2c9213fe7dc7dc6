from django.urls import path

from .views import cabinet

app_name = "moderation"

urlpatterns = [
    path("trust/", cabinet.trust, name="cabinet-trust"),
    path("trust/apply/", cabinet.reliable_apply, name="reliable-apply"),
]
