"""Demo data of the core app: the demo accounts of DESIGN.md (password «lavka-demo»)."""

from dataclasses import dataclass, field

from .models import User

DEMO_PASSWORD = "lavka-demo"

DEMO_USERS = [
    # email, name, phone, city, staff
    ("admin@lavka.test", "Администратор Лавки", "+79000000001", "Москва", True),
    ("seller@lavka.test", "Анна Смирнова", "+79161234567", "Санкт-Петербург", False),
    ("seller2@lavka.test", "Игорь Петров", "+79037654321", "Казань", False),
    ("buyer@lavka.test", "Мария Иванова", "+79265550101", "Екатеринбург", False),
]


@dataclass
class DemoContext:
    """What each app's demo step made, for the steps of the apps above it."""

    users: dict[str, User] = field(default_factory=dict)
    extra: dict = field(default_factory=dict)


def seed(ctx: DemoContext) -> None:
    for email, name, phone, city, staff in DEMO_USERS:
        user = User.objects.filter(email=email).first()
        if user is None:
            user = User.objects.create_user(email, DEMO_PASSWORD, name=name, phone=phone, city=city)
        user.is_staff = user.is_superuser = staff
        user.save(update_fields=["is_staff", "is_superuser"])
        _verify_email(user)
        ctx.users[email] = user


def _verify_email(user: User) -> None:
    # Demo accounts are ready to use: their addresses count as confirmed.
    from allauth.account.models import EmailAddress

    EmailAddress.objects.update_or_create(user=user, email=user.email, defaults={"verified": True, "primary": True})
