"""Seller cabinet «Товары»: the product table and a product's tabs (main, photos, options, tiers, files)."""

import copy
import re

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_http_methods, require_POST

from marketplace.forms import call_service, parse_ids
from shops.views.cabinet import seller_required

from .. import services
from ..exceptions import CatalogError
from ..forms import (
    AddGlobalOptionForm,
    AttachmentForm,
    GlobalOptionForm,
    OptionGroupForm,
    ProductForm,
    ProductImagesForm,
    ResellerDocumentForm,
    tier_formset,
    tiers_from,
    variant_formset,
    variants_from,
)
from ..models import GlobalOptionChoice, OptionChoice, Product
from ..pricing import DiscountSource, price_line

PER_PAGE = 25
# ?sort= key → the column it orders by; price sorts by what the buyer pays (after the discount).
SORTS = {"title": "title", "price": "sale_price", "views": "views_count", "likes": "likes_count",
         "created": "created_at"}  # fmt: skip
DEFAULT_SORT = "-created"
SORT_CHOICES = [
    ("-created", gettext_lazy("Newest first")), ("created", gettext_lazy("Oldest first")),
    ("title", gettext_lazy("Title, A to Z")), ("-title", gettext_lazy("Title, Z to A")),
    ("price", gettext_lazy("Cheapest first")), ("-price", gettext_lazy("Most expensive first")),
    ("-views", gettext_lazy("Most viewed first")), ("views", gettext_lazy("Least viewed first")),
    ("-likes", gettext_lazy("Most liked first")), ("likes", gettext_lazy("Least liked first")),
]  # fmt: skip
STATUSES = {"on": True, "off": False}
LIST_FIELDS = [
    "id", "shop", "title", "price", "discount_percent", "sale_price", "availability", "stock", "production_days",
    "is_enabled", "is_hidden_by_moderation", "is_digital", "views_count", "likes_count", "created_at", "cover",
    "cover__image", "cover__width", "cover__height",  # ImageField reads its dimension fields when it is loaded
]  # fmt: skip


def _data(request):
    """(POST, FILES) of a submitted form, (None, None) on GET: an empty POST still gets its errors."""
    return (request.POST, request.FILES) if request.method == "POST" else (None, None)


def _product(shop, pk) -> Product:
    """Only the seller's own product; any other id is a 404."""
    return get_object_or_404(shop.products, pk=pk)


def _columns(sort: str) -> dict:
    """For each sortable column: the ?sort= a click on its header sets, and how it is sorted now."""
    columns = {}
    for key in SORTS:
        if sort == key:
            columns[key] = {"next": f"-{key}", "state": "asc"}
        elif sort == f"-{key}":
            columns[key] = {"next": key, "state": "desc"}
        else:
            # Names read A→Я first; numbers and dates show the biggest and newest first.
            columns[key] = {"next": key if key == "title" else f"-{key}", "state": ""}
    return columns


@seller_required
def product_list(request, shop):
    sort = request.GET.get("sort", DEFAULT_SORT)
    if sort.removeprefix("-") not in SORTS:
        sort = DEFAULT_SORT
    status = request.GET.get("status", "all")
    if status not in STATUSES:
        status = "all"
    query = " ".join(request.GET.get("q", "").split())[:120]

    products = shop.products.select_related("cover").only(*LIST_FIELDS)
    if status != "all":
        products = products.filter(is_enabled=STATUSES[status])
    if query:
        # iregex, not icontains: SQLite's LIKE folds ASCII only, Python's regex folds Cyrillic too.
        products = products.filter(title__iregex=re.escape(query))
    field = SORTS[sort.removeprefix("-")]
    ordering = [f"-{field}" if sort.startswith("-") else field, "-pk"]
    page = Paginator(products.order_by(*ordering), PER_PAGE).get_page(request.GET.get("page"))
    # A window of page numbers, not a link to every page of a big shop.
    page.elided_range = page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1)
    return render(
        request,
        "catalog/cabinet/products.html",
        {
            "shop": shop, "page": page, "products": page.object_list, "sort": sort, "status": status,
            "query": query, "columns": _columns(sort), "sort_choices": SORT_CHOICES,
            "filtered": bool(query) or status != "all",
        },
    )  # fmt: skip


