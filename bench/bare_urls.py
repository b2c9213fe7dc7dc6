"""The bare stack's only page (bench/bare_settings.py)."""

from django.http import HttpResponse
from django.urls import path


def ping(request):
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [path("ping/", ping)]
