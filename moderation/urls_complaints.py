"""Moderation URLs: complaints (moderation/urls.py adds them)."""

from django.urls import path

from .views import complaints

urlpatterns: list = [
    path("complaints/", complaints.complaint_list, name="complaint-list"),
    path("complaints/new/", complaints.complaint_new, name="complaint-new"),
    path("complaints/<int:pk>/", complaints.complaint_detail, name="complaint-detail"),
    path("complaints/<int:pk>/photos/<int:photo_pk>/", complaints.complaint_photo, name="complaint-photo"),
    path("cabinet/complaints/", complaints.cabinet_complaints, name="cabinet-complaints"),
    path("cabinet/complaints/<int:pk>/answer/", complaints.cabinet_complaint_answer, name="cabinet-complaint-answer"),
]
