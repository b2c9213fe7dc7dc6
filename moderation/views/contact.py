"""«Написать нам» (/contact/, linked from every page's footer): anyone writes to the administration; a
seller with an active sanction names it and describes the fix (seed 001)."""

from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods
from django_ratelimit.core import get_usage

from marketplace.forms import call_service, parse_ids

from .. import services
from ..forms_sanctions import ContactForm

# Guests write a few messages an hour per address (django-ratelimit counters, as orders/limits.py
# counts guest orders): only sent messages count, so correcting the form never holds anyone back.
CONTACT_RATE_PER_ADDRESS = getattr(settings, "CONTACT_RATE_PER_ADDRESS", "5/h")


def _guest_usage(request, *, increment: bool):
    return get_usage(request, group="moderation.contact.address", key="ip", rate=CONTACT_RATE_PER_ADDRESS,
                     increment=increment)  # fmt: skip


def _guest_allowed(request) -> bool:
    usage = _guest_usage(request, increment=False)
    return usage is None or usage["count"] < usage["limit"]


@require_http_methods(["GET", "POST"])
def contact(request):
    user = request.user
    signed_in = user.is_authenticated
    sanctions = services.sanctions_open_to_appeal(user)
    initial = {"name": user.name or "", "email": user.email} if signed_in else {}
    chosen = parse_ids([request.GET.get("sanction")])
    if chosen:
        initial["sanction"] = chosen[0]
    form = ContactForm(request.POST or None, sanctions=sanctions, initial=initial)
    status = 200
    if request.method == "POST":
        status = 400
        if not signed_in and not _guest_allowed(request):
            form.add_error(None, _("Too many messages from your address. Please try again in an hour, or log in."))
            status = 429
        elif form.is_valid():
            data = form.cleaned_data
            appeal = call_service(form, services.appeal_submit, author=user if signed_in else None, name=data["name"],
                                  email=data["email"], text=data["text"], sanction=data.get("sanction"))  # fmt: skip
            if appeal:
                if not signed_in:
                    _guest_usage(request, increment=True)
                messages.success(request, _("Your message has been sent. We answer by e-mail by %(date)s.")
                                 % {"date": appeal.deadline.strftime("%d.%m.%Y")})  # fmt: skip
                return redirect("moderation:cabinet-sanctions" if appeal.sanction_id else "moderation:contact")
    return render(request, "moderation/contact.html", {"form": form}, status=status)
