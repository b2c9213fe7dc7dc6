"""Pages of the core app: home, site rules, the buyer's profile."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from .forms import ProfileFields
from .services import user_update_profile


def home(request):
    return render(request, "marketplace/home.html")


def rules(request):
    return render(request, "marketplace/rules.html")


@login_required
@require_http_methods(["GET", "POST"])
def profile(request):
    user = request.user
    form = ProfileFields(request.POST or None, initial={"name": user.name, "phone": user.phone, "city": user.city})
    if request.method == "POST" and form.is_valid():
        user_update_profile(user=user, **form.cleaned_data)
        messages.success(request, _("Your profile has been saved."))
        return redirect("profile")
    return render(request, "marketplace/profile.html", {"form": form})
