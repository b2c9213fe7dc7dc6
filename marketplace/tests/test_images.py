import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils.translation import override
from PIL import Image

from marketplace.images import MAX_PIXELS, ImageSpec, clean_image

LOGO = ImageSpec(min_width=200, min_height=200, square=True, max_width=200, max_height=200)
BANNER = ImageSpec(min_width=1400, max_width=2400, max_height=1200)


def make_upload(size=(300, 300), fmt="JPEG", name="photo.jpg", exif=None, mode="RGB"):
    buffer = io.BytesIO()
    image = Image.new(mode, size, "#b4532a")
    kwargs = {"exif": exif} if exif is not None else {}
    image.save(buffer, fmt, **kwargs)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type=f"image/{fmt.lower()}")


def reopen(content_file):
    return Image.open(io.BytesIO(content_file.read()))


def error_of(upload, spec, label="Логотип"):
    with override("ru"), pytest.raises(ValidationError) as exc:
        clean_image(upload, spec, label=label)
    return exc.value.messages[0], exc.value.code


def test_logo_is_stored_as_200_square():
    cleaned = clean_image(make_upload((640, 640)), LOGO, label="Логотип")
    assert reopen(cleaned).size == (200, 200)
    assert cleaned.name == "photo.jpg"


def test_non_square_logo_says_what_it_is_and_what_it_needs():
    message, code = error_of(make_upload((640, 480)), LOGO)
    assert code == "not_square"
    assert message == "Логотип: 640×480 пикселей, а нужен квадрат не меньше 200×200."


def test_small_logo_is_refused():
    message, code = error_of(make_upload((150, 150)), LOGO)
    assert code == "too_small"
    assert message == "Логотип: 150×150 пикселей, а нужно не меньше 200×200 пикселей."


def test_narrow_banner_is_refused_with_the_width_it_needs():
    message, _ = error_of(make_upload((1200, 400)), BANNER, label="Баннер")
    assert message == "Баннер: 1200×400 пикселей, а нужно не меньше 1400 пикселей в ширину."


def test_large_banner_is_scaled_down_keeping_its_shape():
    cleaned = clean_image(make_upload((4800, 1200), fmt="PNG", name="b.png"), BANNER, label="Баннер")
    assert reopen(cleaned).size == (2400, 600)
    assert cleaned.name == "b.png"


def test_gif_and_non_images_are_refused():
    assert error_of(make_upload(fmt="GIF", name="a.gif", mode="P"), LOGO)[1] == "format"
    text = SimpleUploadedFile("evil.jpg", b"<?php echo 1; ?>", content_type="image/jpeg")
    message, code = error_of(text, LOGO)
    assert code == "invalid"
    assert "не читается как изображение" in message


def test_file_over_10_mb_is_refused():
    upload = make_upload((600, 600))
    upload.size = 11 * 1024 * 1024  # as the upload handler reports it; no need to build 11 MB
    message, code = error_of(upload, LOGO)
    assert code == "too_large"
    assert message == "Логотип: файл 11,0 МБ, а можно не больше 10 МБ."


def test_decompression_bomb_is_refused_without_decoding():
    side = int(MAX_PIXELS**0.5) + 100
    buffer = io.BytesIO()
    Image.new("1", (side, side)).save(buffer, "PNG")  # tiny file, huge picture
    upload = SimpleUploadedFile("bomb.png", buffer.getvalue(), content_type="image/png")
    assert upload.size < 1_000_000
    message, code = error_of(upload, BANNER)
    assert code == "bomb"
    assert "мегапикселей" in message


def test_exif_orientation_is_applied_and_metadata_stripped():
    exif = Image.Exif()
    exif[0x0112] = 6  # rotated 90° clockwise: a portrait photo stored as landscape
    exif[0x010F] = "PhoneMaker"
    upload = make_upload((1600, 1500), exif=exif.tobytes())
    cleaned = reopen(clean_image(upload, ImageSpec(min_width=1000), label="Фото"))
    assert cleaned.size == (1500, 1600)
    assert not cleaned.getexif()


def test_webp_with_alpha_stays_webp():
    cleaned = clean_image(make_upload((400, 400), fmt="WEBP", name="x.webp", mode="RGBA"), LOGO, label="Логотип")
    image = reopen(cleaned)
    assert image.format == "WEBP"
    assert image.size == (200, 200)
