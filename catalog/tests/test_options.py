"""Options (issue 11): stable variant ids, removed variants, global options, the «Опции» page."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from catalog import services
from catalog.exceptions import CatalogError
from catalog.models import GlobalOption, GlobalOptionChoice, OptionChoice, OptionGroup
from shops.tests.factories import ShopFactory

from .factories import ProductFactory

pytestmark = pytest.mark.django_db

OPTIONS_URL = "/cabinet/options/"


@pytest.fixture
def shop():
    return ShopFactory(name="Мастерская Анны", slug="masterskaya-anny")


@pytest.fixture
def product(shop):
    return ProductFactory(shop=shop, title="Вигвам", price=Decimal("2000"))


@pytest.fixture
def owner_client(client, shop):
    client.force_login(shop.owner)
    return client


def colour(**overrides):
    fields = {"name": "Цвет", "kind": "select", "is_required": True,
              "choices": [("Белый", Decimal("0")), ("Графит", Decimal("150"))]}  # fmt: skip
    return {**fields, **overrides}


def variants_data(name="Цвет", kind="select", required=True, variants=(), total=6, initial=0):
    data = {"name": name, "kind": kind, "variants-TOTAL_FORMS": str(total), "variants-INITIAL_FORMS": str(initial)}
    if required:
        data["is_required"] = "on"
    for index in range(total):
        row = variants[index] if index < len(variants) else ("", "")
        pk, variant_name, delta = row if len(row) == 3 else ("", *row)
        data.update({f"variants-{index}-id": pk, f"variants-{index}-name": variant_name,
                     f"variants-{index}-price_delta": delta})  # fmt: skip
    return data


# --- a product's own option ----------------------------------------------------------------


def test_saving_the_same_variants_again_keeps_every_id(product):
    group = services.option_group_save(product=product, **colour())
    before = list(group.choices.values_list("pk", flat=True))
    services.option_group_save(product=product, group=group, **colour(choices=[("Белый", Decimal("10")),
                                                                             ("Графит", Decimal("150"))]))  # fmt: skip
    assert list(group.choices.active().values_list("pk", flat=True)) == before
    assert group.choices.get(name="Белый").price_delta == Decimal("10")


def test_product_page_does_not_offer_a_removed_variant(client, product, django_capture_on_commit_callbacks):
    group = services.option_group_save(product=product, **colour())
    white, graphite = group.choices.all()
    assert f'value="{graphite.pk}"' in client.get(f"/p/{product.pk}/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):  # the cached page is dropped on commit
        services.option_group_save(product=product, group=group, **colour(
            choices=[(white.pk, "Белый", Decimal("0")), (None, "Синий", Decimal("0"))]))  # fmt: skip
    page = client.get(f"/p/{product.pk}/").content.decode()
    assert f'value="{white.pk}"' in page and "Синий" in page
    assert f'value="{graphite.pk}"' not in page and "Графит" not in page
    assert OptionChoice.objects.active().filter(pk=graphite.pk).count() == 0
    assert OptionChoice.objects.get(pk=graphite.pk).is_removed  # still there for the carts holding it


# --- global options ------------------------------------------------------------------------


def test_options_page_permission_matrix(client, shop):
    option = services.global_option_save(shop=shop, **colour())
    urls = [OPTIONS_URL, f"{OPTIONS_URL}{option.pk}/"]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 302 and response.url.startswith("/accounts/login/")
    client.force_login(ShopFactory().owner)
    assert client.get(urls[0]).status_code == 200  # their own (empty) list
    assert client.get(urls[1]).status_code == 404
    assert client.post(urls[1], variants_data(variants=[("A", ""), ("B", "")])).status_code == 404
    client.force_login(shop.owner)
    for url in urls:
        assert client.get(url).status_code == 200


def test_sidebar_links_to_options(owner_client):
    page = owner_client.get("/cabinet/").content.decode()
    assert f'href="{OPTIONS_URL}"' in page


def test_create_a_global_option_in_the_cabinet(owner_client, shop):
    data = variants_data(name="Упаковка", kind="radio", required=False, variants=[("Крафт", ""), ("Подарочная", "150")])
    response = owner_client.post(OPTIONS_URL, data)
    assert response.status_code == 302
    option = shop.global_options.get()
    assert (option.name, option.kind, option.is_required) == ("Упаковка", "radio", True)  # radio is always required
    assert list(option.choices.values_list("name", "price_delta")) == [
        ("Крафт", Decimal("0")), ("Подарочная", Decimal("150"))]  # fmt: skip
    page = owner_client.get(OPTIONS_URL).content.decode()
    assert "Подарочная" in page and "+150\xa0₽" in page


def test_bad_global_option_is_refused_and_nothing_is_saved(owner_client, shop):
    response = owner_client.post(OPTIONS_URL, variants_data(variants=[("Белый", ""), ("белый", "")]))
    assert response.status_code == 200 and "alert-danger" in response.content.decode()
    response = owner_client.post(OPTIONS_URL, variants_data(name="", variants=[("A", ""), ("B", "")]))
    assert response.context["form"].errors["name"]
    assert not GlobalOption.objects.exists()


def test_add_a_global_option_to_a_product_and_edit_it_everywhere(owner_client, shop, product):
    other = ProductFactory(shop=shop, title="Плед", price=Decimal("3000"))
    option = services.global_option_save(shop=shop, **colour())
    page = owner_client.get(f"/cabinet/products/{product.pk}/options/").content.decode()
    assert "Добавить глобальную опцию" in page or "Add a global option" in page
    for item in (product, other):
        response = owner_client.post(f"/cabinet/products/{item.pk}/options/add-global/", {"option": option.pk})
        assert response.status_code == 302
    group = product.option_groups.get()
    assert group.global_option_id == option.pk
    white, graphite = group.choices.all()
    assert (white.name, graphite.price_delta) == ("Белый", Decimal("150"))

    # Edited once in «Опции»: both products follow, the variants keep their ids.
    global_white, global_graphite = option.choices.all()
    response = owner_client.post(
        f"{OPTIONS_URL}{option.pk}/",
        variants_data(name="Цвет ткани", initial=2, variants=[
            (global_white.pk, "Белый", "0"), (global_graphite.pk, "Графит", "200"), ("", "Синий", "50")]),
    )  # fmt: skip
    assert response.status_code == 302
    for item in (product, other):
        copy = item.option_groups.get()
        assert copy.name == "Цвет ткани"
        assert list(copy.choices.active().values_list("name", "price_delta")) == [
            ("Белый", Decimal("0")), ("Графит", Decimal("200")), ("Синий", Decimal("50"))]  # fmt: skip
    assert list(group.choices.active().values_list("pk", flat=True))[:2] == [white.pk, graphite.pk]
    assert "Синий (+50\xa0₽)" in owner_client.get(f"/cabinet/products/{product.pk}/preview/").content.decode()

    # A variant removed from the global option is marked removed in every copy.
    owner_client.post(f"{OPTIONS_URL}{option.pk}/", variants_data(
        name="Цвет ткани", initial=3, variants=[(global_white.pk, "Белый", "0"), ("", "Синий", "50")]))  # fmt: skip
    graphite.refresh_from_db()
    assert graphite.is_removed
    assert GlobalOptionChoice.objects.get(pk=global_graphite.pk).is_removed


def test_a_products_copy_of_a_global_option_is_edited_only_in_options(owner_client, shop, product):
    option = services.global_option_save(shop=shop, **colour())
    group = services.global_option_add_to_product(product=product, option=option)
    response = owner_client.get(f"/cabinet/products/{product.pk}/options/{group.pk}/")
    assert response.status_code == 302 and response.url == f"{OPTIONS_URL}{option.pk}/"
    with pytest.raises(CatalogError):
        services.option_group_save(product=product, group=group, **colour())


def test_global_option_cannot_be_added_twice_or_to_another_shops_product(owner_client, shop, product):
    option = services.global_option_save(shop=shop, **colour())
    services.global_option_add_to_product(product=product, option=option)
    with pytest.raises(CatalogError):
        services.global_option_add_to_product(product=product, option=option)
    with pytest.raises(CatalogError):
        services.global_option_add_to_product(product=ProductFactory(), option=option)
    foreign = services.global_option_save(shop=ShopFactory(), **colour())
    owner_client.post(f"/cabinet/products/{product.pk}/options/add-global/", {"option": foreign.pk})
    assert list(product.option_groups.values_list("global_option", flat=True)) == [option.pk]


def test_a_global_variant_that_makes_a_products_price_zero_is_refused(shop, product):
    option = services.global_option_save(shop=shop, **colour())
    services.global_option_add_to_product(product=product, option=option)
    with pytest.raises(CatalogError, match="Вигвам|Вигвам"):
        services.global_option_save(shop=shop, option=option, **colour(choices=[("Мини", Decimal("-2000")),
                                                                              ("Макси", Decimal("0"))]))  # fmt: skip
    assert list(product.option_groups.get().choices.active().values_list("name", flat=True)) == ["Белый", "Графит"]


def test_radio_global_option_is_required_in_the_database_too(shop):
    with pytest.raises(ValidationError):
        GlobalOption(shop=shop, name="Размер", kind="radio", is_required=False).full_clean()
    option = services.global_option_save(shop=shop, **colour(kind="radio", is_required=False))
    assert option.is_required


@pytest.mark.parametrize("count", [3, 300])
def test_options_page_makes_the_same_queries_for_3_and_300_options(owner_client, shop, count,
                                                                   django_assert_max_num_queries):  # fmt: skip
    options = GlobalOption.objects.bulk_create(GlobalOption(shop=shop, name=f"Опция {i}") for i in range(count))
    GlobalOptionChoice.objects.bulk_create(
        GlobalOptionChoice(option=option, name=name) for option in options for name in ("A", "B")
    )
    # session, user, shop, options, their variants; messages/savepoints aside
    with django_assert_max_num_queries(7):
        response = owner_client.get(OPTIONS_URL)
    assert response.status_code == 200
    assert response.content.decode().count('class="list-inline-item option-variant"') == 2 * count


def test_option_groups_keep_working_when_their_global_option_is_gone(shop, product):
    option = services.global_option_save(shop=shop, **colour())
    group = services.global_option_add_to_product(product=product, option=option)
    option.delete()
    group = OptionGroup.objects.get(pk=group.pk)
    assert group.global_option_id is None and group.choices.active().count() == 2
