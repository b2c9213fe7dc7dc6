"""Writes of the orders app, one module per subject: the cart, checkout, statuses, shipments
and their tracking, reviews. Callers import from here (``from orders import services``)."""

from .cart import (
    cart_add,
    cart_line_remove,
    cart_line_set_quantity,
    cart_merge,
    cart_open,
)
from .checkout import (
    order_place,
)
from .reviews import (
    review_add,
    review_answer,
    review_can_write,
    review_edit,
    review_is_own_shop,
    review_moderation_add,
    reviews_set_published,
)
from .shipments import (
    TRACKING_STALE_AFTER,
    shipment_add,
    shipment_delete,
    shipment_refresh,
    shipment_refresh_if_stale,
    shipment_refresh_queue,
    shipment_store_tracking,
    shipments_refresh_due,
)
from .statuses import (
    order_confirm,
    order_mark_received,
    order_transition,
    orders_cancel_unconfirmed_guest,
)

__all__ = [
    "TRACKING_STALE_AFTER",
    "cart_add",
    "cart_line_remove",
    "cart_line_set_quantity",
    "cart_merge",
    "cart_open",
    "order_confirm",
    "order_mark_received",
    "order_place",
    "order_transition",
    "orders_cancel_unconfirmed_guest",
    "review_add",
    "review_answer",
    "review_can_write",
    "review_edit",
    "review_is_own_shop",
    "review_moderation_add",
    "reviews_set_published",
    "shipment_add",
    "shipment_delete",
    "shipment_refresh",
    "shipment_refresh_if_stale",
    "shipment_refresh_queue",
    "shipment_store_tracking",
    "shipments_refresh_due",
]
