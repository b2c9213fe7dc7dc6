"""Seller cabinet pages of the shops app: opening a shop, its profile, vacation, collections."""

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from marketplace.forms import call_service
from marketplace.richtext import render_markdown

from .. import services
from ..forms import (
    AboutImageForm,
    CollectionForm,
    ContactMethodsForm,
    ShopAboutForm,
    ShopDeliveryForm,
    ShopImagesForm,
    ShopMainForm,
    ShopOpenForm,
    ShopRulesForm,
    VacationForm,
)
from ..models import Shop
from ..overview import overview_for
from ..selectors import shop_for


def seller_required(view):
    """Log-in required; the view gets the seller's own shop (404 for anyone without one)."""

    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        return view(request, shop_for(request.user), *args, **kwargs)

    return wrapper


def _checklist(shop, figures: dict) -> list[dict]:
    """«Оформите витрину»: what a storefront needs to look complete, each step with its page."""
    steps = []
    if "products_on" in figures:  # the catalog's figures (it registers them, and its pages)
        steps.append({"label": _("Add your first product"), "url": reverse("catalog:cabinet-product-new"),
                      "done": bool(figures["products_on"] or figures["products_off"])})  # fmt: skip
    steps += [
        {"label": _("Upload a logo"), "done": bool(shop.logo), "url": reverse("shops:cabinet-images")},
        {"label": _("Add a banner"), "done": bool(shop.banner), "url": reverse("shops:cabinet-images")},
        {"label": _("Tell buyers about yourself"), "done": bool(shop.about), "url": reverse("shops:cabinet-about")},
        {"label": _("Describe delivery and payment"), "done": shop.has_delivery_info,
         "url": reverse("shops:cabinet-delivery")},
        {"label": _("Write the shop's rules"), "done": shop.has_rules, "url": reverse("shops:cabinet-rules")},
    ]  # fmt: skip
    return steps


@login_required
def home(request):
    shop = Shop.objects.filter(owner=request.user).select_related("vacation").first()
    if shop is None:
        return redirect("shops:cabinet-open")
    figures = overview_for(shop)
    checklist = _checklist(shop, figures)
    done = sum(step["done"] for step in checklist)
    return render(
        request,
        "shops/cabinet/home.html",
        {"shop": shop, "figures": figures, **figures, "checklist": checklist if done < len(checklist) else [],
         "checklist_done": done},
    )  # fmt: skip


@login_required
@require_http_methods(["GET", "POST"])
def open_shop(request):
    if Shop.objects.filter(owner=request.user).exists():
        messages.info(request, _("You already have a shop."))
        return redirect("shops:cabinet-home")
    form = ShopOpenForm(request.POST or None, initial={"city": request.user.city})
    if request.method == "POST" and form.is_valid():
        shop = call_service(form, services.shop_open, owner=request.user, **form.cleaned_data)
        if shop:
            messages.success(
                request, _("Your shop «%(name)s» is open. Now make its storefront look complete.") % {"name": shop.name}
            )
            return redirect("shops:cabinet-home")
    return render(request, "shops/cabinet/open.html", {"form": form})


def _profile_section(request, shop, form_class, *, section, title, intro=""):
    """One section of «Профиль магазина»: a ModelForm on the shop, saved by shop_update()."""
    form = form_class(request.POST or None, instance=shop)
    if request.method == "POST" and form.is_valid():
        if call_service(form, services.shop_update, shop=shop, **form.shop_changes()):
            messages.success(request, _("Saved."))
            return redirect(request.path)
    return render(
        request,
        "shops/cabinet/section.html",
        {"shop": shop, "form": form, "section": section, "title": title, "intro": intro},
    )


@seller_required
@require_http_methods(["GET", "POST"])
def profile(request, shop):
    return _profile_section(request, shop, ShopMainForm, section="main", title=_("Shop profile"))


@seller_required
@require_http_methods(["GET", "POST"])
def delivery(request, shop):
    return _profile_section(
        request, shop, ShopDeliveryForm, section="delivery", title=_("Delivery and payment"),
        intro=_("Shown on your storefront and on every product. Describe payment systems, carriers, "
                "prepayment and payment for made-to-order items."),
    )  # fmt: skip


@seller_required
@require_http_methods(["GET", "POST"])
def rules(request, shop):
    return _profile_section(
        request, shop, ShopRulesForm, section="rules", title=_("Shop rules"),
        intro=_("Shown on your storefront and on every product. In a dispute with a buyer you can rely on them. "
                "Payment and prepayment terms are written once, in «Delivery and payment»."),
    )  # fmt: skip


