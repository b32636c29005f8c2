"""Routing: every new ticket lands in a queue (see models.py and engine.py)."""
