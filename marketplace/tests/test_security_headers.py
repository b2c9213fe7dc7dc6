"""X-Frame-Options and Content-Security-Policy come from one middleware (issue 19); a deployment
without it is told so by `check --deploy`."""

from django.core.checks import run_checks
from django.http import HttpResponse
from django.views.decorators.clickjacking import xframe_options_exempt

from marketplace.middleware import SecurityHeadersMiddleware


def test_every_page_is_sent_with_both_headers(client, db):
    response = client.get("/catalog/")
    assert response["X-Frame-Options"] == "DENY"
    assert "script-src 'self'" in response["Content-Security-Policy"]


def test_a_view_may_keep_its_own_policy_or_be_framed(rf):
    own = HttpResponse()
    own["Content-Security-Policy"] = "sandbox"
    framed = xframe_options_exempt(lambda request: HttpResponse())
    assert SecurityHeadersMiddleware(lambda request: own)(rf.get("/"))["Content-Security-Policy"] == "sandbox"
    assert "X-Frame-Options" not in SecurityHeadersMiddleware(framed)(rf.get("/"))


def test_the_policy_follows_the_settings(client, db, settings):
    settings.CONTENT_SECURITY_POLICY = {"DIRECTIVES": {"default-src": ["'none'"]}}
    assert client.get("/ping/")["Content-Security-Policy"] == "default-src 'none'"


def test_deploy_check_warns_when_no_middleware_sends_the_headers(settings):
    settings.MIDDLEWARE = [m for m in settings.MIDDLEWARE if m != "marketplace.middleware.SecurityHeadersMiddleware"]
    assert "marketplace.W001" in [message.id for message in run_checks(include_deployment_checks=True)]