@seller_required
@require_POST
def product_bulk(request, shop):
    """«Включить / Выключить» for the ticked products; ids of other shops are ignored by the service."""
    action = request.POST.get("action")
    ids = parse_ids(request.POST.getlist("ids"))
    if action not in ("enable", "disable"):
        messages.error(request, _("Choose whether to enable or disable the ticked products."))
    elif not ids:
        messages.warning(request, _("Tick the products first."))
    else:
        count = services.products_set_enabled(shop=shop, product_ids=ids, enabled=action == "enable")
        if action == "enable":
            text = ngettext("%(count)d product enabled.", "%(count)d products enabled.", count)
        else:
            text = ngettext("%(count)d product disabled.", "%(count)d products disabled.", count)
        messages.success(request, text % {"count": count})
    back = request.POST.get("next", "")
    list_url = reverse("catalog:cabinet-products")
    # Back to the same filtered page, but never anywhere outside the product table.
    return redirect(back if back.startswith(list_url + "?") else list_url)


@seller_required
@require_http_methods(["GET", "POST"])
def product_edit(request, shop, pk=None):
    product = _product(shop, pk) if pk else None
    # The form gets a copy: an invalid form must not rename the product in the page's header.
    form = ProductForm(_data(request)[0], instance=copy.copy(product), shop=shop)
    # The create page takes the first photos too, checked as on the «Фото» tab.
    photos_form = ProductImagesForm(*_data(request), product=None) if product is None else None
    if request.method == "POST" and all([form.is_valid(), photos_form is None or photos_form.is_valid()]):
        photos = photos_form.cleaned_data["images"] if photos_form else ()
        saved = call_service(
            form, services.product_save, shop=shop, product=product, fields=form.product_fields(),
            collection_ids=form.collection_ids(), images=photos,
        )  # fmt: skip
        if saved:
            messages.success(request, _created_message(saved, photos) if product is None else _("Saved."))
            return redirect("catalog:cabinet-product-edit", pk=saved.pk)
    # A page sent back with mistakes cannot keep the files chosen: the seller is told to choose them again.
    photos_lost = bool(photos_form and photos_form.is_bound and request.FILES.getlist("images"))
    return render(
        request,
        "catalog/cabinet/product_form.html",
        {"shop": shop, "product": product, "form": form, "photos_form": photos_form, "photos_lost": photos_lost},
    )


def _created_message(product, photos) -> str:
    values = {"title": product.title, "count": len(photos)}
    if product.is_enabled:
        return _("Product «%(title)s» created and enabled.") % values
    if photos:
        text = ngettext(
            "Product «%(title)s» created with %(count)d photo. Enable it when everything is ready.",
            "Product «%(title)s» created with %(count)d photos. Enable it when everything is ready.",
            len(photos),
        )
        return text % values
    return _("Product «%(title)s» created. Add its photos, then enable it when everything is ready.") % values


@seller_required
@require_http_methods(["GET", "POST"])
def product_images(request, shop, pk):
    product = _product(shop, pk)
    form = ProductImagesForm(*_data(request), product=product)
    if request.method == "POST" and form.is_valid():
        added = call_service(form, services.product_images_add, product=product, images=form.cleaned_data["images"])
        if added:
            count = len(added)
            messages.success(request, ngettext("%(count)d photo added.", "%(count)d photos added.", count) % {
                "count": count})  # fmt: skip
            return redirect("catalog:cabinet-product-images", pk=product.pk)
    photos = list(product.images.all())
    return render(
        request,
        "catalog/cabinet/product_images.html",
        {"shop": shop, "product": product, "form": form, "photos": photos, "max_images": services.MAX_IMAGES},
    )


