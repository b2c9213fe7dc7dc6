import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils.translation import override
from PIL import Image

from marketplace.images import MAX_PIXELS, ImageSpec, check_upload_size, clean_image

LOGO = ImageSpec(min_width=200, min_height=200, square=True, max_width=200, max_height=200)
BANNER = ImageSpec(min_width=1400, max_width=2400, max_height=1200)
PHOTO = ImageSpec(min_width=500, min_height=500, max_width=2000, max_height=2000)


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


# --- Checked from the header, before decoding (security review) ------------------------------


@pytest.fixture
def decoded(monkeypatch):
    """(format, size) of every image decoded during the test, at the size it was decoded at."""
    calls = []
    original = Image.Image.load

    def load(image):
        if getattr(image, "tile", None):  # a file with pixels still to decode; later calls are no-ops
            calls.append((image.format, image.size))
        return original(image)

    monkeypatch.setattr(Image.Image, "load", load)
    return calls


def rotated_exif():
    exif = Image.Exif()
    exif[0x0112] = 6  # shown turned 90°: width and height swap
    return exif.tobytes()


def test_30_megapixel_png_is_refused_from_its_header_without_decoding(decoded):
    buffer = io.BytesIO()
    Image.new("L", (6000, 5000), 200).save(buffer, "PNG")  # solid colour: a tiny file, a huge picture
    upload = SimpleUploadedFile("big.png", buffer.getvalue(), content_type="image/png")
    assert upload.size < 200_000
    message, code = error_of(upload, BANNER, label="Баннер")
    assert code == "bomb"
    assert message == "В изображении «Баннер» слишком много пикселей (больше 25 мегапикселей)."
    assert decoded == []


def test_pillows_global_pixel_limit_is_never_touched(monkeypatch):
    sentinel = 123_456_789
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", sentinel)
    seen = []
    original_open = Image.open

    def open_(*args, **kwargs):
        seen.append(Image.MAX_IMAGE_PIXELS)
        return original_open(*args, **kwargs)

    monkeypatch.setattr(Image, "open", open_)
    clean_image(make_upload((640, 640)), LOGO, label="Логотип")
    assert seen == [sentinel]  # not swapped for the call either: it is process-wide, not per request
    assert Image.MAX_IMAGE_PIXELS == sentinel
    with pytest.raises(ValidationError):
        clean_image(
            make_upload((MAX_PIXELS // 1000 + 1, 1000), fmt="PNG", name="big.png", mode="1"), BANNER, label="Баннер"
        )
    assert seen == [sentinel, sentinel]
    assert Image.MAX_IMAGE_PIXELS == sentinel


@pytest.mark.parametrize("fmt", ["JPEG", "PNG"])
def test_small_or_non_square_logo_is_refused_without_decoding(decoded, fmt):
    assert error_of(make_upload((150, 150), fmt=fmt), LOGO)[1] == "too_small"
    assert error_of(make_upload((640, 480), fmt=fmt), LOGO)[1] == "not_square"
    assert decoded == []


def test_sideways_photo_is_judged_as_shown_before_decoding(decoded):
    spec = ImageSpec(min_width=1000)
    # Stored 1500×600, shown 600×1500: too narrow.
    message, code = error_of(make_upload((1500, 600), exif=rotated_exif()), spec, label="Фото")
    assert (code, message) == ("too_small", "Фото: 600×1500 пикселей, а нужно не меньше 1000 пикселей в ширину.")
    assert decoded == []
    # Stored 600×1500, shown 1500×600: wide enough.
    assert reopen(clean_image(make_upload((600, 1500), exif=rotated_exif()), spec, label="Фото")).size == (1500, 600)


def test_normal_jpeg_is_decoded_whole_and_re_encoded(decoded):
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"
    upload = make_upload((1200, 900), exif=exif.tobytes())
    original = upload.read()
    cleaned = clean_image(upload, PHOTO, label="Фото")
    data = cleaned.read()
    assert data != original
    image = Image.open(io.BytesIO(data))
    assert (image.format, image.size) == ("JPEG", (1200, 900))
    assert not image.getexif()
    assert decoded == [("JPEG", (1200, 900))]


def test_big_jpeg_is_decoded_at_a_reduced_scale(decoded):
    assert reopen(clean_image(make_upload((4000, 4000)), LOGO, label="Логотип")).size == (200, 200)
    cover = ImageSpec(min_width=400, min_height=400, max_width=1200, max_height=1200)
    assert reopen(clean_image(make_upload((5000, 4000)), cover, label="Обложка")).size == (1200, 960)
    # Sideways: the box is applied to the picture as shown.
    small = ImageSpec(max_width=600, max_height=600)
    cleaned = reopen(clean_image(make_upload((4000, 3000), exif=rotated_exif()), small, label="Фото"))
    assert cleaned.size == (450, 600)
    # 1/8 of 4000 is 500 ≥ 2×200; 1/2 of 5000×4000 is ≥ 2×1200×960; 1/2 of 4000×3000 ≥ 2×600×450.
    assert decoded == [("JPEG", (500, 500)), ("JPEG", (2500, 2000)), ("JPEG", (2000, 1500))]


def test_png_is_decoded_whole_and_still_scaled_down(decoded):
    cleaned = clean_image(make_upload((3000, 1500), fmt="PNG", name="b.png"), BANNER, label="Баннер")
    assert reopen(cleaned).size == (2400, 1200)
    assert decoded == [("PNG", (3000, 1500))]


def test_upload_size_check_names_the_file_its_size_and_the_limit(settings):
    settings.MAX_UPLOAD_SIZE = 1024 * 1024
    check_upload_size(SimpleUploadedFile("ok.pdf", b"x" * (1024 * 1024)))  # exactly at the limit
    just_over = SimpleUploadedFile("schema.pdf", b"x" * (1024 * 1024 + 1))
    with override("ru"), pytest.raises(ValidationError) as exc:
        check_upload_size(just_over)
    assert exc.value.code == "too_large"
    assert exc.value.messages == ["schema.pdf: файл 1,1 МБ, а можно не больше 1 МБ."]
    # Images go through the same check, with the setting, not a number of their own.
    big = make_upload((600, 600))
    big.size = 1024 * 1024 + 1
    assert error_of(big, LOGO) == ("Логотип: файл 1,1 МБ, а можно не больше 1 МБ.", "too_large")
