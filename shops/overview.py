"""Figures for the cabinet's overview that apps above shops contribute.

The overview page lives in shops, the lowest app a seller's cabinet needs; apps higher in
the layer order (catalog: products on/off; later orders, messages, warnings) register a
function here in their AppConfig.ready(), so shops never imports them.
"""

from collections.abc import Callable

_providers: list[Callable] = []


def register_overview(provider: Callable) -> Callable:
    """``provider(shop) -> dict`` of template variables for the overview."""
    if provider not in _providers:
        _providers.append(provider)
    return provider


def overview_for(shop) -> dict:
    figures = {}
    for provider in _providers:
        figures.update(provider(shop))
    return figures
