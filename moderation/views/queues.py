"""Pages of the moderation queues open to anyone: «Пожаловаться на фото» for a product's photo."""

from django.conf import settings
from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods
from django_ratelimit.core import get_usage

from catalog.models import Product
from marketplace.forms import call_service

from ..forms_queues import ImageReportForm
from ..services import image_claim_report

# Photo reports one address may send (django-ratelimit rate; cache-backed).
REPORT_RATE = "10/h"


def _usage(request, *, increment: bool):
    rate = getattr(settings, "MODERATION_IMAGE_REPORT_RATE", REPORT_RATE)
    return get_usage(request, group="moderation.image-report", key="ip", rate=rate, increment=increment)


@require_http_methods(["GET", "POST"])
def image_report(request, pk):
    """Anyone, signed in or not, flags one of a visible product's photos (the product page itself is
    cached for visitors, so the form with its CSRF token lives on this page of its own)."""
    product = get_object_or_404(Product.objects.visible().select_related("shop"), pk=pk)
    form = ImageReportForm(request.POST if request.method == "POST" else None, product=product, user=request.user,
                           initial={"image": request.GET.get("image")})  # fmt: skip
    status = 200
    if request.method == "POST":
        usage = _usage(request, increment=False)
        if usage is not None and usage["count"] >= usage["limit"]:
            form.add_error(None, _("You have sent many reports in a row. Try again in an hour."))
            status = 429
        elif form.is_valid() and call_service(
            form, image_claim_report, product=product, image=form.cleaned_data["image"],
            kind=form.cleaned_data["kind"], text=form.cleaned_data["text"], reporter=request.user,
            reporter_email=form.cleaned_data.get("email", ""), is_rights_holder=form.cleaned_data["is_rights_holder"],
        ):  # fmt: skip
            _usage(request, increment=True)
            messages.success(request, _("Thank you: the administration will look at the photo."))
            return redirect(product)
        else:
            status = 400
    return render(request, "moderation/queues/image_report.html", {"product": product, "form": form}, status=status)
