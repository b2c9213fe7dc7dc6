"""Catalog models (the catalog issue fills this app)."""
