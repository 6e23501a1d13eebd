"""Adapters: vision."""
