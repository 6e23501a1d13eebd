"""Adapters: notify."""
