"""Messaging models (the messaging issue fills this app)."""
