"""Template filter «rub»: {{ product.price|rub }} → «1 990 ₽»."""

from django import template

from marketplace.money import format_rub

register = template.Library()


@register.filter
def rub(value):
    try:
        return format_rub(value)
    except (TypeError, ValueError):
        return ""