@seller_required
@require_POST
def product_image_delete(request, shop, pk, image_pk):
    product = _product(shop, pk)
    services.product_image_delete(photo=get_object_or_404(product.images, pk=image_pk))
    messages.success(request, _("Photo deleted."))
    return redirect("catalog:cabinet-product-images", pk=product.pk)


def _moved(order: list[int], pk: int, request) -> list[int]:
    """``order`` with ``pk`` moved as the form asks: ``direction`` left/right/first/up/down (the
    buttons), or ``position``, the place counted from 0 it was dragged to."""
    index = order.index(pk)
    steps = {"left": index - 1, "up": index - 1, "right": index + 1, "down": index + 1, "first": 0}
    target = steps.get(request.POST.get("direction"), index)
    if request.POST.get("position", "").isdigit():
        target = int(request.POST["position"])
    target = max(0, min(target, len(order) - 1))
    order = list(order)
    order.insert(target, order.pop(index))
    return order


def _by_script(request) -> bool:
    """A move sent by cabinet.js (drag and drop): answered with a status, not a page."""
    return request.headers.get("X-Requested-With") == "fetch"


@seller_required
@require_POST
def product_image_move(request, shop, pk, image_pk):
    """Move a photo one place left or right, to the front (it becomes the cover), or where it was dragged."""
    product = _product(shop, pk)
    photo = get_object_or_404(product.images, pk=image_pk)
    order = list(product.images.values_list("pk", flat=True))
    try:
        services.product_images_reorder(product=product, ordered_ids=_moved(order, photo.pk, request))
    except CatalogError as error:
        if _by_script(request):
            return HttpResponse(str(error), status=409, content_type="text/plain; charset=utf-8")
        messages.error(request, str(error))
    if _by_script(request):
        return HttpResponse(status=204)
    return redirect("catalog:cabinet-product-images", pk=product.pk)


def _active_choices():
    return Prefetch("choices", queryset=OptionChoice.objects.active())


@seller_required
@require_http_methods(["GET", "POST"])
def product_options(request, shop, pk, group_pk=None):
    """The product's options, with a form to add one (or to edit the one in the URL)."""
    product = _product(shop, pk)
    group = get_object_or_404(product.option_groups, pk=group_pk) if group_pk else None
    if group is not None and request.method == "POST" and "direction" in request.POST:
        return _option_move(request, product, group)
    if group is not None and group.global_option_id:
        messages.info(request, _("«%(name)s» is a global option: edit it here, and every product using it follows.")
                      % {"name": group.name})  # fmt: skip
        return redirect("catalog:cabinet-global-option-edit", pk=group.global_option_id)
    data = _data(request)[0]
    form = OptionGroupForm(data, instance=copy.copy(group))
    variants = variant_formset(data, choices=group.choices.active() if group else ())
    # Both are validated, so that every mistake shows at once.
    if request.method == "POST" and all([form.is_valid(), variants.is_valid()]):
        saved = call_service(
            form, services.option_group_save, product=product, group=group, name=form.cleaned_data["name"],
            kind=form.cleaned_data["kind"], is_required=form.cleaned_data["is_required"],
            choices=variants_from(variants),
        )  # fmt: skip
        if saved:
            messages.success(request, _("Option «%(name)s» saved.") % {"name": saved.name})
            return redirect("catalog:cabinet-product-options", pk=product.pk)
    groups = product.option_groups.prefetch_related(_active_choices())
    return render(
        request,
        "catalog/cabinet/product_options.html",
        {"shop": shop, "product": product, "group": group, "groups": groups, "form": form, "variants": variants,
         "add_global": AddGlobalOptionForm(product=product)},
    )  # fmt: skip


