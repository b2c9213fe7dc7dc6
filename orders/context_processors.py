"""The header's cart count."""

from .selectors import cart_count


def cart(request):
    return {"cart_count": cart_count(request)}
