"""Factories of the core app."""

import factory
from allauth.account.models import EmailAddress

from marketplace.models import User

PASSWORD = "correct-horse-42"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.com")
    name = factory.Faker("name", locale="ru_RU")
    city = "Москва"
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()
            if obj.email:
                # An existing account has confirmed its address (e-mail verification is mandatory).
                EmailAddress.objects.create(user=obj, email=obj.email, verified=True, primary=True)