def _option_move(request, product, group):
    """«Выше» / «Ниже» on the «Опции» tab: the option's own address takes the move, global ones too."""
    order = list(product.option_groups.values_list("pk", flat=True))
    try:
        services.option_groups_reorder(product=product, ordered_ids=_moved(order, group.pk, request))
    except CatalogError as error:
        messages.error(request, str(error))
    return redirect(reverse("catalog:cabinet-product-options", kwargs={"pk": product.pk}) + f"#option-{group.pk}")


@seller_required
@require_POST
def product_option_add_global(request, shop, pk):
    """«Добавить глобальную опцию» on the product's «Опции» tab."""
    product = _product(shop, pk)
    form = AddGlobalOptionForm(request.POST, product=product)
    if not form.is_valid():
        messages.error(request, _("Choose one of your global options."))
    else:
        try:
            group = services.global_option_add_to_product(product=product, option=form.cleaned_data["option"])
        except CatalogError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("Global option «%(name)s» added.") % {"name": group.name})
    return redirect("catalog:cabinet-product-options", pk=product.pk)


@seller_required
@require_POST
def product_option_delete(request, shop, pk, group_pk):
    product = _product(shop, pk)
    group = get_object_or_404(product.option_groups, pk=group_pk)
    services.option_group_delete(group=group)
    messages.success(request, _("Option «%(name)s» deleted.") % {"name": group.name})
    return redirect("catalog:cabinet-product-options", pk=product.pk)


@seller_required
@require_http_methods(["GET", "POST"])
def global_options(request, shop, pk=None):
    """«Опции»: the shop's global options, with a form to create one (or edit the one in the URL)."""
    option = get_object_or_404(shop.global_options, pk=pk) if pk else None
    data = _data(request)[0]
    form = GlobalOptionForm(data, instance=copy.copy(option))
    variants = variant_formset(data, choices=option.choices.active() if option else ())
    if request.method == "POST" and all([form.is_valid(), variants.is_valid()]):
        saved = call_service(
            form, services.global_option_save, shop=shop, option=option, name=form.cleaned_data["name"],
            kind=form.cleaned_data["kind"], is_required=form.cleaned_data["is_required"],
            choices=variants_from(variants),
        )  # fmt: skip
        if saved:
            messages.success(request, _("Option «%(name)s» saved.") % {"name": saved.name})
            return redirect("catalog:cabinet-global-options")
    options = shop.global_options.prefetch_related(
        Prefetch("choices", queryset=GlobalOptionChoice.objects.active())
    ).annotate(products_count=Count("product_groups__product", distinct=True))
    return render(
        request,
        "catalog/cabinet/global_options.html",
        {"shop": shop, "option": option, "options": options, "form": form, "variants": variants},
    )


def _tier_preview(product, tiers) -> list[dict]:
    """What the cart charges at each tier's quantity (catalog.pricing, the same call the cart
    makes): the best of the tier and the product's own discount, never a price nobody pays."""
    rows = []
    for tier in tiers:
        line = price_line(product=product, quantity=tier.min_quantity, tiers=tiers)
        rows.append({
            "quantity": tier.min_quantity, "tier": tier, "unit": line.unit, "total": line.total,
            "full": line.base_total,
            # «3 for 2 600 ₽» is 866,67 ₽ a piece only roughly; the total is exact.
            "approx": line.unit * tier.min_quantity != line.total,
            # Discounts do not stack: if the product discount is bigger, the buyer gets it instead.
            "product_discount_wins": line.source == DiscountSource.PRODUCT,
        })  # fmt: skip
    return rows


