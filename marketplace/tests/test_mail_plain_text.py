"""allauth's e-mails: the subject and text part are plain text, whatever the template forgets."""

import copy

import pytest
from django.contrib.sites.models import Site

from .factories import UserFactory

pytestmark = pytest.mark.django_db

NAME = "Д'Артаньян & Ко"


@pytest.fixture
def overridden_reset_mail(settings, tmp_path):
    """A project override of allauth's reset mail without {% autoescape off %}, as one is easily written."""
    folder = tmp_path / "account" / "email"
    folder.mkdir(parents=True)
    (folder / "password_reset_key_subject.txt").write_text("Пароль для {{ user.name }}\n")
    (folder / "password_reset_key_message.txt").write_text("Здравствуйте, {{ user.name }} <{{ user.email }}>!\n")
    (folder / "password_reset_key_message.html").write_text("<p>Здравствуйте, {{ user.name }}!</p>\n")
    templates = copy.deepcopy(settings.TEMPLATES)
    templates[0]["DIRS"] = [tmp_path, *templates[0]["DIRS"]]
    settings.TEMPLATES = templates


def test_allauth_text_mail_is_not_escaped_but_its_html_part_is(
    client, overridden_reset_mail, mailoutbox, django_capture_on_commit_callbacks
):
    UserFactory(email="d'artagnan@example.com", name=NAME)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/accounts/password/reset/", {"email": "d'artagnan@example.com"})
    assert response.status_code == 302
    (mail,) = mailoutbox
    assert mail.subject == f"[Лавка] Пароль для {NAME}"
    assert mail.body == f"Здравствуйте, {NAME} <d'artagnan@example.com>!"
    assert mail.alternatives == [("<p>Здравствуйте, Д&#x27;Артаньян &amp; Ко!</p>", "text/html")]


@pytest.fixture
def site_named(settings):
    settings.SITE_DOMAIN = "lavka.test"
    Site.objects.update(name=NAME, domain="lavka.test")
    Site.objects.clear_cache()
    yield
    Site.objects.clear_cache()  # the cached Site must not outlive this test's database


def test_allauth_own_reset_mail_greets_from_the_site_by_its_name_as_is(
    client, site_named, mailoutbox, django_capture_on_commit_callbacks
):
    UserFactory(email="anna@example.com")
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/accounts/password/reset/", {"email": "anna@example.com"})
    (mail,) = mailoutbox
    assert mail.body.startswith(f"Вас приветствует {NAME}!")
    assert mail.body.endswith("lavka.test")
    assert "&amp;" not in mail.body and "&#x27;" not in mail.body


def test_allauth_mail_names_the_domain_of_site_domain_not_the_migrated_row(
    client, settings, mailoutbox, django_capture_on_commit_callbacks
):
    """The Sites row keeps the port of the first `migrate`; `PORT=8001 make run` must mail :8001."""
    Site.objects.update(domain="127.0.0.1:8000")
    Site.objects.clear_cache()
    settings.SITE_DOMAIN = "127.0.0.1:8001"
    UserFactory(email="anna@example.com")
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/accounts/password/reset/", {"email": "anna@example.com"})
    Site.objects.clear_cache()
    (mail,) = mailoutbox
    assert mail.body.endswith("127.0.0.1:8001")
    assert "127.0.0.1:8000" not in mail.body
