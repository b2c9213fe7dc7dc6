"""Wiring done once at start-up for queues (moderation.apps.ModerationConfig.ready calls connect())."""


def connect() -> None:
    """Register hooks with the lower apps: product photos (the image queue) and sellers' texts (contacts)."""
    from catalog.image_hooks import register_image_added, register_image_removing
    from marketplace.text_hooks import register_text_saved

    from .services.images import image_removing, image_uploaded
    from .services.texts import text_saved

    register_image_added(image_uploaded)
    register_image_removing(image_removing)
    register_text_saved(text_saved)
