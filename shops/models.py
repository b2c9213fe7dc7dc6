"""Shops models (the shops issue fills this app)."""
