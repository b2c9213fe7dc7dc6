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


def demo_image(*, size: tuple[int, int], colors: tuple[str, str], text: str = "", seed: int = 0, fmt="JPEG"):
    """An abstract generated picture (a diagonal gradient, soft circles and a label): the demo's
    photos are composed by marketplace.demo_art; tests use this one as a plain photo-like image."""
    import io
    import random

    from django.core.files.base import ContentFile
    from PIL import Image, ImageDraw, ImageFont

    width, height = size
    rng = random.Random(seed)
    start, end = (
        Image.new("RGB", (1, 1), colors[0]).getpixel((0, 0)),
        Image.new("RGB", (1, 1), colors[1]).getpixel((0, 0)),
    )
    gradient = Image.linear_gradient("L").rotate(rng.choice([0, 90, 180, 270])).resize((width, height))
    image = Image.composite(Image.new("RGB", size, end), Image.new("RGB", size, start), gradient)
    draw = ImageDraw.Draw(image, "RGBA")
    for _ in range(6):
        r = rng.randint(min(size) // 8, min(size) // 3)
        x, y = rng.randint(0, width), rng.randint(0, height)
        draw.ellipse((x - r, y - r, x + r, y + r), fill=(255, 255, 255, rng.randint(25, 60)))
    if text:
        font_size = max(12, min(width // max(len(text), 1), height) // 2)
        try:
            font = ImageFont.truetype("DejaVuSans-Bold.ttf", font_size)
        except OSError:
            font = ImageFont.load_default(size=font_size)
        box = draw.textbbox((0, 0), text, font=font)
        position = ((width - (box[2] - box[0])) / 2, (height - (box[3] - box[1])) / 2 - box[1])
        draw.text(position, text, font=font, fill=(255, 255, 255, 235))
    buffer = io.BytesIO()
    image.save(buffer, fmt, quality=85)
    return ContentFile(buffer.getvalue(), name=f"demo-{seed}.{'jpg' if fmt == 'JPEG' else fmt.lower()}")
