"""Wiring done once at start-up for sanctions (moderation.apps.ModerationConfig.ready calls connect())."""


def overview_figures(shop) -> dict:
    """The cabinet overview's «Предупреждения»: the shop's warnings, as the third-warning rule counts them."""
    from .services import warnings_count

    return {"warnings_count": warnings_count(shop)}


def connect() -> None:
    """Register hooks with the lower apps."""
    from shops.overview import register_overview

    register_overview(overview_figures)
