"""Adapters: storage."""