@seller_required
@require_http_methods(["GET", "POST"])
def about(request, shop):
    form = ShopAboutForm(request.POST or None, instance=shop)
    preview = None
    if request.method == "POST" and "preview" in request.POST:
        # «Предпросмотр»: the text as the storefront will show it; nothing is saved. The form is
        # checked too, so that a phone number in the text is pointed out before «Сохранить».
        form.is_valid()
        preview = render_markdown(form.data.get("about", "")[: ShopAboutForm.MAX_PREVIEW])
        if request.headers.get("HX-Request"):
            return render(request, "shops/cabinet/_about_preview.html", {"preview": preview, "form": form})
    elif request.method == "POST" and form.is_valid():
        if call_service(form, services.shop_update, shop=shop, about=form.cleaned_data["about"]):
            messages.success(request, _("Saved."))
            return redirect("shops:cabinet-about")
    image_form = AboutImageForm()
    return render(
        request, "shops/cabinet/about.html", {"shop": shop, "form": form, "image_form": image_form, "preview": preview}
    )


@seller_required
@require_POST
def about_image_add(request, shop):
    image_form = AboutImageForm(request.POST, request.FILES)
    if image_form.is_valid() and call_service(
        image_form, services.about_image_add, shop=shop, image=image_form.cleaned_data["image"],
        caption=image_form.cleaned_data["caption"],
    ):  # fmt: skip
        messages.success(request, _("Image added."))
        return redirect("shops:cabinet-about")
    form = ShopAboutForm(instance=shop)
    return render(request, "shops/cabinet/about.html", {"shop": shop, "form": form, "image_form": image_form})


@seller_required
@require_POST
def about_image_delete(request, shop, pk):
    services.about_image_delete(about_image=get_object_or_404(shop.about_images, pk=pk))
    messages.success(request, _("Image deleted."))
    return redirect("shops:cabinet-about")


@seller_required
@require_http_methods(["GET", "POST"])
def images(request, shop):
    form = ShopImagesForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        if call_service(form, services.shop_set_images, shop=shop, **form.images()):
            if form.logo_cropped_from:
                width, height = form.logo_cropped_from
                messages.success(
                    request,
                    _("Saved. The logo was %(width)d×%(height)d pixels, so it was cut to a square: see how it "
                      "looks below. To keep another part, upload it again and choose which.")
                    % {"width": width, "height": height},
                )  # fmt: skip
            else:
                messages.success(request, _("Saved."))
            return redirect("shops:cabinet-images")
    return render(request, "shops/cabinet/images.html", {"shop": shop, "form": form, "section": "images"})


@seller_required
@require_http_methods(["GET", "POST"])
def contacts(request, shop):
    form = ContactMethodsForm(request.POST or None, initial={"contact_methods": shop.contact_methods})
    if request.method == "POST" and form.is_valid():
        if call_service(
            form, services.shop_set_contact_methods, shop=shop, methods=form.cleaned_data["contact_methods"]
        ):
            messages.success(request, _("Saved."))
            return redirect("shops:cabinet-contacts")
    return render(
        request,
        "shops/cabinet/section.html",
        {
            "shop": shop, "form": form, "section": "contacts", "title": _("Contact methods"),
            "intro": _("At checkout a buyer chooses how you should contact them, from the methods you tick here."),
        },
    )  # fmt: skip


@seller_required
@require_http_methods(["GET", "POST"])
def vacation(request, shop):
    current = getattr(shop, "vacation", None)
    form = VacationForm(request.POST or None, instance=current)
    if request.method == "POST" and form.is_valid():
        if call_service(form, services.vacation_set, shop=shop, **form.cleaned_data):
            messages.success(request, _("Vacation saved. Buyers see the notice on the dates you set."))
            return redirect("shops:cabinet-vacation")
    return render(request, "shops/cabinet/vacation.html", {"shop": shop, "form": form, "current": current})


@seller_required
@require_POST
def vacation_end(request, shop):
    services.vacation_end(shop=shop)
    messages.success(request, _("Welcome back! The vacation notice is gone."))
    return redirect("shops:cabinet-vacation")


@seller_required
def collections(request, shop):
    return render(request, "shops/cabinet/collections.html", {"shop": shop, "collections": shop.collections.all()})


@seller_required
@require_http_methods(["GET", "POST"])
def collection_edit(request, shop, pk=None):
    collection = get_object_or_404(shop.collections, pk=pk) if pk else None
    form = CollectionForm(request.POST or None, request.FILES or None, instance=collection)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        saved = call_service(
            form, services.collection_save, shop=shop, collection=collection, name=data["name"],
            cover=data["cover"], remove_cover=data["remove_cover"], position=data["position"],
        )  # fmt: skip
        if saved:
            messages.success(request, _("Collection «%(name)s» saved.") % {"name": saved.name})
            return redirect("shops:cabinet-collections")
    return render(request, "shops/cabinet/collection_form.html", {"shop": shop, "form": form, "collection": collection})


@seller_required
@require_POST
def collection_delete(request, shop, pk):
    collection = get_object_or_404(shop.collections, pk=pk)
    services.collection_delete(collection=collection)
    messages.success(request, _("Collection «%(name)s» deleted.") % {"name": collection.name})
    return redirect("shops:cabinet-collections")
