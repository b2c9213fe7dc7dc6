"""Moderation models (the moderation issue fills this app)."""
