"""Adapters: learned models (torch, CPU)."""
