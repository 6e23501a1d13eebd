"""Implementations of the domain ports."""
