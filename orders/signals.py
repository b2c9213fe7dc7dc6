"""Signal receivers of the orders app: thin wrappers that call services."""

from .models import Cart
from .selectors import SESSION_KEY, cart_pieces_forget
from .services import cart_merge


def merge_guest_cart(sender, request, user, **kwargs):
    """At log-in the cart a guest filled joins the account's cart."""
    if request is None or not hasattr(request, "session"):
        return
    cart_id = request.session.pop(SESSION_KEY, None)
    guest_cart = Cart.objects.filter(pk=cart_id, user__isnull=True).first() if cart_id else None
    if guest_cart is not None:
        cart_merge(source=guest_cart, target=Cart.objects.get_or_create(user=user)[0])


def cart_deleted(sender, instance, **kwargs):
    """A cart removed with its account: nothing cached may still count it."""
    cart_pieces_forget(instance)
