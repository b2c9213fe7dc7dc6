"""The bare stack for the overhead comparison (bench/README.md): Lavka's settings, but only
Django's SecurityMiddleware and one URL answering «ok». Not used by the site."""

from marketplace.settings import *  # noqa: F403

MIDDLEWARE = ["django.middleware.security.SecurityMiddleware"]
ROOT_URLCONF = "bench.bare_urls"
INSTALLED_APPS = ["django.contrib.contenttypes"]
AUTH_USER_MODEL = "auth.User"
