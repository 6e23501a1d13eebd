"""Adapters: security."""
