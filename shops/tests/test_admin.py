"""Shops in the admin: a moderator's edit of «О нас» reaches the storefront like the seller's."""

import pytest

from marketplace.tests.factories import UserFactory
from shops.services import shop_update

from .factories import ShopFactory

pytestmark = pytest.mark.django_db


def change_form_data(response) -> dict:
    """What the admin change form would post back unchanged: its fields and its inlines."""
    data = {}
    forms = [response.context["adminform"].form]
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        forms += [formset.management_form, *formset.forms]
    for form in forms:
        for name in form.fields:
            value = form[name].value()
            if value is None or value is False or hasattr(value, "field"):  # unset, unticked, or a file
                continue
            data[form.add_prefix(name)] = "on" if value is True else value
    return data


def test_admin_edit_of_about_reaches_the_storefront(client):
    shop = ShopFactory(slug="masterskaya")
    shop_update(shop=shop, about="Старый текст о нас")
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    assert "Старый текст о нас" in client.get("/shops/masterskaya/about/").content.decode()

    url = f"/admin/shops/shop/{shop.pk}/change/"
    data = {**change_form_data(client.get(url)), "about": "Новый текст, **проверенный** модератором"}
    response = client.post(url, data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    page = client.get("/shops/masterskaya/about/").content.decode()
    assert "Новый текст, <strong>проверенный</strong> модератором" in page
    assert "Старый текст о нас" not in page
