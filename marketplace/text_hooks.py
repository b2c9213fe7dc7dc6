"""Texts that sellers write (a shop's profile, a product's title and description), as apps above
see them: the app that saves a text tells the registered callbacks (moderation scans it for
contacts and links, seed 001 reason 6), so the lower apps never import the higher ones."""

from collections.abc import Callable, Iterable
from functools import partial

from django.db import transaction

# callback(model_label, pk, fields): "shops.shop" or "catalog.product", the row, the fields saved.
TextSaved = Callable[[str, int, tuple[str, ...]], None]

_callbacks: list[TextSaved] = []


def register_text_saved(callback: TextSaved) -> TextSaved:
    """``callback`` runs after the transaction that saved the texts commits. Registering twice adds once."""
    if callback not in _callbacks:
        _callbacks.append(callback)
    return callback


def text_saved(*, instance, fields: Iterable[str]) -> None:
    """Called by the owning app's service after it saved ``fields`` of ``instance``."""
    fields = tuple(fields)
    if not fields:
        return
    for callback in _callbacks:
        # robust: the text is saved whatever a callback does; its failure is logged (the daily scan catches up).
        transaction.on_commit(partial(callback, instance._meta.label_lower, instance.pk, fields), robust=True)
