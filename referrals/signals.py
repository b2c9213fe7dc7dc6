"""allauth's sign-up, for rounds that count a friend only once they sign up (the browser they followed the link in)."""

from .friends import friend_signed_up


def on_user_signed_up(sender, request, user, **kwargs):
    from .views.buyer import browser_id

    if request is not None:
        friend_signed_up(browser=browser_id(request), user=user)
