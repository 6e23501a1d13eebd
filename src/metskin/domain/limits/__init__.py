"""Limits: how often a client or an account may call the expensive or sensitive operations."""
