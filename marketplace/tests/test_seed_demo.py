import pytest
from django.core.management import CommandError, call_command

from marketplace.demo import DEMO_PASSWORD
from marketplace.models import User

pytestmark = pytest.mark.django_db

DEMO_EMAILS = ["admin@lavka.test", "seller@lavka.test", "seller2@lavka.test", "buyer@lavka.test"]


def test_seed_demo_creates_every_demo_login(client):
    call_command("seed_demo")
    for email in DEMO_EMAILS:
        response = client.post("/accounts/login/", {"login": email, "password": DEMO_PASSWORD})
        assert response.status_code == 302, email
        client.post("/accounts/logout/")
    admin = User.objects.get(email="admin@lavka.test")
    assert admin.is_staff and admin.is_superuser
    assert not User.objects.get(email="buyer@lavka.test").is_staff


def test_seed_demo_refuses_a_non_empty_database():
    User.objects.create_user("someone@example.com", "x")
    with pytest.raises(CommandError, match="not empty"):
        call_command("seed_demo")
    assert User.objects.count() == 1


def test_seed_demo_skips_quietly_for_make_run():
    User.objects.create_user("someone@example.com", "x")
    call_command("seed_demo", skip_if_not_empty=True)
    assert User.objects.count() == 1


def test_seed_demo_force_is_idempotent():
    call_command("seed_demo")
    call_command("seed_demo", force=True)
    assert sorted(User.objects.values_list("email", flat=True)) == sorted(DEMO_EMAILS)