@seller_required
@require_http_methods(["GET", "POST"])
def product_wholesale(request, shop, pk):
    product = _product(shop, pk)
    tiers = list(product.wholesale_tiers.all())
    formset = tier_formset(_data(request)[0], tiers=tiers)
    if request.method == "POST" and formset.is_valid():
        # An empty list of tiers is a success too (all rows cleared), hence «is not None».
        saved = call_service(formset, services.wholesale_tiers_set, product=product, tiers=tiers_from(formset))
        if saved is not None:
            messages.success(request, _("Wholesale discounts saved."))
            return redirect("catalog:cabinet-product-wholesale", pk=product.pk)
    single = price_line(product=product, quantity=1, tiers=[])
    return render(
        request,
        "catalog/cabinet/product_wholesale.html",
        {"shop": shop, "product": product, "formset": formset, "preview": _tier_preview(product, tiers),
         "single": single},
    )  # fmt: skip


@seller_required
@require_http_methods(["GET", "POST"])
def product_files(request, shop, pk):
    """«Файлы»: files for buyers, and the seller's reseller document for the admin (two forms)."""
    product = _product(shop, pk)
    reseller_post = request.method == "POST" and request.POST.get("form") == "reseller"
    form = AttachmentForm(*(_data(request) if not reseller_post else (None, None)))
    reseller_form = ResellerDocumentForm(*(_data(request) if reseller_post else (None, None)))
    if reseller_post and reseller_form.is_valid():
        if call_service(reseller_form, services.product_reseller_document_set, product=product,
                        file=reseller_form.cleaned_data["document"]):  # fmt: skip
            messages.success(
                request, _("Document uploaded. The label appears once the site's administrator checks it.")
            )
            return redirect("catalog:cabinet-product-files", pk=product.pk)
    elif request.method == "POST" and not reseller_post and form.is_valid():
        attachment = call_service(
            form, services.attachment_add, product=product, title=form.cleaned_data["title"],
            file=form.cleaned_data["file"],
        )  # fmt: skip
        if attachment:
            messages.success(request, _("File «%(title)s» attached.") % {"title": attachment.title})
            return redirect("catalog:cabinet-product-files", pk=product.pk)
    return render(
        request,
        "catalog/cabinet/product_files.html",
        {
            "shop": shop,
            "product": product,
            "form": form,
            "reseller_form": reseller_form,
            "attachments": list(product.attachments.all()),
            "max_attachments": services.MAX_ATTACHMENTS,
        },  # fmt: skip
    )


@seller_required
@require_POST
def product_file_delete(request, shop, pk, file_pk):
    product = _product(shop, pk)
    attachment = get_object_or_404(product.attachments, pk=file_pk)
    services.attachment_delete(attachment=attachment)
    messages.success(request, _("File «%(title)s» deleted.") % {"title": attachment.title})
    return redirect("catalog:cabinet-product-files", pk=product.pk)


@seller_required
@require_http_methods(["GET", "POST"])
def collection_products(request, shop, pk):
    """A collection's products in the order buyers see them: add, move, remove."""
    collection = get_object_or_404(shop.collections, pk=pk)
    order = list(collection.items.order_by("position", "pk").values_list("product_id", flat=True))
    if request.method == "POST":
        action, product_id = request.POST.get("action", ""), parse_ids([request.POST.get("product")])
        if product_id:
            product_id = product_id[0]
            if action == "add" and product_id not in order:
                order.append(product_id)
            elif action == "remove" and product_id in order:
                order.remove(product_id)
            elif action in ("up", "down") and product_id in order:
                index = order.index(product_id)
                other = index - 1 if action == "up" else index + 1
                if 0 <= other < len(order):
                    order[index], order[other] = order[other], order[index]
            try:
                services.collection_items_set(collection=collection, product_ids=order)
            except CatalogError as error:
                messages.error(request, str(error))
            return redirect("catalog:cabinet-collection-products", pk=collection.pk)
    by_id = {p.pk: p for p in shop.products.filter(pk__in=order).select_related("cover")}
    members = [by_id[product_id] for product_id in order if product_id in by_id]
    others = shop.products.exclude(pk__in=order).order_by("title").only("pk", "title")
    return render(
        request,
        "catalog/cabinet/collection_products.html",
        {"shop": shop, "collection": collection, "members": members, "others": others},
    )
