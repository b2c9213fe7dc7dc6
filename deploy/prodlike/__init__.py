"""`make prodlike`: production's processes on this machine (stack.py) and a journey through them (journey.py)."""
