"""Adapters: rate-limit state, in this process or in Redis."""
