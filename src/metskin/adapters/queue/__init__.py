"""Adapters: queue."""
