"""Moderation URLs: sanctions (moderation/urls.py adds them)."""

from django.urls import path

from .views import contact, sanctions

urlpatterns: list = [
    path("cabinet/sanctions/", sanctions.cabinet_sanctions, name="cabinet-sanctions"),
    path("contact/", contact.contact, name="contact"),
]
