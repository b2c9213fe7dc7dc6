"""Complaint pages: the buyer files one (``/complaints/new/?order=…|shop=…|product=…|message=…``) and
follows it in «Мои жалобы»; the seller reads and answers them in the cabinet (``/cabinet/complaints/``)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST
from django_ratelimit.core import get_usage

from catalog.models import Product
from marketplace.forms import call_service
from marketplace.media import private_image
from messaging.models import Message, Side
from orders.models import Order
from shops.models import Shop
from shops.views.cabinet import seller_required

from ..forms_complaints import ComplaintAnswerForm, ComplaintForm
from ..models import Complaint, ComplaintPhoto, ComplaintStatus
from ..services import complaints as services

# A person files a few complaints a day at most; more is a script or a quarrel (django-ratelimit, per user).
FILING_RATE = "10/d"
PER_PAGE = 20
TARGET_PARAMS = ("order", "shop", "product", "message")


def _filing_usage(request, *, increment: bool):
    return get_usage(request, group="moderation.complaints", key="user", rate=FILING_RATE, increment=increment)


def _filing_allowed(request) -> bool:
    usage = _filing_usage(request, increment=False)
    return usage is None or usage["count"] < usage["limit"]


def _number(value: str) -> int:
    if not value.isdigit() or int(value) >= 2**63:
        raise Http404
    return int(value)


def _target(request) -> services.ComplaintTarget:
    """What the complaint is about, reached through the buyer: another buyer's order or conversation is a 404."""
    given = [(name, request.GET[name].strip()) for name in TARGET_PARAMS if request.GET.get(name, "").strip()]
    if len(given) != 1:
        raise Http404
    name, value = given[0]
    if name == "order":
        order = get_object_or_404(Order.objects.select_related("shop"), number=value, buyer=request.user)
        return services.complaint_target(order=order)
    if name == "shop":
        return services.complaint_target(shop=get_object_or_404(Shop, slug=value))
    if name == "product":
        product = get_object_or_404(Product.objects.visible().select_related("shop"), pk=_number(value))
        return services.complaint_target(product=product)
    message = get_object_or_404(
        Message.objects.select_related("conversation__shop", "conversation__buyer", "product"),
        pk=_number(value), conversation__buyer=request.user, sender_side=Side.SHOP,
    )  # fmt: skip
    return services.complaint_target(message=message)


@login_required
@require_http_methods(["GET", "POST"])
def complaint_new(request):
    target = _target(request)
    form = ComplaintForm(request.POST or None, request.FILES or None, kinds=target.kinds)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            if not _filing_allowed(request):
                form.add_error(None, _("You have sent many complaints today. Try again tomorrow, or write to us."))
                status = 429
            else:
                complaint = call_service(
                    form, services.complaint_file, author=request.user, kind=form.cleaned_data["kind"],
                    text=form.cleaned_data["text"], photos=form.cleaned_data["photos"], order=target.order,
                    shop=None if target.kind != "shop" else target.shop, product=target.product,
                    message=target.message,
                )  # fmt: skip
                if complaint:
                    _filing_usage(request, increment=True)
                    messages.success(request, _("Your complaint has been sent. The shop is told; the administration "
                                                "will decide and e-mail you."))  # fmt: skip
                    return redirect("moderation:complaint-detail", pk=complaint.pk)
    return render(request, "moderation/complaints/new.html", {"target": target, "form": form}, status=status)


@login_required
def complaint_list(request):
    page = Paginator(services.complaints_for_buyer(request.user), PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "moderation/complaints/list.html", {"page": page})


@login_required
def complaint_detail(request, pk):
    complaint = get_object_or_404(
        services.complaints_for_buyer(request.user).select_related("message").prefetch_related("photos"), pk=pk
    )
    return render(request, "moderation/complaints/detail.html", {"complaint": complaint})


def _cabinet_page(request, shop, *, failed=None, status=200):
    """``failed``: (complaint id, the answer form with its errors), shown in place of a fresh form."""
    page = Paginator(services.complaints_for_shop(shop), PER_PAGE).get_page(request.GET.get("page"))
    for complaint in page:
        if failed and failed[0] == complaint.pk:
            complaint.answer_form = failed[1]
        elif complaint.status == ComplaintStatus.NEW and complaint.seller_answered_at is None:
            complaint.answer_form = ComplaintAnswerForm(prefix=f"c{complaint.pk}")
        else:
            complaint.answer_form = None
    waiting = Complaint.objects.filter(shop=shop, status=ComplaintStatus.NEW, seller_answered_at__isnull=True).count()
    context = {"shop": shop, "page": page, "waiting": waiting}
    return render(request, "moderation/cabinet/complaints.html", context, status=status)


@seller_required
def cabinet_complaints(request, shop):
    return _cabinet_page(request, shop)


@seller_required
@require_POST
def cabinet_complaint_answer(request, shop, pk):
    complaint = get_object_or_404(Complaint, pk=pk, shop=shop)
    form = ComplaintAnswerForm(request.POST, prefix=f"c{complaint.pk}")
    if form.is_valid() and call_service(form, services.complaint_answer, complaint=complaint, actor=request.user,
                                        text=form.cleaned_data["text"]):  # fmt: skip
        messages.success(request, _("Your answer has been sent to the administration."))
        return redirect("moderation:cabinet-complaints")
    return _cabinet_page(request, shop, failed=(complaint.pk, form), status=400)


@login_required
def complaint_photo(request, pk, photo_pk):
    """A complaint's photo (private: it may show a buyer's home or parcel) for the complainant, the
    shop's owner and staff; anyone else gets a 404, as for a photo that does not exist."""
    photo = get_object_or_404(ComplaintPhoto.objects.select_related("complaint__shop"), pk=photo_pk, complaint_id=pk)
    user, complaint = request.user, photo.complaint
    if not (user.is_staff or user.pk == complaint.author_id or user.pk == complaint.shop.owner_id):
        raise Http404
    return private_image(photo.image)
