"""Writes of the core app."""

from django.db import transaction

from .models import User


@transaction.atomic
def user_update_profile(*, user: User, name: str, phone="", city: str = "") -> User:
    """Save the profile fields a person fills in at sign-up or on the profile page."""
    user.name = name
    user.phone = phone or ""
    user.city = city
    user.save(update_fields=["name", "phone", "city"])
    return user
