"""«Дружные скидки» for buyers: the page ``/referrals/``, sending invitations, and the link ``/r/<token>/``."""

from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST
from django_ratelimit.core import is_ratelimited

from marketplace.forms import call_service
from marketplace.security import client_ip

from .. import services
from ..forms import InviteForm
from ..friends import Outcome, new_browser_id
from ..invitations import first_name
from ..models import ReferralCode
from ..rounds import round_terms
from ..selectors import history_for, programme_state

BROWSER_COOKIE = "lavka_friend"
BROWSER_SALT = "referrals.browser"
BROWSER_MAX_AGE = 400 * 24 * 3600


def browser_id(request) -> str:
    """This browser's id from its signed first-party cookie ('' when it has none or it was tampered with)."""
    return request.get_signed_cookie(BROWSER_COOKIE, default="", salt=BROWSER_SALT)


def _set_browser(response, value: str) -> None:
    response.set_signed_cookie(BROWSER_COOKIE, value, salt=BROWSER_SALT, max_age=BROWSER_MAX_AGE, httponly=True,
                               samesite="Lax", secure=settings.SESSION_COOKIE_SECURE)  # fmt: skip


def page(request, form=None, status=200):
    state = programme_state()
    current = state["round"]
    context = {"round": current, "next_round": state["next_round"], "form": form}
    browser, fresh = browser_id(request), ""
    if request.user.is_authenticated:
        if not browser:
            browser = fresh = new_browser_id()
        if current is not None:
            link = services.link_for(user=request.user, round=current, browser=browser)
            code = ReferralCode.objects.filter(round=current, owner=request.user).first()
            needed = current.friends_needed
            context.update(
                link=link, code=code, terms=round_terms(current), form=form or InviteForm(),
                link_url=request.build_absolute_uri(link.get_absolute_url()),
                progress=min(100, round(100 * link.friends_count / needed)),
            )  # fmt: skip
        context["history"] = history_for(user=request.user, exclude_round=current)
    elif current is not None:
        context["terms"] = round_terms(current)
    response = render(request, "referrals/page.html", context, status=status)
    if fresh:
        _set_browser(response, fresh)
    return response


@require_POST
def invite(request):
    if not request.user.is_authenticated:
        return redirect("referrals:page")
    current = programme_state()["round"]
    if current is None:
        messages.error(request, _("The round is over: invitations wait for the next one."))
        return redirect("referrals:page")
    form = InviteForm(request.POST)
    if form.is_valid():
        if is_ratelimited(request, group="referrals.invite", key="user", rate="10/h", increment=True):
            form.add_error(None, _("You have sent many invitations in a row. Try again in an hour."))
            return page(request, form=form, status=429)
        link = services.link_for(user=request.user, round=current)
        sent = call_service(form, services.invitations_send, link=link, actor=request.user,
                            addresses_text=form.cleaned_data["addresses"],
                            own_text=form.cleaned_data["own_text"])  # fmt: skip
        if sent:
            text = ngettext("Invitation sent to %(count)d friend.", "Invitations sent to %(count)d friends.",
                            sent["sent"]) % {"count": sent["sent"]}  # fmt: skip
            if sent["skipped"]:
                text += " " + ngettext(
                    "%(count)d address was skipped: you invited it in this round already.",
                    "%(count)d addresses were skipped: you invited them in this round already.", sent["skipped"],
                ) % {"count": sent["skipped"]}  # fmt: skip
            messages.success(request, text)
            return redirect("referrals:page")
    return page(request, form=form, status=400)


def follow(request, token):
    """A friend's click on ``/r/<token>/``: a first visit gets the browser cookie and comes back
    (``?c=1``), so a client that keeps no cookies (a bot, a preview) never counts; then the
    counting rule decides, and the friend lands on the home page welcomed by the inviter's name."""
    browser = browser_id(request)
    if not browser and not request.GET.get("c"):
        response = redirect(f"{request.path}?c=1")
        _set_browser(response, new_browser_id())
        return response
    result = services.visit_record(token=token[:24], browser=browser, user=request.user, address=client_ip(request),
                                   user_agent=request.META.get("HTTP_USER_AGENT", "")[:500])  # fmt: skip
    link = result.link
    if link is not None and result.outcome == Outcome.INVITER:
        messages.info(request, _("This is your own link: send it to friends, your own clicks do not count."))
    elif link is not None:
        name = first_name(link.user)
        if result.outcome == Outcome.AWAITING_SIGNUP:
            messages.info(request, _("%(name)s invites you to Lavka, a marketplace of handmade things from small "
                                     "shops. Sign up to join in!") % {"name": name})  # fmt: skip
        else:
            messages.info(request, _("%(name)s invites you to Lavka, a marketplace of handmade things from small "
                                     "shops. Have a look around!") % {"name": name})  # fmt: skip
    return redirect("catalog:home")
