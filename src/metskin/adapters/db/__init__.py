"""Adapters: db."""
