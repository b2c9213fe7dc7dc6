"""Seller cabinet pages of the shop's reviews: reading them and answering each once, in public."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from marketplace.forms import call_service
from shops.views.cabinet import seller_required

from .. import services
from ..forms import ReviewAnswerForm
from ..models import Review, ReviewKind
from ..selectors import reviews_for_cabinet

REVIEWS_PER_PAGE = 20


def _reviews_page(request, shop, *, bound=None, status=200):
    """The list; ``bound`` is (review id, form) for an answer that came back with errors."""
    page = Paginator(reviews_for_cabinet(shop=shop), REVIEWS_PER_PAGE).get_page(request.GET.get("page"))
    page.elided_range = page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1)
    for review in page.object_list:
        if bound and bound[0] == review.pk:
            review.answer_form = bound[1]
        elif review.may_answer:
            review.answer_form = ReviewAnswerForm(prefix=f"review{review.pk}", initial={"text": review.answer})
        else:
            review.answer_form = None
    return render(request, "orders/cabinet/reviews.html", {"shop": shop, "page": page}, status=status)


@seller_required
def review_list(request, shop):
    return _reviews_page(request, shop)


@seller_required
@require_POST
def review_answer(request, shop, pk):
    """Answer a review of this shop (another shop's review is a 404), or change the answer within a day."""
    review = get_object_or_404(Review.objects.filter(shop=shop), pk=pk)
    form = ReviewAnswerForm(request.POST, prefix=f"review{review.pk}")
    first = review.answered_at is None
    if form.is_valid() and call_service(form, services.review_answer, shop=shop, review=review,
                                        text=form.cleaned_data["text"]):  # fmt: skip
        messages.success(request, _("Your answer is changed.") if not first else
                         _("Your answer is published; the buyer gets an e-mail.") if review.kind == ReviewKind.BUYER
                         else _("Your answer is published."))  # fmt: skip
        return redirect(f"{reverse('orders:cabinet-reviews')}#review-{review.pk}")
    messages.error(request, _("The answer is not saved: see the form below."))
    return _reviews_page(request, shop, bound=(review.pk, form), status=400)
