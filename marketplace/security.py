"""Security helpers: how django-axes reads the user name from the several log-in forms."""


def axes_username(request, credentials):
    """The e-mail being tried, from allauth's form, the admin form or an authenticate() call."""
    credentials = credentials or {}
    value = credentials.get("email") or credentials.get("username") or credentials.get("login")
    if not value and request is not None and request.method == "POST":
        value = request.POST.get("login") or request.POST.get("username") or request.POST.get("email")
    return (value or "").strip().lower() or None
