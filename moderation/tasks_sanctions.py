"""Celery tasks of the moderation app: sanctions (imported by tasks.py so the worker registers them)."""
