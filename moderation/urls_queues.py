"""Moderation URLs: queues (moderation/urls.py adds them)."""

from django.urls import path

from .views import queues

urlpatterns: list = [
    path("p/<int:pk>/report-image/", queues.image_report, name="image-report"),
]
