"""Wiring done once at start-up for complaints (moderation.apps.ModerationConfig.ready calls connect())."""


def connect() -> None:
    """Register hooks with the lower apps. Complaints need none: buyers file them from moderation's own
    pages (the lower apps' templates only link there), and the 24-hour check is a scheduled job."""
