"""Orders models (the orders issue fills this app)."""
