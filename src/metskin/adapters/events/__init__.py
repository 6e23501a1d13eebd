"""Adapters: events."""
