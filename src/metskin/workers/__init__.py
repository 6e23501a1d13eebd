"""Dramatiq actors and broker set-up."""
