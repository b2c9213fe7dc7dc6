"""Contacts and links in sellers' texts (seed 001, reason 6): found when a text is saved and by the
scheduled scan, one open hit per text; the admin removes them and warns the seller, or dismisses."""

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from catalog.models import Product
from catalog.services import product_update
from catalog.tests.factories import CategoryFactory, ProductFactory
from moderation.models import Sanction, SanctionKind, SanctionReason, TextHit, TextHitStatus
from moderation.services import (
    TextHitError,
    sanction_impose,
    text_hits_clean,
    text_hits_dismiss,
    texts_scan,
)
from moderation.tasks_queues import texts_scan_task
from shops.models import SanctionState, Shop
from shops.services import shop_open, shop_update
from shops.tests.factories import ShopFactory, UserFactory

pytestmark = pytest.mark.django_db

QUEUE = "/admin/moderation/texthit/"
PHONE = "+7 916 123-45-67"


@pytest.fixture
def shop():
    return ShopFactory(name="Мастерская Анны")


@pytest.fixture
def product(shop):
    return ProductFactory(shop=shop, title="Вигвам «Лес»", description="Сшит вручную из хлопка.")


@pytest.fixture
def saved(django_capture_on_commit_callbacks):
    """Run a service with its after-commit hooks, as a request would."""

    def run(service, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return service(**kwargs)

    return run


# --- Found on save -----------------------------------------------------------------------------------


def test_a_phone_in_a_saved_description_goes_to_the_queue(product, saved):
    saved(product_update, product=product, description=f"Сшит вручную. Звоните {PHONE}, отвечу.")
    hit = TextHit.objects.get()
    assert (hit.shop, hit.product, hit.field, hit.status) == (product.shop, product, "description", TextHitStatus.NEW)
    assert hit.found == [{"kind": "phone", "text": PHONE}]
    assert PHONE in hit.excerpt


def test_saving_again_keeps_one_open_hit_per_text(product, saved):
    saved(product_update, product=product, description=f"Звоните {PHONE}")
    saved(product_update, product=product, description=f"Звоните {PHONE}")
    saved(product_update, product=product, price=1200)
    saved(product_update, product=product, description=f"Звоните {PHONE} или пишите anna@example.com")
    hit = TextHit.objects.get()
    assert [item["text"] for item in hit.found] == [PHONE, "anna@example.com"]


def test_a_shop_s_texts_are_scanned_on_save(shop, saved):
    saved(shop_update, shop=shop, about="Мы в ВК: vk.com/anna_craft", rules_other="Без контактов.")
    hit = TextHit.objects.get()
    assert (hit.shop, hit.product, hit.field) == (shop, None, "about")
    assert hit.found == [{"kind": "messenger", "text": "ВК"}, {"kind": "url", "text": "vk.com/anna_craft"}]


def test_a_new_shop_s_tagline_is_scanned(saved):
    shop = saved(shop_open, owner=UserFactory(), name="Лён", slug="flax", city="Тверь",
                 tagline="Пишите anna@example.com")  # fmt: skip
    hit = TextHit.objects.get()
    assert (hit.shop, hit.field) == (shop, "tagline")


def test_a_clean_text_makes_no_hit(product, shop, saved):
    saved(product_update, product=product, description="Размер 120×150 см, вес 2 кг, 100% хлопок.")
    saved(shop_update, shop=shop, delivery_info="Отправляю Почтой России и СДЭК за 3 дня.")
    assert not TextHit.objects.exists()


def test_a_long_text_keeps_the_pieces_around_what_was_found(product, saved):
    description = "Очень длинное описание. " * 150 + f"Звоните {PHONE}. " + "Ещё текст. " * 100
    saved(product_update, product=product, description=description)
    hit = TextHit.objects.get()
    assert PHONE in hit.excerpt and len(hit.excerpt) <= 2000


# --- The scheduled scan ------------------------------------------------------------------------------


def test_the_scan_finds_texts_saved_before_and_adds_nothing_the_second_time(shop, product):
    # Written around the services (an old row, an admin's bulk edit): no hook ran.
    Product.objects.filter(pk=product.pk).update(title=f"Вигвам {PHONE}")
    Shop.objects.filter(pk=shop.pk).update(rules_returns="Возврат: пишите на anna@example.com")
    other = ProductFactory(description="Канал t.me/anna_craft")
    assert texts_scan(batch_size=1) == {"shops": 2, "products": 2, "hits": 3}
    assert set(TextHit.objects.values_list("field", "product_id")) == {
        ("title", product.pk), ("rules_returns", None), ("description", other.pk)}  # fmt: skip
    assert texts_scan(batch_size=2)["hits"] == 0
    assert TextHit.objects.count() == 3


def test_the_task_and_the_command_scan(product, capsys):
    Product.objects.filter(pk=product.pk).update(description=f"Звоните {PHONE}")
    assert texts_scan_task.delay().get()["hits"] == 1
    call_command("texts_scan", "--batch-size", "10")
    assert "hits: 0" in capsys.readouterr().out


def test_a_dismissed_finding_is_not_found_again_but_a_new_one_is(product, admin_user, saved):
    saved(product_update, product=product, description="Размер 8 916 123 45 67")  # a false phone, say
    text_hits_dismiss(hits=list(TextHit.objects.all()), actor=admin_user)
    assert texts_scan()["hits"] == 0
    saved(product_update, product=product, description="Размер 8 916 123 45 67")
    assert TextHit.objects.count() == 1
    saved(product_update, product=product, description="Размер 8 916 123 45 67, почта anna@example.com")
    assert TextHit.objects.filter(status=TextHitStatus.NEW).count() == 1


# --- Cleaning and warning ----------------------------------------------------------------------------


def test_cleaning_removes_the_contacts_and_warns_the_seller(product, admin_user, saved, mailoutbox):
    saved(product_update, product=product, description=f"Сшит вручную. Звоните {PHONE}, отвечу.")
    hit = TextHit.objects.get()
    warnings = saved(text_hits_clean, hits=[hit], actor=admin_user)
    product.refresh_from_db()
    hit.refresh_from_db()
    assert product.description == "Сшит вручную. Звоните, отвечу."
    assert "916" not in product.search_text
    assert (hit.status, hit.decided_by) == (TextHitStatus.CLEANED, admin_user)
    (warning,) = warnings
    assert (warning.kind, warning.reason, warning.product, warning.created_by) == (
        SanctionKind.WARNING, SanctionReason.CONTACTS, product, admin_user)  # fmt: skip
    assert PHONE in warning.details and PHONE in warning.evidence
    assert [mail.to for mail in mailoutbox] == [[product.shop.owner.email]]
    assert TextHit.objects.count() == 1  # the cleaned text, saved again, has nothing more


def test_one_warning_per_shop_for_texts_decided_together(shop, product, admin_user, saved, mailoutbox):
    saved(product_update, product=product, title=f"Вигвам {PHONE}", description="Пишите anna@example.com")
    saved(shop_update, shop=shop, about="Наш сайт anna-craft.ru", tagline="Звоните 8 916 123 45 67")
    other_shop_hit_product = ProductFactory(description="Пишите boris@example.com")  # its hook did not run
    texts_scan()
    assert TextHit.objects.count() == 5
    warnings = saved(text_hits_clean, hits=list(TextHit.objects.all()), actor=admin_user)
    assert sorted(warning.shop_id for warning in warnings) == sorted([shop.pk, other_shop_hit_product.shop_id])
    shop.refresh_from_db(), product.refresh_from_db()
    assert (shop.about, shop.tagline, product.title, product.description) == (
        "Наш сайт", "Звоните", "Вигвам", "Пишите")  # fmt: skip
    assert "<p>Наш сайт</p>" in shop.about_html
    assert sorted(mail.to[0] for mail in mailoutbox) == sorted(
        [shop.owner.email, other_shop_hit_product.shop.owner.email])  # fmt: skip
    assert all(len(mail.to) == 1 for mail in mailoutbox)


def test_the_third_warning_bans_the_shop(product, admin_user, saved, mailoutbox):
    for _ in range(2):
        sanction_impose(shop=product.shop, kind=SanctionKind.WARNING, reason=SanctionReason.QUALITY,
                        details="Жалоба подтверждена", notify_seller=False)  # fmt: skip
    saved(product_update, product=product, description=f"Звоните {PHONE}")
    saved(text_hits_clean, hits=list(TextHit.objects.all()), actor=admin_user)
    product.shop.refresh_from_db()
    assert product.shop.sanction_state == SanctionState.BANNED
    assert Sanction.objects.filter(shop=product.shop, kind=SanctionKind.BAN, lifted_at__isnull=True).exists()
    assert len(mailoutbox) == 2 and all(mail.to == [product.shop.owner.email] for mail in mailoutbox)


def test_a_title_that_would_be_left_empty_is_not_cleaned(product, admin_user, saved):
    saved(product_update, product=product, title=PHONE)
    with pytest.raises(TextHitError):
        text_hits_clean(hits=list(TextHit.objects.all()), actor=admin_user)
    product.refresh_from_db()
    assert product.title == PHONE
    assert TextHit.objects.get().status == TextHitStatus.NEW and not Sanction.objects.exists()


def test_decided_hits_are_not_decided_again(product, admin_user, saved):
    saved(product_update, product=product, description=f"Звоните {PHONE}")
    hits = list(TextHit.objects.all())
    text_hits_dismiss(hits=hits, actor=admin_user)
    with pytest.raises(TextHitError):
        text_hits_clean(hits=hits, actor=admin_user)
    assert not Sanction.objects.exists()


# --- The admin's queue --------------------------------------------------------------------------------


def test_the_queue_highlights_what_was_found(admin_client, product, saved):
    saved(product_update, product=product, description=f"Сшит <b>вручную</b>. Звоните {PHONE}")
    page = admin_client.get(QUEUE).content.decode()
    assert f"<mark>{PHONE}</mark>" in page
    assert "&lt;b&gt;вручную&lt;/b&gt;" in page  # the seller's text is escaped
    change = admin_client.get(f"{QUEUE}{TextHit.objects.get().pk}/change/").content.decode()
    assert f"<mark>{PHONE}</mark>" in change and 'name="_save"' not in change


def test_the_action_asks_first_then_cleans(admin_client, product, saved, mailoutbox,
                                           django_capture_on_commit_callbacks):  # fmt: skip
    saved(product_update, product=product, description=f"Сшит вручную. Звоните {PHONE}")
    hit = TextHit.objects.get()
    response = admin_client.post(QUEUE, {"action": "clean_and_warn", ACTION_CHECKBOX_NAME: [hit.pk]})
    assert response.status_code == 200
    page = response.content.decode()
    assert "Сшит вручную. Звоните" in page and f"<mark>{PHONE}</mark>" in page
    hit.refresh_from_db()
    assert hit.status == TextHitStatus.NEW and not Sanction.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(QUEUE, {"action": "clean_and_warn", "confirmed": "yes",
                                             ACTION_CHECKBOX_NAME: [hit.pk]})  # fmt: skip
    assert response.status_code == 302
    hit.refresh_from_db()
    assert hit.status == TextHitStatus.CLEANED
    assert Sanction.objects.get().reason == SanctionReason.CONTACTS
    assert len(mailoutbox) == 1


def test_the_dismiss_action(admin_client, product, saved):
    saved(product_update, product=product, description=f"Звоните {PHONE}")
    hit = TextHit.objects.get()
    admin_client.post(QUEUE, {"action": "dismiss", ACTION_CHECKBOX_NAME: [hit.pk]})
    hit.refresh_from_db()
    assert hit.status == TextHitStatus.DISMISSED
    assert not Sanction.objects.exists()


@pytest.mark.parametrize(("query", "expected"), [({"status__exact": "new"}, 1), ({"status__exact": "dismissed"}, 0)])
def test_the_queue_filters(admin_client, product, saved, query, expected):
    saved(product_update, product=product, description=f"Звоните {PHONE}")
    assert admin_client.get(QUEUE, query).context["cl"].result_count == expected


def _many_hits(count: int) -> None:
    category = CategoryFactory()
    shops = [ShopFactory() for _ in range(2)]
    products = Product.objects.bulk_create([
        Product(shop=shops[index % 2], category=category, title=f"Товар {index}", price=100, sale_price=100)
        for index in range(count)
    ])  # fmt: skip
    TextHit.objects.bulk_create([
        TextHit(shop_id=product.shop_id, product=product if index % 3 else None,
                field="description" if index % 3 else "about", excerpt=f"Звоните {PHONE}",
                found=[{"kind": "phone", "text": PHONE}])
        for index, product in enumerate(products)
    ])  # fmt: skip


def test_the_queue_costs_the_same_queries_for_3_and_300_hits(admin_client):
    _many_hits(3)
    admin_client.get(QUEUE)  # warm: the account and the badges come from the cache afterwards
    with CaptureQueriesContext(connection) as few:
        assert admin_client.get(QUEUE).status_code == 200
    _many_hits(297)
    with CaptureQueriesContext(connection) as many:
        response = admin_client.get(QUEUE)
    assert response.context["cl"].result_count == 300
    assert len(many) == len(few)
